//! The quote matcher: a quote with its editorial marks, found in an indexed text, or the
//! closest passage when it is not there.
//!
//! **Editorial marks.** A quote is read into parts separated by elisions, each part a
//! sequence of items:
//!
//! - `...`, `…`, `. . .`, `[...]`, `[…]`, `(...)` and `(…)` elide text: the parts around
//!   them must occur in the source in this order, with any gap between them (a sentence, a
//!   paragraph, or none);
//! - a bracketed insertion standing as a word of its own, `[Commonwealth of Independent
//!   States]`, matches the same words in the source (bracketed or not), or stands for a gap
//!   of at most [`INSERTION_GAP`] source words: the words it replaced ("they"), or none when
//!   it only adds a clarification. Twelve words covers every pronoun, name or clause an
//!   editor replaces; a longer cut is an elision and should be marked as one;
//! - a bracket glued to a word, `[T]he` or `reform[s]`, is an alteration of that word: it
//!   matches one source word that begins with the letters before the bracket and ends with
//!   the letters after it (`[T]he` matches `the`).
//!
//! Everything else is compared token by token after normalisation (`text.rs`): a changed,
//! dropped or added word, letter, digit or symbol is a miss.
//!
//! **Complexity.** The text's index is built once (linear in the text). A part is anchored
//! on its rarest word: only the positions of that word are candidates, and each candidate
//! is verified outwards in time proportional to the part's length (times at most
//! `INSERTION_GAP + 2` choices at each insertion, kept as a set of reachable positions, so
//! insertions never multiply). A quote costs O(q × r), q its length and r the number of
//! occurrences of its rarest word, never O(q × text length). Parts are matched left to
//! right, each taking the occurrence that ends earliest after the previous part, which
//! finds an in-order match whenever one exists. When r × q would exceed four times the
//! text's length (a text of few words repeated), a part of plain words is found by one
//! Knuth–Morris–Pratt scan of the text instead: O(n + q).
//!
//! **Near misses.** When a part is not found, its closest passage is found by voting: the
//! occurrences of the part's rarest words (at most [`SEED_BUDGET`] positions in all) vote
//! for the alignment diagonal they imply, and the best [`CANDIDATES`] diagonals are aligned
//! word by word (Levenshtein distance on tokens, free ends in the text) over a window of
//! about twice the part's length. The alignment is bounded, so that a quote of a megabyte
//! costs what one of a page does:
//!
//! - a part of up to about 1,400 words ([`FULL_CELLS`] table cells) is aligned in full,
//!   O(q²) for q words, with one byte per cell kept for the way back;
//! - a longer part is aligned in a band of [`BAND`] words either side of the candidate's
//!   diagonal (plus as many for text absorbed by insertions): O(q × BAND). A part that
//!   adds or drops more than 32 words in all reads, past that point, as changed words;
//! - at most [`ALIGN_WORDS`] (20,000) words of a part are aligned: the words in place along
//!   the diagonal are skipped up to 32 words before the first that is not, and words past
//!   the 20,000 after that are not compared. The outcome says how many were.
//!
//! Cost: O(seed positions + CANDIDATES × min(q, 1,400)²) for ordinary quotes, and
//! O(seed positions + CANDIDATES × (q + ALIGN_WORDS × BAND)) for any quote.
//!
//! A quote word the text lacks may differ from a text word only by look-alike letters of
//! another script (Latin `a` for Cyrillic `а`; see `script.rs`): such a word seeds the
//! search with its look-alikes, is aligned with them at no cost, counts as in place, and is
//! a change of its own, which `mod.rs` names as mixed-script.
//!
//! Nothing here reads files or builds messages; `mod.rs` turns the outcome into places and
//! words.

use std::collections::HashMap;

use super::index::{Id, Index};
use super::text::{is_word_char, tokenize};

/// The most source words a bracketed insertion may stand for.
pub const INSERTION_GAP: usize = 12;

/// How many seed positions the near-miss search counts votes from, at most. When the
/// rarest word alone occurs more often, its first occurrences are the candidates.
pub const SEED_BUDGET: usize = 4_096;

/// How many candidate passages the near-miss search aligns.
pub const CANDIDATES: usize = 8;

/// The most cells (quote words × text words) of a near-miss alignment computed in full:
/// about a 1,400-word part. A longer part is aligned within [`BAND`] words of its diagonal.
pub const FULL_CELLS: usize = 1 << 22;

/// How far, in words, a banded alignment strays from its diagonal: the most words a long
/// part may add or drop in all and still be aligned word for word (beyond it, the rest
/// reads as changed words). Insertions may absorb up to `BAND` words more.
pub const BAND: usize = 32;

/// The most words of one part aligned for a near miss. The words in place along the
/// candidate's diagonal before the first one out of place are counted without aligning;
/// the alignment starts [`BAND`] words before that one, and words past `ALIGN_WORDS` more
/// are not compared (the message says so).
pub const ALIGN_WORDS: usize = 20_000;

/// One element of a quote part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A word (token) of the quote, normalised.
    Word(String),
    /// A bracketed insertion standing alone: its words, normalised.
    Insertion(Vec<String>),
    /// A bracket glued to a word: the letters before and after the bracket.
    Glued {
        /// Normalised letters before `[`.
        before: String,
        /// Normalised letters after `]`.
        after: String,
    },
}

