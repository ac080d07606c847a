//! Load a mutated site through relation resolution, lint and Markdown.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tandem_fuzz::load(data));
