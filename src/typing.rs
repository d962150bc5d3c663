//! Which JSON types a schema allows at a place in a record: what turns the text of a YAML
//! scalar or a CSV cell into a JSON value without guessing.
//!
//! YAML and CSV cannot say by themselves whether `2025`, `1.10` or `no` is a number, a date
//! or a word; JSON can. factkit lets the schema decide: [`Typing::types_at`] walks a JSON
//! Pointer's tokens through a schema (`properties`, `additionalProperties`, `items`,
//! `prefixItems`, through `$ref`, `allOf`, `anyOf`, `oneOf`, `then`/`else`) and returns the
//! set of JSON [`Types`] the schema allows there (from `type`, `const` and `enum`), or
//! `None` when it does not constrain the place. Alternatives (`anyOf`, `oneOf`, `then` and
//! `else`) join; everything that applies together (`allOf`, `$ref` beside siblings,
//! `properties`) meets. The answer is an over-approximation: it never rules out a type the
//! schema accepts, so typing can only ever be as strict as validation.
//!
//! This module decides types only. It never validates (the jsonschema crate does that) and
//! never reads files: a user schema's documents are handed to it by the caller
//! ([`crate::schema::user`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::model::Kind;

/// A set of JSON types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Types(u8);

impl Types {
    /// `null`.
    pub const NULL: Types = Types(1);
    /// `true` or `false`.
    pub const BOOLEAN: Types = Types(2);
    /// A number (JSON Schema's `integer` is read as a number: the text decides).
    pub const NUMBER: Types = Types(4);
    /// A string.
    pub const STRING: Types = Types(8);
    /// An array.
    pub const ARRAY: Types = Types(16);
    /// An object.
    pub const OBJECT: Types = Types(32);
    /// Every type.
    pub const ANY: Types = Types(63);

    /// Whether every type of `other` is in this set.
    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any type of `other` is in this set.
    pub fn intersects(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    /// Both sets together.
    pub fn union(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    /// What both sets allow.
    pub fn intersect(self, other: Types) -> Types {
        Types(self.0 & other.0)
    }

    /// Whether the set holds strings and nothing else.
    pub fn only_string(self) -> bool {
        self == Types::STRING
    }

    /// The type of a value.
    pub fn of(value: &Value) -> Types {
        match value {
            Value::Null => Types::NULL,
            Value::Bool(_) => Types::BOOLEAN,
            Value::Number(_) => Types::NUMBER,
            Value::String(_) => Types::STRING,
            Value::Array(_) => Types::ARRAY,
            Value::Object(_) => Types::OBJECT,
        }
    }

    fn named(name: &str) -> Types {
        match name {
            "null" => Types::NULL,
            "boolean" => Types::BOOLEAN,
            "integer" | "number" => Types::NUMBER,
            "string" => Types::STRING,
            "array" => Types::ARRAY,
            "object" => Types::OBJECT,
            // An unknown type name constrains nothing here; the validator reports it.
            _ => Types::ANY,
        }
    }
}

impl std::ops::BitOr for Types {
    type Output = Types;
    fn bitor(self, other: Types) -> Types {
        self.union(other)
    }
}

/// `None` is "unconstrained": the identity of [`meet`] and the absorbing element of [`join`].
fn meet(a: Option<Types>, b: Option<Types>) -> Option<Types> {
    match (a, b) {
        (None, t) | (t, None) => t,
        (Some(a), Some(b)) => Some(a.intersect(b)),
    }
}

fn join(a: Option<Types>, b: Option<Types>) -> Option<Types> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.union(b)),
        _ => None,
    }
}

/// How deep `$ref`s and applicators are followed before a place counts as unconstrained: a
/// schema that refers to itself in a loop must not hang the loader.
const MAX_DEPTH: usize = 64;

/// A set of schema documents, by name, one of which is the root.
#[derive(Debug, Clone)]
pub struct Typing {
    documents: HashMap<String, Value>,
    root: String,
}