/// A quote read into parts separated by elisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The parts, in order; none is empty.
    pub parts: Vec<Vec<Item>>,
}

enum Piece<'q> {
    Text(&'q str),
    Elision,
    Bracket {
        content: &'q str,
        glued_left: bool,
        glued_right: bool,
    },
}

fn is_ellipsis(s: &str) -> bool {
    matches!(s.trim(), "..." | "…" | ". . ." | "....")
}

/// Where the next `]` at or after `from` is, remembering the last search: a quote of many
/// `[` and no `]` is read in one pass, not one pass per `[`.
fn next_close(
    quote: &str,
    from: usize,
    cache: &mut Option<(usize, Option<usize>)>,
) -> Option<usize> {
    match *cache {
        Some((searched, Some(at))) if searched <= from && at >= from => return Some(at),
        Some((searched, None)) if searched <= from => return None,
        _ => {}
    }
    let found = quote[from..].find(']').map(|k| from + k);
    *cache = Some((from, found));
    found
}

fn pieces(quote: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut closes = None;
    while i < quote.len() {
        let rest = &quote[i..];
        let mut marker: Option<(usize, Piece<'_>)> = None;
        if let Some(inner) = rest.strip_prefix('[') {
            if let Some(close) = next_close(quote, i + 1, &mut closes).map(|at| at - i - 1) {
                let content = &inner[..close];
                let len = close + 2;
                if is_ellipsis(content) {
                    marker = Some((len, Piece::Elision));
                } else if !content.trim().is_empty() {
                    let glued_left = quote[..i].chars().next_back().is_some_and(is_word_char);
                    let glued_right = quote[i + len..].chars().next().is_some_and(is_word_char);
                    marker = Some((
                        len,
                        Piece::Bracket {
                            content,
                            glued_left,
                            glued_right,
                        },
                    ));
                }
            }
        } else if let Some(inner) = rest.strip_prefix('(') {
            // Only an ellipsis counts in parentheses: read its dots and spaces, no further.
            let close = inner
                .char_indices()
                .find(|&(_, c)| !(c == '.' || c == '…' || c.is_whitespace()))
                .filter(|&(_, c)| c == ')')
                .map(|(k, _)| k);
            if let Some(close) = close {
                if is_ellipsis(&inner[..close]) {
                    marker = Some((close + 2, Piece::Elision));
                }
            }
        } else if rest.starts_with("...") {
            let len = rest.bytes().take_while(|&b| b == b'.').count();
            marker = Some((len, Piece::Elision));
        } else if rest.starts_with(". . .") {
            marker = Some((5, Piece::Elision));
        } else if rest.starts_with('…') {
            marker = Some(('…'.len_utf8(), Piece::Elision));
        }
        match marker {
            Some((len, piece)) => {
                if text_start < i {
                    out.push(Piece::Text(&quote[text_start..i]));
                }
                out.push(piece);
                i += len;
                text_start = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if text_start < quote.len() {
        out.push(Piece::Text(&quote[text_start..]));
    }
    out
}

impl Pattern {
    /// Reads a quote's editorial marks.
    pub fn parse(quote: &str) -> Pattern {
        let mut parts: Vec<Vec<Item>> = vec![Vec::new()];
        let mut after_pending = false;
        for piece in pieces(quote) {
            // Invariant: `parts` starts with one part and only ever grows.
            let part = parts.last_mut().expect("there is always a current part");
            match piece {
                Piece::Text(text) => {
                    let mut tokens = tokenize(text).into_iter().peekable();
                    if std::mem::take(&mut after_pending) {
                        if let (Some(first), Some(Item::Glued { after, .. })) =
                            (tokens.peek(), part.last_mut())
                        {
                            if first.span.start == 0 {
                                *after = first.text.clone();
                                tokens.next();
                            }
                        }
                    }
                    part.extend(tokens.map(|t| Item::Word(t.text)));
                }
                Piece::Elision => {
                    after_pending = false;
                    if !part.is_empty() {
                        parts.push(Vec::new());
                    }
                }
                Piece::Bracket {
                    content,
                    glued_left,
                    glued_right,
                } => {
                    after_pending = false;
                    let before = match (glued_left, part.last()) {
                        (true, Some(Item::Word(_))) => match part.pop() {
                            Some(Item::Word(w)) => Some(w),
                            _ => None,
                        },
                        _ => None,
                    };
                    if before.is_some() || glued_right {
                        part.push(Item::Glued {
                            before: before.unwrap_or_default(),
                            after: String::new(),
                        });
                        after_pending = glued_right;
                    } else {
                        let words = tokenize(content).into_iter().map(|t| t.text).collect();
                        part.push(Item::Insertion(words));
                    }
                }
            }
        }
        parts.retain(|p| !p.is_empty());
        Pattern { parts }
    }

    /// Whether the quote has nothing to look for (only punctuation and marks).
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| {
            p.iter()
                .all(|i| matches!(i, Item::Insertion(_)) || matches!(i, Item::Glued { before, after } if before.is_empty() && after.is_empty()))
        })
    }
}

/// An item resolved against an index.
enum Resolved<'p> {
    Word(Option<Id>),
    Insertion(Option<Vec<Id>>),
    Glued(&'p str, &'p str),
}

fn resolve<'p>(index: &Index, items: &'p [Item]) -> Vec<Resolved<'p>> {
    items
        .iter()
        .map(|item| match item {
            Item::Word(w) => Resolved::Word(index.id(w)),
            Item::Insertion(words) => {
                Resolved::Insertion(words.iter().map(|w| index.id(w)).collect())
            }
            Item::Glued { before, after } => Resolved::Glued(before, after),
        })
        .collect()
}

