//! The one loader of user schemas: `check --schema FILE`, the extra schemas of `[schemas]`
//! in factkit.toml and `convert --schema FILE` all read a schema here, so they accept the same
//! files and fail with the same errors.
//!
//! A schema file is JSON, or YAML when its name ends in `.yaml`/`.yml`, held to the regular
//! file check and `max_file_size` ([`super::file`]). It is compiled for the draft its
//! `$schema` names (draft 4, 6, 7, 2019-09 or 2020-12; 2020-12 when it names none), with its
//! own `file://` URI as base, so a relative `$ref` names a file beside it, and with the
//! retriever of [`super::file::Files`], which answers every other reference offline: from
//! the schema's folder, from the mappings given (`--ref URI=PATH`, `[schemas.refs]`), from a
//! file under the folder whose `$id` is the URI, or from the file beside the schema that an
//! absolute `$id` makes a relative reference name. Nothing is ever fetched.
//!
//! Formats are asserted as the draft says (draft 4, 6 and 7 assert them, 2019-09 and 2020-12
//! only annotate) unless [`Options::assert_format`] asks for them in every draft; factkit's
//! own `factkit-date` and `factkit-period` are known formats. Errors are worded by the
//! [`Voice::User`] of [`super::validator`].
//!
//! Nothing here prints; problems with the schema are [`Error::Schema`] (exit 2).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::file::{self, Mapping};
use super::{with_formats, Checker, Violation, Voice};
use crate::error::Error;
use crate::limits::Limits;
use crate::typing::Typing;

/// How a user schema is read and compiled.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// URI prefixes mapped to local files or folders (`--ref`, `[schemas.refs]`).
    pub refs: Vec<Mapping>,
    /// Assert `format` in every draft (`--assert-format`, `[schemas] assert_format`).
    pub assert_format: bool,
    /// The ceilings; `max_file_size` applies to every schema file read.
    pub limits: Limits,
}

/// A compiled user schema.
pub struct SchemaFile {
    name: String,
    checker: Checker,
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

impl SchemaFile {
    /// Reads and compiles the schema at `path` with the default options.
    pub fn read(path: &Path) -> Result<SchemaFile, Error> {
        Self::load(path, &Options::default())
    }

    /// Reads and compiles the schema at `path` within the default ceilings.
    pub fn read_within(path: &Path, limits: &Limits) -> Result<SchemaFile, Error> {
        Self::load(
            path,
            &Options {
                limits: limits.clone(),
                ..Options::default()
            },
        )
    }

