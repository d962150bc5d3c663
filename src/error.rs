//! Failures of a run: what stops factkit from checking at all.
//!
//! A record that breaks a rule is not an error but a [`Diagnostic`](crate::diagnostic::Diagnostic).
//! An [`Error`] is for what the user must fix before anything can be checked: a path that
//! does not exist, an unreadable file, a broken schema or configuration, a bad flag value.
//! The CLI turns every `Error` into exit code 2.

use std::path::PathBuf;

/// What made a run fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path given on the command line does not exist.
    #[error("`{}` does not exist: check the path, or run factkit from the dataset's folder", .0.display())]
    NotFound(PathBuf),
    /// A directory given on the command line holds no record files.
    #[error("no record files (.json, .jsonl, .yaml, .yml, .csv) under `{}`: check the path", .0.display())]
    NoRecords(PathBuf),
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file given by name has an extension factkit does not read.
    #[error("`{}` is not a record file: factkit reads .json, .jsonl, .yaml, .yml and .csv files", .0.display())]
    UnsupportedFile(PathBuf),
    /// A bundled or user schema does not compile.
    #[error("schema `{name}` is invalid: {message}")]
    Schema {
        /// Which schema.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// A value given on the command line or in a configuration is invalid.
    #[error("{0}")]
    Usage(String),
    /// A configuration file (`factkit.toml`) is invalid: what is wrong, where, and what to do.
    #[error("`{}`, line {line}, column {column}: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column, in Unicode scalar values.
        column: usize,
        /// What is wrong and what to do.
        message: String,
    },
    /// Writing output failed.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The path written to (`-` for standard output).
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// The error for an I/O failure on `path`: [`Error::NotFound`] when it does not exist,
    /// else [`Error::Read`] with the cause.
    pub fn reading(path: &std::path::Path, source: std::io::Error) -> Error {
        match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound(path.to_path_buf()),
            _ => Error::Read {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}
