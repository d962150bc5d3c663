//! Atomic file writes: the one way factkit writes a file.
//!
//! Every output file (an export, a converted file, a `check --output` report) is first
//! written in full to a temporary file created beside its target (`.factkit-XXXXXX.tmp`, in
//! the same folder so the final rename never crosses file systems), flushed and synced, and
//! only then renamed over the target. A run that fails while writing removes its temporary
//! file and leaves the target as it was; a run killed outright (SIGKILL, power loss) can leave
//! the temporary file behind, but never a partial target. A replaced file keeps its
//! permissions; a new one gets the usual permissions of a new file (umask applied).
//!
//! This module only writes bytes it is handed; it does not render, choose paths or print.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A file being written atomically: a temporary file beside `target`, renamed over it by
/// [`Pending::commit`] and deleted if dropped before.
#[derive(Debug)]
pub struct Pending {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Pending {
    /// Starts writing `target`. A target that is a directory is refused before anything is
    /// written.
    pub fn begin(target: &Path) -> Result<Pending, Error> {
        let fail = |source| Error::Write {
            path: target.to_path_buf(),
            source,
        };
        if target.is_dir() {
            return Err(fail(io::Error::other("it is a directory")));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".factkit-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(fail)?;
        Ok(Pending {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// The target this will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// A handle to write the temporary file through.
    pub fn file(&self) -> Result<File, Error> {
        self.temp.as_file().try_clone().map_err(|e| self.error(e))
    }

    /// Syncs the finished file to disk, gives it the permissions of the file it replaces,
    /// and renames it over the target.
    pub fn commit(self) -> Result<(), Error> {
        self.temp.as_file().sync_all().map_err(|e| self.error(e))?;
        if let Ok(meta) = std::fs::metadata(&self.target) {
            if meta.is_file() {
                std::fs::set_permissions(self.temp.path(), meta.permissions())
                    .map_err(|e| self.error(e))?;
            }
        }
        let target = self.target;
        self.temp
            .persist(&target)
            .map(|_| ())
            .map_err(|e| Error::Write {
                path: target,
                source: e.error,
            })
    }

    fn error(&self, source: io::Error) -> Error {
        Error::Write {
            path: self.target.clone(),
            source,
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_files(&[path.to_path_buf()], |_, out| out.write_all(bytes))
}

/// Writes the files `paths` atomically: `render(i, out)` writes the content of `paths[i]`.
///
/// Every file is complete on disk before any is renamed into place; if rendering or writing
/// any of them fails, every temporary file is removed and every target keeps its previous
/// content. (Renames are atomic one by one: should the rename of a later file fail, earlier
/// ones are already in place, each complete.)
pub fn write_files(
    paths: &[PathBuf],
    mut render: impl FnMut(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    // Refuse a directory target before writing anything, so no other target is replaced.
    for path in paths {
        if path.is_dir() {
            return Err(Error::Write {
                path: path.clone(),
                source: io::Error::other("it is a directory"),
            });
        }
    }
    let mut staged = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let pending = Pending::begin(path)?;
        let file = pending.file()?;
        let mut out = io::BufWriter::new(file);
        render(i, &mut out)
            .and_then(|()| out.flush())
            .map_err(|e| pending.error(e))?;
        staged.push(pending);
    }
    for pending in staged {
        pending.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".factkit-"))
            .collect()
    }

    #[test]
    fn a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "previous\n").unwrap();
        let err = write_files(std::slice::from_ref(&path), |_, out| {
            out.write_all(b"half a docu")?;
            Err(io::Error::other("injected failure"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert!(err.to_string().contains("out.json"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous\n");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_failure_in_a_later_file_keeps_every_earlier_file_too() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        let err = write_files(&[a.clone(), b.clone()], |i, out| {
            out.write_all(b"new")?;
            if i == 1 {
                return Err(io::Error::other("disk full"));
            }
            Ok(())
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_pending_file_dropped_before_commit_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        let pending = Pending::begin(&path).unwrap();
        pending.file().unwrap().write_all(b"new, half").unwrap();
        drop(pending);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_successful_write_replaces_the_file_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_target_that_cannot_be_replaced_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), "x").unwrap();
        let err = write(&target, b"doc").unwrap_err();
        assert!(err.to_string().starts_with("cannot write `"), "{err}");
        assert_eq!(std::fs::read_to_string(target.join("keep")).unwrap(), "x");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }
}
