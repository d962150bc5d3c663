//! Fuzz target `load_jsonl`: see `src/fuzzing.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    factkit::fuzz("load_jsonl", data);
});