    /// Reads and compiles the schema at `path` with `options`; it and every file its `$ref`s
    /// name must be regular files (checked before opening) of at most
    /// `options.limits.max_file_size` bytes.
    pub fn load(path: &Path, options: &Options) -> Result<SchemaFile, Error> {
        let name = path.display().to_string();
        let value = file::read_document(path, options.limits.max_file_size)?;
        let canonical = std::fs::canonicalize(path).map_err(|e| Error::reading(path, e))?;
        let root = canonical
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let own_id = value
            .get("$id")
            .or_else(|| value.get("id"))
            .and_then(Value::as_str);
        let files = Arc::new(file::Files::new(
            root,
            own_id,
            &options.refs,
            options.limits.max_file_size,
        ));
        let mut builder = with_formats(jsonschema::options())
            .with_base_uri(file::file_uri(&canonical))
            .with_retriever(file::retriever(Arc::clone(&files)));
        if options.assert_format {
            builder = builder.should_validate_formats(true);
        }
        let validator = builder
            .build(&value)
            .map_err(|e| schema_error(&name, compile_message(&e, &value)))?;
        let root_name = canonical
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut documents: HashMap<String, Value> = files
            .documents()
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default();
        documents.insert(root_name.clone(), value);
        Ok(SchemaFile {
            name,
            checker: Checker::new(validator, Voice::User),
            typing: Arc::new(Typing::new(documents, root_name)),
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

    /// Whether `value` is valid.
    pub fn is_valid(&self, value: &Value) -> bool {
        self.checker.is_valid(value)
    }

    /// The violations of `value`, sorted by place.
    pub fn validate(&self, value: &Value) -> Vec<Violation> {
        self.checker.violations(value)
    }
}

/// jsonschema's error for a schema that cannot be compiled, in factkit's words.
fn compile_message(e: &jsonschema::ValidationError<'_>, schema: &Value) -> String {
    // The retriever's own message names the reference and says why it was refused;
    // jsonschema's wrapping ("not present in a registry") adds only its words.
    if let jsonschema::error::ValidationErrorKind::Referencing(
        jsonschema::ReferencingError::Unretrievable { source, .. },
    ) = e.kind()
    {
        return source.to_string();
    }
    let message = e.to_string();
    if message.starts_with("Unknown meta-schema") {
        let named = schema
            .get("$schema")
            .map_or_else(String::new, |s| s.to_string());
        return format!(
            "`$schema` {named} is not a draft factkit knows: name draft 4, 6, 7, 2019-09 or 2020-12 (custom meta-schemas are not supported)"
        );
    }
    message
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
        assert!(e.to_string().contains("refused"), "{e}");
        assert!(e.to_string().contains("--ref"), "{e}");
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

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Issue 16: `contact.json` with an absolute `$id` refers to `defs.json` beside it by a
    /// relative reference, which must resolve to the file beside it, offline; and a sibling
    /// whose own `$id` is the URI referred to is used though its name differs.
    #[test]
    fn relative_refs_against_an_absolute_id_read_the_file_beside() {
        let dir = tempfile::tempdir().unwrap();
        let contact = write(
            dir.path(),
            "contact.json",
            r#"{"$id": "https://desk.example/schemas/contact.json", "$ref": "defs.json#/$defs/x"}"#,
        );
        write(
            dir.path(),
            "defs.json",
            r#"{"$defs": {"x": {"type": "object", "required": ["name"]}}}"#,
        );
        let schema = SchemaFile::read(&contact).unwrap();
        assert!(schema.is_valid(&json!({"name": "n"})));
        assert_eq!(schema.validate(&json!({})).len(), 1);

        std::fs::create_dir(dir.path().join("common")).unwrap();
        write(
            dir.path(),
            "common/phone-v2.json",
            r#"{"$id": "urn:desk:phone", "type": "string", "pattern": "^[+0-9 ]+$"}"#,
        );
        let person = write(
            dir.path(),
            "person.yaml",
            "$id: https://desk.example/schemas/person.yaml\nproperties:\n  phone:\n    $ref: urn:desk:phone\n",
        );
        let schema = SchemaFile::read(&person).unwrap();
        assert!(schema.is_valid(&json!({"phone": "+7 727"})));
        assert!(!schema.is_valid(&json!({"phone": "call me"})));
        assert_eq!(
            schema.typing().types_at(&tokens("/phone")),
            Some(Types::STRING)
        );
    }

    /// `--ref URI=PATH`: a prefix mapped to a folder, and a single URI mapped to a file.
    #[test]
    fn mapped_uris_are_read_from_their_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("vendor")).unwrap();
        write(dir.path(), "vendor/n.json", r#"{"type": "number"}"#);
        write(dir.path(), "vendor/s.json", r#"{"type": "string"}"#);
        let root = write(
            dir.path(),
            "root.json",
            r#"{"properties": {"n": {"$ref": "https://other.example/v/n.json"}, "s": {"$ref": "urn:s"}}}"#,
        );
        // Either reference may be the first one jsonschema asks for.
        let e = SchemaFile::read(&root).unwrap_err().to_string();
        assert!(
            e.contains("--ref https://other.example/v/n.json=FILE")
                || e.contains("--ref urn:s=FILE"),
            "{e}"
        );
        let options = Options {
            refs: vec![
                Mapping::parse("https://other.example/v/=vendor", dir.path()).unwrap(),
                Mapping::parse("urn:s=vendor/s.json", dir.path()).unwrap(),
            ],
            ..Options::default()
        };
        let schema = SchemaFile::load(&root, &options).unwrap();
        assert!(schema.is_valid(&json!({"n": 1, "s": "x"})));
        assert_eq!(schema.validate(&json!({"n": "1", "s": 2})).len(), 2);
    }

    /// `--assert-format`: 2020-12 only annotates formats unless asked.
    #[test]
    fn formats_are_asserted_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let root = write(
            dir.path(),
            "f.json",
            r#"{"properties": {"d": {"format": "date"}, "e": {"format": "email"}}}"#,
        );
        let bad = json!({"d": "2025-13-45", "e": "not-an-email"});
        assert!(SchemaFile::read(&root).unwrap().is_valid(&bad));
        let options = Options {
            assert_format: true,
            ..Options::default()
        };
        let v = SchemaFile::load(&root, &options).unwrap().validate(&bad);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].pointer, "/d");
        assert_eq!(v[1].pointer, "/e");
    }
}
