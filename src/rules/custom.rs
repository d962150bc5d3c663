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
//! column in the expression (see [`CompileError`]), in words: the CEL parser's own messages
//! (`mismatched input '<EOF>' expecting {…}`, ``Incomplete `ExprContext` ``) are turned into
//! what is wrong and what was expected. A rule that fails while evaluating one record (a
//! missing field, a type mismatch) is a finding of that rule on that record, not a crash;
//! guard optional fields with `has(self.field)`.
//!
//! **Ceilings.** The CEL parser and evaluator recurse once per level of nesting, so an
//! expression is bounded before it is parsed and after: at most [`MAX_EXPRESSION_CHARS`]
//! characters (a message template too), brackets and `?:` at most [`MAX_NESTING`] deep
//! (counted by a scan that skips strings and comments), and once parsed, operations at most
//! [`MAX_DEPTH`] deep (`a + b + c` is a chain two deep). An expression longer than
//! [`INLINE_BYTES`] is parsed on a thread of its own with a large stack, where a chain of
//! 2,000 `+` fits; so no expression, however written, can overflow a stack, in parsing,
//! evaluating or freeing it. Each ceiling is a configuration error that names it.
//!
//! Built on the `cel` crate (cel-rust, MIT): the maintained continuation of
//! `cel-interpreter`, which its authors renamed after 0.10; it keeps source positions for
//! compile errors and shares `thiserror` 2 with factkit.

use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::Key;
use cel::{ExecutionError, Program, Value};

use super::Context;
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
    /// What is wrong, in words.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The longest expression (and message template) factkit compiles, in characters.
pub const MAX_EXPRESSION_CHARS: usize = 4096;

/// How deep brackets (`(`, `[`, `{`) and `?:` may nest in an expression, counted before it is
/// parsed (the CEL parser stops at 96, with a message that names no place).
pub const MAX_NESTING: usize = 32;

/// How deep the operations of a parsed expression may nest (`a + b + c` is two deep):
/// evaluating recurses once a level, on whatever thread checks the records.
pub const MAX_DEPTH: usize = 100;

/// Expressions up to this many bytes are parsed on the calling thread: at most 32 nested
/// brackets and a chain of 128 operations, well under 1 MiB of stack even in a debug build.
pub const INLINE_BYTES: usize = 256;

/// The stack of the thread that parses a longer expression: a chain of 2,048 operations
/// (the most [`MAX_EXPRESSION_CHARS`] can write) takes about 1.5 MiB in a debug build.
const PARSE_STACK: usize = 16 << 20;

const SYNTAX_HELP: &str = "see the CEL language definition (cel.dev)";

/// 1-based line and column (in chars) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// A ceiling or syntax error at byte `offset` of `source`.
fn error_at(
    source: &str,
    offset: usize,
    field: &'static str,
    message: String,
    help: &str,
) -> CompileError {
    let (line, column) = line_column(source, offset);
    CompileError {
        field,
        line,
        column,
        message,
        help: help.to_owned(),
    }
}

/// The byte offset where `text` (an expression or a message template) passes
/// [`MAX_EXPRESSION_CHARS`], if it does.
fn over_length(text: &str) -> Option<usize> {
    text.char_indices()
        .nth(MAX_EXPRESSION_CHARS)
        .map(|(at, _)| at)
}

