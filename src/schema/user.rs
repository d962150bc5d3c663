//! A user's JSON Schema file for `convert --schema FILE`: read with its local `$ref`s,
//! compiled offline, and used both to type YAML and CSV input and to validate records.
//!
//! The schema file is JSON (or YAML, by its extension). Every `$ref` to another file is
//! resolved relative to the file that makes it and must stay inside the schema's folder;
//! those files are read and registered up front, so the validator never retrieves anything.
//! A `$ref` to a URL is refused with an error that says what to do, unless one of the files
//! read declares that URL as its `$id`: factkit never uses the network. The draft is taken
//! from `$schema` (2020-12 when absent), and formats are validated, factkit's own
//! `factkit-date` and `factkit-period` included.
//!
//! Nothing here prints; problems with the schema are [`Error::Schema`] (exit 2).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonschema::Validator;
use serde_json::Value;

use super::{brief, with_formats, Violation};
use crate::error::Error;
use crate::limits::Limits;
use crate::typing::Typing;

/// A compiled user schema.
pub struct SchemaFile {
    name: String,
    validator: Validator,
    typing: Arc<Typing>,
}

impl std::fmt::Debug for SchemaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaFile")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn schema_error(name: &str, message: impl Into<String>) -> Error {
    Error::Schema {
        name: name.to_owned(),
        message: message.into(),
    }
}

fn read_document(path: &Path, shown: &Path, name: &str, limits: &Limits) -> Result<Value, Error> {
    let text =
        super::file::read_text(path, limits.max_file_size).map_err(|e| Error::reading(shown, e))?;
    let yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    if yaml {
        let mut records = crate::format::yaml::records(&text, &|_| None)
            .map_err(|e| schema_error(name, format!("not valid YAML: {}", e.message)))?;
        if records.len() != 1 {
            return Err(schema_error(name, "a YAML schema file holds one document"));
        }
        Ok(records.remove(0).value)
    } else {
        serde_json::from_str(&text).map_err(|e| schema_error(name, format!("not valid JSON: {e}")))
    }
}

/// Every `$ref` string in a schema document.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref" | "$dynamicRef", Value::String(r)) => out.push(r.clone()),
                    // `enum` and `const` hold instances, not schemas.
                    ("enum" | "const" | "examples" | "default", _) => {}
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Whether a reference names a URI with a scheme (`https:`, `urn:`), not a relative path.
fn has_scheme(reference: &str) -> bool {
    let head = reference.split(['/', '?', '#']).next().unwrap_or("");
    head.contains(':')
}