impl Typing {
    /// Typing by `root` among `documents` (name → schema). `$ref`s name documents by their
    /// name relative to the referring one (`defs.json`, `common/quantity.json`) or by the
    /// `$id` of a document; anything else is unconstrained.
    pub fn new(documents: HashMap<String, Value>, root: String) -> Typing {
        Typing { documents, root }
    }

    /// The typing of a bundled kind's schema.
    pub fn bundled(kind: Kind) -> &'static Typing {
        static BUNDLED: OnceLock<Vec<Typing>> = OnceLock::new();
        let all = BUNDLED.get_or_init(|| {
            let mut documents = HashMap::new();
            for (name, text) in crate::schema::FILES {
                // The bundled schemas are valid JSON: `Schemas::bundled` compiles them and a
                // unit test holds that. Should one not parse, its places are unconstrained.
                let value = serde_json::from_str(text).unwrap_or(Value::Bool(true));
                documents.insert(format!("{name}.json"), value);
            }
            Kind::ALL
                .iter()
                .map(|k| Typing::new(documents.clone(), format!("{}.json", k.as_str())))
                .collect()
        });
        let index = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        &all[index]
    }

    /// The types the schema allows at `path` (JSON Pointer tokens, unescaped), or `None`
    /// when it does not constrain that place.
    pub fn types_at<S: AsRef<str>>(&self, path: &[S]) -> Option<Types> {
        let root = self.documents.get(&self.root)?;
        self.at(&self.root, root, path, 0)
    }

    fn at<S: AsRef<str>>(
        &self,
        doc: &str,
        schema: &Value,
        path: &[S],
        depth: usize,
    ) -> Option<Types> {
        if depth > MAX_DEPTH {
            return None;
        }
        let object = schema.as_object()?;
        let mut acc = None;
        match path.split_first() {
            None => {
                if let Some(t) = object.get("type") {
                    acc = meet(acc, type_keyword(t));
                }
                if let Some(c) = object.get("const") {
                    acc = meet(acc, Some(Types::of(c)));
                }
                if let Some(Value::Array(options)) = object.get("enum") {
                    let all = options.iter().fold(Types(0), |t, v| t.union(Types::of(v)));
                    acc = meet(acc, Some(all));
                }
            }
            Some((head, rest)) => {
                if let Some(child) = child_schema(object, head.as_ref()) {
                    acc = meet(acc, self.at(doc, child, rest, depth + 1));
                }
            }
        }
        if let Some(Value::String(reference)) = object.get("$ref") {
            if let Some((target_doc, target)) = self.resolve(doc, reference) {
                acc = meet(acc, self.at(&target_doc, target, path, depth + 1));
            }
        }
        if let Some(Value::Array(all)) = object.get("allOf") {
            for branch in all {
                acc = meet(acc, self.at(doc, branch, path, depth + 1));
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                let mut alternatives = branches.iter().map(|b| self.at(doc, b, path, depth + 1));
                let first = alternatives.next().flatten();
                acc = meet(acc, alternatives.fold(first, join));
            }
        }
        if object.contains_key("if") {
            let branch = |k: &str| object.get(k).and_then(|b| self.at(doc, b, path, depth + 1));
            acc = meet(acc, join(branch("then"), branch("else")));
        }
        acc
    }

    /// The member names the schema lists at `path` (its `properties`, through `$ref`s and
    /// applicators), in the order written: the column order of CSV output.
    pub fn properties_at<S: AsRef<str>>(&self, path: &[S]) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(root) = self.documents.get(&self.root) {
            self.collect_properties(&self.root, root, path, 0, &mut out);
        }
        out
    }

    fn collect_properties<S: AsRef<str>>(
        &self,
        doc: &str,
        schema: &Value,
        path: &[S],
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let Some(object) = schema.as_object() else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        match path.split_first() {
            None => {
                if let Some(Value::Object(properties)) = object.get("properties") {
                    for name in properties.keys() {
                        if !out.contains(name) {
                            out.push(name.clone());
                        }
                    }
                }
            }
            Some((head, rest)) => {
                if let Some(child) = child_schema(object, head.as_ref()) {
                    self.collect_properties(doc, child, rest, depth + 1, out);
                }
            }
        }
        if let Some(Value::String(reference)) = object.get("$ref") {
            if let Some((target_doc, target)) = self.resolve(doc, reference) {
                self.collect_properties(&target_doc, target, path, depth + 1, out);
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                for branch in branches {
                    self.collect_properties(doc, branch, path, depth + 1, out);
                }
            }
        }
        for keyword in ["then", "else"] {
            if let Some(branch) = object.get(keyword) {
                self.collect_properties(doc, branch, path, depth + 1, out);
            }
        }
    }

    /// The document and schema a `$ref` names, relative to document `doc`.
    fn resolve(&self, doc: &str, reference: &str) -> Option<(String, &Value)> {
        let (location, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target_doc = if location.is_empty() {
            doc.to_owned()
        } else if self.documents.contains_key(location) {
            location.to_owned()
        } else if let Some(name) = self.by_id(location) {
            name
        } else {
            let dir = doc.rsplit_once('/').map_or("", |(d, _)| d);
            let joined = if dir.is_empty() {
                location.to_owned()
            } else {
                format!("{dir}/{location}")
            };
            normalise(&joined)
        };
        let document = self.documents.get(&target_doc)?;
        let schema = if fragment.is_empty() {
            document
        } else if fragment.starts_with('/') {
            document.pointer(&percent_decode(fragment))?
        } else {
            // A plain-name fragment (`$anchor`): not followed, so unconstrained.
            return None;
        };
        Some((target_doc, schema))
    }

    /// The name of the document whose `$id` is `id`, or whose `$id` ends in `/id` (the bundled
    /// schemas' ids are URLs ending in their file names).
    fn by_id(&self, id: &str) -> Option<String> {
        self.documents
            .iter()
            .find(|(_, v)| {
                v.get("$id")
                    .and_then(Value::as_str)
                    .is_some_and(|own| own == id)
            })
            .map(|(name, _)| name.clone())
    }
}

