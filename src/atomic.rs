//! Output paths: the one way factkit writes its output (`check --output`, `export -o`,
//! `convert -o`).
//!
//! **What is at the path decides how it is written** ([`Destination::of`]):
//!
//! - `-` is standard output;
//! - a regular file, or a path where nothing is yet, is written atomically: in full to a
//!   temporary file created beside it (`.factkit-XXXXXX.tmp`, in the same folder so the
//!   rename never crosses file systems), flushed and synced, then renamed over it. A
//!   replaced file keeps its permissions; a new one gets those of a new file (umask
//!   applied). A symbolic link to a regular file (or to a path where nothing is yet) is
//!   followed: the file it leads to is replaced, the link is kept;
//! - anything else is written to directly, as the shell's `>` would, and never renamed
//!   over: a FIFO, a character or block device (`/dev/null`), a socket, a symbolic link to
//!   one, and every path into `/proc`, such as `/dev/stdout` (a link to `/proc/self/fd/1`)
//!   or `/dev/fd/N`. The node is opened for appending (a no-op for pipes and devices; for
//!   `/dev/stdout` redirected to a file it continues the shell's redirection) and never
//!   replaced;
//! - a directory is refused before anything is written.
//!
//! **No temporary file before there is something to write.** [`write_files`] and [`write()`]
//! are handed the finished output; [`Output`] (which `convert` streams into) creates its
//! temporary file at its first byte, so a run that fails while reading its input leaves
//! nothing. A temporary file is removed on every failure path (an error, a refused
//! conversion, a panic that unwinds); only a run killed outright (SIGKILL, power loss, an
//! out-of-memory abort) can leave one behind, never a partial target. Output staged for
//! standard output or a direct target goes to an anonymous temporary file, which the
//! operating system removes even then.
//!
//! **Errors name the path the user gave**, never the temporary file's.
//!
//! **Output never replaces input.** [`Reads`] lists what a run reads (record files,
//! configuration, schemas, archives, and the dataset folders); a target that is one of
//! those files, a record file inside a dataset folder (which the next run would read as
//! records) or a `factkit.toml` at a dataset's root, is refused before anything is written.
//! A report that is not a record file (`DS/report.md`) may go inside the dataset.
//!
//! This module only writes bytes it is handed; it does not render, choose paths or print.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::load::Format;

/// How many symbolic links are followed to find what a path leads to (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Where an output path leads, and so how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `-`: standard output.
    Stdout,
    /// A FIFO, device, socket or `/proc` path: opened and written to, never replaced.
    Direct {
        /// The path as given.
        path: PathBuf,
    },
    /// A regular file or a new path: a temporary file beside `real`, renamed over it.
    Atomic {
        /// The path as given.
        path: PathBuf,
        /// The file it leads to, symbolic links followed.
        real: PathBuf,
    },
}

impl Destination {
    /// What `path` leads to. A directory, or a chain of symbolic links too long to follow,
    /// is an [`Error::Write`] naming `path`.
    pub fn of(path: &Path) -> Result<Destination, Error> {
        if path.as_os_str() == "-" {
            return Ok(Destination::Stdout);
        }
        let given = || path.to_path_buf();
        let fail = |source| Error::Write {
            path: given(),
            source,
        };
        let mut current = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            if in_proc(&current) {
                return Ok(Destination::Direct { path: given() });
            }
            let meta = match std::fs::symlink_metadata(&current) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Ok(Destination::Atomic {
                        path: given(),
                        real: current,
                    })
                }
                Err(e) => return Err(fail(e)),
            };
            let kind = meta.file_type();
            if kind.is_symlink() {
                let target = std::fs::read_link(&current).map_err(fail)?;
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            } else if kind.is_file() {
                return Ok(Destination::Atomic {
                    path: given(),
                    real: current,
                });
            } else if kind.is_dir() {
                return Err(fail(io::Error::other("it is a directory")));
            } else {
                return Ok(Destination::Direct { path: given() });
            }
        }
        Err(fail(io::Error::other(
            "it leads through too many symbolic links (a loop?)",
        )))
    }

    /// The path as given (`-` for standard output).
    pub fn path(&self) -> &Path {
        match self {
            Destination::Stdout => Path::new("-"),
            Destination::Direct { path } | Destination::Atomic { path, .. } => path,
        }
    }

    fn error(&self, source: io::Error) -> Error {
        Error::Write {
            path: self.path().to_path_buf(),
            source,
        }
    }
}

