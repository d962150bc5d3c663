//! Finding the record files under a directory, and what to say about those that cannot be
//! read.
//!
//! The walk is in file-name order, skips hidden files and folders, and follows symbolic
//! links. Whatever goes wrong with one entry of the directory (a symbolic-link loop, a link
//! whose target is gone, a file that vanished or cannot be opened, a FIFO or device named like
//! a record file, a file over the size ceiling) is a `read` or `limit` finding at that path,
//! and the rest of the dataset is still read and checked. Only a path named on the command
//! line that cannot be read stops the run (exit 2). Nothing here parses or prints.

use std::path::{Path, PathBuf};

use super::Format;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::error::Error;

/// Record files under `dir`, in a stable order; problems with entries go to `findings`.
pub(super) fn discover(dir: &Path, findings: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let (message, help) = if e.loop_ancestor().is_some() {
                    (
                        "a symbolic link points back to a folder that contains it (a loop); it was not followed".to_owned(),
                        "remove the link, or point it outside the dataset",
                    )
                } else {
                    let cause = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    (
                        format!("cannot read this entry of the dataset: {cause}"),
                        "a symbolic link whose target is gone, or a file removed during the run; fix or remove it",
                    )
                };
                findings.push(unreadable(&path, message, help));
                continue;
            }
        };
        if Format::of_path(entry.path()).is_none() || entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        } else {
            findings.push(unreadable(
                entry.path(),
                "this is not a regular file (a FIFO, socket or device named like a record file); it was not read".into(),
                "rename it, or move it out of the dataset",
            ));
        }
    }
    files
}

/// Refuses a record file named on the command line that is not a regular file (a FIFO or
/// device named `x.json`): reading it could block forever.
pub(super) fn regular_file(path: &Path, meta: &std::fs::Metadata) -> Result<(), Error> {
    if meta.is_file() {
        return Ok(());
    }
    Err(Error::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(
            "it is not a regular file (a FIFO, socket or device); pass `-` and pipe it to standard input instead",
        ),
    })
}

/// A `read` finding: the file at `path` could not be read.
pub(super) fn unreadable(path: &Path, message: String, help: &str) -> Diagnostic {
    Diagnostic::new("read", Severity::Error, message)
        .help(help)
        .with_location(Location {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            span: 0..0,
            cell: None,
        })
}
