//! Reading YAML: a list of records, or one record, per document, into JSON values.
//!
//! **Crate.** YAML is read with `saphyr-parser`, the event parser of the saphyr project
//! (pure Rust, maintained, sound; serde_yaml is archived, serde_yml carries
//! RUSTSEC-2025-0068, serde_norway accepts duplicate keys: see `DEPENDENCIES.md`). factkit
//! takes the parser's events and builds the JSON values itself rather than using saphyr's
//! `YamlLoader`, because the loader resolves every scalar (`1.10` becomes the float 1.1)
//! and copies every alias while it loads, which is exactly what must not happen here. From
//! the events, factkit keeps each scalar's text as written, its style (plain or quoted) and
//! its position.
//!
//! **Typing.** A quoted or block scalar (`"…"`, `'…'`, `|`, `>`) is always a string. A plain
//! scalar is resolved by the YAML 1.2 core schema, *directed by the record's JSON Schema*:
//! [`Typing::types_at`] says which JSON types the schema allows at that place (the bundled
//! schema of the record's `kind`, or the `--schema` of a conversion).
//!
//! - Where the schema allows strings only, the scalar is the string as written: `no`,
//!   `true`, `007`, `1.10`, `2025` and `2025-09-08` all stay strings.
//! - Otherwise `null`, `Null`, `NULL`, `~` and the empty scalar are null; `true`/`false`
//!   (and `True`, `TRUE`, …) are booleans, where the schema allows a boolean; a scalar
//!   written as a JSON number (`26.2`, `1.100`, `-0.0`, `12345678901234567890123`,
//!   `14e12`) is that number with its text, never through a float, where the schema
//!   allows a number.
//! - A number that YAML 1.2 reads but JSON cannot write with the same text (`007`, `+1`,
//!   `.5`, `1.`, `0x1F`, `0o17`, `.inf`, `.nan`) stays a string; where the schema allows
//!   numbers only, it is a syntax error that says how to write it.
//! - YAML 1.1's `yes`/`no`/`on`/`off`, sexagesimals and timestamps are plain strings, as in
//!   YAML 1.2.
//! - The core tags decide explicitly: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`
//!   (`!!map`, `!!seq` are accepted on their nodes); any other tag is a syntax error.
//!
//! **Traps handled on purpose.** A duplicate key is a syntax error at the second key (JSON
//! would silently keep the last). Mapping keys are strings (`1: x` has the key `"1"`);
//! a key that is a list or a mapping is an error, and so is the YAML 1.1 merge key `<<`.
//! Anchors and aliases are followed, but an alias is *expanded* into a copy, so a file may
//! copy at most [`MAX_ALIAS_NODES`] nodes through aliases; past that the file is refused
//! (the "billion laughs" attack defines ten aliases of ten aliases… and would otherwise
//! expand to 10⁹ nodes). Nesting deeper than [`MAX_DEPTH`] levels is refused, as
//! serde_json refuses JSON nested deeper than 128. A file of several documents (`---`) is
//! the records of all its documents in order; an empty document adds none.
//!
//! **Positions.** While building a record, factkit notes the span of every node under its
//! JSON Pointer ([`Record::spans`], kept by the dataset layer in
//! [`Anchor::Yaml`](crate::load::Anchor::Yaml)), so a finding points at the YAML
//! line and column of the value, exactly as for JSON. A finding inside a value copied by an
//! alias points at the alias. Columns count Unicode scalar values, as everywhere.

//!
//! This module turns text into values and spans: it makes no diagnostic (a problem is a
//! [`Problem`] with its byte span), holds no file, and knows no schema, only the JSON types
//! the caller's typing allows at each place.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use crate::format::TypingFor;
use crate::typing::{self, Types, Typing};

/// The most nodes a file may copy through aliases.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// The deepest nesting of lists and mappings accepted (serde_json's limit for JSON).
pub const MAX_DEPTH: usize = 128;

/// Why a YAML text cannot be read, with the byte span it concerns: a `syntax` finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, lower-case.
    pub message: String,
    /// What to do.
    pub help: &'static str,
    /// Byte range in the text.
    pub span: Range<usize>,
}

impl Problem {
    fn new(message: impl Into<String>, help: &'static str, span: Range<usize>) -> Problem {
        Problem {
            message: message.into(),
            help,
            span,
        }
    }
}

#[derive(Debug, Clone)]
struct Scalar {
    text: String,
    style: ScalarStyle,
    tag: Option<Tag>,
}

