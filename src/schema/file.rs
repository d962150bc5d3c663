//! Schema files on disk: reading them within the ceilings, and the retriever that resolves
//! the `$ref`s of a user schema offline.
//!
//! Every schema file read, the one named and those its `$ref`s name, must be a regular file
//! (checked before it is opened: a FIFO would block forever, `/dev/zero` never ends) and is
//! read no further than `max_file_size` of `[limits]` ([`read_text`]). A schema file is JSON
//! (duplicate keys rejected, as for records), or YAML when its name ends in `.yaml`/`.yml`
//! ([`read_document`]).
//!
//! [`Files`] is what jsonschema asks for a URI that no document already read declares. It
//! answers, in this order:
//!
//! 1. `file://` URIs (a relative `$ref` from a schema without an absolute `$id`): the file,
//!    but only under the schema's own folder or a folder a mapping names (after resolving
//!    symbolic links and `..`);
//! 2. a URI under a mapping (`--ref URI=PATH`, `[schemas.refs]`), longest prefix first: the
//!    file the mapping names, or the file under the folder it names;
//! 3. a URI that a schema file under the schema's folder declares as its `$id` (`id` in draft
//!    4): that file. The folder is scanned once, on the first such request;
//! 4. a URI under the folder of the root schema's own absolute `$id`: the file at the same
//!    place under the schema's folder, when it exists (so `defs.json` beside `contact.json`
//!    answers `https://desk.example/schemas/defs.json`).
//!
//! Anything else is refused with an error that says why and names `--ref`: an `http`/`https`
//! reference is never fetched (jsonschema is built without its HTTP client, so there is no
//! network code to call). The documents read are kept for typing ([`Files::documents`]).
//!
//! Nothing here prints and nothing validates; failures are messages for [`Error::Schema`].

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Retrieve, Uri};
use serde_json::Value;

use crate::error::Error;
use crate::limits::thousands;

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

/// Whether a schema file is YAML, by its name.
fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Parses the text of a schema file: YAML by its name, else JSON. The message says what
/// is wrong, without the file's name.
pub fn parse_document(path: &Path, text: &str) -> Result<Value, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_yaml(path) {
        let mut records = crate::format::yaml::records(text, &|_| None)
            .map_err(|e| format!("not valid YAML: {}", e.message))?;
        if records.len() != 1 {
            return Err("a YAML schema file holds one document".into());
        }
        Ok(records.remove(0).value)
    } else {
        crate::format::json::parse(text).map_err(|e| format!("not valid JSON: {e}"))
    }
}

