//! Fuzz target `load_json`: see `factkit::fuzzing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    factkit::fuzzing::run("load_json", data);
});
