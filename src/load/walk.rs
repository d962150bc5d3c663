//! Finding the record files under a directory, choosing which of them are records, and what
//! to say about those that cannot be read.
//!
//! The walk ([`ignore::WalkBuilder`], the walker of ripgrep) is in file-name order, skips
//! hidden files and folders, and follows symbolic links that stay inside the folder being
//! walked (the dataset root). Record files are confined like archives: a link to a file or
//! folder whose target, once every link is resolved, lies outside the root (`env.jsonl ->
//! /proc/self/environ`, `leak.yaml -> ../secret.txt`) is a `read` finding at the link's path
//! and is never opened, unless the caller allows it (`--follow-links`). A file named on the
//! command line is the user's own choice and is read wherever a link leads. Whatever goes
//! wrong with one entry of the directory (a symbolic-link loop, a link whose target is gone,
//! a file that vanished or cannot be opened, a FIFO or device named like a record file, a
//! file over the size ceiling) is a `read` or `limit` finding at that path, and the rest of
//! the dataset is still read and checked. Only a path named on the command line that cannot
//! be read stops the run (exit 2). Nothing here parses or prints.
//!
//! Which files found in a folder are records ([`Selection`]): those not ignored by
//! `.gitignore`, `.ignore`, `.git/info/exclude` or git's global excludes, as ripgrep reads
//! them (also outside a git repository: `require_git(false)`, so a plain folder and a clone
//! behave the same; `--no-ignore` turns all of them off), that match `include` when
//! factkit.toml has one, and match no `exclude` (of factkit.toml, relative to its folder, or
//! `--exclude`, relative to the working directory). Globs have `.gitignore` syntax: a glob
//! without a `/` matches a name at any depth (`package.json`), one with a `/` is anchored
//! (`data/**`, `/schemas`), a trailing `/` matches only folders, and `!` re-admits. An
//! excluded or ignored entry is decided on its path alone: it is never opened, and an
//! excluded folder is not entered. A file named on the command line is read whatever the
//! selection says, as ripgrep does.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::Format;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::error::Error;

/// Globs of `.gitignore` syntax rooted at a folder.
#[derive(Debug, Clone)]
struct Globs {
    /// The folder the globs are relative to, absolute and without `.` or `..`.
    root: PathBuf,
    globs: Gitignore,
}

impl Globs {
    fn new(root: &Path, globs: &[String]) -> Result<Globs, String> {
        let root = absolute(root);
        let mut builder = GitignoreBuilder::new(&root);
        for glob in globs {
            check_glob(glob)?;
            builder
                .add_line(None, glob)
                .map_err(|e| format!("`{glob}` is not a glob: {}", glob_error(&e)))?;
        }
        let globs = builder
            .build()
            .map_err(|e| format!("the globs cannot be used: {}", glob_error(&e)))?;
        Ok(Globs { root, globs })
    }

    /// Whether the globs match `path` (a folder when `is_dir`) or a folder above it, below
    /// the root; None for a path outside the root, which they say nothing about.
    fn matches(&self, path: &Path, is_dir: bool) -> Option<bool> {
        let path = absolute(path);
        let relative = path.strip_prefix(&self.root).ok()?;
        if relative.as_os_str().is_empty() {
            return None;
        }
        Some(
            self.globs
                .matched_path_or_any_parents(relative, is_dir)
                .is_ignore(),
        )
    }
}

/// Checks one glob of `include`, `exclude` or `--exclude`; the error says what is wrong.
pub fn check_glob(glob: &str) -> Result<(), String> {
    if glob.trim().is_empty() {
        return Err("an empty glob matches nothing: remove it".into());
    }
    if glob.starts_with('#') {
        return Err(format!(
            "`{glob}` starts with `#`, which `.gitignore` syntax reads as a comment: write `\\#` for a name that starts with `#`"
        ));
    }
    let mut builder = GitignoreBuilder::new("/");
    builder
        .add_line(None, glob)
        .map_err(|e| format!("`{glob}` is not a glob: {}", glob_error(&e)))?;
    Ok(())
}

fn glob_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithPath { err, .. } => {
            glob_error(err)
        }
        other => other.to_string(),
    }
}

/// `path` made absolute against the working directory, with `.` and `..` resolved by name
/// (links are not followed: the globs speak of the paths the user sees).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path))
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Which files found in a folder are record files: see the module documentation.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Honour `.gitignore`, `.ignore` and git's excludes (not with `--no-ignore`).
    pub ignore_files: bool,
    include: Option<Globs>,
    exclude: Vec<Globs>,
}

