//! User schemas on disk: read, compiled offline, `$ref`s to sibling files resolved.
//!
//! Used by the generic mode (`check --schema FILE`) and by the extra schemas of
//! `factkit.toml`. A schema is read as JSON (duplicate keys rejected, as for records) and
//! compiled for the draft its `$schema` names (draft 4, 6, 7, 2019-09 or 2020-12; 2020-12
//! when it names none). Its base URI is its own `file://` URI, so a relative `$ref` such as
//! `address.json#/$defs/street` names a sibling file, which the retriever here reads, but
//! only when it lies under the schema's own folder (after resolving symbolic links). The
//! draft meta-schemas are bundled with jsonschema; anything else is refused with an error
//! that says why: an `http`/`https` reference is never fetched (jsonschema is built without
//! its HTTP client, so there is no network code to call), and other schemes cannot be read.
//!
//! Every schema file read, the one named and those its `$ref`s name, must be a regular file
//! (checked before it is opened: a FIFO would block forever, `/dev/zero` never ends) and is
//! read no further than `max_file_size` of `[limits]`; [`read_text`] does this for the user
//! schemas of [`super::user`] too.
//!
//! Nothing here prints; failures are [`Error::Schema`] naming the file.

use std::io::Read;
use std::path::{Path, PathBuf};

use jsonschema::{Retrieve, Uri, ValidationOptions, Validator};
use serde_json::Value;

use crate::error::Error;
use crate::limits::{thousands, Limits};
use crate::schema::{brief, Violation};

/// Reads the text of a schema file. A path that is not a regular file is refused without
/// being opened, and a file over `max_file_size` bytes is refused, by its size before it is
/// opened and by what was read while reading (a file that grows, or says it is empty as
/// `/proc` files do). The errors say which and what to do.
pub fn read_text(path: &Path, max_file_size: u64) -> std::io::Result<String> {
    let over = || {
        std::io::Error::other(format!(
            "the file is over the ceiling of {} bytes (`max_file_size`); raise it in factkit.toml: `[limits]` `max_file_size = BYTES`",
            thousands(max_file_size)
        ))
    };
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a FIFO, socket or device), so it was not opened: a schema must be a file",
        ));
    }
    if meta.len() > max_file_size {
        return Err(over());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_file_size {
        return Err(over());
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is not valid UTF-8: re-save it as UTF-8",
        )
    })
}

/// Reads and compiles the schema at `path` with `options`, within the default ceilings.
pub fn compile(path: &Path, options: ValidationOptions<'_>) -> Result<Validator, Error> {
    compile_within(path, options, &Limits::default())
}

