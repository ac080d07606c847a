//! `tandem import`: whatever a calendar file or a table holds, reading it
//! never panics, and every draft it makes is a file tandem reads.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tandem_fuzz::on_small_stack(|| tandem::import::assert_reads_anything(data));
});