/// The subschema that applies to member or element `token` of an instance.
fn child_schema<'s>(object: &'s serde_json::Map<String, Value>, token: &str) -> Option<&'s Value> {
    if let Some(child) = object.get("properties").and_then(|p| p.get(token)) {
        return Some(child);
    }
    if let Ok(index) = token.parse::<usize>() {
        if let Some(Value::Array(prefix)) = object.get("prefixItems") {
            if let Some(child) = prefix.get(index) {
                return Some(child);
            }
            return object.get("items").filter(|i| i.is_object());
        }
        match object.get("items") {
            // Drafts 4 to 2019-09: `items` as an array is a tuple.
            Some(Value::Array(tuple)) => {
                return tuple
                    .get(index)
                    .or_else(|| object.get("additionalItems").filter(|i| i.is_object()))
            }
            Some(items @ Value::Object(_)) => return Some(items),
            _ => {}
        }
    }
    object.get("additionalProperties").filter(|a| a.is_object())
}

fn type_keyword(value: &Value) -> Option<Types> {
    match value {
        Value::String(name) => Some(Types::named(name)),
        Value::Array(names) => Some(
            names
                .iter()
                .filter_map(Value::as_str)
                .fold(Types(0), |t, n| t.union(Types::named(n))),
        ),
        _ => None,
    }
}

/// `a/./b/../c` → `a/c`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Decodes `%XX` escapes in a URI fragment (`%24defs` is `$defs`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Splits a JSON Pointer into unescaped tokens (`/a~1b/0` → `["a/b", "0"]`).
pub fn tokens(pointer: &str) -> Vec<String> {
    match pointer.strip_prefix('/') {
        None => Vec::new(),
        Some(rest) => rest
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    }
}