#[derive(Debug, Clone)]
enum Body {
    Scalar(Scalar),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
    Alias(usize),
}

/// A YAML node as written, before typing.
#[derive(Debug, Clone)]
struct Node {
    body: Body,
    span: Range<usize>,
}

/// Char index → byte offset, for a text walked mostly forwards.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Offsets<'t> {
        Offsets {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        let mut rest = self.text[self.bytes..].chars();
        while self.chars < char_index {
            match rest.next() {
                Some(c) => {
                    self.chars += 1;
                    self.bytes += c.len_utf8();
                }
                None => break,
            }
        }
        self.bytes
    }

    fn span(&mut self, span: &Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

enum Frame {
    List {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<(String, Node)>,
        key: Option<(String, Range<usize>)>,
        seen: HashMap<String, Range<usize>>,
        start: usize,
        anchor: usize,
    },
}

/// The documents of a YAML text, each a root node, and the anchored nodes by anchor id.
struct Parsed {
    documents: Vec<Node>,
    anchors: HashMap<usize, Node>,
}

fn parse(text: &str) -> Result<Parsed, Problem> {
    let mut offsets = Offsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = Vec::new();
    let mut anchors = HashMap::new();
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let mut at = offsets.byte(e.marker().index());
            // The scanner reports a tab where the token it was reading starts; the tab
            // itself is what the user must find.
            if e.info().contains("tab") {
                at = text[at..].find('\t').map_or(at, |i| at + i);
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Problem::new(
                e.info().to_owned(),
                if e.info().contains("recursion limit") {
                    "lists and mappings nest at most 128 deep (`[limits]` `max_depth` can only lower it): flatten the data"
                } else {
                    "fix the YAML at this place: check the indentation and that every quote and bracket is closed"
                },
                at..end,
            )
        })?;
        let span = offsets.span(&span);
        let done = match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => None,
            Event::Alias(id) => Some((
                Node {
                    body: Body::Alias(id),
                    span,
                },
                0,
            )),
            Event::Scalar(value, style, anchor, tag) => Some((
                Node {
                    body: Body::Scalar(Scalar {
                        text: value.into_owned(),
                        style,
                        tag: tag.map(|t| t.into_owned()),
                    }),
                    span,
                },
                anchor,
            )),
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", &span)?;
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(span));
                }
                stack.push(Frame::List {
                    items: Vec::new(),
                    start: span.start,
                    anchor,
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", &span)?;
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(span));
                }
                stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    seen: HashMap::new(),
                    start: span.start,
                    anchor,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::List {
                    items,
                    start,
                    anchor,
                }) => {
                    let end = items.last().map_or(span.end, |n| n.span.end).max(start);
                    Some((
                        Node {
                            body: Body::List(items),
                            span: start..end,
                        },
                        anchor,
                    ))
                }
                _ => return Err(Problem::new("unbalanced list", HELP_STRUCTURE, span)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    entries,
                    start,
                    anchor,
                    ..
                }) => {
                    let end = entries
                        .last()
                        .map_or(span.end, |(_, n)| n.span.end)
                        .max(start);
                    Some((
                        Node {
                            body: Body::Map(entries),
                            span: start..end,
                        },
                        anchor,
                    ))
                }
                _ => return Err(Problem::new("unbalanced mapping", HELP_STRUCTURE, span)),
            },
        };
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => documents.push(node),
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                Some((name, _)) => entries.push((name, node)),
                None => {
                    let name = key_name(&node)?;
                    if let Some(first) = seen.get(&name) {
                        let line = text[..first.start].matches('\n').count() + 1;
                        return Err(Problem::new(
                            format!(
                                "duplicate key `{name}` (first on line {line}): the second value would silently replace the first; remove or rename one"
                            ),
                            "a mapping may name each field once",
                            node.span,
                        ));
                    }
                    seen.insert(name.clone(), node.span.clone());
                    *key = Some((name, node.span));
                }
            },
        }
    }
    Ok(Parsed { documents, anchors })
}

const HELP_STRUCTURE: &str = "check the indentation of the lines above";

fn too_deep(span: Range<usize>) -> Problem {
    Problem::new(
        format!("lists and mappings are nested more than {MAX_DEPTH} deep"),
        "records are never this deep: check the file is what you meant to load",
        span,
    )
}

