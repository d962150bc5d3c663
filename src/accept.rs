//! Accepted findings: the `[[accept]]` entries of `factkit.toml`, and the matching of a run's
//! findings against them.
//!
//! ```toml
//! [[accept]]
//! rule = "missing-recommended"              # a rule id, built-in or custom
//! record = "astana-times-*"                 # a record id, or a glob over ids
//! file = "sources/*.json"                   # optional: a glob over files, relative to this file
//! reason = "the article gives no url or date"
//! ```
//!
//! A finding of that rule on a record whose id matches (and, with `file`, in a file that
//! matches) is *accepted*: [`Acceptances::apply`] gives it the reason of the first entry that
//! matches, and the run counts it apart, shows it with its reason and never fails on it. An
//! entry that accepts nothing is returned, so that `check` reports it (`stale-accept`) and
//! acceptances cannot outlive what they were written for. A finding without a record id (a
//! file that cannot be parsed, a record without an id) cannot be accepted.
//!
//! Globs are the `globset` syntax: `*` and `?` (which, in `file`, do not cross `/`), `**`,
//! `[abc]`, `{a,b}`, `\` escaping. Reading the entries, with their places in `factkit.toml`,
//! is [`crate::config`]'s, checking them (a known rule id, a reason, valid globs) the plan's
//! ([`crate::check::plan::Resolved`]); nothing here reads configuration or prints.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

use crate::diagnostic::{Diagnostic, Location};

/// One `[[accept]]` entry.
#[derive(Debug, Clone)]
pub struct Accept {
    /// The rule whose findings it accepts.
    pub rule: String,
    /// The record id, or a glob over ids.
    pub record: String,
    /// A glob over the files, relative to the folder of `factkit.toml`.
    pub file: Option<String>,
    /// Why the findings are accepted.
    pub reason: String,
    /// Where the entry is in `factkit.toml`, for a `stale-accept` finding.
    pub place: Location,
    record_glob: Option<GlobMatcher>,
    file_glob: Option<GlobMatcher>,
}

impl Accept {
    /// An entry; `Err` says why a glob is not valid (`record` or `file`, and the reason).
    pub fn new(
        rule: String,
        record: String,
        file: Option<String>,
        reason: String,
        place: Location,
    ) -> Result<Accept, (&'static str, String)> {
        let record_glob = if is_glob(&record) {
            Some(compile(&record, false).map_err(|e| ("record", e))?)
        } else {
            None
        };
        let file_glob = match &file {
            Some(f) => Some(compile(f, true).map_err(|e| ("file", e))?),
            None => None,
        };
        Ok(Accept {
            rule,
            record,
            file,
            reason,
            place,
            record_glob,
            file_glob,
        })
    }
}

/// Whether `text` has a glob's special characters (else it is compared as it is).
fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', ']', '{', '}', '\\'])
}

fn compile(glob: &str, literal_separator: bool) -> Result<GlobMatcher, String> {
    GlobBuilder::new(glob)
        .literal_separator(literal_separator)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| e.kind().to_string())
}

/// The `[[accept]]` entries of a configuration, indexed for matching.
#[derive(Debug, Clone, Default)]
pub struct Acceptances {
    entries: Vec<Accept>,
    /// The entries with a literal record id, by rule and id.
    exact: HashMap<(String, String), Vec<usize>>,
    /// The entries with a record glob, by rule.
    globs: HashMap<String, Vec<usize>>,
    /// The folder `file` globs are relative to.
    folder: PathBuf,
    /// The name and text of factkit.toml, to show an entry's line.
    source: Option<(String, Arc<str>)>,
}

impl Acceptances {
    /// The entries, in the order written; `file` globs are relative to `folder`.
    pub fn new(entries: Vec<Accept>, folder: &Path) -> Acceptances {
        Acceptances::with_source(entries, folder, None)
    }

    /// The entries, with the name and text of the factkit.toml they were read from (so that
    /// a report can show an entry's line).
    pub fn with_source(
        entries: Vec<Accept>,
        folder: &Path,
        source: Option<(String, Arc<str>)>,
    ) -> Acceptances {
        let mut exact: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut globs: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.record_glob.is_some() {
                globs.entry(e.rule.clone()).or_default().push(i);
            } else {
                exact
                    .entry((e.rule.clone(), e.record.clone()))
                    .or_default()
                    .push(i);
            }
        }
        Acceptances {
            entries,
            exact,
            globs,
            folder: folder.to_path_buf(),
            source,
        }
    }

    /// The name and text of the factkit.toml the entries were read from.
    pub fn source(&self) -> Option<&(String, Arc<str>)> {
        self.source.as_ref()
    }

    /// The entries, in the order written.
    pub fn entries(&self) -> &[Accept] {
        &self.entries
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Marks each placed finding that an entry matches accepted, with the reason of the
    /// first entry (in file order) that matches; returns the entries that matched none.
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) -> Vec<&Accept> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let mut used = vec![false; self.entries.len()];
        let mut files = Files::new(&self.folder);
        let no_globs = Vec::new();
        for d in diagnostics.iter_mut() {
            let Some(record) = d.record.as_deref() else {
                continue;
            };
            let exact = self
                .exact
                .get(&(d.rule.clone(), record.to_owned()))
                .unwrap_or(&no_globs);
            let globs = self.globs.get(&d.rule).unwrap_or(&no_globs);
            let mut first: Option<usize> = None;
            for &i in exact.iter().chain(globs) {
                let e = &self.entries[i];
                if e.record_glob.as_ref().is_some_and(|g| !g.is_match(record)) {
                    continue;
                }
                if let Some(glob) = &e.file_glob {
                    let file = d.location.as_ref().map(|l| l.file.as_str());
                    match file.and_then(|f| files.relative(f)) {
                        Some(relative) if glob.is_match(relative) => {}
                        _ => continue,
                    }
                }
                used[i] = true;
                first = Some(first.map_or(i, |f| f.min(i)));
            }
            if let Some(i) = first {
                d.accepted = Some(self.entries[i].reason.clone());
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e)
            .collect()
    }
}

