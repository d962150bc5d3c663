//! Parses every line of a JSON Lines file into a `serde_json::Value`, on one thread, and
//! prints the number of records: the floor any validator of the same file pays.

use std::io::{BufRead, BufReader};

fn main() {
    let path = std::env::args().nth(1).expect("usage: factkit-bench-floor FILE.jsonl");
    let file = std::fs::File::open(&path).expect("cannot open the input");
    let mut records = 0usize;
    for line in BufReader::with_capacity(1 << 20, file).lines() {
        let line = line.expect("cannot read the input");
        if line.trim().is_empty() {
            continue;
        }
        // A planted syntax error is a line serde_json rejects; the floor skips it.
        if serde_json::from_str::<serde_json::Value>(&line).is_ok() {
            records += 1;
        }
    }
    println!("{records}");
}
