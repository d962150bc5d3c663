//! Custom rules: a desk's own checks, written in CEL in `factkit.toml`.
//!
//! CEL (the Common Expression Language) is what Kubernetes validation rules are written in:
//! side-effect free, always terminating, with familiar C-like syntax. A custom rule names
//! the `kind` of record it applies to and an `expr` that must hold for a good record; every
//! record of that kind that passed its schema is checked, after the built-in rules, and each
//! one for which `expr` is `false` is a finding of the rule's id and severity.
//!
//! What an expression sees:
//!
//! - `self`: the record as written, as a map (`self.id`, `self.value.amount`,
//!   `has(self.url)`). Numbers are given as **strings of their exact text** (`"26.2"`,
//!   `"224000"`), never as floating point, so no digit is lost; compare them with
//!   `decimal_compare`.
//! - `record(id)`: the record with that id (any kind, any file of the dataset), or `null`
//!   when there is none: `record(self.about).kind == 'statement'`.
//! - `decimal_compare(a, b)`: `-1`, `0` or `1` as the decimal `a` is below, equal to or
//!   above `b`, exactly; each a decimal string or an integer:
//!   `decimal_compare(self.value.amount, "100") <= 0`.
//! - everything standard CEL has: `size`, `startsWith`, `endsWith`, `contains`, `matches`
//!   (RE2-style regular expressions), `has`, `all`, `exists`, `exists_one`, `map`, `filter`,
//!   `in`, `int`, `string`, and the operators.
//!
//! The `message` is a template: `{…}` holds a CEL expression over the same names, whose
//! value is written in (`source {self.id} has no url on our domain: {self.url}`); `{{` and
//! `}}` write a brace. An optional `pointer` (a JSON Pointer such as `/url`) places the
//! finding on that field when the record has it, else on the record's id.
//!
//! A rule that does not compile is a configuration error naming the rule and the line and
//! column in the expression (see [`CompileError`]). A rule that fails while evaluating one
//! record (a missing field, a type mismatch) is a finding of that rule on that record, not
//! a crash; guard optional fields with `has(self.field)`.
//!
//! Built on the `cel` crate (cel-rust, MIT): the maintained continuation of
//! `cel-interpreter`, which its authors renamed after 0.10; it keeps source positions for
//! compile errors and shares `thiserror` 2 with factkit.

use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::Key;
use cel::{ExecutionError, Program, Value};

use super::Context;
use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Decimal, Kind};
use crate::schema::brief;

/// A custom rule as configured, before compiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The rule id, used in findings and in `[rules]`.
    pub id: String,
    /// The kind of record it checks.
    pub kind: Kind,
    /// The CEL expression that must be true for a good record.
    pub expr: String,
    /// The message template of a finding.
    pub message: String,
    /// Severity of its findings.
    pub severity: Severity,
    /// Where in the record to point a finding (a JSON Pointer), when the record has it.
    pub pointer: Option<String>,
    /// What the rule is for, for `explain`, `--list-rules` and SARIF.
    pub description: Option<String>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    Expr { source: String, program: Program },
}

/// A compiled custom rule.
#[derive(Debug, Clone)]
pub struct CustomRule {
    /// The rule as configured.
    pub definition: Definition,
    program: Arc<Program>,
    message: Arc<Vec<Part>>,
}

/// A custom rule that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// Which setting: `expr` or `message`.
    pub field: &'static str,
    /// 1-based line within that setting's text.
    pub line: usize,
    /// 1-based column within that line, in Unicode scalar values.
    pub column: usize,
    /// What the CEL parser says.
    pub message: String,
}

fn compile_cel(source: &str, field: &'static str) -> Result<Program, CompileError> {
    Program::compile(source).map_err(|errors| {
        let first = errors.errors.first();
        let (line, column) = first.map_or((1, 1), |e| {
            (
                usize::try_from(e.pos.0).unwrap_or(1).max(1),
                usize::try_from(e.pos.1).unwrap_or(1).max(1),
            )
        });
        CompileError {
            field,
            line,
            column,
            message: first.map_or_else(|| errors.to_string(), |e| e.msg.clone()),
        }
    })
}

