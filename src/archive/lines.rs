//! Lines and columns of an archive file, compact and fast on long lines.
//!
//! The same answers as [`crate::source::LineIndex`] (a test holds them together), built for
//! archives: line starts are `u32` (archives are at most 4 GiB), and a column is counted
//! from a checkpoint at most [`BLOCK`] bytes back rather than from the start of its line, so
//! that a passage on the millionth character of a one-line HTML page costs what one on a
//! short line does. Nothing here reads files.

/// Bytes between two checkpoints of the char count.
pub const BLOCK: usize = 4096;

/// Where the lines of a text start, and how many chars precede each block.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// Never empty once built: the first line starts at 0, or after a byte order mark.
    starts: Vec<u32>,
    /// `chars[b]`: the chars in the text before byte `b × BLOCK`.
    chars: Vec<u32>,
}

/// A 1-based line and column (in chars).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

fn is_char_start(b: u8) -> bool {
    b & 0b1100_0000 != 0b1000_0000
}

/// Converts an offset or a count that the 4 GiB ceiling of `mod.rs` keeps within `u32`.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Lines {
    /// Indexes `text` (at most `u32::MAX` bytes).
    pub fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let first = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        let mut starts = vec![first];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(at, _)| small(at + 1)),
        );
        let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut count = 0u32;
        for block in bytes.chunks(BLOCK) {
            chars.push(count);
            count += small(block.iter().filter(|&&b| is_char_start(b)).count());
        }
        chars.push(count);
        Lines { starts, chars }
    }

    /// The bytes it holds on the heap.
    pub fn heap_size(&self) -> usize {
        4 * (self.starts.capacity() + self.chars.capacity())
    }

    /// The chars in `text` before byte `offset` (a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let base = self.chars.get(block).copied().unwrap_or(0) as usize;
        let from = (block * BLOCK).min(offset);
        base + text.as_bytes()[from..offset]
            .iter()
            .filter(|&&b| is_char_start(b))
            .count()
    }

    /// Position of a byte offset (clamped to the text; an offset inside a multi-byte char
    /// maps to that char; an offset inside a line break to the column just after the line's
    /// last char).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        // 0 is a char boundary, so this stops.
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&start| start as usize <= offset)
            .max(1);
        let start = self.starts.get(line - 1).map_or(0, |&s| s as usize);
        // The line's content: up to the next line's start, less its `\n` and a `\r` before.
        let bytes = text.as_bytes();
        let mut end = self
            .starts
            .get(line)
            .map_or(text.len(), |&next| next as usize);
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        let before = offset.saturating_sub(start).min(end.saturating_sub(start));
        let column = self
            .chars_before(text, start + before)
            .saturating_sub(self.chars_before(text, start))
            + 1;
        Position { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;

    #[test]
    fn agrees_with_the_line_index_of_record_files() {
        let pieces = ["a", "é", "\n", "\r\n", "\r", "改", " ", "\u{FEFF}", "xyz"];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..200 {
            let len = (next() % 40) as usize;
            let mut text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            if round % 3 == 0 {
                // Long lines cross several checkpoints.
                text = text.repeat(150);
            }
            let ours = Lines::new(&text);
            let theirs = LineIndex::new(&text);
            let step = text.len() / 97 + 1;
            for offset in (0..=text.len() + 1).step_by(step) {
                let a = ours.position(&text, offset);
                let b = theirs.position(&text, offset);
                assert_eq!(
                    (a.line, a.column),
                    (b.line, b.column),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