fn check_collection_tag(tag: Option<&Tag>, core: &str, span: &Range<usize>) -> Result<(), Problem> {
    match tag {
        None => Ok(()),
        Some(t) if t.is_yaml_core_schema() && t.suffix == core => Ok(()),
        Some(t) => Err(Problem::new(
            format!("the tag `{t}` is not supported"),
            HELP_TAG,
            span.clone(),
        )),
    }
}

const HELP_TAG: &str =
    "remove the tag; factkit reads plain YAML with the core tags !!str, !!int, !!float, !!bool and !!null";

/// A mapping key as a string: keys are always strings, whatever they look like.
fn key_name(node: &Node) -> Result<String, Problem> {
    match &node.body {
        Body::Scalar(s) => {
            if s.style == ScalarStyle::Plain && s.text == "<<" {
                return Err(Problem::new(
                    "merge keys (`<<`) are not supported: they are YAML 1.1, not YAML 1.2",
                    "write the fields out in full (an alias `*name` may stand for a whole value)",
                    node.span.clone(),
                ));
            }
            Ok(s.text.clone())
        }
        Body::Alias(_) => Err(Problem::new(
            "an alias cannot be a mapping key here",
            "write the key out",
            node.span.clone(),
        )),
        Body::List(_) | Body::Map(_) => Err(Problem::new(
            "a mapping key must be a string, not a list or a mapping",
            "write the key as a plain word",
            node.span.clone(),
        )),
    }
}

/// What typing a plain scalar can find, besides a value.
fn scalar_value(
    scalar: &Scalar,
    types: Option<Types>,
    span: &Range<usize>,
) -> Result<Value, Problem> {
    let text = scalar.text.as_str();
    if let Some(tag) = &scalar.tag {
        return tagged(tag, text, span);
    }
    if scalar.style != ScalarStyle::Plain {
        return Ok(Value::String(scalar.text.clone()));
    }
    let allows = |t: Types| types.is_none_or(|set| set.intersects(t));
    if types.is_some_and(Types::only_string) && !text.is_empty() {
        return Ok(Value::String(scalar.text.clone()));
    }
    if is_null(text) && (allows(Types::NULL) || text.is_empty() || !allows(Types::STRING)) {
        return Ok(Value::Null);
    }
    if let Some(b) = boolean(text) {
        if allows(Types::BOOLEAN) || !allows(Types::STRING) {
            return Ok(Value::Bool(b));
        }
    }
    if allows(Types::NUMBER) {
        if let Some(n) = json_number(text) {
            return Ok(Value::Number(n));
        }
        if is_yaml_number(text) && !allows(Types::STRING) {
            return Err(not_json_number(text, span));
        }
    }
    Ok(Value::String(scalar.text.clone()))
}

/// What a plain, untagged scalar written as `text` reads as where the schema allows
/// `types`; `None` when it would be an error. Writers use it to decide what needs quotes.
pub fn plain_reads_as(text: &str, types: Option<Types>) -> Option<Value> {
    let scalar = Scalar {
        text: text.to_owned(),
        style: ScalarStyle::Plain,
        tag: None,
    };
    scalar_value(&scalar, types, &(0..0)).ok()
}

fn not_json_number(text: &str, span: &Range<usize>) -> Problem {
    Problem::new(
        format!("`{text}` is a YAML number that JSON cannot hold with the same digits"),
        "write the number in decimal as JSON does (`31`, `0.5`, `1.0`), without a leading `+` or zeros",
        span.clone(),
    )
}

fn tagged(tag: &Tag, text: &str, span: &Range<usize>) -> Result<Value, Problem> {
    let core = tag.is_yaml_core_schema();
    let bad = |what: &str| {
        Problem::new(
            format!("`{text}` is not {what}, as its tag `{tag}` says"),
            "remove the tag or fix the value",
            span.clone(),
        )
    };
    match (core, tag.suffix.as_str()) {
        (true, "str") => Ok(Value::String(text.to_owned())),
        (true, "int" | "float") => match json_number(text) {
            Some(n) => Ok(Value::Number(n)),
            None if is_yaml_number(text) => Err(not_json_number(text, span)),
            None => Err(bad("a number")),
        },
        (true, "bool") => boolean(text)
            .map(Value::Bool)
            .ok_or_else(|| bad("a boolean")),
        (true, "null") if is_null(text) => Ok(Value::Null),
        (true, "null") => Err(bad("null")),
        _ => Err(Problem::new(
            format!("the tag `{tag}` is not supported"),
            HELP_TAG,
            span.clone(),
        )),
    }
}

