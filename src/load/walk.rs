//! Finding the record files under a directory, and what to say about those that cannot be
//! read.
//!
//! The walk is in file-name order, skips hidden files and folders, and follows symbolic
//! links that stay inside the folder being walked (the dataset root). Record files are
//! confined like archives: a link to a file or folder whose target, once every link is
//! resolved, lies outside the root (`env.jsonl -> /proc/self/environ`, `leak.yaml ->
//! ../secret.txt`) is a `read` finding at the link's path and is never opened, unless the
//! caller allows it (`--follow-links`). A file named on the command line is the user's own
//! choice and is read wherever a link leads. Whatever goes wrong with one entry of the
//! directory (a symbolic-link loop, a link whose target is gone, a file that vanished or
//! cannot be opened, a FIFO or device named like a record file, a file over the size
//! ceiling) is a `read` or `limit` finding at that path, and the rest of the dataset is
//! still read and checked. Only a path named on the command line that cannot be read stops
//! the run (exit 2). Nothing here parses or prints.

use std::path::{Path, PathBuf};

use super::Format;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::error::Error;

/// Record files under `dir`, in a stable order; problems with entries go to `findings`.
/// A symbolic link that leads outside `dir` is reported and not followed, unless
/// `follow_links`.
pub(super) fn discover(
    dir: &Path,
    follow_links: bool,
    findings: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    // The root with its own links resolved: naming a linked folder is the user's choice.
    let root = if follow_links {
        None
    } else {
        match std::fs::canonicalize(dir) {
            Ok(root) => Some(root),
            Err(e) => {
                findings.push(unreadable(
                    dir,
                    format!("cannot read this folder: {e}"),
                    "check that the folder exists and can be read",
                ));
                return files;
            }
        }
    };
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let (message, help) = if e.loop_ancestor().is_some() {
                    (
                        "a symbolic link points back to a folder that contains it (a loop); it was not followed".to_owned(),
                        "remove the link, or point it at a folder that does not contain it",
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
        let is_dir = entry.file_type().is_dir();
        if let Some(root) = &root {
            if entry.depth() > 0
                && entry.path_is_symlink()
                && (is_dir || Format::of_path(entry.path()).is_some())
            {
                if let Some(finding) = escapes(entry.path(), dir, root, is_dir) {
                    findings.push(finding);
                    if is_dir {
                        walker.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        if Format::of_path(entry.path()).is_none() || is_dir {
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

/// The `read` finding for the symbolic link at `path` (a file, or a folder when `is_dir`)
/// when its target lies outside `root` (the canonical form of `dir`); None when it stays
/// inside.
fn escapes(path: &Path, dir: &Path, root: &Path, is_dir: bool) -> Option<Diagnostic> {
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(root) => None,
        Ok(_) => {
            let what = if is_dir {
                "nothing under it was read"
            } else {
                "it was not read"
            };
            Some(unreadable(
                path,
                format!(
                    "this symbolic link leads outside the dataset folder `{}`; {what}",
                    dir.display()
                ),
                "copy what it points to into the dataset, or pass `--follow-links` to read what links outside it lead to",
            ))
        }
        Err(e) => Some(unreadable(
            path,
            format!("cannot read this entry of the dataset: {e}"),
            "a symbolic link whose target is gone, or a file removed during the run; fix or remove it",
        )),
    }
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