/// Reads a schema file (JSON, or YAML by its name) within `max_file_size`; errors name the
/// file as `path` is written.
pub fn read_document(path: &Path, max_file_size: u64) -> Result<Value, Error> {
    let text = read_text(path, max_file_size).map_err(|e| Error::reading(path, e))?;
    parse_document(path, &text).map_err(|message| Error::Schema {
        name: path.display().to_string(),
        message,
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

/// `path` with its `.` and `..` parts resolved by their names alone.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A URI prefix that names local schema files: `--ref URI=PATH` or `[schemas.refs]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The URI prefix, as written (`http://localhost:1234/`).
    pub prefix: String,
    /// The file (for a URI equal to the prefix) or folder (for the URIs under it), absolute.
    pub target: PathBuf,
}

impl Mapping {
    /// Parses `URI=PATH`; a relative `PATH` is taken from `base` (the current directory for
    /// `--ref`, the folder of factkit.toml for `[schemas.refs]`). The target must exist.
    pub fn parse(text: &str, base: &Path) -> Result<Mapping, String> {
        let (prefix, path) = text.split_once('=').ok_or_else(|| {
            format!("`{text}` is not a mapping: write `URI=PATH`, e.g. `https://desk.example/schemas/=schemas/`")
        })?;
        Mapping::new(prefix, &base.join(path))
    }

    /// A mapping of `prefix` to `path`, which must exist.
    pub fn new(prefix: &str, path: &Path) -> Result<Mapping, String> {
        if prefix.is_empty() || !prefix.contains(':') {
            return Err(format!(
                "`{prefix}` is not an absolute URI: a mapping starts with a scheme, e.g. `https://desk.example/schemas/`"
            ));
        }
        let target = std::fs::canonicalize(path).map_err(|e| {
            format!(
                "`{}`, which `{prefix}` is mapped to, cannot be used: {e}",
                path.display()
            )
        })?;
        Ok(Mapping {
            prefix: prefix.to_owned(),
            target,
        })
    }

    /// The local path of `uri` under this mapping, if it is under it.
    fn path_of(&self, uri: &str) -> Option<Result<PathBuf, String>> {
        let rest = uri.strip_prefix(&self.prefix)?;
        if self.target.is_file() {
            return rest.is_empty().then(|| Ok(self.target.clone()));
        }
        let rest = String::from_utf8_lossy(&percent_decode(rest)).into_owned();
        let joined = lexical(&self.target.join(rest.trim_start_matches('/')));
        if !joined.starts_with(&self.target) {
            return Some(Err(format!(
                "`{uri}` leads outside `{}`, the folder `{}` is mapped to",
                self.target.display(),
                self.prefix
            )));
        }
        Some(Ok(joined))
    }
}

/// How many files under the schema's folder are read, at most, looking for `$id`s.
const MAX_SCANNED: usize = 10_000;

/// Resolves the references of one user schema offline: see the module documentation.
pub struct Files {
    /// The schema's folder, canonical.
    root: PathBuf,
    /// The mappings, longest prefix first.
    mappings: Vec<Mapping>,
    /// The folder of the root schema's absolute `$id`, standing for `root`.
    beside: Option<Mapping>,
    /// The ceiling on each file read.
    max_file_size: u64,
    /// `$id` → file, for the schema files under `root`; filled on first use.
    ids: OnceLock<HashMap<String, PathBuf>>,
    /// The documents read, by their name relative to `root` (or their URI when outside it).
    documents: Arc<Mutex<HashMap<String, Value>>>,
}

impl Files {
    /// A retriever for the schema in folder `root` (canonical) whose own `$id` is `id`.
    pub fn new(root: PathBuf, id: Option<&str>, mappings: &[Mapping], max_file_size: u64) -> Files {
        let mut mappings = mappings.to_vec();
        mappings.sort_by_key(|m| std::cmp::Reverse(m.prefix.len()));
        let beside = id
            .filter(|id| has_scheme(id) && !id.starts_with("file:"))
            .and_then(|id| id.rsplit_once('/'))
            .map(|(base, _)| Mapping {
                prefix: format!("{base}/"),
                target: root.clone(),
            });
        Files {
            root,
            mappings,
            beside,
            max_file_size,
            ids: OnceLock::new(),
            documents: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The documents this retriever has read (shared: it keeps filling while it is used).
    pub fn documents(&self) -> Arc<Mutex<HashMap<String, Value>>> {
        Arc::clone(&self.documents)
    }

    /// Whether `path` lies under the schema's folder or a mapped one.
    fn allowed(&self, path: &Path) -> bool {
        path.starts_with(&self.root) || self.mappings.iter().any(|m| path.starts_with(&m.target))
    }

    fn outside(&self, path: &Path) -> String {
        format!(
            "`{}` is outside the schema's folder `{}`: factkit resolves file references only under the folder of the schema (map another folder with `--ref URI=PATH`)",
            path.display(),
            self.root.display()
        )
    }

    fn file_path(&self, uri: &str) -> Result<PathBuf, String> {
        let rest = uri.strip_prefix("file://").unwrap_or(uri);
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        let decoded = String::from_utf8(percent_decode(rest))
            .map_err(|_| format!("`{uri}` is not a UTF-8 path"))?;
        let path = PathBuf::from(decoded);
        // Refuse a path that leads out by its `..`s before touching the file system; the
        // check after canonicalising catches symbolic links that lead out.
        let plain = lexical(&path);
        if !self.allowed(&plain) {
            return Err(self.outside(&plain));
        }
        self.checked(&path, uri)
    }

    /// `path` canonicalised, and still where it may be read from.
    fn checked(&self, path: &Path, uri: &str) -> Result<PathBuf, String> {
        let canonical = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot read `{}`, which `{uri}` names: {e}", path.display()))?;
        if !self.allowed(&canonical) {
            return Err(self.outside(path));
        }
        Ok(canonical)
    }

    /// The schema files under `root` by their `$id`.
    fn ids(&self) -> &HashMap<String, PathBuf> {
        self.ids.get_or_init(|| {
            let mut out = HashMap::new();
            let mut folders = vec![self.root.clone()];
            let mut scanned = 0;
            while let Some(folder) = folders.pop() {
                let Ok(entries) = std::fs::read_dir(&folder) else {
                    continue;
                };
                let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
                entries.sort_by_key(std::fs::DirEntry::file_name);
                for entry in entries {
                    let path = entry.path();
                    let hidden = entry.file_name().to_string_lossy().starts_with('.');
                    // Symbolic links are not followed: the scan stays in the folder.
                    let Ok(kind) = entry.file_type() else {
                        continue;
                    };
                    if hidden || kind.is_symlink() {
                        continue;
                    }
                    if kind.is_dir() {
                        folders.push(path);
                        continue;
                    }
                    let schema_like =
                        is_yaml(&path) || path.extension().is_some_and(|e| e == "json");
                    if !kind.is_file() || !schema_like || scanned >= MAX_SCANNED {
                        continue;
                    }
                    scanned += 1;
                    let Ok(text) = read_text(&path, self.max_file_size) else {
                        continue;
                    };
                    let Ok(value) = parse_document(&path, &text) else {
                        continue;
                    };
                    let id = value
                        .get("$id")
                        .or_else(|| value.get("id"))
                        .and_then(Value::as_str)
                        .map(|id| id.trim_end_matches('#'));
                    if let Some(id) = id.filter(|id| has_scheme(id)) {
                        out.entry(id.to_owned()).or_insert(path);
                    }
                }
            }
            out
        })
    }

    /// Reads the schema file at `path` (canonical), for `uri`.
    fn read(&self, path: &Path, uri: &str) -> Result<Value, String> {
        // Named as in the schema's folder, not by its absolute path.
        let shown = path.strip_prefix(&self.root).unwrap_or(path);
        let text = read_text(path, self.max_file_size).map_err(|e| {
            format!(
                "cannot read `{}`, which a `$ref` names: {e}",
                shown.display()
            )
        })?;
        let value = parse_document(path, &text)
            .map_err(|e| format!("`{}`, which a `$ref` names, is {e}", shown.display()))?;
        let key = if path.starts_with(&self.root) {
            shown.to_string_lossy().replace('\\', "/")
        } else {
            uri.to_owned()
        };
        if let Ok(mut documents) = self.documents.lock() {
            documents.insert(key, value.clone());
        }
        Ok(value)
    }

    fn resolve(&self, uri: &str) -> Result<Value, String> {
        let uri = uri.split('#').next().unwrap_or(uri);
        let scheme = uri.split(':').next().unwrap_or("").to_ascii_lowercase();
        if scheme == "file" {
            let path = self.file_path(uri)?;
            return self.read(&path, uri);
        }
        for mapping in &self.mappings {
            if let Some(path) = mapping.path_of(uri) {
                let path = path?;
                if !path.is_file() {
                    return Err(format!(
                        "`{uri}` is mapped by `--ref {}={}` to `{}`, which is not a file",
                        mapping.prefix,
                        mapping.target.display(),
                        path.display()
                    ));
                }
                let path = self.checked(&path, uri)?;
                return self.read(&path, uri);
            }
        }
        if let Some(path) = self.ids().get(uri).cloned() {
            return self.read(&path, uri);
        }
        if let Some(Ok(path)) = self.beside.as_ref().and_then(|m| m.path_of(uri)) {
            if path.is_file() {
                let path = self.checked(&path, uri)?;
                return self.read(&path, uri);
            }
        }
        if scheme == "http" || scheme == "https" {
            Err(format!(
                "remote reference `{uri}` refused: factkit never fetches schemas over the network; map it to a local copy with `--ref {uri}=FILE` (`[schemas.refs]` in factkit.toml), or save a copy beside the schema and refer to it by a relative path"
            ))
        } else {
            Err(format!(
                "cannot resolve `{uri}`: no schema file under the schema's folder has that `$id`; map it to a local file with `--ref {uri}=FILE`"
            ))
        }
    }
}

/// Whether a reference names a URI with a scheme (`https:`, `urn:`), not a relative path.
pub fn has_scheme(reference: &str) -> bool {
    let head = reference.split(['/', '?', '#']).next().unwrap_or("");
    head.contains(':')
}

/// The retriever holds only plain data and a mutex, so it can be shared.
struct Shared(Arc<Files>);

impl Retrieve for Shared {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0.resolve(uri.as_str()).map_err(Into::into)
    }
}

/// The retriever for jsonschema, sharing `files`.
pub fn retriever(files: Arc<Files>) -> impl Retrieve + 'static {
    Shared(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let uri = file_uri(Path::new("/tmp/a b/c%d.json"));
        assert_eq!(uri, "file:///tmp/a%20b/c%25d.json");
        let files = Files::new(PathBuf::from("/"), None, &[], 100);
        let rest = uri.strip_prefix("file://").unwrap();
        assert_eq!(percent_decode(rest), b"/tmp/a b/c%d.json");
        assert!(files.file_path("file:///no/such/file.json").is_err());
    }

    #[test]
    fn mappings_stay_in_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        let m = Mapping::parse("http://x/s/=.", dir.path()).unwrap();
        let target = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            m.path_of("http://x/s/a.json").unwrap().unwrap(),
            target.join("a.json")
        );
        assert!(m.path_of("http://x/s/../../etc/passwd").unwrap().is_err());
        assert!(m.path_of("http://y/a.json").is_none());
        assert!(Mapping::parse("no-equals", dir.path()).is_err());
        assert!(Mapping::parse("relative/=.", dir.path()).is_err());
        assert!(Mapping::parse("http://x/=missing", dir.path()).is_err());
    }
}