/// The byte offset of the bracket or `?` at which brackets and `?:` nest deeper than
/// [`MAX_NESTING`], if they do. Strings (`'…'`, `"…"`, triple-quoted, raw) and `//`
/// comments are skipped; unbalanced brackets are left to the parser.
fn over_nesting(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    // The `?`s of each open bracket (the outermost is the whole expression): a `?:`
    // nests the rest of its bracket, up to the next `,`.
    let mut groups: Vec<usize> = vec![0];
    let mut depth = 0;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\'' | b'"' => {
                let raw = at > 0 && matches!(bytes[at - 1], b'r' | b'R')
                    || at > 1
                        && matches!(bytes[at - 1], b'b' | b'B')
                        && matches!(bytes[at - 2], b'r' | b'R');
                let triple = bytes.get(at..at + 3) == Some(&[b, b, b][..]);
                let close: &[u8] = if triple {
                    &bytes[at..at + 3]
                } else {
                    &bytes[at..at + 1]
                };
                at += close.len();
                while at < bytes.len() && !bytes[at..].starts_with(close) {
                    at += if !raw && bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += close.len();
                continue;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                groups.push(0);
                depth += 1;
            }
            b')' | b']' | b'}' if groups.len() > 1 => {
                depth -= 1 + groups.pop().unwrap_or(0);
            }
            b'?' => {
                if let Some(last) = groups.last_mut() {
                    *last += 1;
                }
                depth += 1;
            }
            b',' => {
                if let Some(last) = groups.last_mut() {
                    depth -= std::mem::take(last);
                }
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The first node (in the order of a depth-first walk) below more than [`MAX_DEPTH`]
/// operations, walked without recursing. The root is at depth 0, so in `a + b + c`, `a` is
/// two deep.
fn over_depth(expression: &cel::IdedExpr) -> Option<u64> {
    let mut stack = vec![(expression, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Some(node.id);
        }
        // Pushed in reverse, so the walk visits children left to right.
        stack.extend(children(node).into_iter().rev().map(|c| (c, depth + 1)));
    }
    None
}

/// The expressions directly under `node`, left to right.
fn children(node: &cel::IdedExpr) -> Vec<&cel::IdedExpr> {
    use cel::common::ast::{EntryExpr, Expr};
    fn entries(entries: &[cel::common::ast::IdedEntryExpr]) -> Vec<&cel::IdedExpr> {
        entries
            .iter()
            .flat_map(|e| match &e.expr {
                EntryExpr::MapEntry(m) => vec![&m.key, &m.value],
                EntryExpr::StructField(f) => vec![&f.value],
            })
            .collect()
    }
    match &node.expr {
        Expr::Call(call) => call
            .target
            .as_deref()
            .into_iter()
            .chain(&call.args)
            .collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(list) => list.elements.iter().collect(),
        Expr::Map(map) => entries(&map.entries),
        Expr::Struct(s) => entries(&s.entries),
        Expr::Select(select) => vec![&*select.operand],
        Expr::Unspecified | Expr::Ident(_) | Expr::Literal(_) => Vec::new(),
    }
}

/// Every expression of the program, parents before children, left to right; iterative,
/// so a deep program (already bounded by [`over_depth`]) costs no stack.
fn nodes(expression: &cel::IdedExpr) -> Vec<&cel::IdedExpr> {
    let mut out = Vec::new();
    let mut stack = vec![expression];
    while let Some(node) = stack.pop() {
        out.push(node);
        stack.extend(children(node).into_iter().rev());
    }
    out
}

/// Whether `name` is a function an expression can call: factkit's own (`record`,
/// `decimal_compare`) or one the cel crate's standard environment declares, global or as a
/// method. The crate keeps its list private, so it is asked the way it answers a program:
/// declaring a function of that name on a fresh context fails exactly when the standard
/// environment has it (`Context::add_function`).
fn is_declared(name: &str) -> bool {
    thread_local! {
        static PROBE: std::cell::RefCell<cel::Context<'static, 'static>> =
            std::cell::RefCell::new(cel::Context::default());
    }
    matches!(name, "record" | "decimal_compare")
        || PROBE.with(|probe| probe.borrow_mut().add_function(name, |a: i64| a).is_err())
}

/// The first call of the expression to a function no one declares, with its node id. Only
/// plain names are judged (operators such as `_+_` and dotted names are left to the
/// evaluation), so a rule is refused only for a call that would fail on every record.
fn undeclared_call(expression: &cel::IdedExpr) -> Option<(u64, String)> {
    let plain = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    nodes(expression)
        .into_iter()
        .find_map(|node| match &node.expr {
            cel::common::ast::Expr::Call(call)
                if plain(&call.func_name) && !is_declared(&call.func_name) =>
            {
                Some((node.id, call.func_name.clone()))
            }
            _ => None,
        })
}

/// The first name the expression uses that nothing defines: not `self`, not a name a
/// macro binds (`x` in `tags.all(x, …)`), not a type name (`int`, `string`, …).
fn undefined_name(expression: &cel::IdedExpr) -> Option<(u64, String)> {
    use cel::common::ast::Expr;
    const TYPES: &[&str] = &[
        "int",
        "uint",
        "double",
        "bool",
        "string",
        "bytes",
        "list",
        "map",
        "null_type",
        "type",
        "dyn",
        "timestamp",
        "duration",
    ];
    let all = nodes(expression);
    let bound: Vec<&str> = all
        .iter()
        .filter_map(|node| match &node.expr {
            Expr::Comprehension(c) => Some(c),
            _ => None,
        })
        .flat_map(|c| {
            [
                Some(c.iter_var.as_str()),
                c.iter_var2.as_deref(),
                Some(c.accu_var.as_str()),
            ]
        })
        .flatten()
        .collect();
    all.into_iter().find_map(|node| match &node.expr {
        Expr::Ident(name)
            if name != "self"
                && !bound.contains(&name.as_str())
                && !TYPES.contains(&name.as_str()) =>
        {
            Some((node.id, name.clone()))
        }
        _ => None,
    })
}

/// The first `self.FIELD` of the expression that the bundled schema of `kind` does not
/// allow (records are validated before custom rules see them, and the bundled schemas
/// allow no other field), with its node id and the allowed fields.
fn unknown_field(
    expression: &cel::IdedExpr,
    kind: Kind,
) -> Option<(u64, String, Vec<&'static str>)> {
    use cel::common::ast::Expr;
    let allowed = crate::schema::suggest::fields_at(kind, "");
    if allowed.is_empty() {
        return None;
    }
    nodes(expression)
        .into_iter()
        .find_map(|node| match &node.expr {
            Expr::Select(select)
                if matches!(&select.operand.expr, Expr::Ident(name) if name == "self")
                    && !allowed.contains(&select.field.as_str()) =>
            {
                Some((node.id, select.field.clone(), allowed.clone()))
            }
            _ => None,
        })
}

/// The declared function closest to a misspelt one, if one is close.
fn closest_function(name: &str) -> Option<&'static str> {
    const COMMON: &[&str] = &[
        "size",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "int",
        "uint",
        "double",
        "string",
        "bool",
        "bytes",
        "type",
        "dyn",
        "record",
        "decimal_compare",
    ];
    COMMON
        .iter()
        .copied()
        .filter(|c| is_declared(c))
        .map(|c| {
            (
                strsim::levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Parses `source` and checks the depth of what it parsed; a too-deep program is dropped
/// here, on the thread that could build it.
fn parse(source: &str, field: &'static str) -> Result<Program, CompileError> {
    let program = Program::compile(source).map_err(|errors| syntax_error(field, &errors))?;
    if let Some(id) = over_depth(program.expression()) {
        let offset = program
            .source_info()
            .offset_for(id)
            .map_or(0, |(start, _)| usize::try_from(start).unwrap_or(0));
        return Err(error_at(
            source,
            offset,
            field,
            format!("operations nest more than {MAX_DEPTH} deep here (`a + b + c` is two deep)"),
            "group a long chain in brackets, as in `(a + b) + (c + d)`, or split it into several rules",
        ));
    }
    if let Some((id, name)) = undefined_name(program.expression()) {
        let offset = program
            .source_info()
            .offset_for(id)
            .map_or(0, |(start, _)| usize::try_from(start).unwrap_or(0));
        let message = match crate::schema::suggest::closest(&name, &["self"]) {
            Some(near) => format!("`{name}` is not defined; did you mean `{near}`?"),
            None => format!("`{name}` is not defined"),
        };
        return Err(error_at(
            source,
            offset,
            field,
            message,
            "an expression sees the record as `self`, other records through `record(id)`, and the names it binds itself, as `t` in `self.tags.all(t, t != '')`",
        ));
    }
    if let Some((id, name)) = undeclared_call(program.expression()) {
        let mut offset = program
            .source_info()
            .offset_for(id)
            .map_or(0, |(start, _)| usize::try_from(start).unwrap_or(0));
        // A call's place is its `(`: point at the name before it.
        if source
            .get(..offset)
            .is_some_and(|before| before.ends_with(name.as_str()))
        {
            offset -= name.len();
        }
        let message = match closest_function(&name) {
            Some(near) => format!("`{name}` is not a CEL function; did you mean `{near}`?"),
            None => format!("`{name}` is not a CEL function"),
        };
        return Err(error_at(
            source,
            offset,
            field,
            message,
            "expressions can call `record(id)`, `decimal_compare(a, b)` and the standard CEL functions (`size`, `contains`, `startsWith`, `matches`, `int`, `string`, …)",
        ));
    }
    Ok(program)
}

fn compile_cel(source: &str, field: &'static str) -> Result<Program, CompileError> {
    let what = if field == "expr" {
        "expression"
    } else {
        "message's expression"
    };
    if let Some(at) = over_length(source) {
        return Err(error_at(
            source,
            at,
            field,
            format!("the {what} is longer than {MAX_EXPRESSION_CHARS} characters"),
            "split it into several rules",
        ));
    }
    if let Some(at) = over_nesting(source) {
        return Err(error_at(
            source,
            at,
            field,
            format!("brackets and `?:` nest more than {MAX_NESTING} deep here"),
            "write it with fewer nested brackets, or split it into several rules",
        ));
    }
    if source.len() <= INLINE_BYTES {
        return parse(source, field);
    }
    let owned = source.to_owned();
    let parsing = std::thread::Builder::new()
        .name("cel-parse".into())
        .stack_size(PARSE_STACK)
        .spawn(move || parse(&owned, field));
    match parsing {
        Ok(thread) => thread.join().unwrap_or_else(|_| {
            Err(error_at(
                source,
                0,
                field,
                "the CEL parser failed on this expression".into(),
                "write it another way, and report the expression to factkit's maintainers",
            ))
        }),
        Err(e) => Err(error_at(
            source,
            0,
            field,
            format!("no thread could be started to parse the expression: {e}"),
            "try again with more memory free",
        )),
    }
}

/// The parser's first error, in words, at its place.
fn syntax_error(field: &'static str, errors: &cel::ParseErrors) -> CompileError {
    // Errors about an `…Context` the parser could not complete follow from a syntax error
    // (which is what to show) and say nothing to a user.
    let internal =
        |e: &&cel::ParseError| e.msg.starts_with("Incomplete ") || e.msg.starts_with("No `");
    let first = errors
        .errors
        .iter()
        .find(|e| !internal(e))
        .or_else(|| errors.errors.first());
    let (line, column) = first.map_or((1, 1), |e| {
        (
            usize::try_from(e.pos.0).unwrap_or(1).max(1),
            usize::try_from(e.pos.1).unwrap_or(1).max(1),
        )
    });
    let message = first.map_or_else(
        || "the expression cannot be read".to_owned(),
        |e| in_words(&e.msg),
    );
    CompileError {
        field,
        line,
        column,
        message,
        help: SYNTAX_HELP.to_owned(),
    }
}

/// A CEL parser message in words: the ANTLR phrasing (`mismatched input 'x' expecting
/// {…}`) and the parser's internal ones become what is wrong and what was expected.
fn in_words(message: &str) -> String {
    let message = message.strip_prefix("Syntax error: ").unwrap_or(message);
    let quoted = |text: &str| -> String {
        match text {
            "<EOF>" => "the end".to_owned(),
            t => format!("`{}`", t.trim_matches('\'')),
        }
    };
    if let Some(rest) = message
        .strip_prefix("mismatched input ")
        .or_else(|| message.strip_prefix("extraneous input "))
    {
        if let Some((found, expected)) = rest.split_once(" expecting ") {
            let found = found.trim_matches('\'');
            return match (found, expected) {
                ("<EOF>", expected) => format!(
                    "the expression ends too early: expected {}",
                    expected_in_words(expected)
                ),
                (found, "<EOF>") => format!("`{found}` is left over after a complete expression"),
                (found, expected) => format!(
                    "`{found}` is not expected here: expected {}",
                    expected_in_words(expected)
                ),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing ") {
        if let Some((missing, at)) = rest.split_once(" at ") {
            return match at {
                "'<EOF>'" => format!("{} is missing at the end", quoted(missing)),
                at => format!("{} is missing before {}", quoted(missing), quoted(at)),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("no viable alternative at input ") {
        return format!("the expression cannot be read at {}", quoted(rest));
    }
    if let Some(rest) = message.strip_prefix("token recognition error at: ") {
        let text = rest
            .strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .unwrap_or(rest);
        let first = text.chars().next().unwrap_or(' ');
        return match first {
            '\'' | '"' | 'r' | 'R' | 'b' | 'B' => "a string starts here that is never closed, or holds an escape CEL does not know (`\\n`, `\\t`, `\\\\`, `\\'`, `\\\"`, `\\u1234` are)".to_owned(),
            '=' => "`=` is not an operator: compare with `==`".to_owned(),
            '&' => "`&` is not an operator: write `&&` for and".to_owned(),
            '|' => "`|` is not an operator: write `||` for or".to_owned(),
            c => format!("`{c}` is not part of CEL here (names are ASCII letters, digits and `_`)"),
        };
    }
    if message.starts_with("unsupported syntax") {
        return "optional fields (`?.`, `[?…]`) are not supported: test a field with `has(self.field)` first".to_owned();
    }
    if message.starts_with("invalid int literal") || message.starts_with("invalid uint literal") {
        return "the integer is too large for CEL (64 bits): write the number as a string and compare it with `decimal_compare`".to_owned();
    }
    if message.starts_with("invalid argument to has() macro") {
        return "`has` takes a field, as in `has(self.url)`".to_owned();
    }
    if message.starts_with("argument must be a simple name") {
        return "the first argument of `all`, `exists`, `exists_one`, `map` or `filter` is a name for each element, as in `self.tags.all(t, t != '')`".to_owned();
    }
    if message.starts_with("Incomplete ")
        || message.starts_with("No `")
        || message.contains("Recursion limit")
        || message.contains('{')
    {
        return "the expression cannot be read here".to_owned();
    }
    message.to_owned()
}

/// An ANTLR set of expected tokens (`{']', ','}`, `<EOF>`, `'x'`) in words.
fn expected_in_words(expected: &str) -> String {
    let inner = expected
        .strip_prefix('{')
        .and_then(|e| e.strip_suffix('}'))
        .unwrap_or(expected);
    let tokens: Vec<&str> = inner.split(", ").map(str::trim).collect();
    let value = tokens
        .iter()
        .any(|t| matches!(*t, "IDENTIFIER" | "STRING" | "NUM_INT" | "NUM_FLOAT"));
    let operator = tokens
        .iter()
        .any(|t| matches!(*t, "'+'" | "'=='" | "'&&'" | "'||'"));
    let mut words: Vec<String> = Vec::new();
    if value {
        words.push("a value".into());
    }
    if operator {
        words.push("an operator".into());
    }
    for token in tokens {
        match token {
            "'<EOF>'" | "<EOF>" => words.push("the end".into()),
            "')'" | "']'" | "'}'" | "','" | "':'" => {
                words.push(format!("`{}`", token.trim_matches('\'')))
            }
            // Opening a value, or an operator: said above.
            _ if value || operator => {}
            other => words.push(format!("`{}`", other.trim_matches('\''))),
        }
    }
    match words.as_slice() {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Splits a message template into text and `{expression}` parts.
fn template(message: &str) -> Result<Vec<Part>, CompileError> {
    if let Some(at) = over_length(message) {
        return Err(error_at(
            message,
            at,
            "message",
            format!("the message is longer than {MAX_EXPRESSION_CHARS} characters"),
            "shorten it; a finding's message is one sentence",
        ));
    }
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
                            message: "`{` opens an expression that is never closed with `}`".into(),
                            help: "close it, or write `{{` for a brace".into(),
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
                        message: "`{}` holds no expression".into(),
                        help: "write an expression inside, or `{{}}` for braces".into(),
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
        if let Some((id, field, allowed)) = unknown_field(program.expression(), definition.kind) {
            let source = &definition.expr;
            let offset = program
                .source_info()
                .offset_for(id)
                .map_or(0, |(start, _)| usize::try_from(start).unwrap_or(0));
            // A field's place is the `.` before it, or its name: point at the name.
            let offset = source
                .get(offset..)
                .and_then(|rest| rest.find(field.as_str()))
                .map_or(offset, |at| offset + at);
            let kind = definition.kind;
            let message = match crate::schema::suggest::closest(&field, &allowed) {
                Some(near) => {
                    format!("a `{kind}` record has no field `{field}`; did you mean `{near}`?")
                }
                None => format!("a `{kind}` record has no field `{field}`"),
            };
            return Err(error_at(
                source,
                offset,
                "expr",
                message,
                &format!("`factkit schema {kind}` lists the fields of a `{kind}` record"),
            ));
        }
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

    /// Whether the rule calls `record(id)`, so it needs the whole dataset (and records'
    /// JSON kept resident until the cross-record step).
    pub fn uses_records(&self) -> bool {
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
                    Err(e) => out.push_str(&format!("<{source}: {}>", execution_in_words(&e))),
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
        Value::Bytes(bytes) => format!("b{:?}", String::from_utf8_lossy(bytes)),
        other => format!("<{}>", type_words(&other.type_of().to_string())),
    }
}

/// A CEL type name (`string`, `int`, `list`) with its article, as a user reads it.
fn type_words(name: &str) -> String {
    // The cel crate names some types the Rust way (`Int(1)`, `Arc<String>`,
    // `alloc::string::String`): read them as the CEL type they stand for.
    let lower = name.to_ascii_lowercase();
    let rust = name.contains(['(', '<', ':']) || name.starts_with(char::is_uppercase);
    let name = if !rust {
        name
    } else if lower.contains("uint") || lower.contains("u64") {
        "uint"
    } else if lower.starts_with("int") || lower.contains("i64") {
        "int"
    } else if lower.contains("float") || lower.contains("f64") || lower.contains("double") {
        "double"
    } else if lower.contains("str") {
        "string"
    } else if lower.contains("bool") {
        "bool"
    } else if lower.contains("bytes") || lower.contains("u8") {
        "bytes"
    } else if lower.contains("list") || lower.contains("vec") {
        "list"
    } else if lower.contains("map") {
        "map"
    } else if lower.contains("null") {
        "null"
    } else {
        return "a value of another type".into();
    };
    match name {
        "int" => "an integer".into(),
        "uint" => "an unsigned integer".into(),
        "double" | "float" => "a floating-point number".into(),
        "bool" => "a boolean".into(),
        "null" | "null_type" => "null".into(),
        "bytes" => "bytes".into(),
        other => {
            let vowel = other.starts_with(['a', 'e', 'i', 'o', 'u']);
            format!("{} {other}", if vowel { "an" } else { "a" })
        }
    }
}

/// The type of a value, in words.
fn type_of(value: &Value) -> String {
    type_words(&value.type_of().to_string())
}

/// An operator as CEL names it inside (`_+_`, `add`, `_[_]`), as it is written.
fn operator_words(name: &str) -> String {
    let written = match name {
        "add" => "+",
        "sub" => "-",
        "mul" => "*",
        "div" => "/",
        "rem" => "%",
        "_[_]" => "[…]",
        other => other.trim_matches('_'),
    };
    format!("`{written}`")
}

/// An evaluation error in words: the CEL crate's messages show values as Rust writes them
/// (`String("a")`, `Int(1)`).
fn execution_in_words(error: &ExecutionError) -> String {
    match error {
        ExecutionError::NoSuchOverload(o) => {
            let types: Vec<String> = o.argument_types().iter().map(|t| type_words(t)).collect();
            let function = match o.function() {
                f if f.starts_with('_') => operator_words(f),
                f => format!("`{f}()`"),
            };
            match types.as_slice() {
                [] => format!("{function} does not apply without arguments"),
                [one] => format!("{function} does not apply to {one}"),
                [init @ .., last] => {
                    format!(
                        "{function} does not apply to {} and {last}",
                        init.join(", ")
                    )
                }
            }
        }
        ExecutionError::UnsupportedBinaryOperator(op, a, b) => format!(
            "{} does not apply to {} and {}",
            operator_words(op),
            type_of(a),
            type_of(b)
        ),
        ExecutionError::ValuesNotComparable(a, b) => {
            format!("{} cannot be compared with {}", type_of(a), type_of(b))
        }
        ExecutionError::DivisionByZero(v) => format!("{} is divided by zero", display(v)),
        ExecutionError::RemainderByZero(v) => {
            format!("the remainder of {} by zero is asked for", display(v))
        }
        ExecutionError::Overflow(op, a, b) => format!(
            "{} {} {} overflows CEL's 64-bit integers",
            display(a),
            operator_words(op),
            display(b)
        ),
        ExecutionError::IndexOutOfBounds(v) => {
            format!("index {} is past the end of the list", display(v))
        }
        ExecutionError::DuplicateKey(v) => format!("the map names the key {} twice", display(v)),
        ExecutionError::UnsupportedKeyType(v) => format!("{} cannot be a map key", type_of(v)),
        ExecutionError::UnsupportedIndex(index, target) => format!(
            "{} cannot be indexed with {}",
            type_of(target),
            type_of(index)
        ),
        ExecutionError::NotSupportedAsMethod { method, target } => {
            format!("`{method}()` does not apply to {}", type_of(target))
        }
        ExecutionError::UnsupportedTargetType { target } => {
            format!("{} is not a valid argument here", type_of(target))
        }
        ExecutionError::UnexpectedType { got, want } => {
            format!("{} where {} is expected", type_words(got), type_words(want))
        }
        ExecutionError::NoSuchKey(key) => format!("the record has no field `{key}`"),
        ExecutionError::UndeclaredReference(name) => format!("`{name}` is not defined"),
        ExecutionError::InvalidArgumentCount { expected, actual } => {
            format!("a function is given {actual} arguments where it takes {expected}")
        }
        ExecutionError::MissingArgumentOrTarget => {
            "a function is called without its argument".into()
        }
        ExecutionError::FunctionError { function, message } => {
            // A regular expression's error is drawn over several lines.
            let message: Vec<&str> = message.split_whitespace().collect();
            format!("`{function}()` failed: {}", message.join(" "))
        }
        _ => "the expression could not be evaluated".into(),
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

/// The custom rules of a run that are not turned off, split by what they need: a rule that
/// reads one record (`self`) runs on that record inside its chunk, as soon as it is typed
/// ([`PerRecord::check`]); a rule that calls `record(id)` needs the whole dataset and runs
/// after it is read ([`check`]). Only the second kind keeps records' JSON resident.
#[derive(Debug, Default)]
pub struct PerRecord {
    by_kind: HashMap<Kind, Vec<CustomRule>>,
}

impl PerRecord {
    /// `rules` (active, reading only their own record; the plan chose them), by kind, in
    /// configuration order.
    pub fn new(rules: Vec<CustomRule>) -> PerRecord {
        let mut by_kind: HashMap<Kind, Vec<CustomRule>> = HashMap::new();
        for rule in rules {
            by_kind.entry(rule.definition.kind).or_default().push(rule);
        }
        PerRecord { by_kind }
    }

    /// Whether there is no such rule.
    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }

    /// The findings of these rules on one typed record, aimed at entry `i`.
    pub fn check(&self, i: usize, kind: Kind, value: &serde_json::Value) -> Vec<Diagnostic> {
        let Some(rules) = self.by_kind.get(&kind) else {
            return Vec::new();
        };
        ROOT.with(|root| evaluate(root, rules, i, value))
    }
}

thread_local! {
    /// The CEL environment of the rules that read one record: the standard library and
    /// `decimal_compare`. Built once per thread (it is not `Sync`), not once per record.
    static ROOT: cel::Context<'static, 'static> = {
        let mut root = cel::Context::default();
        let added = root.add_function("decimal_compare", decimal_compare);
        // Invariant: `decimal_compare` is not a standard CEL function, so it cannot clash.
        added.expect("factkit's CEL functions do not clash with the standard ones");
        root
    };
}

/// Runs `rules`, the active custom rules that call `record(id)` (the plan chose them), over
/// the records of their kind; the others ran per record ([`PerRecord`]).
pub fn check(cx: &Context<'_>, rules: &[CustomRule]) -> Vec<Diagnostic> {
    if rules.is_empty() {
        return Vec::new();
    }
    // The rules of each kind, in configuration order, so that a record meets only its own.
    let mut by_kind: HashMap<Kind, Vec<&CustomRule>> = HashMap::new();
    for rule in rules {
        by_kind.entry(rule.definition.kind).or_default().push(rule);
    }
    let mut records: HashMap<String, Value> = HashMap::new();
    for entry in &cx.dataset.entries {
        if let Some(id) = &entry.id {
            // The first record with an id wins, as everywhere (`duplicate-id` reports).
            records
                .entry(id.clone())
                .or_insert_with(|| to_cel(&entry.value));
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
        if let Some(rules) = by_kind.get(&record.kind()) {
            out.extend(evaluate(&root, rules, i, &entry.value));
        }
    }
    out
}

/// The findings of `rules` (all of the record's kind) on the record `value` at entry `i`.
fn evaluate<R: std::borrow::Borrow<CustomRule>>(
    root: &cel::Context<'_, '_>,
    rules: &[R],
    i: usize,
    value: &serde_json::Value,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let this = to_cel(value);
    for rule in rules {
        let rule: &CustomRule = rule.borrow();
        let mut scope = root.new_inner_scope();
        scope.add_variable_from_value("self", this.clone());
        let d = &rule.definition;
        let pointer = d
            .pointer
            .as_deref()
            .filter(|p| value.pointer(p).is_some())
            .unwrap_or("");
        let finding = match rule.program.execute(&scope) {
            Ok(Value::Bool(true)) => continue,
            Ok(Value::Bool(false)) => {
                let mut f = Diagnostic::new(d.id.clone(), d.severity, rule.render_message(&scope))
                    .at(i, pointer);
                if let Some(value) = value.pointer(pointer).filter(|_| !pointer.is_empty()) {
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
                format!(
                    "custom rule `{}` could not be evaluated on this record: {}",
                    d.id,
                    execution_in_words(&e)
                ),
            )
            .at(i, pointer)
            .help(evaluation_help(&e)),
        };
        out.push(finding);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_misspelt_function_is_refused_when_the_rule_is_compiled() {
        let e = CustomRule::compile(def("sizee(self.name) > 0", "m"))
            .err()
            .unwrap();
        assert_eq!(
            e.message,
            "`sizee` is not a CEL function; did you mean `size`?"
        );
        assert_eq!((e.field, e.line, e.column), ("expr", 1, 1));
        let e = CustomRule::compile(def("self.name.startswit('a')", "m"))
            .err()
            .unwrap();
        assert!(
            e.message.contains("did you mean `startsWith`?"),
            "{}",
            e.message
        );
        assert!(CustomRule::compile(def("frobnicate(1) == 1", "m")).is_err());
        // `def` makes source rules: a misspelt field of a source is refused, with its place.
        let e = CustomRule::compile(def("size(self.titel) > 3", "m"))
            .err()
            .unwrap();
        assert_eq!(
            e.message,
            "a `source` record has no field `titel`; did you mean `title`?"
        );
        assert_eq!(e.column, 11);
        assert!(CustomRule::compile(def("has(self.url) && self.title != ''", "m")).is_ok());
        let e = CustomRule::compile(def("selff.title != ''", "m"))
            .err()
            .unwrap();
        assert_eq!(e.message, "`selff` is not defined; did you mean `self`?");
        assert_eq!(e.column, 1);
        let tags = "!has(self.tags) || self.tags.all(t, t != '') && type(1) == int";
        assert!(CustomRule::compile(def(tags, "m")).is_ok());
        // Every function factkit and the standard library declare still compiles.
        for expr in [
            "size(self.title) > 0 && self.title.size() > 0",
            "self.title.startsWith('a') || self.title.endsWith('b') || self.title.contains('c')",
            "self.title.matches('^[a-z]+$') && int('1') == 1 && string(1) == '1'",
            "double(1) > 0.5 && uint(1) == 1u && type(1) == int && dyn(1) == 1",
            "record('x') == null && decimal_compare('1', '2') < 0",
            "[1, 2].all(x, x > 0) && [1].exists(x, x == 1) && [1].map(x, x + 1) == [2]",
            "[1].filter(x, x > 0).size() == 1 && [1].exists_one(x, x == 1) && has(self.title)",
        ] {
            let compiled = CustomRule::compile(def(expr, "m"));
            assert!(compiled.is_ok(), "{expr}: {:?}", compiled.err());
        }
    }

    #[test]
    fn rust_type_names_are_read_as_cel_types() {
        assert_eq!(type_words("Int(1)"), "an integer");
        assert_eq!(type_words("Arc<String>"), "a string");
        assert_eq!(type_words("alloc::string::String"), "a string");
        assert_eq!(type_words("Vec<Value>"), "a list");
        assert_eq!(type_words("SomethingElse<X>"), "a value of another type");
        assert_eq!(type_words("int"), "an integer");
        assert_eq!(type_words("timestamp"), "a timestamp");
    }

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

    /// Expressions built to nest: each construct, short (parsed on the calling thread, a
    /// test thread of 2 MiB here), just under the length ceiling (on the parsing thread)
    /// and far over it. Before, 10,000 `+` terms overflowed the stack and aborted.
    #[test]
    fn no_expression_overflows_the_stack() {
        type Build = fn(usize) -> String;
        let constructs: &[(&str, Build)] = &[
            ("parens", |n| {
                format!("{}true{}", "(".repeat(n), ")".repeat(n))
            }),
            ("brackets", |n| {
                format!("{}{} == []", "[".repeat(n), "]".repeat(n))
            }),
            ("braces", |n| {
                format!("{}1{} == {{}}", "{1:".repeat(n), "}".repeat(n))
            }),
            ("calls", |n| {
                format!("{}1{} > 0", "int(".repeat(n), ")".repeat(n))
            }),
            ("plus", |n| format!("{} > 0", vec!["1"; n].join("+"))),
            ("equals", |n| vec!["1"; n].join("==")),
            ("and", |n| vec!["true"; n].join("&&")),
            ("or", |n| vec!["false"; n].join("||")),
            ("ternary", |n| format!("{}true", "true?false:".repeat(n))),
            ("not", |n| format!("{}true", "!".repeat(n))),
            ("minus", |n| format!("{}1 > 0", "-".repeat(n))),
            ("select", |n| format!("self.title{} == 1", ".a".repeat(n))),
            ("index", |n| format!("[1]{} == 1", "[0]".repeat(n))),
            ("methods", |n| format!("'x'{} > 0", ".size()".repeat(n))),
            ("mixed", |n| {
                format!(
                    "{}{}{} > 0",
                    "(".repeat(31),
                    vec!["1"; n].join("+"),
                    ")".repeat(31)
                )
            }),
        ];
        let record = to_cel(&serde_json::json!({"id": "s1", "a": {"a": 1}}));
        for (name, build) in constructs {
            for n in [10, 31, 32, 33, 99, 100, 101, 120, 1_000, 1_900, 10_000] {
                let expr = build(n);
                match CustomRule::compile(def(&expr, "m")) {
                    Ok(rule) => {
                        assert!(expr.chars().count() <= MAX_EXPRESSION_CHARS, "{name} {n}");
                        let mut scope = cel::Context::default();
                        scope.add_variable_from_value("self", record.clone());
                        // Evaluating is the recursion that matters; its value does not.
                        let _ = rule.program.execute(&scope);
                    }
                    Err(e) => {
                        assert!(
                            e.message.contains("longer than 4096 characters")
                                || e.message.contains("nest more than 32 deep")
                                || e.message.contains("nest more than 100 deep"),
                            "{name} {n}: {e:?}"
                        );
                    }
                }
            }
        }
        // Brackets inside strings and comments are not nesting.
        let strings = format!(
            "'{0}' + \"{0}\" + r'{0}' + '''{0}''' == '' // {0}",
            "(".repeat(40)
        );
        assert!(CustomRule::compile(def(&strings, "m")).is_ok());
        // Each ceiling is placed: at the char past the length, at the bracket too deep.
        let e = CustomRule::compile(def(&"1+".repeat(3000), "m")).unwrap_err();
        assert_eq!((e.line, e.column), (1, 4097), "{e:?}");
        let e = CustomRule::compile(def(
            &format!("[\n{}1{}", "(".repeat(40), ")".repeat(40)),
            "m",
        ))
        .unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 32, "brackets and `?:` nest more than 32 deep here")
        );
        let e = CustomRule::compile(def("true", &format!("{{{}}}", vec!["1"; 150].join("+"))))
            .unwrap_err();
        assert_eq!(e.field, "message");
        assert!(
            e.message.starts_with("operations nest more than 100 deep"),
            "{e:?}"
        );
        let e = CustomRule::compile(def("true", &"x".repeat(5000))).unwrap_err();
        assert_eq!((e.field, e.column), ("message", 4097), "{e:?}");
        // A chain just within the depth compiles, on either thread, and evaluates.
        for n in [60, 99] {
            let rule =
                CustomRule::compile(def(&format!("{} == {n}", vec!["1"; n].join(" + ")), "m"))
                    .unwrap();
            assert_eq!(
                rule.program.execute(&cel::Context::default()),
                Ok(Value::Bool(true))
            );
        }
    }

    /// The parser's messages, in words, at their place.
    #[test]
    fn compile_errors_speak_the_users_words() {
        let table = [
            ("has(self.url) &&", (1, 17), "the expression ends too early: expected a value"),
            ("self.url.startsWith(", (1, 21), "the expression ends too early: expected a value or `)`"),
            ("[1, 2", (1, 6), "the expression ends too early: expected `]` or `,`"),
            ("{'a': 2", (1, 8), "the expression ends too early: expected `}` or `,`"),
            ("self.url ?", (1, 11), "the expression ends too early: expected a value"),
            ("a ? b", (1, 6), "the expression ends too early: expected an operator or `:`"),
            ("(1 + 2", (1, 7), "`)` is missing at the end"),
            ("1 + 2)", (1, 6), "`)` is left over after a complete expression"),
            ("foo bar", (1, 5), "`bar` is left over after a complete expression"),
            ("1 +* 2", (1, 4), "`*` is not expected here: expected a value"),
            ("1..2", (1, 3), "the expression cannot be read at `..2`"),
            ("self.id = 'x'", (1, 9), "`=` is not an operator: compare with `==`"),
            ("a &&& b", (1, 5), "`&` is not an operator: write `&&` for and"),
            ("$x", (1, 1), "`$` is not part of CEL here (names are ASCII letters, digits and `_`)"),
            ("self.?a", (1, 5), "optional fields (`?.`, `[?…]`) are not supported: test a field with `has(self.field)` first"),
            ("99999999999999999999999", (1, 1), "the integer is too large for CEL (64 bits): write the number as a string and compare it with `decimal_compare`"),
            ("has(x)", (1, 5), "`has` takes a field, as in `has(self.url)`"),
            ("self.all(1, x)", (1, 10), "the first argument of `all`, `exists`, `exists_one`, `map` or `filter` is a name for each element, as in `self.tags.all(t, t != '')`"),
            ("a[", (1, 3), "the expression ends too early: expected a value"),
            ("1 +\n  * 2", (2, 3), "`*` is not expected here: expected a value"),
        ];
        for (expr, at, message) in table {
            let e = CustomRule::compile(def(expr, "m")).unwrap_err();
            assert_eq!(
                ((e.line, e.column), e.message.as_str()),
                (at, message),
                "{expr:?}"
            );
        }
        let e = CustomRule::compile(def("'abc", "m")).unwrap_err();
        assert!(
            e.message
                .starts_with("a string starts here that is never closed"),
            "{e:?}"
        );
    }

    /// Evaluation errors show values as CEL writes them, not as Rust does (`Int(1)`).
    #[test]
    fn evaluation_errors_speak_the_users_words() {
        let table = [
            ("'a' < 1", "`<` does not apply to a string and an integer"),
            ("'a' + 1", "`+` does not apply to a string and an integer"),
            ("1 / 0", "1 is divided by zero"),
            ("9223372036854775807 + 1", "9223372036854775807 `+` 1 overflows CEL's 64-bit integers"),
            ("[1][5] == 1", "index 5 is past the end of the list"),
            ("{1: 1, 1: 2} == {}", "the map names the key 1 twice"),
            ("size(1) == 0", "`size()` does not apply to an integer"),
            ("[1]['a'] == 1", "`[…]` does not apply to a list and a string"),
            ("{[1]: 1} == {}", "a list cannot be a map key"),
            ("{'a': 1}.b == 1", "the record has no field `b`"),
            ("x", "`x` is not defined"),
            ("'a'.matches('[')", "`matches()` failed: '[' not a valid regex: regex parse error: [ ^ error: unclosed character class"),
            ("b'a' + 1 == 1", "`+` does not apply to bytes and an integer"),
        ];
        for (expr, want) in table {
            let program = Program::compile(expr).unwrap();
            let e = program.execute(&cel::Context::default()).unwrap_err();
            assert_eq!(execution_in_words(&e), want, "{expr}");
        }
    }

    proptest::proptest! {
        /// Whatever the text, compiling returns, and its message has none of the parser's
        /// own vocabulary.
        #[test]
        fn compile_errors_never_show_the_parsers_internals(expr in r#"[()\[\]{}?:.,+\-*/%!<>=&|'"\\ a1_é\n]{0,40}"#) {
            if let Err(e) = CustomRule::compile(def(&expr, "m")) {
                for word in ["Context", "OtherError", "ParseError", "<EOF>", "IDENTIFIER", "NUM_", "Syntax error", "Recursion"] {
                    proptest::prop_assert!(!e.message.contains(word), "{:?}: {}", expr, e.message);
                }
                proptest::prop_assert!(e.line >= 1 && e.column >= 1);
            }
        }
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
        let v = crate::format::json::parse(r#"{"amount": 26.20, "big": 12345678901234567890123}"#)
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
