//! The whole in-memory build of a mutated site (pages, feeds).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem_fuzz::build(data));
