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
    /// Convert records between JSON, JSON Lines, YAML and CSV without changing a figure.
    #[command(after_help = CONVERT_EXIT_CODES)]
    Convert(ConvertArgs),
}

const CONVERT_EXIT_CODES: &str =
    "Exit codes: 0 converted, 1 the input has errors (nothing written), \
2 the run failed (bad arguments, unreadable input, invalid schema, cannot write).";

#[derive(clap::Args)]
struct ConvertArgs {
    /// The record file to convert; `-` reads standard input (then --from is needed).
    input: PathBuf,
    /// Where to write; standard output when absent or `-` (then --to is needed).
    #[arg(short, long, value_name = "OUTPUT")]
    output: Option<PathBuf>,
    /// The input format (default: from the input's extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<DataFormat>,
    /// The output format (default: from the output's extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Option<DataFormat>,
    /// A JSON Schema that types YAML/CSV input and validates every record.
    #[arg(long, value_name = "FILE", conflicts_with = "kind")]
    schema: Option<PathBuf>,
    /// Every record is of this kind: its bundled schema types and validates them.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Convert records that fail their schema (diagnostics are still shown).
    #[arg(long)]
    allow_errors: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DataFormat {
    /// An array of records.
    Json,
    /// One record per line.
    Jsonl,
    /// A list of records.
    Yaml,
    /// One record per row.
    Csv,
}

impl DataFormat {
    fn format(self) -> factkit::load::Format {
        use factkit::load::Format;
        match self {
            DataFormat::Json => Format::Json,
            DataFormat::Jsonl => Format::JsonLines,
            DataFormat::Yaml => Format::Yaml,
            DataFormat::Csv => Format::Csv,
        }
    }
}

fn parse_kind(text: &str) -> Result<Kind, Error> {
    Kind::parse(text).ok_or_else(|| {
        let kinds = Kind::ALL.map(Kind::as_str).join(", ");
        Error::Usage(format!("`{text}` is not a kind: use one of {kinds}"))
    })
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
    /// The kind of the rows of CSV files that have no `kind` column.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
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
        Command::Convert(args) => run_convert(args),
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
    let options = factkit::load::Options {
        kind: args.kind.as_deref().map(parse_kind).transpose()?,
        ..Default::default()
    };
    let report = factkit::check::check_with(&args.paths, &config, &options)?;
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

fn run_convert(args: ConvertArgs) -> Result<ExitCode, Failure> {
    use factkit::convert::{self, format_name};
    let schema = match &args.schema {
        Some(path) => Some(std::sync::Arc::new(
            factkit::schema::file::SchemaFile::read(path)?,
        )),
        None => None,
    };
    let options = convert::Options {
        from: args.from.map(DataFormat::format),
        to: args.to.map(DataFormat::format),
        schema,
        kind: args.kind.as_deref().map(parse_kind).transpose()?,
        allow_errors: args.allow_errors,
    };
    let mut stdout = std::io::stdout().lock();
    let outcome = match convert::convert(&args.input, args.output.as_deref(), &options, &mut stdout)
    {
        Ok(outcome) => outcome,
        Err(Error::Write { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            return Err(Failure::Pipe)
        }
        Err(e) => return Err(e.into()),
    };
    drop(stdout);
    // Standard output may carry the records, so diagnostics and the summary go to standard
    // error.
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    let mut text = String::new();
    for f in &outcome.findings {
        text.push_str(&human::render(
            std::slice::from_ref(&f.diagnostic),
            &|_| Some(&f.source),
            color,
        ));
    }
    let records = match outcome.records {
        1 => "1 record".to_owned(),
        n => format!("{n} records"),
    };
    let errors = match outcome.errors {
        1 => "1 error".to_owned(),
        n => format!("{n} errors"),
    };
    let route = format!(
        "{} to {}",
        format_name(outcome.from),
        format_name(outcome.to)
    );
    let destination = match &args.output {
        Some(p) if p.as_os_str() != "-" => format!("`{}`", p.display()),
        _ => "standard output".to_owned(),
    };
    if outcome.written {
        let note = if outcome.errors > 0 {
            format!(" despite {errors} (--allow-errors)")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "converted {records} from {route} into {destination}{note}\n"
        ));
    } else {
        let hint = if outcome
            .findings
            .iter()
            .all(|f| f.diagnostic.rule == "schema")
        {
            "; fix them, or pass --allow-errors to convert records that fail their schema"
        } else {
            ""
        };
        text.push_str(&format!(
            "not converted: {errors}, {records} read; nothing was written{hint}\n"
        ));
    }
    eprint!("{text}");
    Ok(if outcome.written {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
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