fn glued_matches(word: &str, before: &str, after: &str) -> bool {
    word.len() >= before.len() + after.len() && word.starts_with(before) && word.ends_with(after)
}

/// Where an item can end when it starts at `p` (forward) or start when it ends at `p`
/// (backward).
fn moves(index: &Index, item: &Resolved<'_>, p: usize, forward: bool, out: &mut Vec<usize>) {
    let n = index.len();
    let one = |ok: &dyn Fn(usize) -> bool, out: &mut Vec<usize>| {
        if forward && p < n && ok(p) {
            out.push(p + 1);
        } else if !forward && p > 0 && ok(p - 1) {
            out.push(p - 1);
        }
    };
    match item {
        Resolved::Word(None) => {}
        Resolved::Word(Some(id)) => one(&|q| index.at(q) == *id, out),
        Resolved::Glued(before, after) => one(
            &|q| glued_matches(index.word(index.at(q)), before, after),
            out,
        ),
        Resolved::Insertion(words) => {
            if let Some(ids) = words {
                let len = ids.len();
                let range = if forward {
                    (p + len <= n).then(|| p..p + len)
                } else {
                    p.checked_sub(len).map(|s| s..p)
                };
                if let Some(r) = range {
                    if r.clone().zip(ids).all(|(q, id)| index.at(q) == *id) {
                        out.push(if forward { r.end } else { r.start });
                    }
                }
            }
            for gap in 0..=INSERTION_GAP {
                if forward && p + gap <= n {
                    out.push(p + gap);
                } else if !forward && gap <= p {
                    out.push(p - gap);
                }
            }
        }
    }
}

/// The positions reachable through `items` from `from`, forwards or backwards.
fn walk(index: &Index, items: &[Resolved<'_>], from: usize, forward: bool) -> Vec<usize> {
    let mut here = vec![from];
    let mut next = Vec::new();
    let order: Box<dyn Iterator<Item = &Resolved<'_>>> = if forward {
        Box::new(items.iter())
    } else {
        Box::new(items.iter().rev())
    };
    for item in order {
        next.clear();
        for &p in &here {
            moves(index, item, p, forward, &mut next);
        }
        next.sort_unstable();
        next.dedup();
        std::mem::swap(&mut here, &mut next);
        if here.is_empty() {
            break;
        }
    }
    here
}

