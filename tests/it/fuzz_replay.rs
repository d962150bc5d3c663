//! Replays the fuzz corpus and every crash the fuzzers found through the same entry points
//! the fuzz targets call (`factkit::fuzzing::run`), so `cargo test` guards against
//! regressions without fuzzing. Corpus: `fuzz/corpus/<target>/`; crashes:
//! `fuzz/regressions/<target>/`. A panic here is a fuzz finding come back.

use std::path::Path;

fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder);
    let mut count = 0;
    for target in factkit::fuzzing::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        files.sort();
        for file in files {
            // A running fuzzer adds and removes corpus files; one gone since the listing
            // is skipped (in CI nothing fuzzes).
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let ok = std::panic::catch_unwind(|| factkit::fuzzing::run(target, &bytes));
            assert!(
                matches!(ok, Ok(true)),
                "fuzz target `{target}` fails on {}",
                file.display()
            );
            count += 1;
        }
    }
    count
}

#[test]
fn the_saved_corpus_replays_without_a_panic() {
    let n = replay("corpus");
    assert!(n >= 50, "only {n} corpus files: is fuzz/corpus/ missing?");
}

#[test]
fn every_crash_found_replays_without_a_panic() {
    replay("regressions");
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for target in factkit::fuzzing::TARGETS {
        let file = root.join(format!("{target}.rs"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains(&format!("run(\"{target}\"")),
            "{}",
            file.display()
        );
    }
    assert!(!factkit::fuzzing::run("no-such-target", b""));
}
