//! Fuzz target `span_map`: see `factkit::fuzzing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    factkit::fuzzing::run("span_map", data);
});
