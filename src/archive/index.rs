//! The token index of one archived text, built once and shared by every quote and figure.
//!
//! The text's tokens (see `text.rs`) are interned to numbers; the index keeps the token
//! sequence and, for each distinct token, the sorted list of positions where it occurs (an
//! inverted index). Building it is linear in the text; a lookup of a token's positions is
//! one hash probe. Nothing here reads files.

use std::collections::HashMap;
use std::ops::Range;

use super::text::tokenize;

/// An interned token.
pub type Id = u32;

/// The tokens of a text and where each occurs.
#[derive(Debug, Default)]
pub struct Index {
    vocabulary: HashMap<String, Id>,
    words: Vec<String>,
    sequence: Vec<Id>,
    spans: Vec<Range<usize>>,
    postings: Vec<Vec<u32>>,
}

impl Index {
    /// Indexes `text`.
    pub fn new(text: &str) -> Index {
        let mut index = Index::default();
        for token in tokenize(text) {
            let next = index.words.len() as Id;
            let id = *index.vocabulary.entry(token.text).or_insert_with_key(|w| {
                index.words.push(w.clone());
                index.postings.push(Vec::new());
                next
            });
            index.postings[id as usize].push(index.sequence.len() as u32);
            index.sequence.push(id);
            index.spans.push(token.span);
        }
        index
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
        self.vocabulary.get(word).copied()
    }

    /// The token at a position.
    pub fn at(&self, position: usize) -> Id {
        self.sequence[position]
    }

    /// The normalised text of a token id.
    pub fn word(&self, id: Id) -> &str {
        &self.words[id as usize]
    }

    /// The sorted positions of a token.
    pub fn positions(&self, id: Id) -> &[u32] {
        &self.postings[id as usize]
    }

    /// The byte range in the text of the token at a position.
    pub fn span(&self, position: usize) -> Range<usize> {
        self.spans[position].clone()
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
        let index = Index::new("the cat sat on the mat; the cat ran");
        let the = index.id("the").unwrap();
        assert_eq!(index.positions(the), [0, 4, 6]);
        let cat = index.id("cat").unwrap();
        let ran = index.id("ran").unwrap();
        assert_eq!(index.find_phrase(&[the, cat], 0), Some(0));
        assert_eq!(index.find_phrase(&[the, cat], 1), Some(6));
        assert_eq!(index.find_phrase(&[cat, ran], 0), Some(7));
        assert_eq!(index.find_phrase(&[ran, cat], 0), None);
        assert_eq!(index.id("dog"), None);
    }
}