/// YAML 1.2 core-schema null.
pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// YAML 1.2 core-schema boolean.
pub fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The JSON number written exactly as `text`, when `text` is JSON number syntax.
pub fn json_number(text: &str) -> Option<Number> {
    if !is_json_number_text(text) {
        return None;
    }
    text.parse::<Number>().ok()
}

/// Whether `text` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_json_number_text(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether the YAML 1.2 core schema reads `text` as an int or a float.
pub fn is_yaml_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all_digits(frac),
        Some((int, frac)) => !int.is_empty() && all_digits(int) && all_digits(frac),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && all_digits(digits)
    });
    mantissa_ok && exponent_ok
}

/// Builds JSON values from nodes, typing scalars and noting spans.
struct Builder<'p, 't> {
    anchors: &'p HashMap<usize, Node>,
    typing: Option<&'t Typing>,
    /// Nodes copied through aliases so far in the file.
    copied: usize,
    /// Spans by pointer, for the record being built.
    spans: Vec<(String, Range<usize>)>,
    /// The anchors whose aliases are being expanded, innermost last.
    expanding: Vec<usize>,
}

impl Builder<'_, '_> {
    /// `alias` is the span of the alias being expanded, if any: spans inside a copy are
    /// the alias's.
    fn build(
        &mut self,
        node: &Node,
        path: &mut Vec<String>,
        alias: Option<&Range<usize>>,
        depth: usize,
    ) -> Result<Value, Problem> {
        if depth > MAX_DEPTH {
            return Err(too_deep(alias.unwrap_or(&node.span).clone()));
        }
        match alias {
            Some(at) => {
                self.copied += 1;
                if self.copied > MAX_ALIAS_NODES {
                    return Err(Problem::new(
                        format!(
                            "aliases in this file expand to more than {MAX_ALIAS_NODES} nodes"
                        ),
                        "aliases copy the value they name; write the records out instead of nesting aliases of aliases",
                        at.clone(),
                    ));
                }
            }
            None => self.spans.push((typing::pointer(path), node.span.clone())),
        }
        let span = alias.unwrap_or(&node.span);
        match &node.body {
            Body::Alias(id) => {
                let target = self
                    .anchors
                    .get(id)
                    .filter(|_| !self.expanding.contains(id));
                let Some(target) = target else {
                    return Err(Problem::new(
                        "an alias refers to the list or mapping that contains it",
                        "an alias can only stand for a value defined before it, outside it",
                        span.clone(),
                    ));
                };
                let at = alias.cloned().unwrap_or_else(|| node.span.clone());
                self.expanding.push(*id);
                let value = self.build(target, path, Some(&at), depth + 1);
                self.expanding.pop();
                value
            }
            Body::Scalar(s) => {
                let types = self.typing.and_then(|t| t.types_at(path));
                scalar_value(s, types, span)
            }
            Body::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    let value = self.build(item, path, alias, depth + 1);
                    path.pop();
                    out.push(value?);
                }
                Ok(Value::Array(out))
            }
            Body::Map(entries) => {
                let mut out = Map::new();
                for (key, value) in entries {
                    path.push(key.clone());
                    let value = self.build(value, path, alias, depth + 1);
                    path.pop();
                    out.insert(key.clone(), value?);
                }
                Ok(Value::Object(out))
            }
        }
    }
}

/// The `kind` written in a record node, if it is a plain string.
fn kind_of(node: &Node, anchors: &HashMap<usize, Node>) -> Option<String> {
    let mut node = node;
    if let Body::Alias(id) = &node.body {
        node = anchors.get(id)?;
    }
    let Body::Map(entries) = &node.body else {
        return None;
    };
    let (_, value) = entries.iter().find(|(k, _)| k == "kind")?;
    let value = match &value.body {
        Body::Alias(id) => anchors.get(id)?,
        _ => value,
    };
    match &value.body {
        Body::Scalar(s) => Some(s.text.clone()),
        _ => None,
    }
}

/// A record read from YAML: its value and the span of every node by pointer.
pub struct Record {
    /// The record.
    pub value: Value,
    /// Byte spans by JSON Pointer (relative to the record).
    pub spans: Vec<(String, Range<usize>)>,
}

/// Reads every record of a YAML text: the items of a top-level list, or a document that is
/// one record. `typing` picks the schema that types a record, from its `kind`.
pub fn records(text: &str, typing: &TypingFor<'_>) -> Result<Vec<Record>, Problem> {
    read(text, typing, true)
}

