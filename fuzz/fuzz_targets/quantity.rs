//! Fuzz target `quantity`: see `factkit::fuzzing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    factkit::fuzzing::run("quantity", data);
});