/// Splits a message template into text and `{expression}` parts.
fn template(message: &str) -> Result<Vec<Part>, CompileError> {
    let chars: Vec<char> = message.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let line_col = |at: usize| {
        let before = &chars[..at];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = at - before.iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1) + 1;
        (line, column)
    };
    while i < chars.len() {
        match chars[i] {
            '{' if chars.get(i + 1) == Some(&'{') => {
                text.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                text.push('}');
                i += 2;
            }
            '{' => {
                let start = i + 1;
                let mut depth = 0usize;
                let mut quote: Option<char> = None;
                let mut j = start;
                let end = loop {
                    let Some(&c) = chars.get(j) else {
                        let (line, column) = line_col(i);
                        return Err(CompileError {
                            field: "message",
                            line,
                            column,
                            message: "`{` opens an expression that is never closed with `}` (write `{{` for a brace)".into(),
                        });
                    };
                    match (quote, c) {
                        (Some(_), '\\') => j += 1,
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, '\'' | '"') => quote = Some(c),
                        (None, '{') => depth += 1,
                        (None, '}') if depth == 0 => break j,
                        (None, '}') => depth -= 1,
                        (None, _) => {}
                    }
                    j += 1;
                };
                let source: String = chars[start..end].iter().collect();
                if source.trim().is_empty() {
                    let (line, column) = line_col(i);
                    return Err(CompileError {
                        field: "message",
                        line,
                        column,
                        message: "`{}` holds no expression (write `{{}}` for braces)".into(),
                    });
                }
                let program = compile_cel(&source, "message").map_err(|e| {
                    let (line, column) = line_col(start);
                    CompileError {
                        line: line + e.line - 1,
                        column: if e.line == 1 {
                            column + e.column - 1
                        } else {
                            e.column
                        },
                        ..e
                    }
                })?;
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Expr { source, program });
                i = end + 1;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

impl CustomRule {
    /// Compiles the expression and the message template.
    pub fn compile(definition: Definition) -> Result<CustomRule, CompileError> {
        let program = compile_cel(&definition.expr, "expr")?;
        let message = template(&definition.message)?;
        Ok(CustomRule {
            definition,
            program: Arc::new(program),
            message: Arc::new(message),
        })
    }

    /// The rule id.
    pub fn id(&self) -> &str {
        &self.definition.id
    }

    /// One sentence for rule tables: the description, else the expression.
    pub fn summary(&self) -> String {
        let d = &self.definition;
        match &d.description {
            Some(text) => text.clone(),
            None => format!("custom rule on each {}: `{}`", d.kind, d.expr),
        }
    }

    /// What `factkit explain` prints for the rule.
    pub fn doc(&self) -> String {
        let d = &self.definition;
        let mut out = String::new();
        if let Some(text) = &d.description {
            out.push_str(text);
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "A custom rule from the configuration, written in CEL.\n\nkind:     {}\nexpr:     {}\nmessage:  {}\nseverity: {}\n",
            d.kind, d.expr, d.message, d.severity
        ));
        if let Some(p) = &d.pointer {
            out.push_str(&format!("pointer:  {p}\n"));
        }
        out
    }

    fn uses_records(&self) -> bool {
        let uses = |p: &Program| p.references().has_function("record");
        uses(&self.program)
            || self.message.iter().any(|part| match part {
                Part::Expr { program, .. } => uses(program),
                Part::Text(_) => false,
            })
    }

    fn render_message(&self, scope: &cel::Context<'_, '_>) -> String {
        let mut out = String::new();
        for part in self.message.iter() {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Expr { source, program } => match program.execute(scope) {
                    Ok(value) => out.push_str(&display(&value)),
                    Err(e) => out.push_str(&format!("<{source}: {e}>")),
                },
            }
        }
        out
    }
}

