//! The token index of one archived text, built once and shared by every quote and figure.
//!
//! The text's tokens (see `text.rs`) are interned to numbers; the index keeps the token
//! sequence and, for each distinct token, the sorted list of positions where it occurs (an
//! inverted index). Building it is linear in the text; a lookup of a token's positions is
//! one hash probe. Nothing here reads files.
//!
//! **Memory.** An archive may be hundreds of megabytes, so the index is kept compact: per
//! token, 12 bytes (its id, where it starts in the text, and its place in the inverted
//! index, all `u32`); per distinct word, its normal form once in one string, plus 12 bytes.
//! A token's end is found again from its start when a passage is shown. The tokens are read
//! one at a time (`text.rs`), never collected. Texts and token counts must fit in `u32`,
//! which `mod.rs` guarantees by refusing archives over 4 GiB.

use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::OnceLock;

use hashbrown::HashTable;

use super::script;
use super::text::{token_end, Tokens};

/// An interned token.
pub type Id = u32;

/// The tokens of a text and where each occurs.
#[derive(Debug, Default)]
pub struct Index {
    /// Every distinct token's normal form, one after the other.
    arena: String,
    /// Where each id's normal form ends in `arena` (it starts where the previous ends).
    word_ends: Vec<u32>,
    /// The ids, found by the hash of their normal form.
    vocabulary: HashTable<Id>,
    hasher: std::hash::RandomState,
    /// The token at each position.
    sequence: Vec<Id>,
    /// The byte offset in the text where each token starts.
    starts: Vec<u32>,
    /// The positions of id `k` are `postings[offsets[k]..offsets[k + 1]]`, sorted.
    offsets: Vec<u32>,
    postings: Vec<u32>,
    /// Ids by the key of their skeleton (see `script.rs`), sorted; built on first use.
    alike: OnceLock<Vec<(u64, Id)>>,
}