/// Whether `path` lies in `/proc` (its folder, links followed, does): `/dev/stdout`,
/// `/dev/fd/1` and `/proc/self/fd/1` are the process's own streams, whatever they lead to.
fn in_proc(path: &Path) -> bool {
    if path.starts_with("/proc") {
        return true;
    }
    let folder = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::canonicalize(folder).is_ok_and(|dir| dir.starts_with("/proc"))
}

/// An I/O error without the temporary file's path that the tempfile crate adds to it
/// (`… at path "/abs/.factkit-XXXXXX.tmp"`): errors name the path the user gave.
fn plain(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() || e.get_ref().is_none() {
        return e;
    }
    let text = e.to_string();
    match text.rsplit_once(" at path ") {
        Some((cause, _)) => io::Error::new(e.kind(), cause.to_owned()),
        None => e,
    }
}

/// Opens a direct target for writing: never created, truncated or replaced.
fn open_direct(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new().append(true).open(path)
}

fn temp_beside(real: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match real.parent() {
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
    builder.tempfile_in(dir).map_err(plain)
}

/// A file being written atomically: a temporary file beside the file a path leads to,
/// renamed over it by [`Pending::commit`] and deleted if dropped before.
#[derive(Debug)]
pub struct Pending {
    temp: tempfile::NamedTempFile,
    /// The path as given, for messages.
    target: PathBuf,
    /// The file replaced, symbolic links followed.
    real: PathBuf,
}

impl Pending {
    #[cfg(test)]
    /// Starts writing `target` atomically. A target that is not a regular file or a new
    /// path (a directory, FIFO or device) is refused before anything is written.
    pub fn begin(target: &Path) -> Result<Pending, Error> {
        match Destination::of(target)? {
            Destination::Atomic { path, real } => Pending::start(path, real),
            other => Err(other.error(io::Error::other(
                "it is not a regular file, so it cannot be replaced atomically",
            ))),
        }
    }

    fn start(target: PathBuf, real: PathBuf) -> Result<Pending, Error> {
        match temp_beside(&real) {
            Ok(temp) => Ok(Pending { temp, target, real }),
            Err(source) => Err(Error::Write {
                path: target,
                source,
            }),
        }
    }

    /// A handle to write the temporary file through.
    pub fn file(&self) -> Result<File, Error> {
        self.temp.as_file().try_clone().map_err(|e| self.error(e))
    }

    /// Syncs the finished file to disk, gives it the permissions of the file it replaces,
    /// and renames it over the target.
    pub fn commit(self) -> Result<(), Error> {
        self.temp.as_file().sync_all().map_err(|e| self.error(e))?;
        if let Ok(meta) = std::fs::metadata(&self.real) {
            if meta.is_file() {
                std::fs::set_permissions(self.temp.path(), meta.permissions())
                    .map_err(|e| self.error(e))?;
            }
        }
        let Pending { temp, target, real } = self;
        temp.persist(&real).map(|_| ()).map_err(|e| Error::Write {
            path: target,
            source: plain(e.error),
        })
    }

    fn error(&self, source: io::Error) -> Error {
        Error::Write {
            path: self.target.clone(),
            source: plain(source),
        }
    }
}

/// Writes `bytes` to `path` (see the module's rules).
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_files(&[path.to_path_buf()], |_, out| out.write_all(bytes))
}