/// The occurrence of a part that starts at or after `bound` and ends first: `(start, end)`
/// token positions, end exclusive.
fn find_part(index: &Index, items: &[Item], bound: usize) -> Option<(usize, usize)> {
    let resolved = resolve(index, items);
    if resolved.iter().any(|r| matches!(r, Resolved::Word(None))) {
        return None;
    }
    let anchor = resolved
        .iter()
        .enumerate()
        .filter_map(|(k, r)| match r {
            Resolved::Word(Some(id)) => Some((k, *id)),
            _ => None,
        })
        .min_by_key(|&(_, id)| index.positions(id).len());
    let Some((a, id)) = anchor else {
        // No plain word to anchor on: only glued words and insertions. Rare, so scan.
        if !resolved.iter().any(|r| matches!(r, Resolved::Glued(..))) {
            return Some((bound, bound));
        }
        return (bound..index.len()).find_map(|start| {
            walk(index, &resolved, start, true)
                .first()
                .map(|&end| (start, end))
        });
    };
    let positions = index.positions(id);
    let first = positions.partition_point(|&p| (p as usize) < bound);
    // Each occurrence of the anchor is verified in up to q steps. When that could cost
    // more than reading the text once (a text of few words repeated, a long quote of
    // them), a part of plain words is found by a linear scan instead.
    let worst = (positions.len() - first).saturating_mul(resolved.len());
    if worst > 4 * (index.len() - bound.min(index.len())) + 4096 {
        let ids: Option<Vec<Id>> = resolved
            .iter()
            .map(|r| match r {
                Resolved::Word(id) => *id,
                _ => None,
            })
            .collect();
        if let Some(ids) = ids {
            return scan(index.tokens(), &ids, bound).map(|start| (start, start + ids.len()));
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for &p in &positions[first..] {
        let p = p as usize;
        if best.is_some_and(|(_, end)| p >= end) {
            break;
        }
        let ends = walk(index, &resolved[a + 1..], p + 1, true);
        let Some(&end) = ends.first() else { continue };
        let starts = walk(index, &resolved[..a], p, false);
        let Some(&start) = starts.iter().find(|&&s| s >= bound) else {
            continue;
        };
        if best.is_none_or(|(_, e)| end < e) {
            best = Some((start, end));
        }
    }
    best
}

/// The first position at or after `bound` where `pattern` occurs in `tokens`: the
/// Knuth–Morris–Pratt scan, O(text + pattern) whatever the repetitions.
fn scan(tokens: &[Id], pattern: &[Id], bound: usize) -> Option<usize> {
    if pattern.is_empty() {
        return Some(bound);
    }
    // `fail[k]`: the length of the longest proper prefix of `pattern[..=k]` that is also
    // its suffix.
    let mut fail = vec![0usize; pattern.len()];
    let mut k = 0;
    for i in 1..pattern.len() {
        while k > 0 && pattern[i] != pattern[k] {
            k = fail[k - 1];
        }
        if pattern[i] == pattern[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut k = 0;
    for (i, &t) in tokens.iter().enumerate().skip(bound) {
        while k > 0 && t != pattern[k] {
            k = fail[k - 1];
        }
        if t == pattern[k] {
            k += 1;
        }
        if k == pattern.len() {
            return Some(i + 1 - k);
        }
    }
    None
}

/// The result of searching a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Every part was found in order: token positions of the first part's start and the
    /// last part's end (exclusive).
    Found(usize, usize),
    /// Part `part` (0-based) occurs nowhere in the text.
    Missing {
        /// Index of the part.
        part: usize,
    },
    /// Part `part` occurs, but only before the end of the previous part's match.
    OutOfOrder {
        /// Index of the part.
        part: usize,
        /// Token position where the previous part was found.
        previous: usize,
        /// Token position where this part occurs (earliest).
        found: usize,
    },
}

/// Searches a pattern in the index.
pub fn search(index: &Index, pattern: &Pattern) -> Search {
    let mut bound = 0;
    let mut start = None;
    let mut previous = 0;
    for (k, items) in pattern.parts.iter().enumerate() {
        match find_part(index, items, bound) {
            Some((s, e)) => {
                start.get_or_insert(s);
                previous = s;
                bound = e;
            }
            None => {
                return match find_part(index, items, 0) {
                    Some((found, _)) if k > 0 => Search::OutOfOrder {
                        part: k,
                        previous,
                        found,
                    },
                    _ => Search::Missing { part: k },
                };
            }
        }
    }
    Search::Found(start.unwrap_or(0), bound)
}

/// A difference between a quote and a passage: quote words where the passage has other
/// words (either side may be empty: an added or a dropped word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The quote's words, normalised (empty when the quote dropped source words).
    pub quote: Vec<String>,
    /// The source's words, normalised (empty when the quote added words).
    pub source: Vec<String>,
}

impl Change {
    /// When the change is one word for one word that differ only by look-alike letters of
    /// another script: those letters, quote's then source's (see `script.rs`).
    pub fn look_alike(&self) -> Option<Vec<(char, char)>> {
        match (self.quote.as_slice(), self.source.as_slice()) {
            ([q], [s]) => super::script::alike(q, s),
            _ => None,
        }
    }
}

/// The passage of a text closest to a quote part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// Token position of the passage's first word.
    pub start: usize,
    /// Token position just past its last word.
    pub end: usize,
    /// The differences, in order.
    pub changes: Vec<Change>,
    /// How many of the part's words the passage has in place (a word that differs only by
    /// look-alike letters of another script counts as in place, and is also a change).
    pub matched: usize,
    /// How many of the part's words were compared (insertions not counted): all of them,
    /// unless the part is longer than [`ALIGN_WORDS`].
    pub total: usize,
    /// How many words the part has (insertions not counted).
    pub words: usize,
}

enum Elem<'p> {
    /// A quote word, its id in the text if the text has it, else the ids of the text's
    /// words that differ from it only by look-alike letters.
    Word(&'p str, Option<Id>, Vec<Id>),
    Glued(&'p str, &'p str),
    Free,
}

/// How a quote element fits a text token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fit {
    Same,
    /// The same word but for look-alike letters of another script.
    Alike,
    No,
}

impl Elem<'_> {
    fn fit(&self, index: &Index, id: Id) -> Fit {
        match self {
            Elem::Word(_, Some(w), _) if *w == id => Fit::Same,
            Elem::Word(_, None, alike) if alike.contains(&id) => Fit::Alike,
            Elem::Glued(before, after) if glued_matches(index.word(id), before, after) => Fit::Same,
            _ => Fit::No,
        }
    }

    fn display(&self) -> String {
        match self {
            Elem::Word(w, ..) => (*w).to_owned(),
            Elem::Glued(before, after) => format!("{before}[…]{after}"),
            Elem::Free => String::new(),
        }
    }
}

enum Op {
    Same,
    Alike(usize, usize),
    Sub(usize, usize),
    Added(usize),
    Dropped(usize),
    Absorbed,
}

/// One alignment of a quote part against a stretch of text.
struct Aligned {
    /// Words changed, added or dropped.
    edits: usize,
    /// Words in place.
    same: usize,
    /// Token positions of the passage.
    start: usize,
    end: usize,
    ops: Vec<Op>,
}

/// The way back through the alignment table, one byte per cell.
const DIAGONAL: u8 = 0;
const UP: u8 = 1;
const LEFT: u8 = 2;

