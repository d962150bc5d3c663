//! HTML into the text a reader sees, with a map back to the HTML's byte offsets.
//!
//! An archived web page is read for its words only: the quote matcher needs the text
//! content, not a document tree. So this is a small hand-written scanner rather than an
//! HTML parser: html5ever (with scraper) would bring some twenty crates and a full tree
//! builder to answer a question the scanner answers in one pass. It follows the parts of the
//! HTML tokeniser that decide what is text:
//!
//! - tags are dropped, including attribute values that contain `>` (quoted with `"` or `'`);
//!   inline elements (`a`, `b`, `em`, `span`, `sup`, …) leave nothing, so `sus<b>tain</b>ed`
//!   reads `sustained`; every other tag (`p`, `br`, `div`, `li`, `td`, …) separates words;
//! - the contents of `script`, `style` and `template` are dropped, up to their end tag;
//! - comments, `<!DOCTYPE …>` and processing instructions are dropped; CDATA sections are
//!   kept as text;
//! - character references (`&amp;`, `&rsquo;`, `&#8217;`, `&#x2019;`) are decoded with the
//!   full HTML5 table of the `html-escape` crate (no dependencies of its own); legacy
//!   references without a `;` are left as written.
//!
//! The converted text keeps a map of checkpoints to the HTML it came from, so a passage found
//! in the text is reported at its line in the HTML file. Malformed HTML never fails: an
//! unterminated tag or comment runs to the end of the file, and a `<` or `&` that starts
//! nothing is text. Nothing here reads files.

use std::borrow::Cow;

/// Maps byte offsets of a converted text back to the file it was converted from.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// `(text offset, file offset)` pairs in increasing order; between two checkpoints the
    /// bytes correspond one to one. Empty for plain text, which maps to itself. `u32`, as an
    /// archive is at most 4 GiB (`mod.rs`).
    points: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// The file offset of a text offset.
    pub fn to_file(&self, offset: usize) -> usize {
        let i = self.points.partition_point(|&(t, _)| t as usize <= offset);
        match i.checked_sub(1).map(|i| self.points[i]) {
            Some((t, f)) => f as usize + (offset - t as usize),
            None => offset,
        }
    }

    /// The bytes it holds on the heap.
    pub fn heap_size(&self) -> usize {
        8 * self.points.capacity()
    }

    fn mark(&mut self, text: usize, file: usize) {
        if let Some(&(t, f)) = self.points.last() {
            let (t, f) = (t as usize, f as usize);
            if text.wrapping_sub(t) == file.wrapping_sub(f) && file >= f {
                return;
            }
        } else if text == file {
            return;
        }
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.points.push((small(text), small(file)));
    }
}

/// Elements that do not break a word: their tags leave nothing in the text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// Elements whose content is not text for a reader.
const HIDDEN: &[&str] = &["script", "style", "template"];

fn find_ci(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let n = needle.len();
    (from..bytes.len().saturating_sub(n - 1))
        .find(|&i| bytes[i..i + n].eq_ignore_ascii_case(needle.as_bytes()))
}

/// The end of a tag starting at `at` (just past its `>`), skipping quoted attribute values.
fn tag_end(html: &str, at: usize) -> usize {
    let bytes = html.as_bytes();
    let mut i = at;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => {
                // A quote opens an attribute value only after `=` (possibly spaced).
                let before = html[at..i].trim_end();
                if before.ends_with('=') {
                    quote = Some(b);
                }
            }
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Converts HTML into its text, with the map back to the HTML's offsets.
pub fn to_text(html: &str) -> (String, OffsetMap) {
    let bytes = html.as_bytes();
    let mut text = String::with_capacity(html.len() / 2);
    let mut map = OffsetMap::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let rest = &html[i..];
                if rest.starts_with("<!--") {
                    i = html[i + 4..]
                        .find("-->")
                        .map_or(bytes.len(), |e| i + 4 + e + 3);
                } else if rest.starts_with("<![CDATA[") {
                    let start = i + 9;
                    let end = html[start..].find("]]>").map_or(bytes.len(), |e| start + e);
                    map.mark(text.len(), start);
                    text.push_str(&html[start..end]);
                    i = (end + 3).min(bytes.len());
                } else if rest.starts_with("<!") || rest.starts_with("<?") {
                    i = html[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
                } else {
                    let closing = rest.starts_with("</");
                    let name_start = i + if closing { 2 } else { 1 };
                    let name_len = bytes[name_start..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count();
                    if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                        // Not a tag: a `<` in the text.
                        map.mark(text.len(), i);
                        text.push('<');
                        i += 1;
                        continue;
                    }
                    let name = html[name_start..name_start + name_len].to_ascii_lowercase();
                    let mut end = tag_end(html, name_start + name_len);
                    if !closing && HIDDEN.contains(&name.as_str()) {
                        let close = format!("</{name}");
                        end = match find_ci(html, end, &close) {
                            Some(c) => tag_end(html, c + close.len()),
                            None => bytes.len(),
                        };
                    }
                    if !INLINE.contains(&name.as_str()) && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    i = end;
                }
            }
            b'&' => {
                let reference = html[i + 1..]
                    .char_indices()
                    .take(40)
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
                    .filter(|&(_, c)| c == ';')
                    .map(|(k, _)| &html[i..i + 1 + k + 1]);
                let decoded = reference.map(html_escape::decode_html_entities);
                match (reference, decoded) {
                    (Some(r), Some(Cow::Owned(d))) => {
                        map.mark(text.len(), i);
                        text.push_str(&d);
                        i += r.len();
                    }
                    _ => {
                        map.mark(text.len(), i);
                        text.push('&');
                        i += 1;
                    }
                }
            }
            _ => {
                let end = html[i..].find(['<', '&']).map_or(bytes.len(), |e| i + e);
                map.mark(text.len(), i);
                text.push_str(&html[i..end]);
                i = end;
            }
        }
    }
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html)
            .0
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn tags_scripts_styles_and_comments_go() {
        let html = "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>\
                    <script>var a = '<p>no</p>';</script></head><body><!-- hidden -->\
                    <p class=\"x>y\">One</p><p>Two<br>three</p></body></html>";
        assert_eq!(text(html), "T One Two three");
    }

    #[test]
    fn inline_tags_do_not_split_words() {
        assert_eq!(
            text("<p>sus<b>tain</b>ed <a href='/x'>growth</a></p>"),
            "sustained growth"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            to_text("Tokayev&rsquo;s &ldquo;reform&rdquo; &amp; more&nbsp;&#8212;&#x2014; &bogus; a & b").0,
            "Tokayev\u{2019}s \u{201C}reform\u{201D} & more\u{A0}\u{2014}\u{2014} &bogus; a & b"
        );
    }

    #[test]
    fn offsets_map_back_to_the_html() {
        let html = "<p>One &amp; two</p>\n<p>three</p>";
        let (text, map) = to_text(html);
        let at = text.find("three").unwrap();
        assert_eq!(&html[map.to_file(at)..map.to_file(at) + 5], "three");
        let at = text.find("two").unwrap();
        assert_eq!(&html[map.to_file(at)..map.to_file(at) + 3], "two");
    }

    #[test]
    fn malformed_html_does_not_fail() {
        assert_eq!(text("a < b <p unterminated"), "a < b");
        assert_eq!(text("x <!-- open"), "x");
        assert_eq!(text("<script>never closed"), "");
    }
}