/// Writes the outputs `paths`: `render(i, out)` writes the content of `paths[i]`.
///
/// Every path is looked at before anything is written (a directory is refused then). Every
/// file written atomically is complete on disk before any is renamed into place, and direct
/// targets are written after those are complete; if rendering or writing any of them fails,
/// every temporary file is removed and every file keeps its previous content. (Renames are
/// atomic one by one: should the rename of a later file fail, earlier ones are already in
/// place, each complete.)
pub fn write_files(
    paths: &[PathBuf],
    mut render: impl FnMut(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let destinations = paths
        .iter()
        .map(|p| Destination::of(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut staged = Vec::with_capacity(paths.len());
    for (i, destination) in destinations.iter().enumerate() {
        if let Destination::Atomic { path, real } = destination {
            let pending = Pending::start(path.clone(), real.clone())?;
            let mut out = BufWriter::new(pending.file()?);
            render(i, &mut out)
                .and_then(|()| out.flush())
                .map_err(|e| pending.error(e))?;
            staged.push(pending);
        }
    }
    for (i, destination) in destinations.iter().enumerate() {
        let result = match destination {
            Destination::Atomic { .. } => continue,
            Destination::Stdout => {
                let mut out = io::stdout().lock();
                render(i, &mut out).and_then(|()| out.flush())
            }
            Destination::Direct { path } => open_direct(path).and_then(|file| {
                let mut out = BufWriter::new(file);
                render(i, &mut out).and_then(|()| out.flush())
            }),
        };
        result.map_err(|e| destination.error(e))?;
    }
    for pending in staged {
        pending.commit()?;
    }
    Ok(())
}

/// An output written as it is produced, for `convert`: nothing exists at the target until
/// its first byte. A file target gets a temporary file beside it, renamed over it by
/// [`Output::finish`]; standard output and direct targets get the bytes staged in an
/// anonymous temporary file and copied there by `finish`, so a refused or failed run writes
/// nothing to them either. Dropped before `finish`, it leaves the target as it was.
#[derive(Debug)]
pub struct Output {
    destination: Destination,
    stage: Option<Stage>,
}

#[derive(Debug)]
struct Stage {
    /// For an atomic target; `None` for an anonymous staging file.
    pending: Option<Pending>,
    out: BufWriter<File>,
}

impl Output {
    /// An output to `destination`; nothing is created yet.
    pub fn new(destination: Destination) -> Output {
        Output {
            destination,
            stage: None,
        }
    }

    /// The error for a failure to write it, naming the path as given.
    pub fn error(&self, source: io::Error) -> Error {
        self.destination.error(plain(source))
    }

    fn stage(&mut self) -> io::Result<&mut BufWriter<File>> {
        if self.stage.is_none() {
            let (pending, file) = match &self.destination {
                Destination::Atomic { path, real } => {
                    let temp = temp_beside(real)?;
                    let file = temp.as_file().try_clone()?;
                    let pending = Pending {
                        temp,
                        target: path.clone(),
                        real: real.clone(),
                    };
                    (Some(pending), file)
                }
                // Anonymous: the operating system removes it whatever happens to the run.
                Destination::Stdout | Destination::Direct { .. } => (None, tempfile::tempfile()?),
            };
            self.stage = Some(Stage {
                pending,
                out: BufWriter::new(file),
            });
        }
        match &mut self.stage {
            Some(stage) => Ok(&mut stage.out),
            // Invariant: set just above.
            None => Err(io::Error::other("the output was not staged")),
        }
    }

    /// Puts the finished output in place: renames the temporary file over a file target,
    /// or copies the staged bytes to `stdout` (for [`Destination::Stdout`]) or into the
    /// direct target. An output nothing was written to is an empty file.
    pub fn finish(mut self, stdout: &mut dyn Write) -> Result<(), Error> {
        if let Err(e) = self.stage().map(|_| ()) {
            return Err(self.error(e));
        }
        let destination = self.destination.clone();
        let fail = |e: io::Error| destination.error(plain(e));
        let Some(Stage { pending, out }) = self.stage.take() else {
            // Invariant: staged just above.
            return Err(fail(io::Error::other("the output was not staged")));
        };
        let mut file = out.into_inner().map_err(|e| fail(e.into_error()))?;
        if let Some(pending) = pending {
            drop(file);
            return pending.commit();
        }
        file.seek(io::SeekFrom::Start(0)).map_err(fail)?;
        match &destination {
            Destination::Direct { path } => open_direct(path)
                .and_then(|mut target| io::copy(&mut file, &mut target).map(|_| ()))
                .map_err(fail),
            _ => io::copy(&mut file, stdout)
                .and_then(|_| stdout.flush())
                .map_err(fail),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stage()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.stage()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.stage {
            Some(stage) => stage.out.flush(),
            None => Ok(()),
        }
    }
}

/// What a run reads, so that its output never replaces it.
#[derive(Debug, Default, Clone)]
pub struct Reads {
    /// Canonical path and what the file is to the run ("a record file of the dataset").
    files: Vec<(PathBuf, &'static str)>,
    /// Canonical path and the folder as given.
    folders: Vec<(PathBuf, PathBuf)>,
}

impl Reads {
    /// Notes a file the run reads; `what` says what it is ("the input", "the
    /// configuration"). A path that does not resolve is not read, and is left out.
    pub fn file(&mut self, path: &Path, what: &'static str) {
        if path.as_os_str() == "-" {
            return;
        }
        if let Ok(canonical) = std::fs::canonicalize(path) {
            self.files.push((canonical, what));
        }
    }

    /// Notes a dataset folder the run reads every record file of.
    pub fn folder(&mut self, path: &Path) {
        if let Ok(canonical) = std::fs::canonicalize(path) {
            self.folders.push((canonical, path.to_path_buf()));
        }
    }

    /// Refuses `target` ([`Error::Usage`], exit 2) when writing it would replace a file the
    /// run reads, or put a record file inside a dataset folder; standard output and direct
    /// targets (FIFOs, devices) are never refused.
    pub fn check(&self, target: &Path) -> Result<(), Error> {
        let Destination::Atomic { real, .. } = Destination::of(target)? else {
            return Ok(());
        };
        let Some(canonical) = canonical_lenient(&real) else {
            return Ok(());
        };
        if let Some((_, what)) = self.files.iter().find(|(p, _)| *p == canonical) {
            return Err(Error::Usage(format!(
                "`{}` is {what} this run reads: writing the output there would replace it; write the output to another path, outside the dataset",
                target.display()
            )));
        }
        for (folder, shown) in &self.folders {
            let Ok(inside) = canonical.strip_prefix(folder) else {
                continue;
            };
            if inside == Path::new(crate::config::FILE_NAME) {
                return Err(Error::Usage(format!(
                    "`{}` is where the next check of `{}` would read its configuration: write the output to another path",
                    target.display(),
                    shown.display()
                )));
            }
            if Format::of_path(&canonical).is_none() {
                continue;
            }
            let hidden = inside.components().any(|c| match c {
                Component::Normal(name) => name.to_string_lossy().starts_with('.'),
                _ => false,
            });
            if !hidden {
                return Err(Error::Usage(format!(
                    "`{}` is inside the dataset folder `{}`, where the next check would read it as records: write it outside that folder",
                    target.display(),
                    shown.display()
                )));
            }
        }
        Ok(())
    }

    /// [`Reads::check`] for every path.
    pub fn check_all(&self, targets: &[PathBuf]) -> Result<(), Error> {
        targets.iter().try_for_each(|t| self.check(t))
    }
}

/// `path` with symbolic links followed and `.`/`..` resolved, as far as it exists; the rest
/// (folders not made yet, the new file's name) appended as written.
fn canonical_lenient(path: &Path) -> Option<PathBuf> {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        let base = if at.as_os_str().is_empty() {
            Path::new(".")
        } else {
            at
        };
        if let Ok(mut canonical) = std::fs::canonicalize(base) {
            for name in rest.iter().rev() {
                canonical.push(name);
            }
            return Some(canonical);
        }
        rest.push(at.file_name()?.to_os_string());
        at = at.parent()?;
    }
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

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_a_file_keeps_the_link_and_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let file = dir.path().join("real/out.json");
        std::fs::write(&file, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real/out.json", &link).unwrap();
        assert_eq!(
            Destination::of(&link).unwrap(),
            Destination::Atomic {
                path: link.clone(),
                real: dir.path().join("real/out.json"),
            }
        );
        write(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        assert_eq!(leftovers(&dir.path().join("real")), Vec::<String>::new());
    }

    #[cfg(target_os = "linux")]
    /// Only the classification: no test writes to the machine's own `/dev/null` (as root, a
    /// regression would replace it); tests/it/cli.rs writes to a copy made with `mknod`.
    #[test]
    fn process_streams_and_devices_are_written_to_directly() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("stdout");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        for path in [
            Path::new("/dev/stdout"),
            Path::new("/dev/fd/1"),
            Path::new("/proc/self/fd/1"),
            Path::new("/dev/null"),
            link.as_path(),
        ] {
            assert_eq!(
                Destination::of(path).unwrap(),
                Destination::Direct {
                    path: path.to_path_buf()
                },
                "{}",
                path.display()
            );
        }
        assert_eq!(
            Destination::of(Path::new("-")).unwrap(),
            Destination::Stdout
        );
    }

    #[test]
    fn errors_name_the_path_given_not_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing/out.json");
        let err = write(&target, b"x").unwrap_err().to_string();
        assert!(err.starts_with("cannot write `"), "{err}");
        assert!(err.contains("missing/out.json`"), "{err}");
        assert!(!err.contains(".factkit-"), "{err}");
        assert!(!err.contains(" at path "), "{err}");
    }

    #[test]
    fn an_output_creates_nothing_before_its_first_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "previous").unwrap();
        let mut output = Output::new(Destination::of(&path).unwrap());
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        output.write_all(b"half").unwrap();
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(output);
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous");
        let mut output = Output::new(Destination::of(&path).unwrap());
        output.write_all(b"new\n").unwrap();
        output.finish(&mut io::sink()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let mut stdout = Vec::new();
        let mut output = Output::new(Destination::Stdout);
        output.write_all(b"to stdout").unwrap();
        output.finish(&mut stdout).unwrap();
        assert_eq!(stdout, b"to stdout");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn outputs_that_would_replace_an_input_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("ds");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("a.jsonl"), "{}\n").unwrap();
        let mut reads = Reads::default();
        reads.folder(&data);
        reads.file(&data.join("a.jsonl"), "a record file of the dataset");
        let err = reads.check(&data.join("a.jsonl")).unwrap_err().to_string();
        assert!(
            err.contains("a.jsonl` is a record file of the dataset this run reads"),
            "{err}"
        );
        let err = reads
            .check(&data.join("new/b.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is inside the dataset folder `"), "{err}");
        assert!(reads.check(&data.join("report.md")).is_ok());
        assert!(reads.check(&data.join("factkit.toml")).is_err());
        assert!(reads.check(&data.join("sub/factkit.toml")).is_ok());
        assert!(reads.check(&data.join(".out/b.csv")).is_ok());
        assert!(reads.check(&dir.path().join("b.csv")).is_ok());
        assert!(reads.check(Path::new("-")).is_ok());
        // The same file by another name is still the same file.
        let dotted = data.join("..").join("ds").join("a.jsonl");
        assert!(reads.check(&dotted).is_err());
    }
}