/// Joins unescaped tokens into a JSON Pointer.
pub fn pointer<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push('/');
        out.push_str(&t.as_ref().replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(kind: Kind, pointer: &str) -> Option<Types> {
        Typing::bundled(kind).types_at(&tokens(pointer))
    }

    #[test]
    fn bundled_kinds_type_their_fields() {
        let decimal = Types::NUMBER.union(Types::STRING);
        assert_eq!(at(Kind::Statistic, "/value/amount"), Some(decimal));
        assert_eq!(at(Kind::Statistic, "/equivalents/0/amount"), Some(decimal));
        assert_eq!(at(Kind::Statistic, "/equivalents"), Some(Types::ARRAY));
        assert_eq!(at(Kind::Statistic, "/value"), Some(Types::OBJECT));
        assert_eq!(at(Kind::Statistic, "/value/scale"), Some(Types::STRING));
        assert_eq!(at(Kind::Statistic, "/period"), Some(Types::STRING));
        assert_eq!(
            at(Kind::Statistic, "/ratio_of/numerator"),
            Some(Types::STRING)
        );
        assert_eq!(at(Kind::Statistic, "/tags/3"), Some(Types::STRING));
        assert_eq!(at(Kind::Source, "/published"), Some(Types::STRING));
        assert_eq!(at(Kind::ExchangeRate, "/rate"), Some(decimal));
        assert_eq!(at(Kind::Entity, "/kind"), Some(Types::STRING));
        // Not in the schema (which rejects it): unconstrained.
        assert_eq!(at(Kind::Entity, "/nickname"), None);
    }

    #[test]
    fn applicators_meet_and_join() {
        let schema = json!({
            "$defs": {"n": {"type": "number"}, "s": {"type": "string"}},
            "properties": {
                "a": {"anyOf": [{"$ref": "#/$defs/n"}, {"$ref": "#/$defs/s"}]},
                "b": {"allOf": [{"type": ["number", "string"]}, {"$ref": "#/$defs/s"}]},
                "c": {"anyOf": [{"type": "number"}, {"minimum": 1}]},
                "d": {"enum": [1, "x", null]},
                "e": {"items": [{"type": "boolean"}], "additionalItems": {"type": "null"}},
                "f": {"prefixItems": [{"type": "boolean"}], "items": {"type": "object"}},
                "loop": {"$ref": "#/properties/loop"},
                "other": {"$ref": "other.json#/$defs/x"},
                "by_id": {"$ref": "https://example.com/other.json"}
            },
            "additionalProperties": {"type": "array"}
        });
        let other = json!({"$id": "https://example.com/other.json", "type": "boolean",
            "$defs": {"x": {"const": "y"}}});
        let typing = Typing::new(
            HashMap::from([("root.json".into(), schema), ("other.json".into(), other)]),
            "root.json".into(),
        );
        let t = |p: &str| typing.types_at(&tokens(p));
        assert_eq!(t("/a"), Some(Types::NUMBER.union(Types::STRING)));
        assert_eq!(t("/b"), Some(Types::STRING));
        assert_eq!(t("/c"), None);
        assert_eq!(
            t("/d"),
            Some(Types::NUMBER.union(Types::STRING).union(Types::NULL))
        );
        assert_eq!(t("/e/0"), Some(Types::BOOLEAN));
        assert_eq!(t("/e/1"), Some(Types::NULL));
        assert_eq!(t("/f/0"), Some(Types::BOOLEAN));
        assert_eq!(t("/f/7"), Some(Types::OBJECT));
        assert_eq!(t("/loop"), None);
        assert_eq!(t("/other"), Some(Types::STRING));
        assert_eq!(t("/by_id"), Some(Types::BOOLEAN));
        assert_eq!(t("/zzz"), Some(Types::ARRAY));
    }

    #[test]
    fn property_order() {
        let statistic = Typing::bundled(Kind::Statistic);
        let names = statistic.properties_at(&tokens(""));
        assert_eq!(names[..4], ["kind", "id", "label", "value"]);
        let names = statistic.properties_at(&tokens("/equivalents/0"));
        assert_eq!(names, ["amount", "scale", "currency", "unit", "qualifier"]);
    }

    #[test]
    fn pointers_and_tokens() {
        assert_eq!(tokens("/a~1b/~0c/0"), ["a/b", "~c", "0"]);
        assert_eq!(pointer(&tokens("/a~1b/~0c/0")), "/a~1b/~0c/0");
        assert!(tokens("").is_empty());
        assert_eq!(normalise("a/./b/../c"), "a/c");
        assert_eq!(percent_decode("/%24defs/x"), "/$defs/x");
    }
}
