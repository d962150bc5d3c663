//! Command-line parsing, dispatch, rendering choice and exit codes.
//!
//! Exit codes: `0` no errors (warnings allowed unless `--deny-warnings`); `1` the data has
//! errors (syntax errors included); `2` the run itself failed (bad arguments, unreadable
//! path, invalid schema). Diagnostics go to standard output; in the machine formats the
//! summary goes to standard error so standard output stays parseable. A closed pipe on
//! standard output ends the run quietly.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use factkit::diagnostic::{github, human, json, junit, sarif, RuleMeta};
use factkit::model::{Kind, PartialDate};
use factkit::{rules, schema, Config, Error};

const EXIT_CODES: &str = "Exit codes: 0 no errors (warnings allowed unless --deny-warnings), \
1 the data has errors, 2 the run failed (bad arguments, unreadable path, invalid schema).";

/// Check, export and convert fact-check records.
#[derive(Parser)]
#[command(name = "factkit", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check records against the bundled schemas and the cross-field rules.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Print the bundled JSON Schema of a kind (or of any record).
    Schema {
        /// entity, source, statement, proposal, statistic, exchange_rate, review, defs or record.
        #[arg(default_value = "record")]
        kind: String,
    },
    /// Explain a rule: what it checks, why, and a failing and a passing example.
    Explain {
        /// The rule id, e.g. implied-rate, or the id of a custom rule.
        rule: String,
        /// The configuration whose custom rules to search (default: ./factkit.toml).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Record files or directories (searched recursively); `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Report dates after this day (YYYY-MM-DD; default: factkit.toml's `as_of`, else today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The configuration file (default: factkit.toml at the dataset root, when present).
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    config: Option<PathBuf>,
    /// Generic mode: validate every instance against this JSON Schema alone (no kinds, no rules).
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Write the report to this file (atomically) instead of standard output; the summary
    /// line still goes to standard error.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the rules with their severities as configured, and exit.
    #[arg(long)]
    list_rules: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-style, with the offending line.
    Human,
    /// One JSON object per diagnostic per line.
    Json,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, one test case per record.
    Junit,
}

/// Runs the CLI and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Schema { kind } => run_schema(&kind),
        Command::Explain { rule, config } => run_explain(&rule, config.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Pipe) => ExitCode::SUCCESS,
        Err(Failure::Run(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    Run(Error),
    Pipe,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Run(e)
    }
}

/// Writes to standard output; a closed pipe stops the run quietly.
fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::Pipe),
        Err(e) => Err(Failure::Run(Error::Write {
            path: "-".into(),
            source: e,
        })),
    }
}

fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn run_check(args: CheckArgs) -> Result<ExitCode, Failure> {
    let (report, rules) = match &args.schema {
        Some(schema) => {
            if args.list_rules {
                out(&rule_table(&rules::generic_catalog()))?;
                return Ok(ExitCode::SUCCESS);
            }
            (
                factkit::generic::check(schema, &args.paths)?,
                rules::generic_catalog(),
            )
        }
        None => {
            let mut config = match &args.config {
                Some(path) => Config::load(path)?,
                None => Config::for_paths(&args.paths)?,
            };
            if let Some(text) = &args.as_of {
                let date = PartialDate::parse(text)
                    .map_err(|e| Error::Usage(format!("invalid value for `--as-of`: {e}")))?;
                config.as_of = date.last();
            }
            let catalog = rules::catalog(&config);
            if args.list_rules {
                out(&rule_table(&catalog))?;
                return Ok(ExitCode::SUCCESS);
            }
            (factkit::check(&args.paths, &config)?, catalog)
        }
    };
    let summary = report.summary.line();
    let diagnostics = &report.diagnostics;
    let (text, summary_in_text) = match args.format {
        Format::Human => {
            let color = args.output.is_none() && color_allowed();
            let text = human::render(diagnostics, &|name| report.dataset.text_of(name), color);
            (format!("{text}{summary}\n"), true)
        }
        Format::Json => (json::render(diagnostics), false),
        Format::Github => (github::render(diagnostics, &report.summary), true),
        Format::Sarif => (sarif::render(diagnostics, &rules), false),
        Format::Junit => (
            junit::render(&report.cases(), diagnostics, args.deny_warnings),
            false,
        ),
    };
    match &args.output {
        Some(path) => {
            write_atomic(path, &text)?;
            eprintln!("{summary}");
        }
        None => {
            out(&text)?;
            if !summary_in_text {
                eprintln!("{summary}");
            }
        }
    }
    if matches!(args.format, Format::Github) {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            append(
                Path::new(&path),
                &github::step_summary(diagnostics, &report.summary),
            )?;
        }
    }
    Ok(if report.fails(args.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `--list-rules` table: id, severity as configured, summary.
fn rule_table(rules: &[RuleMeta]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let mut text = format!("{:width$}  {:8}  summary\n", "id", "severity");
    for r in rules {
        let level = r.level.map_or("off", |s| s.as_str());
        text.push_str(&format!("{:width$}  {level:8}  {}\n", r.id, r.summary));
    }
    text
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then renamed
/// over the target, so a failed run never leaves a partial report.
fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let failed = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Appends `text` to the file at `path` (GitHub's job summary).
fn append(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

fn run_schema(name: &str) -> Result<ExitCode, Failure> {
    let text = match name {
        "record" => schema::bundled_text(None),
        "defs" => schema::FILES[0].1,
        other => match Kind::parse(other) {
            Some(kind) => schema::bundled_text(Some(kind)),
            None => {
                let kinds = Kind::ALL.map(Kind::as_str).join(", ");
                return Err(Error::Usage(format!(
                    "`{other}` is not a kind: use one of {kinds}, defs or record"
                ))
                .into());
            }
        },
    };
    out(text)?;
    Ok(ExitCode::SUCCESS)
}

fn run_explain(id: &str, config: Option<&Path>) -> Result<ExitCode, Failure> {
    if let Some(rule) = rules::find(id) {
        out(&format!(
            "{} ({})\n\n{}",
            rule.id,
            rule.severity,
            rule.doc()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = match config {
        Some(path) => Config::load(path)?,
        None => Config::for_paths(&[])?,
    };
    if let Some(rule) = config.custom_rule(id) {
        let d = &rule.definition;
        out(&format!(
            "{} ({}, custom)\n\n{}",
            d.id,
            d.severity,
            rule.doc()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    ids.extend(config.custom_rules.iter().map(|r| r.id()));
    Err(Error::Usage(format!(
        "`{id}` is not a rule: the rules are {}",
        ids.join(", ")
    ))
    .into())
}
