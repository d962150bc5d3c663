//! Fuzz target `load_yaml`: see `factkit::fuzzing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    factkit::fuzzing::run("load_yaml", data);
});