/// A record as CEL sees it: numbers as strings of their exact text.
pub fn to_cel(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::String(Arc::new(n.to_string())),
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => {
            Value::List(Arc::new(items.iter().map(to_cel).collect()))
        }
        serde_json::Value::Object(map) => {
            let map: HashMap<Key, Value> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            Value::from(map)
        }
    }
}

/// A CEL value written into a message: strings as they are, lists and maps JSON-like.
fn display(value: &Value) -> String {
    fn nested(value: &Value) -> String {
        match value {
            Value::String(s) => format!("{:?}", s.as_str()),
            other => display(other),
        }
    }
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(nested).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(map) => {
            let mut entries: Vec<String> = map
                .map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    format!("{key:?}: {}", nested(v))
                })
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(", "))
        }
        other => format!("{other:?}"),
    }
}

fn decimal_text(value: &Value) -> Result<String, ExecutionError> {
    match value {
        Value::String(s) => Ok(s.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::UInt(u) => Ok(u.to_string()),
        other => Err(ExecutionError::function_error(
            "decimal_compare",
            format!("{} is not a decimal string or an integer", display(other)),
        )),
    }
}

fn decimal(value: &Value) -> Result<Decimal, ExecutionError> {
    let text = decimal_text(value)?;
    Decimal::parse(&text)
        .or_else(|_| Decimal::parse_number(&text))
        .map_err(|e| ExecutionError::function_error("decimal_compare", format!("`{text}`: {e}")))
}

fn decimal_compare(a: Value, b: Value) -> Result<Value, ExecutionError> {
    let (a, b) = (decimal(&a)?.to_rational(), decimal(&b)?.to_rational());
    Ok(Value::Int(match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// Help for a rule that failed to evaluate on a record.
fn evaluation_help(error: &ExecutionError) -> String {
    match error {
        ExecutionError::NoSuchKey(key) => format!(
            "the record has no field `{key}`: guard optional fields with `has(self.{key})`, e.g. `!has(self.{key}) || …`"
        ),
        ExecutionError::UndeclaredReference(name) => format!(
            "`{name}` is not defined: expressions see `self`, `record(id)`, `decimal_compare(a, b)` and the standard CEL functions"
        ),
        _ => "fix the rule's `expr` in the configuration; numbers are strings there, compare them with `decimal_compare`".into(),
    }
}

/// Runs every custom rule that is not turned off over the records of its kind.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let rules: Vec<&CustomRule> = cx
        .config
        .custom_rules
        .iter()
        .filter(|r| cx.config.level(r.id(), r.definition.severity) != Level::Off)
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    // The rules of each kind, in configuration order, so that a record meets only its own.
    let mut by_kind: HashMap<Kind, Vec<&CustomRule>> = HashMap::new();
    for rule in &rules {
        by_kind.entry(rule.definition.kind).or_default().push(rule);
    }
    let mut records: HashMap<String, Value> = HashMap::new();
    if rules.iter().any(|r| r.uses_records()) {
        for entry in &cx.dataset.entries {
            if let Some(id) = &entry.id {
                // The first record with an id wins, as everywhere (`duplicate-id` reports).
                records
                    .entry(id.clone())
                    .or_insert_with(|| to_cel(&entry.value));
            }
        }
    }
    let records = Arc::new(records);
    let mut root = cel::Context::default();
    let lookup = Arc::clone(&records);
    let added = root
        .add_function("record", move |id: Arc<String>| -> Value {
            lookup.get(id.as_str()).cloned().unwrap_or(Value::Null)
        })
        .and_then(|()| root.add_function("decimal_compare", decimal_compare));
    // Invariant: neither name is a standard CEL function, so adding them cannot conflict.
    added.expect("factkit's CEL functions do not clash with the standard ones");
    let mut out = Vec::new();
    for (i, entry) in cx.dataset.entries.iter().enumerate() {
        let Some(record) = &entry.record else {
            continue;
        };
        let kind = record.kind();
        let mut this: Option<Value> = None;
        for rule in by_kind.get(&kind).into_iter().flatten() {
            let this = this.get_or_insert_with(|| to_cel(&entry.value)).clone();
            let mut scope = root.new_inner_scope();
            scope.add_variable_from_value("self", this);
            let d = &rule.definition;
            let pointer = d
                .pointer
                .as_deref()
                .filter(|p| entry.value.pointer(p).is_some())
                .unwrap_or("");
            let finding = match rule.program.execute(&scope) {
                Ok(Value::Bool(true)) => continue,
                Ok(Value::Bool(false)) => {
                    let mut f = Diagnostic::new(d.id.clone(), d.severity, rule.render_message(&scope))
                        .at(i, pointer);
                    if let Some(value) = entry.value.pointer(pointer).filter(|_| !pointer.is_empty()) {
                        f = f.found(brief(value));
                    }
                    if let Some(description) = &d.description {
                        f = f.help(description.clone());
                    }
                    f
                }
                Ok(other) => Diagnostic::new(
                    d.id.clone(),
                    d.severity,
                    format!(
                        "custom rule `{}` gave {} instead of true or false",
                        d.id,
                        display(&other)
                    ),
                )
                .at(i, pointer)
                .help("the rule's `expr` must be a condition that a good record meets, e.g. `size(self.explanation) >= 40`"),
                Err(e) => Diagnostic::new(
                    d.id.clone(),
                    d.severity,
                    format!("custom rule `{}` could not be evaluated on this record: {e}", d.id),
                )
                .at(i, pointer)
                .help(evaluation_help(&e)),
            };
            out.push(finding);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(expr: &str, message: &str) -> Definition {
        Definition {
            id: "house".into(),
            kind: Kind::Source,
            expr: expr.into(),
            message: message.into(),
            severity: Severity::Error,
            pointer: None,
            description: None,
        }
    }

    #[test]
    fn compile_errors_have_positions() {
        let e = CustomRule::compile(def("has(self.url) &&", "m")).unwrap_err();
        assert_eq!((e.field, e.line, e.column), ("expr", 1, 17), "{e:?}");
        let e = CustomRule::compile(def("true", "id {self.id +} x")).unwrap_err();
        assert_eq!((e.field, e.line, e.column), ("message", 1, 14), "{e:?}");
        let e = CustomRule::compile(def("true", "open {self.id")).unwrap_err();
        assert_eq!((e.field, e.column), ("message", 6));
    }

    #[test]
    fn templates_split_and_escape() {
        let parts = template("a {{b}} {self.id} {{'}'}").unwrap();
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(matches!(&parts[0], Part::Text(t) if t == "a {b} "));
        assert!(matches!(&parts[1], Part::Expr { source, .. } if source == "self.id"));
        assert!(matches!(&parts[2], Part::Text(t) if t == " {'}'}"));
        let parts = template("{ {'a': '}'}['a'] }").unwrap();
        assert!(matches!(&parts[0], Part::Expr { source, .. } if source == " {'a': '}'}['a'] "));
    }

    #[test]
    fn numbers_are_exact_strings() {
        let v = crate::load::json::parse(r#"{"amount": 26.20, "big": 12345678901234567890123}"#)
            .unwrap();
        let Value::Map(map) = to_cel(&v) else {
            panic!("not a map")
        };
        let amount = map
            .map
            .get(&Key::String(Arc::new("amount".into())))
            .unwrap();
        assert_eq!(display(amount), "26.20");
        assert_eq!(
            decimal_compare(Value::from("26.20"), Value::from("26.2")),
            Ok(Value::Int(0))
        );
        assert_eq!(
            decimal_compare(Value::from("12345678901234567890123"), Value::Int(1)),
            Ok(Value::Int(1))
        );
        assert!(decimal_compare(Value::from("1,5"), Value::Int(1)).is_err());
    }
}