impl Default for Selection {
    /// Every record file not ignored by `.gitignore` or `.ignore`.
    fn default() -> Selection {
        Selection {
            ignore_files: true,
            include: None,
            exclude: Vec::new(),
        }
    }
}

impl Selection {
    /// Only files that `globs` (relative to `root`) match are records; an empty list
    /// selects every file. Called at most once (factkit.toml's `include`).
    pub fn include(&mut self, root: &Path, globs: &[String]) -> Result<(), String> {
        if !globs.is_empty() {
            self.include = Some(Globs::new(root, globs)?);
        }
        Ok(())
    }

    /// Files and folders that `globs` (relative to `root`) match are not records and are
    /// not entered; each call adds to the ones before.
    pub fn exclude(&mut self, root: &Path, globs: &[String]) -> Result<(), String> {
        if !globs.is_empty() {
            self.exclude.push(Globs::new(root, globs)?);
        }
        Ok(())
    }

    /// Whether the walk goes on to the entry at `path` (a folder when `is_dir`).
    fn admits(&self, path: &Path, is_dir: bool) -> bool {
        if self
            .exclude
            .iter()
            .any(|g| g.matches(path, is_dir) == Some(true))
        {
            return false;
        }
        is_dir
            || self
                .include
                .as_ref()
                .is_none_or(|g| g.matches(path, false) != Some(false))
    }
}

/// Record files under `dir`, in a stable order; problems with entries go to `findings`.
/// A symbolic link that leads outside `dir` is reported and not followed, unless
/// `follow_links`; files and folders that `selection` leaves out are not opened.
pub(super) fn discover(
    dir: &Path,
    follow_links: bool,
    selection: &Selection,
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
    // Links that lead outside the root are found by the entry filter (which runs after the
    // ignore files, so an ignored link is never reported), in walk order.
    let escaped: Arc<Mutex<Vec<Diagnostic>>> = Arc::default();
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(selection.ignore_files)
        .hidden(true)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    {
        let selection = selection.clone();
        let escaped = Arc::clone(&escaped);
        let dir = dir.to_path_buf();
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !selection.admits(entry.path(), is_dir) {
                return false;
            }
            if let Some(root) = &root {
                if entry.path_is_symlink() && (is_dir || Format::of_path(entry.path()).is_some()) {
                    if let Some(finding) = escapes(entry.path(), &dir, root, is_dir) {
                        // A poisoned lock only means another filter call panicked; the
                        // findings in it are still whole.
                        escaped
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(finding);
                        return false;
                    }
                }
            }
            true
        });
    }
    let take_escaped = |findings: &mut Vec<Diagnostic>| {
        findings.append(
            &mut escaped
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    };
    for entry in builder.build() {
        take_escaped(findings);
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = error_path(&e).unwrap_or_else(|| dir.to_path_buf());
                let (message, help) = if is_loop(&e) {
                    (
                        "a symbolic link points back to a folder that contains it (a loop); it was not followed".to_owned(),
                        "remove the link, or point it at a folder that does not contain it",
                    )
                } else {
                    let cause = cause(&e);
                    (
                        format!("cannot read this entry of the dataset: {cause}"),
                        "a symbolic link whose target is gone, or a file removed during the run; fix or remove it",
                    )
                };
                findings.push(unreadable(&path, message, help));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() || Format::of_path(entry.path()).is_none() {
            continue;
        }
        if file_type.is_file() {
            files.push(entry.into_path());
        } else {
            findings.push(unreadable(
                entry.path(),
                "this is not a regular file (a FIFO, socket or device named like a record file); it was not read".into(),
                "rename it, or move it out of the dataset",
            ));
        }
    }
    take_escaped(findings);
    files
}

/// What went wrong, in the operating system's words, without the path (the finding is
/// placed at it).
fn cause(e: &ignore::Error) -> String {
    let Some(io) = e.io_error() else {
        return e.to_string();
    };
    // A walk error wraps the operating system's error with its path.
    io.get_ref()
        .and_then(std::error::Error::source)
        .map_or_else(|| io.to_string(), ToString::to_string)
}

/// Whether a walk error is a symbolic-link loop.
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().any(is_loop),
        _ => false,
    }
}

/// The path a walk error is about.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
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
