//! Command-line parsing, dispatch, rendering choice and exit codes.
//!
//! Exit codes: `0` no errors (warnings allowed unless `--deny-warnings`); `1` the data has
//! errors (syntax errors included); `2` the run itself failed (bad arguments, unreadable
//! path, invalid schema). Diagnostics go to standard output; in the machine formats the
//! summary goes to standard error so standard output stays parseable. A closed pipe on
//! standard output ends the run quietly.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use factkit::diagnostic::{human, json};
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
        /// The rule id, e.g. implied-rate.
        rule: String,
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
    /// Report dates after this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-style, with the offending line.
    Human,
    /// One JSON object per diagnostic per line.
    Json,
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
        Command::Explain { rule } => run_explain(&rule),
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
    let mut config = Config::default();
    if let Some(text) = &args.as_of {
        let date = PartialDate::parse(text)
            .map_err(|e| Error::Usage(format!("invalid value for `--as-of`: {e}")))?;
        config.as_of = date.last();
    }
    let report = factkit::check(&args.paths, &config)?;
    match args.format {
        Format::Human => {
            let text = human::render(
                &report.diagnostics,
                &|name| report.dataset.text_of(name),
                color_allowed(),
            );
            out(&text)?;
            out(&format!("{}\n", report.summary.line()))?;
        }
        Format::Json => {
            out(&json::render(&report.diagnostics))?;
            eprintln!("{}", report.summary.line());
        }
    }
    Ok(if report.fails(args.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
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

fn run_explain(id: &str) -> Result<ExitCode, Failure> {
    let Some(rule) = rules::find(id) else {
        let ids = rules::RULES
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::Usage(format!("`{id}` is not a rule: the rules are {ids}")).into());
    };
    out(&format!(
        "{} ({})\n\n{}",
        rule.id,
        rule.severity,
        rule.doc()
    ))?;
    Ok(ExitCode::SUCCESS)
}