/// `dir/../x` resolved without leaving the root; `None` when it would leave it.
fn join_inside(from: &str, location: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in location.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A `file://` URI for an absolute path, percent-encoding what a URI cannot hold.
fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    let text = path.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl SchemaFile {
    /// Reads and compiles the schema at `path`, within the default ceilings.
    pub fn read(path: &Path) -> Result<SchemaFile, Error> {
        Self::read_within(path, &Limits::default())
    }

    /// Reads and compiles the schema at `path`; it and every file its `$ref`s name must be
    /// regular files (checked before opening) of at most `limits.max_file_size` bytes.
    pub fn read_within(path: &Path, limits: &Limits) -> Result<SchemaFile, Error> {
        let name = path.display().to_string();
        let absolute = std::fs::canonicalize(path).map_err(|e| Error::reading(path, e))?;
        let dir = absolute
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        let root = absolute
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut documents: HashMap<String, Value> = HashMap::new();
        let mut queue = vec![root.clone()];
        let mut absolute_refs = Vec::new();
        while let Some(doc) = queue.pop() {
            if documents.contains_key(&doc) {
                continue;
            }
            // Read by its absolute path, named as the user would: the schema as given, a file
            // it refers to beside it.
            let shown = if doc == root {
                path.to_path_buf()
            } else {
                path.parent().unwrap_or(Path::new("")).join(&doc)
            };
            let value = read_document(&dir.join(&doc), &shown, &name, limits)?;
            let mut refs = Vec::new();
            references(&value, &mut refs);
            documents.insert(doc.clone(), value);
            for reference in refs {
                let location = reference.split('#').next().unwrap_or("");
                if location.is_empty() {
                    continue;
                }
                if has_scheme(location) {
                    absolute_refs.push(location.to_owned());
                    continue;
                }
                let target = join_inside(&doc, location).ok_or_else(|| {
                    schema_error(
                        &name,
                        format!("`$ref` `{reference}` in `{doc}` points outside the schema's folder; factkit reads referenced schemas only from that folder and below"),
                    )
                })?;
                if !dir.join(&target).is_file() {
                    return Err(schema_error(
                        &name,
                        format!("`$ref` `{reference}` in `{doc}` names `{target}`, which is not a file in the schema's folder"),
                    ));
                }
                queue.push(target);
            }
        }
        let ids: Vec<String> = documents
            .values()
            .filter_map(|v| v.get("$id").and_then(Value::as_str))
            .map(|id| id.split('#').next().unwrap_or("").to_owned())
            .collect();
        // A root `$id` makes relative references resolve against it: register the files
        // under that base too.
        let id_base = documents
            .get(&root)
            .and_then(|v| v.get("$id"))
            .and_then(Value::as_str)
            .and_then(|id| id.rsplit_once('/').map(|(base, _)| base.to_owned()));
        for reference in absolute_refs {
            let known = ids.contains(&reference)
                || id_base.as_ref().is_some_and(|base| {
                    reference
                        .strip_prefix(base.as_str())
                        .is_some_and(|rest| documents.contains_key(rest.trim_start_matches('/')))
                });
            if !known {
                return Err(schema_error(
                    &name,
                    format!("`$ref` `{reference}` is remote, and factkit never fetches schemas: save it next to the schema and refer to it by file name"),
                ));
            }
        }
        let mut resources = Vec::new();
        for (doc, value) in &documents {
            let uri = file_uri(&dir.join(doc));
            resources.push((uri, jsonschema::Resource::from_contents(value.clone())));
            if let Some(id) = value.get("$id").and_then(Value::as_str) {
                let id = id.split('#').next().unwrap_or("").to_owned();
                if !id.is_empty() && has_scheme(&id) {
                    resources.push((id, jsonschema::Resource::from_contents(value.clone())));
                }
            } else if let Some(base) = &id_base {
                resources.push((
                    format!("{base}/{doc}"),
                    jsonschema::Resource::from_contents(value.clone()),
                ));
            }
        }
        let registry = jsonschema::Registry::new()
            .extend(resources)
            .and_then(|b| b.prepare())
            .map_err(|e| schema_error(&name, e.to_string()))?;
        let schema = documents.get(&root).cloned().unwrap_or(Value::Bool(true));
        let validator = with_formats(jsonschema::options())
            .with_base_uri(file_uri(&absolute))
            .with_registry(&registry)
            .build(&schema)
            .map_err(|e| schema_error(&name, e.to_string()))?;
        Ok(SchemaFile {
            name,
            validator,
            typing: Arc::new(Typing::new(documents, root)),
        })
    }

    /// The schema's name as the user gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The typing the schema gives YAML scalars and CSV cells.
    pub fn typing(&self) -> Arc<Typing> {
        Arc::clone(&self.typing)
    }

    /// The violations of `value`, sorted by place.
    pub fn validate(&self, value: &Value) -> Vec<Violation> {
        if self.validator.is_valid(value) {
            return Vec::new();
        }
        let mut out: Vec<Violation> = self
            .validator
            .iter_errors(value)
            .map(|e| Violation {
                pointer: e.instance_path().as_str().to_owned(),
                keyword: e.kind().keyword().to_owned(),
                message: message(&e),
                expected: Some(format!(
                    "see `{}` at `{}` in `{}`",
                    e.kind().keyword(),
                    e.schema_path().as_str(),
                    self.name
                )),
                found: Some(brief(e.instance())),
            })
            .collect();
        out.sort_by(|a, b| {
            a.pointer
                .cmp(&b.pointer)
                .then_with(|| a.message.cmp(&b.message))
        });
        out.dedup();
        out
    }
}

/// jsonschema's message for a violation, unless it would be long: unknown properties are
/// listed up to ten, and any other message over 200 characters (one that quotes a long
/// value) says which constraint the value fails instead.
fn message(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind;
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            format!("property {} is not allowed", super::names(unexpected))
        }
        _ => {
            let message = e.to_string();
            if message.chars().count() > 200 {
                format!(
                    "{} fails the `{}` constraint",
                    brief(e.instance()),
                    e.kind().keyword()
                )
            } else {
                message
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typing::{tokens, Types};
    use serde_json::json;

    #[test]
    fn local_refs_resolve_and_remote_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(
            dir.path().join("root.json"),
            r#"{"type": "object", "properties": {"n": {"$ref": "sub/n.json"}, "s": {"type": "string"}}, "required": ["s"]}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("sub/n.json"),
            r#"{"$ref": "../defs.json#/$defs/n"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("defs.json"),
            r#"{"$defs": {"n": {"type": "number"}}}"#,
        )
        .unwrap();
        let schema = SchemaFile::read(&dir.path().join("root.json")).unwrap();
        assert!(schema.validate(&json!({"s": "x", "n": 1})).is_empty());
        let v = schema.validate(&json!({"n": "1"}));
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].pointer, "");
        assert_eq!(v[1].pointer, "/n");
        assert_eq!(schema.typing().types_at(&tokens("/n")), Some(Types::NUMBER));

        std::fs::write(
            dir.path().join("remote.json"),
            r#"{"$ref": "https://example.com/s.json"}"#,
        )
        .unwrap();
        let e = SchemaFile::read(&dir.path().join("remote.json")).unwrap_err();
        assert!(e.to_string().contains("is remote"), "{e}");
        std::fs::write(
            dir.path().join("sub/up.json"),
            r#"{"$ref": "../../x.json"}"#,
        )
        .unwrap();
        let e = SchemaFile::read(&dir.path().join("sub/up.json")).unwrap_err();
        assert!(e.to_string().contains("outside the schema's folder"), "{e}");
        std::fs::write(dir.path().join("bad.json"), r#"{"type": 5}"#).unwrap();
        assert!(SchemaFile::read(&dir.path().join("bad.json")).is_err());
    }
}