/// Converts an offset or a count that the 4 GiB ceiling of `mod.rs` keeps within `u32`.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Index {
    /// Indexes `text` (at most `u32::MAX` bytes; `mod.rs` refuses larger archives).
    pub fn new(text: &str) -> Index {
        let mut index = Index::default();
        let mut word = String::new();
        let mut tokens = Tokens::new(text);
        while let Some(span) = tokens.next_into(&mut word) {
            let id = index.intern(&word);
            index.sequence.push(id);
            index.starts.push(small(span.start));
        }
        index.sequence.shrink_to_fit();
        index.starts.shrink_to_fit();
        index.arena.shrink_to_fit();
        index.word_ends.shrink_to_fit();
        // The inverted index, by counting: one pass to count, one to place.
        let words = index.word_ends.len();
        let mut offsets = vec![0u32; words + 1];
        for &id in &index.sequence {
            offsets[id as usize + 1] += 1;
        }
        for k in 0..words {
            offsets[k + 1] += offsets[k];
        }
        let mut next = offsets.clone();
        let mut postings = vec![0u32; index.sequence.len()];
        for (position, &id) in index.sequence.iter().enumerate() {
            let slot = &mut next[id as usize];
            postings[*slot as usize] = small(position);
            *slot += 1;
        }
        index.offsets = offsets;
        index.postings = postings;
        index
    }

    fn hash(&self, word: &str) -> u64 {
        self.hasher.hash_one(word)
    }

    /// The id of `word`, added to the vocabulary when new.
    fn intern(&mut self, word: &str) -> Id {
        let hash = self.hash(word);
        let Index {
            arena,
            word_ends,
            vocabulary,
            hasher,
            ..
        } = self;
        let text_of = |id: Id| {
            let end = word_ends[id as usize] as usize;
            let start = match id {
                0 => 0,
                _ => word_ends[id as usize - 1] as usize,
            };
            &arena[start..end]
        };
        if let Some(&id) = vocabulary.find(hash, |&id| text_of(id) == word) {
            return id;
        }
        let id = small(word_ends.len());
        arena.push_str(word);
        word_ends.push(small(arena.len()));
        let (arena, word_ends) = (&*arena, &*word_ends);
        vocabulary.insert_unique(hash, id, |&id| {
            let end = word_ends[id as usize] as usize;
            let start = match id {
                0 => 0,
                _ => word_ends[id as usize - 1] as usize,
            };
            hasher.hash_one(&arena[start..end])
        });
        id
    }

    /// The bytes the index holds on the heap (capacities; the hash table's buckets
    /// estimated), to keep its cost per token in check.
    pub fn heap_size(&self) -> usize {
        let u32s = self.word_ends.capacity()
            + self.sequence.capacity()
            + self.starts.capacity()
            + self.offsets.capacity()
            + self.postings.capacity();
        let buckets = (self.vocabulary.capacity() * 8 / 7).next_power_of_two();
        let alike = self.alike.get().map_or(0, |a| a.capacity() * 16);
        self.arena.capacity() + 4 * u32s + buckets * 5 + alike
    }

    /// The number of tokens in the text.
    pub fn len(&self) -> usize {
        self.sequence.len()
    }

    /// Whether the text has no tokens.
    pub fn is_empty(&self) -> bool {
        self.sequence.is_empty()
    }

    /// The id of a normalised token, if the text has it.
    pub fn id(&self, word: &str) -> Option<Id> {
        self.vocabulary
            .find(self.hash(word), |&id| self.word(id) == word)
            .copied()
    }

    /// Every token, in the order of the text.
    pub fn tokens(&self) -> &[Id] {
        &self.sequence
    }

    /// The token at a position.
    pub fn at(&self, position: usize) -> Id {
        self.sequence[position]
    }

    /// The normalised text of a token id.
    pub fn word(&self, id: Id) -> &str {
        let end = self.word_ends[id as usize] as usize;
        let start = match id {
            0 => 0,
            _ => self.word_ends[id as usize - 1] as usize,
        };
        &self.arena[start..end]
    }

    /// The sorted positions of a token.
    pub fn positions(&self, id: Id) -> &[u32] {
        let k = id as usize;
        &self.postings[self.offsets[k] as usize..self.offsets[k + 1] as usize]
    }

    /// The byte range in `text` (the text indexed) of the token at a position.
    pub fn span(&self, text: &str, position: usize) -> Range<usize> {
        let start = self.starts[position] as usize;
        start..token_end(text, start)
    }

    /// The ids of the text's words that differ from `word` only by look-alike letters of
    /// other scripts (see `script.rs`). The first call keys the whole vocabulary, once.
    pub fn alike(&self, word: &str) -> Vec<Id> {
        let keyed = self.alike.get_or_init(|| {
            let mut keyed: Vec<(u64, Id)> = (0..small(self.word_ends.len()))
                .map(|id| (script::key(self.word(id)), id))
                .collect();
            keyed.sort_unstable();
            keyed
        });
        let key = script::key(word);
        let first = keyed.partition_point(|&(k, _)| k < key);
        keyed[first..]
            .iter()
            .take_while(|&&(k, _)| k == key)
            .map(|&(_, id)| id)
            .filter(|&id| script::alike(word, self.word(id)).is_some())
            .collect()
    }

    /// The first position at or after `from` where `phrase` (token ids) occurs, found from
    /// the positions of its rarest token.
    pub fn find_phrase(&self, phrase: &[Id], from: usize) -> Option<usize> {
        let (anchor, id) = phrase
            .iter()
            .enumerate()
            .min_by_key(|(_, &id)| self.positions(id).len())?;
        let positions = self.positions(*id);
        let first = positions.partition_point(|&p| (p as usize) < from + anchor);
        positions[first..].iter().find_map(|&p| {
            let start = p as usize - anchor;
            let end = start + phrase.len();
            (end <= self.len() && self.sequence[start..end] == *phrase).then_some(start)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_phrases() {
        let text = "the cat sat on the mat; the cat ran";
        let index = Index::new(text);
        let the = index.id("the").unwrap();
        assert_eq!(index.positions(the), [0, 4, 6]);
        let cat = index.id("cat").unwrap();
        let ran = index.id("ran").unwrap();
        assert_eq!(index.find_phrase(&[the, cat], 0), Some(0));
        assert_eq!(index.find_phrase(&[the, cat], 1), Some(6));
        assert_eq!(index.find_phrase(&[cat, ran], 0), Some(7));
        assert_eq!(index.find_phrase(&[ran, cat], 0), None);
        assert_eq!(index.id("dog"), None);
        assert_eq!(index.word(ran), "ran");
        assert_eq!(&text[index.span(text, 5)], "mat");
        assert_eq!(index.positions(ran), [8]);
    }

    #[test]
    fn look_alike_words() {
        let index = Index::new("мама і тато");
        let i = index.id("\u{456}").unwrap();
        assert_eq!(index.alike("i"), [i]);
        assert_eq!(index.alike("тато"), Vec::<Id>::new());
        assert!(index.alike("x").is_empty());
    }
}
