//! The input of a streamed read, held to its ceilings: what [`crate::format::read`] reads
//! from when a file is read one record at a time.
//!
//! - **`max_file_size` while streaming.** Every pass reads at most `max_file_size` bytes and
//!   then one more, to tell a file that ends there from one that goes on; past it the read
//!   fails with an error that [`is_over_ceiling`] recognises, so the caller can make it a
//!   `limit` finding. A regular file's size is known before it is read (the caller refuses
//!   it then); this cap is for standard input, pipes and files that grow while read.
//! - **A second pass**, for a caller that needs one (`convert` no longer does: CSV output
//!   spools its rows instead, [`crate::format::csv::Spool`]). A regular file is opened
//!   again; anything else (standard input, a FIFO, `<(cmd)`) can be read once, so a first
//!   pass opened with `keep` copies what it reads into an anonymous temporary file and the
//!   next reads that copy (never more than the ceiling).
//!
//! Why here, beside the formats, and not in `load`: these are bytes, not records. The
//! ceiling has to hold inside a reader that a format's splitter pulls from one buffer at a
//! time (a whole-file read such as `load::read_within` can cap a `read_to_end` instead), and
//! the spool serves a format's needs (CSV's two passes). It knows no format, no schema and
//! no rule, makes no diagnostic and never writes anywhere but its own temporary file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// An input to read once or twice, each pass held to `max_file_size`.
#[derive(Debug)]
pub struct Input {
    /// `None` for standard input.
    path: Option<PathBuf>,
    /// A regular file, which can be opened again.
    regular: bool,
    /// `max_file_size`: each pass reads at most this much.
    max_size: u64,
    /// A stream as read by the first pass, for the second.
    spool: Option<File>,
}

impl Input {
    /// The file at `path`, or standard input for `None`, read at most `max_size` bytes a
    /// pass.
    pub fn new(path: Option<&Path>, max_size: u64) -> Input {
        let regular = path.is_some_and(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()));
        Input {
            path: path.map(Path::to_path_buf),
            regular,
            max_size,
            spool: None,
        }
    }

    /// Whether the input is a regular file (whose size can be known before reading it).
    pub fn is_regular(&self) -> bool {
        self.regular
    }

    /// Opens a pass over the input. `keep` copies a stream that cannot be opened again for
    /// the next pass; a pass after one that kept it reads the copy.
    pub fn open(&mut self, keep: bool) -> io::Result<Box<dyn BufRead + Send>> {
        if let Some(spool) = &self.spool {
            let mut file = spool.try_clone()?;
            file.seek(io::SeekFrom::Start(0))?;
            return Ok(Box::new(BufReader::new(file)));
        }
        let stream: Box<dyn Read + Send> = match &self.path {
            Some(path) => Box::new(File::open(path)?),
            None => Box::new(io::stdin()),
        };
        let capped = Capped {
            inner: stream,
            left: self.max_size,
        };
        if keep && !self.regular {
            let spool = tempfile::tempfile()?;
            let copy = spool.try_clone()?;
            self.spool = Some(spool);
            return Ok(Box::new(BufReader::new(Tee {
                inner: capped,
                copy,
            })));
        }
        Ok(Box::new(BufReader::new(capped)))
    }
}

/// Whether a read failed because the input goes past `max_file_size`.
pub fn is_over_ceiling(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<OverCeiling>())
}

/// Copies what it reads into a spool file.
struct Tee<R> {
    inner: R,
    copy: File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Reads at most `left` bytes, then fails with [`OverCeiling`] if there is more: an input
/// is never read further than one byte past `max_file_size`.
struct Capped<R> {
    inner: R,
    left: u64,
}

/// The error [`Capped`] fails with.
#[derive(Debug)]
struct OverCeiling;

impl std::fmt::Display for OverCeiling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the input is over `max_file_size`")
    }
}

impl std::error::Error for OverCeiling {}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(OverCeiling)),
            };
        }
        let most = usize::try_from(self.left).map_or(buf.len(), |left| left.min(buf.len()));
        let n = self.inner.read(&mut buf[..most])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_stops_one_byte_past_the_ceiling() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut within = Vec::new();
        Input::new(Some(&path), 10)
            .open(false)
            .unwrap()
            .read_to_end(&mut within)
            .unwrap();
        assert_eq!(within, b"0123456789");
        let mut over = Vec::new();
        let e = Input::new(Some(&path), 9)
            .open(false)
            .unwrap()
            .read_to_end(&mut over)
            .unwrap_err();
        assert!(is_over_ceiling(&e), "{e}");
        assert!(!is_over_ceiling(&io::Error::other("other")));
    }
}
