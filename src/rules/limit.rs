//! A file or record goes over a resource ceiling.
//!
//! factkit refuses to read a file larger than `max_file_size` (default 100 MiB), and to check
//! a record nested deeper than `max_depth` (default and most 128) or holding a string longer
//! than `max_string_length` (default 10 MiB), so a hostile file cannot exhaust memory or
//! time. The finding names the ceiling and how to raise it (`[limits]` in factkit.toml); the
//! rest of the dataset is still checked. See `limits` in the library documentation.
//!
//! Fails (with `[limits]` `max_string_length = 8`):
//!
//! ```json
//! {"kind": "entity", "id": "nac", "type": "organization", "name": "National Atomic Company"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "entity", "id": "nac", "type": "organization", "name": "NAC"}
//! ```