/// Reads and compiles the schema at `path` with `options`; the schema and every file its
/// `$ref`s name are held to `limits.max_file_size`.
pub fn compile_within(
    path: &Path,
    options: ValidationOptions<'_>,
    limits: &Limits,
) -> Result<Validator, Error> {
    let value = read_within(path, limits)?;
    let canonical = std::fs::canonicalize(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let root = canonical
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    options
        .with_base_uri(file_uri(&canonical))
        .with_retriever(Files {
            root,
            max_file_size: limits.max_file_size,
        })
        .build(&value)
        .map_err(|e| {
            let mut message = e.to_string();
            // The retriever's own message names the reference and says why it was refused;
            // jsonschema's wrapping ("not present in a registry") adds only its words.
            if let jsonschema::error::ValidationErrorKind::Referencing(
                jsonschema::ReferencingError::Unretrievable { source, .. },
            ) = e.kind()
            {
                message = source.to_string();
            }
            if message.starts_with("Unknown meta-schema") {
                let named = value.get("$schema").map_or_else(String::new, |s| s.to_string());
                message = format!(
                    "`$schema` {named} is not a draft factkit knows: name draft 4, 6, 7, 2019-09 or 2020-12 (custom meta-schemas are not supported)"
                );
            }
            Error::Schema {
                name: path.display().to_string(),
                message,
            }
        })
}

/// Reads a schema file as JSON, within the default ceilings.
pub fn read(path: &Path) -> Result<Value, Error> {
    read_within(path, &Limits::default())
}

/// Reads a schema file as JSON, no larger than `limits.max_file_size`.
pub fn read_within(path: &Path, limits: &Limits) -> Result<Value, Error> {
    let text = read_text(path, limits.max_file_size).map_err(|e| Error::reading(path, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    crate::format::json::parse(text).map_err(|e| Error::Schema {
        name: path.display().to_string(),
        message: format!("not valid JSON: {e}"),
    })
}

/// The `file://` URI of an absolute path, percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    out.push_str(&crate::diagnostic::sarif::percent_encode_path(&text));
    out
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                // Both digits are below 16, so the byte fits.
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// A violation of a user schema, in terms of that schema: the keyword, where in the schema it
/// is, and the value found. `required` and `additionalProperties` point at the property
/// concerned; everything else keeps jsonschema's own wording.
pub fn violation(error: &jsonschema::ValidationError<'_>) -> Violation {
    use jsonschema::error::ValidationErrorKind;
    let pointer = error.instance_path().as_str().to_owned();
    let keyword = error.kind().keyword().to_owned();
    let schema_path = error.schema_path().as_str().to_owned();
    let constraint = format!("the `{keyword}` constraint at `#{schema_path}` of the schema");
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            Violation {
                pointer,
                keyword,
                message: format!("missing required property `{name}`"),
                expected: Some(format!("the property `{name}` ({constraint})")),
                found: None,
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let first = unexpected.first().cloned().unwrap_or_default();
            let names = crate::schema::names(unexpected);
            Violation {
                pointer: format!("{pointer}/{}", first.replace('~', "~0").replace('/', "~1")),
                keyword,
                message: format!("property {names} is not allowed"),
                expected: Some(constraint),
                found: None,
            }
        }
        _ => {
            let mut message = error.to_string();
            if message.chars().count() > 200 {
                message = format!(
                    "{} fails the `{keyword}` constraint",
                    brief(error.instance())
                );
            }
            Violation {
                pointer,
                keyword,
                message,
                expected: Some(constraint),
                found: Some(brief(error.instance())),
            }
        }
    }
}

/// Resolves `file://` references under one folder and refuses everything else.
struct Files {
    root: PathBuf,
    /// The ceiling on each file read.
    max_file_size: u64,
}

impl Files {
    fn path_of(&self, uri: &str) -> Result<PathBuf, String> {
        let rest = uri.strip_prefix("file://").unwrap_or(uri);
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        let rest = rest.split(['#', '?']).next().unwrap_or(rest);
        let decoded = String::from_utf8(percent_decode(rest))
            .map_err(|_| format!("`{uri}` is not a UTF-8 path"))?;
        let path = PathBuf::from(decoded);
        // Refuse a path that leads out of the folder by its `..`s before touching the file
        // system; the check after canonicalising catches symbolic links that lead out.
        let mut lexical = PathBuf::new();
        for part in path.components() {
            match part {
                std::path::Component::ParentDir => {
                    lexical.pop();
                }
                std::path::Component::CurDir => {}
                other => lexical.push(other),
            }
        }
        if !lexical.starts_with(&self.root) {
            return Err(format!(
                "`{}` is outside the schema's folder `{}`: factkit resolves file references only under the folder of the schema",
                lexical.display(),
                self.root.display()
            ));
        }
        let canonical = std::fs::canonicalize(&path)
            .map_err(|e| format!("cannot read `{}`, which `{uri}` names: {e}", path.display()))?;
        if !canonical.starts_with(&self.root) {
            return Err(format!(
                "`{}` is outside the schema's folder `{}`: factkit resolves file references only under the folder of the schema",
                path.display(),
                self.root.display()
            ));
        }
        Ok(canonical)
    }
}

impl Retrieve for Files {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let scheme = uri.split(':').next().unwrap_or("").to_ascii_lowercase();
        match scheme.as_str() {
            "http" | "https" => Err(format!(
                "remote reference `{uri}` refused: factkit never fetches schemas over the network; save a copy beside the schema and refer to it by a relative path"
            )
            .into()),
            "file" => {
                let path = self.path_of(uri)?;
                // Named as in the schema's folder, not by its absolute path.
                let shown = path.strip_prefix(&self.root).unwrap_or(&path).display();
                let text = read_text(&path, self.max_file_size).map_err(|e| {
                    format!("cannot read `{shown}`, which a `$ref` names: {e}")
                })?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                crate::format::json::parse(text)
                    .map_err(|e| format!("`{shown}`, which a `$ref` names, is not valid JSON: {e}").into())
            }
            _ => Err(format!(
                "cannot resolve `{uri}`: no schema in the file has that `$id`, and only relative file references are read"
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let uri = file_uri(Path::new("/tmp/a b/c%d.json"));
        assert_eq!(uri, "file:///tmp/a%20b/c%25d.json");
        let files = Files {
            root: PathBuf::from("/"),
            max_file_size: 100,
        };
        let rest = uri.strip_prefix("file://").unwrap();
        assert_eq!(percent_decode(rest), b"/tmp/a b/c%d.json");
        assert!(files.path_of("file:///no/such/file.json").is_err());
    }
}
