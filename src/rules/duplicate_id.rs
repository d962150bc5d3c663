//! An id is used by two records.
//!
//! Ids are how records point at each other; when two records share one, every reference to
//! it is ambiguous and one of the two is silently shadowed. Ids must be unique across the
//! whole dataset, whatever the kind and whatever the file. The finding is on the second use
//! and names the first.
//!
//! Fails (two records `nac`, in any files):
//!
//! ```json
//! {"kind": "entity", "id": "nac", "type": "organization", "name": "National Analytical Center"}
//! {"kind": "source", "id": "nac", "title": "NAC annual report"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "entity", "id": "nac", "type": "organization", "name": "National Analytical Center"}
//! {"kind": "source", "id": "nac-report-2024", "title": "NAC annual report"}
//! ```

use std::collections::HashMap;

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};

/// Reports every use of an id after its first.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, entry) in cx.dataset.entries.iter().enumerate() {
        let Some(id) = entry.id.as_deref() else {
            continue;
        };
        match first.get(id) {
            None => {
                first.insert(id, i);
            }
            Some(&earlier) => {
                let file = cx.dataset.files[cx.dataset.entries[earlier].file].name();
                out.push(
                    Diagnostic::new(
                        "duplicate-id",
                        Severity::Error,
                        format!("id `{id}` is already used by another record in `{file}`"),
                    )
                    .at(i, "/id")
                    .related(format!("`{id}` is first used here"), earlier, "/id")
                    .expected("an id used by no other record")
                    .help("rename one of the two records and update the references to it"),
                );
            }
        }
    }
    out
}