/// Files as the user named them, relative to the folder of `factkit.toml`, worked out once
/// per file.
struct Files<'a> {
    folder: &'a Path,
    canonical_folder: Option<Option<PathBuf>>,
    cache: HashMap<String, Option<String>>,
}

impl<'a> Files<'a> {
    fn new(folder: &'a Path) -> Files<'a> {
        Files {
            folder,
            canonical_folder: None,
            cache: HashMap::new(),
        }
    }

    /// `file` relative to the folder, with `/` between its parts; `None` when it is not
    /// inside it (or is standard input).
    fn relative(&mut self, file: &str) -> Option<&str> {
        if !self.cache.contains_key(file) {
            let found = self.work_out(file);
            self.cache.insert(file.to_owned(), found);
        }
        self.cache.get(file).and_then(|f| f.as_deref())
    }

    fn work_out(&mut self, file: &str) -> Option<String> {
        if file == "-" {
            return None;
        }
        let path = Path::new(file);
        // Lexically first (`data/x.json` under `.`, `d/data/x.json` under `d`), then through
        // the file system (an absolute path, `--config` elsewhere, `..`).
        if let Some(rest) = strip(&parts(path), &parts(self.folder)) {
            return Some(rest.join("/"));
        }
        let folder = self
            .canonical_folder
            .get_or_insert_with(|| std::fs::canonicalize(self.folder).ok())
            .as_ref()?;
        let path = std::fs::canonicalize(path).ok()?;
        let rest = path.strip_prefix(folder).ok()?;
        parts(rest).map(|p| p.join("/"))
    }
}

/// The normal parts of a relative path (`.` dropped); `None` for one with `..` or a root.
fn parts(path: &Path) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::Normal(p) => out.push(p.to_string_lossy().into_owned()),
            _ => return None,
        }
    }
    Some(out)
}

fn strip(path: &Option<Vec<String>>, folder: &Option<Vec<String>>) -> Option<Vec<String>> {
    let (path, folder) = (path.as_ref()?, folder.as_ref()?);
    path.starts_with(folder)
        .then(|| path[folder.len()..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn place() -> Location {
        Location {
            file: "factkit.toml".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            span: 0..1,
            cell: None,
        }
    }

    fn accept(rule: &str, record: &str, file: Option<&str>, reason: &str) -> Accept {
        Accept::new(
            rule.into(),
            record.into(),
            file.map(Into::into),
            reason.into(),
            place(),
        )
        .unwrap()
    }

    fn finding(rule: &str, record: Option<&str>, file: &str) -> Diagnostic {
        let mut d = Diagnostic::new(rule, Severity::Warning, "m").with_location(Location {
            file: file.into(),
            ..place()
        });
        d.record = record.map(Into::into);
        d
    }

    #[test]
    fn matches_by_rule_record_and_file() {
        let set = Acceptances::new(
            vec![
                accept("missing-recommended", "src-*", None, "first"),
                accept("missing-recommended", "src-a", None, "second"),
                accept("sum", "stat-[ab]", Some("data/*.json"), "third"),
                accept("sum", "nothing-*", None, "stale"),
            ],
            Path::new("d"),
        );
        let mut ds = vec![
            finding("missing-recommended", Some("src-a"), "d/sources.json"),
            finding("missing-recommended", Some("other"), "d/sources.json"),
            finding("sum", Some("stat-a"), "./d/data/stats.json"),
            finding("sum", Some("stat-b"), "d/data/deeper/stats.json"),
            finding("sum", Some("stat-c"), "d/data/stats.json"),
            finding("sum", None, "d/data/stats.json"),
            finding("ratio", Some("stat-a"), "d/data/stats.json"),
        ];
        let stale = set.apply(&mut ds);
        let accepted: Vec<Option<&str>> = ds.iter().map(|d| d.accepted.as_deref()).collect();
        assert_eq!(
            accepted,
            [Some("first"), None, Some("third"), None, None, None, None]
        );
        // The second entry matched too (the first one's reason wins): it is not stale.
        let stale: Vec<&str> = stale.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(stale, ["stale"]);
    }

    #[test]
    fn invalid_globs_are_refused() {
        let e = Accept::new("sum".into(), "a[".into(), None, "r".into(), place()).unwrap_err();
        assert_eq!(e.0, "record");
        assert!(e.1.contains("unclosed character class"), "{}", e.1);
        let e = Accept::new(
            "sum".into(),
            "a".into(),
            Some("{x".into()),
            "r".into(),
            place(),
        )
        .unwrap_err();
        assert_eq!(e.0, "file");
    }

    /// 2,000 exact entries against 20,000 findings: one look-up per finding, not a scan of
    /// every entry (4·10^7 comparisons before the index).
    #[test]
    fn many_entries_are_matched_by_index() {
        let entries = (0..2_000)
            .map(|i| accept("sum", &format!("r{i}"), None, "ok"))
            .collect();
        let set = Acceptances::new(entries, Path::new("."));
        let mut ds: Vec<Diagnostic> = (0..20_000)
            .map(|i| finding("sum", Some(&format!("r{}", i % 4_000)), "x.json"))
            .collect();
        assert!(set.apply(&mut ds).is_empty());
        assert_eq!(ds.iter().filter(|d| d.is_accepted()).count(), 10_000);
    }
}