/// Reads every document of a YAML text as one value each, lists included (the instances of
/// the generic mode, `check --schema`).
pub fn documents(text: &str, typing: &TypingFor<'_>) -> Result<Vec<Record>, Problem> {
    read(text, typing, false)
}

fn read(text: &str, typing: &TypingFor<'_>, split_lists: bool) -> Result<Vec<Record>, Problem> {
    let parsed = parse(text)?;
    let mut builder = Builder {
        anchors: &parsed.anchors,
        typing: None,
        copied: 0,
        spans: Vec::new(),
        expanding: Vec::new(),
    };
    let mut out = Vec::new();
    for document in &parsed.documents {
        let items: Vec<&Node> = match &document.body {
            Body::List(items) if split_lists => items.iter().collect(),
            Body::Scalar(s)
                if s.text.is_empty() && s.tag.is_none() && s.style == ScalarStyle::Plain =>
            {
                Vec::new()
            }
            _ => vec![document],
        };
        for item in items {
            let kind = kind_of(item, &parsed.anchors);
            builder.typing = typing(kind.as_deref());
            builder.spans = Vec::new();
            let value = builder.build(item, &mut Vec::new(), None, 0)?;
            out.push(Record {
                value,
                spans: std::mem::take(&mut builder.spans),
            });
        }
    }
    Ok(out)
}