/// Aligns `elems` against text positions `lo..hi`, word by word (Levenshtein distance on
/// tokens, free ends in the text). The score is the number of edits (words changed, added or
/// dropped), ties broken by more words in place: each edit weighs `m + 1` and each word in
/// place `-1`, so that "`by` dropped" wins over "`taxes` added" for the same number of
/// edits. A word that differs only by look-alike letters weighs 0: better than a change.
///
/// With `band = Some((c, b))`, row `i` (after `i` elements) is computed only within `b`
/// columns of the diagonal `c + i`, and `b` more to the right where insertions may have
/// absorbed text: O(m × b) time and memory. With `None`, the whole table.
fn align(
    index: &Index,
    elems: &[Elem<'_>],
    lo: usize,
    hi: usize,
    band: Option<(i64, usize)>,
) -> Aligned {
    const INF: i64 = i64::MAX / 4;
    let m = elems.len();
    let w = hi - lo;
    let edit = m as i64 + 1;
    let range = |i: usize, frees: usize| -> (usize, usize) {
        match band {
            None => (0, w),
            Some((c, b)) => {
                let centre = c + i as i64;
                let extra = (frees * INSERTION_GAP).min(b) as i64;
                let first = (centre - b as i64).clamp(0, w as i64) as usize;
                let last = (centre + b as i64 + extra).clamp(0, w as i64) as usize;
                (first, last)
            }
        }
    };
    // Per row: its first and last column, and where its cells start in `ways`.
    let mut rows: Vec<(usize, usize, usize)> = Vec::with_capacity(m + 1);
    let mut ways: Vec<u8> = Vec::new();
    let (a0, z0) = range(0, 0);
    rows.push((a0, z0, 0));
    // The free start in the text: every column of row 0 costs nothing.
    let mut prev: Vec<i64> = vec![0; z0 - a0 + 1];
    let mut cur: Vec<i64> = Vec::new();
    let mut frees = 0;
    for i in 1..=m {
        let elem = &elems[i - 1];
        let free = matches!(elem, Elem::Free);
        frees += usize::from(free);
        let (pa, pz, _) = rows[i - 1];
        let (a, z) = range(i, frees);
        rows.push((a, z, ways.len()));
        cur.clear();
        for j in a..=z {
            let up = if (pa..=pz).contains(&j) {
                prev[j - pa]
            } else {
                INF
            };
            let left = if j > a { cur[j - 1 - a] } else { INF };
            let (value, way) = if free {
                if left < up {
                    (left, LEFT)
                } else {
                    (up, UP)
                }
            } else {
                let diagonal = if j > 0 && (pa..=pz).contains(&(j - 1)) {
                    let step = match elem.fit(index, index.at(lo + j - 1)) {
                        Fit::Same => -1,
                        Fit::Alike => 0,
                        Fit::No => edit,
                    };
                    prev[j - 1 - pa] + step
                } else {
                    INF
                };
                let (up, left) = (up + edit, left + edit);
                let best = diagonal.min(up).min(left);
                let way = if best == diagonal {
                    DIAGONAL
                } else if best == up {
                    UP
                } else {
                    LEFT
                };
                (best, way)
            };
            cur.push(value.min(INF));
            ways.push(way);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (a, _, _) = rows[m];
    let (mut j, _) = prev
        .iter()
        .enumerate()
        .map(|(k, &c)| (a + k, c))
        // Of equal scores, the longest passage: a changed last word reads as `x` → `y`
        // rather than as `x` added.
        .min_by_key(|&(j, c)| (c, std::cmp::Reverse(j)))
        .unwrap_or((a, 0));
    let end = lo + j;
    let mut i = m;
    let mut ops = Vec::new();
    let (mut edits, mut same) = (0, 0);
    while i > 0 {
        let (a, _, at) = rows[i];
        let way = ways[at + j - a];
        if matches!(elems[i - 1], Elem::Free) {
            if way == LEFT {
                ops.push(Op::Absorbed);
                j -= 1;
            } else {
                i -= 1;
            }
            continue;
        }
        match way {
            DIAGONAL => {
                ops.push(match elems[i - 1].fit(index, index.at(lo + j - 1)) {
                    Fit::Same => {
                        same += 1;
                        Op::Same
                    }
                    Fit::Alike => Op::Alike(i - 1, lo + j - 1),
                    Fit::No => {
                        edits += 1;
                        Op::Sub(i - 1, lo + j - 1)
                    }
                });
                i -= 1;
                j -= 1;
            }
            UP => {
                edits += 1;
                ops.push(Op::Added(i - 1));
                i -= 1;
            }
            _ => {
                edits += 1;
                ops.push(Op::Dropped(lo + j - 1));
                j -= 1;
            }
        }
    }
    ops.reverse();
    Aligned {
        edits,
        same,
        start: lo + j,
        end,
        ops,
    }
}

/// A part's items as the alignment compares them.
fn elements<'p>(index: &Index, items: &'p [Item]) -> Vec<Elem<'p>> {
    items
        .iter()
        .map(|item| match item {
            Item::Word(w) => match index.id(w) {
                Some(id) => Elem::Word(w, Some(id), Vec::new()),
                None => Elem::Word(w, None, index.alike(w)),
            },
            Item::Glued { before, after } => Elem::Glued(before, after),
            Item::Insertion(_) => Elem::Free,
        })
        .collect()
}

/// The passage of the text closest to a part of a quote, if any of its words occur.
///
/// A part is aligned in full when the table takes at most [`FULL_CELLS`] cells (about 1,400
/// words), else within [`BAND`] words of its candidate diagonal; and at most
/// [`ALIGN_WORDS`] of its words are aligned, from a little before the first word out of
/// place along the diagonal (the words before it are in place and counted so).
pub fn closest(index: &Index, items: &[Item]) -> Option<Alignment> {
    let elems = elements(index, items);
    // An insertion at either end constrains nothing (and would let the passage run on).
    let first = elems.iter().position(|e| !matches!(e, Elem::Free))?;
    let last = elems.iter().rposition(|e| !matches!(e, Elem::Free))?;
    let elems = &elems[first..=last];
    let m = elems.len();
    let frees = elems.iter().filter(|e| matches!(e, Elem::Free)).count();
    // Seeds: the rarest of the part's words, with their offsets in the part; a word the
    // text lacks seeds with its look-alikes.
    let mut seeds: Vec<(Id, usize)> = elems
        .iter()
        .enumerate()
        .flat_map(|(k, e)| {
            let ids: &[Id] = match e {
                Elem::Word(_, Some(id), _) => std::slice::from_ref(id),
                Elem::Word(_, None, alike) => alike,
                _ => &[],
            };
            ids.iter().map(move |&id| (id, k))
        })
        .collect();
    seeds.sort_by_key(|&(id, k)| (index.positions(id).len(), k));
    let spread = (m / 2 + 1) as i64;
    let mut picked: Vec<i64> = Vec::new();
    match seeds.first() {
        Some(&(id, k)) if index.positions(id).len() > SEED_BUDGET => {
            // The rarest word alone is over the budget, so it alone votes, one vote per
            // diagonal: the first diagonals in the text's order win. Picked directly, without
            // counting millions of votes for each quote.
            for &p in index.positions(id) {
                if picked.len() == CANDIDATES {
                    break;
                }
                let d = p as i64 - k as i64;
                if picked.last().is_none_or(|&last| d - last > spread) {
                    picked.push(d);
                }
            }
        }
        _ => {
            let mut votes: HashMap<i64, u32> = HashMap::new();
            let mut budget = 0;
            for &(id, k) in &seeds {
                let positions = index.positions(id);
                if budget > 0 && budget + positions.len() > SEED_BUDGET {
                    break;
                }
                budget += positions.len();
                for &p in positions {
                    *votes.entry(p as i64 - k as i64).or_default() += 1;
                }
            }
            let mut diagonals: Vec<(i64, u32)> = votes.into_iter().collect();
            diagonals.sort_by_key(|&(d, v)| (std::cmp::Reverse(v), d));
            for (d, _) in diagonals {
                if picked.len() == CANDIDATES {
                    break;
                }
                if picked.iter().all(|&p| (p - d).abs() > spread) {
                    picked.push(d);
                }
            }
        }
    }
    let n = index.len() as i64;
    // The best: fewest edits, then most words in place, then the earliest.
    type Best = ((usize, std::cmp::Reverse<usize>, usize), usize, Aligned);
    let mut best: Option<Best> = None;
    for d in picked {
        // A long part: skip the words in place along the diagonal, up to a band's width
        // before the first that is not, and align at most `ALIGN_WORDS` from there.
        let skip = if m > ALIGN_WORDS {
            let in_place = (0..m)
                .take_while(|&k| {
                    let p = d + k as i64;
                    (0..n).contains(&p) && elems[k].fit(index, index.at(p as usize)) == Fit::Same
                })
                .count();
            in_place.saturating_sub(BAND)
        } else {
            0
        };
        let part = &elems[skip..m.min(skip + ALIGN_WORDS)];
        let (d, m) = (d + skip as i64, part.len());
        let frees = part.iter().filter(|e| matches!(e, Elem::Free)).count();
        let spread = (m / 2 + 1) as i64;
        let lo = (d - spread - 2).clamp(0, n) as usize;
        let hi = (d + m as i64 + spread + 2 + (frees * INSERTION_GAP) as i64).clamp(0, n) as usize;
        let band = ((m + 1) * (hi - lo + 1) > FULL_CELLS).then_some((d - lo as i64, BAND));
        let found = align(index, part, lo, hi, band);
        let start = if skip > 0 {
            (d as usize) - skip
        } else {
            found.start
        };
        let rank = (found.edits, std::cmp::Reverse(found.same + skip), start);
        if best.as_ref().is_none_or(|b| rank < b.0) {
            best = Some((rank, skip, found));
        }
    }
    let (rank, skip, found) = best?;
    let part = &elems[skip..];
    let compared = skip
        + part[..part.len().min(ALIGN_WORDS)]
            .iter()
            .filter(|e| !matches!(e, Elem::Free))
            .count();
    let mut changes: Vec<Change> = Vec::new();
    let mut open = false;
    let mut matched = skip;
    for op in &found.ops {
        let (q, s) = match *op {
            Op::Same => {
                matched += 1;
                open = false;
                continue;
            }
            Op::Absorbed => {
                open = false;
                continue;
            }
            Op::Alike(i, p) => {
                // A change of its own, so that it can be named as one.
                matched += 1;
                open = false;
                changes.push(Change {
                    quote: vec![part[i].display()],
                    source: vec![index.word(index.at(p)).to_owned()],
                });
                continue;
            }
            Op::Sub(i, p) => (Some(part[i].display()), Some(index.word(index.at(p)))),
            Op::Added(i) => (Some(part[i].display()), None),
            Op::Dropped(p) => (None, Some(index.word(index.at(p)))),
        };
        if !open {
            changes.push(Change {
                quote: Vec::new(),
                source: Vec::new(),
            });
            open = true;
        }
        // Invariant: a change was pushed just above when none was open.
        let change = changes.last_mut().expect("an open change");
        change.quote.extend(q);
        change.source.extend(s.map(str::to_owned));
    }
    Some(Alignment {
        start: rank.2,
        end: found.end,
        changes,
        matched,
        total: compared,
        words: m - frees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, quote: &str) -> bool {
        let index = Index::new(text);
        matches!(search(&index, &Pattern::parse(quote)), Search::Found(..))
    }

    const TEXT: &str = "The minister said the programme was “sustained by private money”. \
        It wasn’t cheap.\n\nAnalysts agreed. They said the CIS economies would follow, \
        and that the reform had cost 8% of GDP.";

    #[test]
    fn verbatim_and_typographic_variants() {
        assert!(found(TEXT, "sustained by private money"));
        assert!(found(TEXT, "It wasn't cheap."));
        assert!(found(TEXT, "“It wasn’t cheap”"));
        assert!(found(
            TEXT,
            "the programme was \"sustained by private money.\""
        ));
    }

    #[test]
    fn a_changed_word_is_not_normalised_away() {
        assert!(!found(TEXT, "sustainable by private money"));
        assert!(!found(TEXT, "the reform had cost 9% of GDP"));
        assert!(!found(TEXT, "the reform had cost 8 of GDP"));
        assert!(!found(TEXT, "The programme was sustained"));
        assert!(!found(TEXT, "sustained by money"));
    }

    #[test]
    fn an_ellipsis_spans_sentences_in_order() {
        assert!(found(TEXT, "the programme was … It wasn’t cheap"));
        assert!(found(
            TEXT,
            "The minister said ... the reform had cost 8% of GDP"
        ));
        assert!(found(
            TEXT,
            "The minister said [...] the CIS economies [...] 8% of GDP"
        ));
        assert!(found(TEXT, "…sustained by private money…"));
        assert!(!found(TEXT, "It wasn’t cheap … The minister said"));
        assert!(!found(TEXT, "The minister said … It was cheap"));
    }

    #[test]
    fn a_bracketed_clarification() {
        assert!(found(
            TEXT,
            "[Analysts] said the CIS economies would follow"
        ));
        assert!(found(
            TEXT,
            "They said the [Commonwealth of Independent States] economies would follow"
        ));
        assert!(found(
            TEXT,
            "They said the CIS [Commonwealth of Independent States] economies"
        ));
        assert!(found(TEXT, "They said the [CIS] economies would follow"));
        assert!(!found(
            TEXT,
            "They said the [Commonwealth of Independent States] economies would lead"
        ));
    }

    #[test]
    fn an_insertion_stands_for_at_most_twelve_words() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen \
                    fourteen fifteen";
        assert_eq!(INSERTION_GAP, 12);
        // Twelve words between `one` and `fourteen`: the insertion may stand for them.
        assert!(found(text, "one [the numbers] fourteen"));
        // Thirteen between `one` and `fifteen`: too many; that needs an elision.
        assert!(!found(text, "one [the numbers] fifteen"));
        assert!(found(text, "one … fifteen"));
    }

    #[test]
    fn a_glued_bracket_alters_one_word() {
        assert!(found(TEXT, "[T]he programme was sustained"));
        assert!(found(TEXT, "the programme[s] was sustained"));
        assert!(!found(TEXT, "[T]he programme were sustained"));
    }

    #[test]
    fn digits_matter() {
        let text = "output exceeded 14 trillion tenge (US$26.2 billion) in 2024";
        assert!(found(text, "14 trillion tenge (US$26.2 billion)"));
        assert!(!found(text, "14 trillion tenge (US$26.3 billion)"));
        assert!(!found(text, "41 trillion tenge"));
        assert!(!found(text, "in 2025"));
        assert!(!found(text, "(€26.2 billion)"));
    }

    #[test]
    fn parts_out_of_order_are_reported_as_such() {
        let index = Index::new(TEXT);
        let pattern = Pattern::parse("It wasn’t cheap … The minister said");
        assert!(matches!(
            search(&index, &pattern),
            Search::OutOfOrder { part: 1, .. }
        ));
    }

    #[test]
    fn closest_passage_names_the_changed_word() {
        let index = Index::new(TEXT);
        let pattern = Pattern::parse("the programme was sustainable by private money");
        let a = closest(&index, &pattern.parts[0]).unwrap();
        assert_eq!(
            a.changes,
            [Change {
                quote: vec!["sustainable".into()],
                source: vec!["sustained".into()]
            }]
        );
        assert_eq!((a.matched, a.total), (6, 7));
        let pattern = Pattern::parse("the reform cost 8% of GDP");
        let a = closest(&index, &pattern.parts[0]).unwrap();
        assert_eq!(
            a.changes,
            [Change {
                quote: vec![],
                source: vec!["had".into()]
            }]
        );
        let pattern = Pattern::parse("Analysts strongly agreed");
        let a = closest(&index, &pattern.parts[0]).unwrap();
        assert_eq!(
            a.changes,
            [Change {
                quote: vec!["strongly".into()],
                source: vec![]
            }]
        );
    }

    /// A text of two words repeated, and a long quote of them that fails at its end: each
    /// of the 50,000 occurrences of the anchor matched 10,000 words before failing, half a
    /// billion steps. The part of plain words is now scanned once.
    #[test]
    fn a_repetitive_text_does_not_make_matching_quadratic() {
        let text = "a b ".repeat(50_000);
        let index = Index::new(&text);
        let quote = format!("{}a a", "a b ".repeat(5_000));
        assert!(matches!(
            search(&index, &Pattern::parse(&quote)),
            Search::Missing { part: 0 }
        ));
        let quote = format!("b {}", "a b ".repeat(5_000));
        assert_eq!(
            search(&index, &Pattern::parse(&quote)),
            Search::Found(1, 10_002)
        );
        assert_eq!(scan(&[1, 2, 1, 2, 1, 3], &[1, 2, 1, 3], 0), Some(2));
        assert_eq!(scan(&[1, 2, 1, 2, 1, 3], &[1, 2], 1), Some(2));
        assert_eq!(scan(&[1, 2, 1], &[2, 2], 0), None);
    }

    /// Many opening brackets and no closing one: each `[` and `(` searched to the end of
    /// the quote for its `]` or `)`, a quadratic read of a long quote.
    #[test]
    fn unclosed_brackets_are_read_once() {
        let quote = "[( word ".repeat(200_000);
        let p = Pattern::parse(&quote);
        assert_eq!(p.parts.len(), 1);
        assert_eq!(p.parts[0].len(), 200_000);
        let p = Pattern::parse("a [b] c (…) d ( . . . ) e (x) f [ ]");
        assert_eq!(p.parts.len(), 3);
        assert_eq!(p.parts[0][1], Item::Insertion(vec!["b".into()]));
        assert_eq!(
            p.parts[2],
            [
                Item::Word("e".into()),
                Item::Word("x".into()),
                Item::Word("f".into())
            ]
        );
    }

    #[test]
    fn parsing_editorial_marks() {
        let p = Pattern::parse("A [sic] b … c [...] d (…) e... [T]he reform[s]");
        assert_eq!(p.parts.len(), 5);
        assert_eq!(
            p.parts[0],
            [
                Item::Word("A".into()),
                Item::Insertion(vec!["sic".into()]),
                Item::Word("b".into())
            ]
        );
        assert_eq!(
            p.parts[4],
            [
                Item::Glued {
                    before: String::new(),
                    after: "he".into()
                },
                Item::Glued {
                    before: "reform".into(),
                    after: String::new()
                }
            ]
        );
        assert!(Pattern::parse("… [...] …").is_empty());
        assert!(!Pattern::parse("[sic] x").is_empty());
    }

    /// The band gives the full table's score whenever the best alignment stays within it:
    /// random near misses (a few words changed, dropped or added, an insertion) against a
    /// text of few distinct words, where ties abound, score the same both ways.
    #[test]
    fn the_band_agrees_with_the_full_table() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let words: Vec<String> = (0..3000).map(|_| format!("w{}", next(40))).collect();
        let index = Index::new(&words.join(" "));
        for _ in 0..300 {
            let len = 20 + next(60);
            let at = next(words.len() - len);
            let mut items: Vec<Item> = words[at..at + len]
                .iter()
                .map(|w| Item::Word(w.clone()))
                .collect();
            for _ in 0..1 + next(6) {
                let k = 1 + next(items.len() - 2);
                match next(4) {
                    0 => items[k] = Item::Word(format!("w{}", next(45))),
                    1 => {
                        items.remove(k);
                    }
                    2 => items.insert(k, Item::Word(format!("w{}", next(45)))),
                    _ => items.insert(k, Item::Insertion(vec!["x".into()])),
                }
            }
            let elems = elements(&index, &items);
            let m = elems.len();
            let frees = items
                .iter()
                .filter(|i| matches!(i, Item::Insertion(_)))
                .count();
            let spread = m / 2 + 1;
            let lo = at.saturating_sub(spread + 2);
            let hi = (at + m + spread + 2 + frees * INSERTION_GAP).min(index.len());
            let full = align(&index, &elems, lo, hi, None);
            let band = align(&index, &elems, lo, hi, Some((at as i64 - lo as i64, 8)));
            assert_eq!(
                (full.edits, full.same),
                (band.edits, band.same),
                "{items:?}"
            );
        }
    }
}
