//! JSON and JSON Lines, read and written in one place.
//!
//! **Reading.** Parsing goes through serde_json into a `Value`, with two differences from
//! `serde_json::from_str`: a duplicate key in an object is a syntax error (serde_json would
//! silently keep the last one, losing data), and numbers keep their text (the crate builds
//! serde_json with `arbitrary_precision`). The one change serde_json makes to a number's text
//! is to write an exponent with its sign (`14e12` becomes `14e+12`): the same number with
//! every digit.
//!
//! **Streaming.** [`Lines`] splits a JSON Lines stream at each `\n`, one line's bytes at a
//! time with where the line starts, so a file of any size is read in one record's memory.
//!
//! **Writing.** [`Writer`] writes records one at a time: JSON as one array pretty-printed
//! with two spaces (exactly the layout of `serde_json::to_string_pretty` of the whole array,
//! `[]` when there is none) and a final newline; JSON Lines as one compact record per line.
//!
//! This module knows no schema and no rule, makes no diagnostic (the dataset layer,
//! [`crate::load::json`], turns a serde_json error into one) and does not decide where its
//! output goes.

use std::fmt;
use std::io::{self, BufRead, Write};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{Piece, Position};

/// The key serde_json's `arbitrary_precision` uses to pass a number's text through a map.
/// It is not public API; `tests::numbers_keep_their_text` fails if it ever changes.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return text
                    .parse::<Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}`: the second value would silently replace the first; remove or rename one"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Parses one JSON document, rejecting duplicate keys.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The lines of a JSON Lines stream, each with its line break and where it starts (see
/// [`super::read`]); blank lines included, so line numbers stay the file's.
#[derive(Debug)]
pub struct Lines<R> {
    inner: R,
    /// The next line's position: its 0-based number and byte offset.
    line: usize,
    offset: u64,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    /// The lines of `inner`.
    pub fn new(inner: R) -> Lines<R> {
        Lines {
            inner,
            line: 0,
            offset: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = io::Result<Piece>;

    fn next(&mut self) -> Option<io::Result<Piece>> {
        if self.done {
            return None;
        }
        let mut bytes = Vec::new();
        match self.inner.read_until(b'\n', &mut bytes) {
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(n) => {
                let at = Position::line(self.line, self.offset);
                self.line += 1;
                self.offset += n as u64;
                Some(Ok(Piece { bytes, at }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Writes records in JSON or JSON Lines, one at a time.
#[derive(Debug)]
pub enum Writer {
    /// A pretty-printed array; the count of records written so far.
    Array(usize),
    /// One compact record per line.
    Lines,
}

impl Writer {
    /// A writer of a JSON array.
    pub fn array() -> Writer {
        Writer::Array(0)
    }

    /// A writer of JSON Lines.
    pub fn lines() -> Writer {
        Writer::Lines
    }

    /// Writes one record.
    pub fn record(&mut self, out: &mut dyn Write, value: &Value) -> io::Result<()> {
        match self {
            Writer::Array(count) => {
                out.write_all(if *count == 0 { b"[\n" } else { b",\n" })?;
                *count += 1;
                let pretty = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
                // A JSON string never holds a raw line break, so indenting line by line is
                // exactly the layout of the record inside a pretty-printed array.
                for (i, line) in pretty.split('\n').enumerate() {
                    if i > 0 {
                        out.write_all(b"\n")?;
                    }
                    out.write_all(b"  ")?;
                    out.write_all(line.as_bytes())?;
                }
                Ok(())
            }
            Writer::Lines => {
                // The writer's own error, not a wrapper: a closed pipe stays a closed pipe.
                serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
        }
    }

    /// Ends the output: closes the array (`[]` when no record was written).
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Writer::Array(0) => out.write_all(b"[]\n"),
            Writer::Array(_) => out.write_all(b"\n]\n"),
            Writer::Lines => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let v =
            parse(r#"{"a": 1.100, "b": 12345678901234567890123, "c": -0.0, "d": 14e12}"#).unwrap();
        assert_eq!(v["a"].to_string(), "1.100");
        assert_eq!(v["b"].to_string(), "12345678901234567890123");
        assert_eq!(v["c"].to_string(), "-0.0");
        // serde_json writes an exponent with its sign: the same number, every digit kept.
        assert_eq!(v["d"].to_string(), "14e+12");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse(
            r#"{"id": "a",
  "id": "b"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("duplicate key `id`"), "{e}");
        assert_eq!(e.line(), 2);
        assert!(parse(r#"[{"a": {"x": 1, "x": 2}}]"#).is_err());
        assert!(parse(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        for bad in [
            "[1,]",
            "{\"a\": NaN}",
            "[Infinity]",
            "{'a': 1}",
            "[1] [2]",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