/// The span of `pointer` in a record's span map: the node itself, or its deepest ancestor
/// that was written (a missing field points at the mapping that lacks it).
pub fn locate(spans: &[(String, Range<usize>)], pointer: &str) -> Option<Range<usize>> {
    let mut pointer = pointer;
    loop {
        if let Some((_, span)) = spans.iter().find(|(p, _)| p == pointer) {
            return Some(span.clone());
        }
        let cut = pointer.rfind('/')?;
        pointer = &pointer[..cut];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn bundled(kind: Option<&str>) -> Option<&'static Typing> {
        kind.and_then(Kind::parse).map(Typing::bundled)
    }

    fn read(text: &str) -> Result<Vec<Value>, Problem> {
        records(text, &bundled).map(|r| r.into_iter().map(|r| r.value).collect())
    }

    fn untyped(text: &str) -> Result<Vec<Value>, Problem> {
        records(text, &|_| None).map(|r| r.into_iter().map(|r| r.value).collect())
    }

    #[test]
    fn figures_keep_their_text() {
        let v = &untyped("a: 1.100\nb: -0.0\nc: 12345678901234567890123\nd: 14e12\ne: 007\nf: +1\ng: 0x1F\nh: .inf\n").unwrap()[0];
        assert_eq!(v["a"].to_string(), "1.100");
        assert_eq!(v["b"].to_string(), "-0.0");
        assert_eq!(v["c"].to_string(), "12345678901234567890123");
        assert!(v["d"].is_number());
        for (k, s) in [("e", "007"), ("f", "+1"), ("g", "0x1F"), ("h", ".inf")] {
            assert_eq!(v[k], Value::String(s.into()), "{k}");
        }
    }

    #[test]
    fn the_schema_keeps_strings_strings() {
        let text = "- kind: source\n  id: s\n  title: no\n  published: 2025\n  publisher: true\n  language: null\n- kind: statistic\n  id: x\n  label: 1.10\n  source: s\n  value: {amount: 1.10, unit: people}\n  period: 2025-09-08\n";
        let v = read(text).unwrap();
        assert_eq!(v[0]["title"], "no");
        assert_eq!(v[0]["published"], "2025");
        assert_eq!(v[0]["publisher"], "true");
        assert_eq!(v[0]["language"], "null");
        assert_eq!(v[1]["label"], "1.10");
        assert!(v[1]["value"]["amount"].is_number());
        assert_eq!(v[1]["value"]["amount"].to_string(), "1.10");
        assert_eq!(v[1]["period"], "2025-09-08");
        // Without the schema, YAML 1.2 alone decides.
        let v = untyped(text).unwrap();
        assert_eq!(v[0]["published"].to_string(), "2025");
        assert_eq!(v[0]["publisher"], true);
        assert_eq!(v[0]["language"], Value::Null);
        assert_eq!(v[0]["title"], "no");
    }

    #[test]
    fn quoted_and_tagged_scalars() {
        let v = &untyped("a: '1.0'\nb: \"true\"\nc: !!str 5\nd: !!int 5\ne: |\n  x\n").unwrap()[0];
        assert_eq!(v["a"], "1.0");
        assert_eq!(v["b"], "true");
        assert_eq!(v["c"], "5");
        assert_eq!(v["d"].to_string(), "5");
        assert_eq!(v["e"], "x\n");
        let e = untyped("a: !!int 0x1F\n").unwrap_err();
        assert!(e.message.contains("cannot hold"), "{e:?}");
        let e = untyped("a: !custom x\n").unwrap_err();
        assert!(e.message.contains("`!custom`"), "{e:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "- id: a\n  name: x\n  id: b\n";
        let e = untyped(text).unwrap_err();
        assert!(
            e.message
                .starts_with("duplicate key `id` (first on line 1)"),
            "{e:?}"
        );
        assert_eq!(&text[e.span.clone()], "id");
        assert_eq!(e.span.start, text.rfind("id").unwrap());
        assert!(untyped("a: {x: 1, x: 2}").is_err());
        assert!(untyped("- a: 1\n- a: 2\n").is_ok());
        // Keys are strings: `1` and "1" are the same key.
        assert!(untyped("1: a\n\"1\": b\n").is_err());
    }

    #[test]
    fn aliases_are_copied_within_a_bound() {
        let v = &untyped("base: &b {x: 1, y: [a, b]}\ncopy: *b\n").unwrap()[0];
        assert_eq!(v["copy"], v["base"]);
        let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (i, c) in "bcdefghij".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            laughs.push_str(&format!(
                "{c}: &{c} [{}]\n",
                vec![format!("*{prev}"); 10].join(", ")
            ));
        }
        let e = untyped(&laughs).unwrap_err();
        assert!(e.message.contains("more than 100000 nodes"), "{e:?}");
        let e = untyped("a: &a [*a]\n").unwrap_err();
        assert!(e.message.contains("contains it"), "{e:?}");
        assert!(untyped("<<: {a: 1}\n")
            .unwrap_err()
            .message
            .contains("merge keys"));
    }

    #[test]
    fn documents_and_shapes() {
        let v = untyped("---\nid: a\n---\n- id: b\n- id: c\n---\n").unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[2]["id"], "c");
        assert!(untyped("[[1], {a: b}]").is_ok());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(untyped(&deep)
            .unwrap_err()
            .message
            .contains("nested more than"));
        assert!(untyped("? [a]\n: b\n")
            .unwrap_err()
            .message
            .contains("must be a string"));
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let text = "- id: a\n  name: \"unterminated\n";
        let e = untyped(text).unwrap_err();
        assert!(e.span.start <= text.len());
        let text = "- id: a\n name: b\n";
        assert!(untyped(text).is_err());
        let text = "- kind: entity\n  id: a\n\ttype: person\n";
        let e = untyped(text).unwrap_err();
        assert_eq!(&text[e.span.clone()], "\t", "{e:?}");
    }

    #[test]
    fn spans_by_pointer() {
        let text = "- kind: statistic\n  id: é\n  value:\n    amount: \"26.2\"\n  tags: [a, 'b']\n";
        let r = records(text, &bundled).unwrap();
        let spans = &r[0].spans;
        let at = |p: &str| &text[locate(spans, p).unwrap()];
        assert_eq!(at("/id"), "é");
        assert_eq!(at("/value/amount"), "\"26.2\"");
        assert_eq!(at("/tags/1"), "'b'");
        assert_eq!(at("/value/currency"), at("/value"));
        assert!(at("/value").starts_with("amount"));
    }

    #[test]
    fn number_syntax() {
        for yes in [
            "0",
            "-0.0",
            "1.100",
            "1e5",
            "1E+5",
            "12345678901234567890123",
        ] {
            assert!(is_json_number_text(yes), "{yes}");
            assert!(is_yaml_number(yes), "{yes}");
        }
        for no in [
            "007", "+1", ".5", "1.", "-", "", "1e", "0x1", "1_000", "--1",
        ] {
            assert!(!is_json_number_text(no), "{no}");
        }
        for yaml in ["007", "+1", ".5", "1.", "0x1F", "0o17", "-.inf", ".NaN"] {
            assert!(is_yaml_number(yaml), "{yaml}");
        }
        for not in ["1_000", "0x", "1:20", "2025-09-08", "e5", "."] {
            assert!(!is_yaml_number(not), "{not}");
        }
    }
}
