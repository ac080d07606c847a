//! Front matter read by the flat reader must read exactly as saphyr reads
//! it (values, types and positions); anything else must go to saphyr.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        tandem_fuzz::on_small_stack(|| tandem::frontmatter::yaml::assert_flat_reader_agrees(text));
    }
});
