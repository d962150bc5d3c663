//! Command-line parsing, dispatch, rendering choice and exit codes.
//!
//! Exit codes: `0` no errors (warnings allowed unless `--deny-warnings`); `1` the data has
//! errors (syntax errors included); `2` the run itself failed (bad arguments, unreadable
//! path, invalid schema). Diagnostics go to standard output; in the machine formats the
//! summary goes to standard error so standard output stays parseable. `export` is the
//! exception: its standard output is the exported document, so its diagnostics, warnings and
//! summary all go to standard error. A closed pipe on standard output ends the run quietly.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the command line is the one place that prints: reports, summaries, errors"
)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::plan::{Plan, Resolved};
use crate::diagnostic::{clean, github, render, RuleMeta};
use crate::model::{Kind, PartialDate};
use crate::{export, rules, schema, Config, Error};

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
    /// Check, then export records to CSV, JSON-LD, Markdown, HTML, JSON or JSON Lines.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Print the bundled JSON Schema of a kind (or of any record), or write them all to a folder.
    Schema {
        /// entity, source, statement, proposal, statistic, exchange_rate, review, defs, record
        /// (one record of any kind) or file (a file of records: an array of records or one).
        #[arg(default_value = "record")]
        kind: String,
        /// Write every bundled schema into this folder (created if needed; the bundled files
        /// there are replaced) instead of printing one. Their `$ref`s name each other by file
        /// name, so the folder works offline in editors and other validators.
        #[arg(long, value_name = "DIR", conflicts_with = "kind")]
        write: Option<PathBuf>,
    },
    /// Start a dataset: factkit.toml, one template record of each kind, the schemas and
    /// editor settings.
    #[command(after_help = INIT_HELP)]
    Init {
        /// The dataset folder (created if needed; default: the current directory).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Explain a rule: what it checks, why, and a failing and a passing example.
    Explain {
        /// The rule id, e.g. implied-rate, or the id of a custom rule.
        rule: String,
        /// The configuration whose custom rules to search (default: ./factkit.toml).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
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
    /// With --schema: read the schemas under URI prefix URI from PATH (a file, or a folder
    /// for the URIs under it); repeatable. Nothing is ever fetched from the network.
    #[arg(long = "ref", value_name = "URI=PATH", requires = "schema")]
    refs: Vec<String>,
    /// With --schema: assert `format` in every draft (2019-09 and 2020-12 only annotate it).
    #[arg(long, requires = "schema")]
    assert_format: bool,
    /// The configuration whose `[limits]` apply (default: `factkit.toml` in the input's
    /// folder, or in the current directory for standard input, if any).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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
    fn format(self) -> crate::load::Format {
        use crate::load::Format;
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
        let kinds = Kind::ALL.map(Kind::as_str);
        let hint = schema::suggest::closest(text, &kinds)
            .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
        Error::Usage(format!(
            "`{text}` is not a kind: {hint}use one of {}",
            kinds.join(", ")
        ))
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
    /// Report dates after this day (YYYY-MM-DD; default: factkit.toml's `as_of`, else today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The configuration file (default: factkit.toml at the dataset root, when present).
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    config: Option<PathBuf>,
    /// Generic mode: validate every instance against this JSON Schema alone (no kinds, no rules).
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// With --schema: read the schemas under URI prefix URI from PATH (a file, or a folder
    /// for the URIs under it); repeatable. Nothing is ever fetched from the network.
    #[arg(long = "ref", value_name = "URI=PATH", requires = "schema")]
    refs: Vec<String>,
    /// With --schema: assert `format` in every draft (2019-09 and 2020-12 only annotate it).
    #[arg(long, requires = "schema")]
    assert_format: bool,
    /// Write the report to this file (atomically) instead of standard output; the summary
    /// line still goes to standard error.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the rules with their severities as configured, and exit.
    #[arg(long)]
    list_rules: bool,
    /// The kind of the rows of CSV files that have no `kind` column.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Print at most N findings, then a count of the rest (default: factkit.toml's
    /// `[limits] max_diagnostics`, else 1000; 0 prints all). Human format only: json, github,
    /// sarif and junit hold every finding. The summary and exit code count all.
    #[arg(long, value_name = "N")]
    max_diagnostics: Option<usize>,
    /// Read files that symbolic links inside a dataset folder lead to outside it (by
    /// default such a link is a `read` error and is not read).
    #[arg(long)]
    follow_links: bool,
    /// Files and folders found in a dataset folder that are not records and are never
    /// read: a glob in `.gitignore` syntax, relative to the current directory (repeatable;
    /// adds to factkit.toml's `exclude`).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Read files that `.gitignore`, `.ignore` and git's excludes leave out (by default
    /// they are not read, in a git repository or not).
    #[arg(long)]
    no_ignore: bool,
}

const EXPORT_HELP: &str = "The dataset is checked first: with errors, the diagnostics go to \
standard error and nothing is written (exit 1), unless --allow-errors. Files are written \
atomically. Exit codes: 0 exported, 1 the data has errors (nothing written), 2 the run failed \
(bad arguments, unreadable path, output not writable).";

#[derive(clap::Args)]
struct ExportArgs {
    /// Output format.
    #[arg(long = "to", value_enum, value_name = "FORMAT")]
    to: ExportFormat,
    /// Record files or directories (searched recursively); `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Write here instead of standard output: a file, or for CSV without --kind a directory
    /// that gets one file per kind (entities.csv, statistics.csv, ...).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// Export only records of this kind (entity, source, statement, proposal, statistic,
    /// exchange_rate, review).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Export even when the check finds errors; records that failed their schema are listed
    /// under "Could not be shown" (Markdown, HTML), left out (CSV, JSON-LD) or written as
    /// read (JSON, JSON Lines), each reported.
    #[arg(long)]
    allow_errors: bool,
    /// JSON-LD: the absolute URL that node ids hang on (`URL#id`); default the relative `#id`.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// CSV: start each file with a UTF-8 byte-order mark, for Excel.
    #[arg(long)]
    bom: bool,
    /// Markdown and HTML: `failing` shows only the records with errors or warnings (the
    /// summary and the records that could not be shown stay).
    #[arg(long, value_enum, value_name = "WHICH")]
    only: Option<Only>,
    /// Report dates after this day (YYYY-MM-DD; default the config's `as_of`, else today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The configuration file (default: `factkit.toml` at the dataset root, if any).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read files that symbolic links inside a dataset folder lead to outside it (by
    /// default such a link is a `read` error and is not read).
    #[arg(long)]
    follow_links: bool,
    /// Files and folders found in a dataset folder that are not records and are never
    /// read: a glob in `.gitignore` syntax, relative to the current directory (repeatable;
    /// adds to factkit.toml's `exclude`).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Read files that `.gitignore`, `.ignore` and git's excludes leave out (by default
    /// they are not read, in a git repository or not).
    #[arg(long)]
    no_ignore: bool,
}

/// Which records `--only` keeps.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Only {
    /// Records with errors or warnings reported on them.
    Failing,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One file per kind, for spreadsheets.
    Csv,
    /// schema.org JSON-LD, for publishing.
    Jsonld,
    /// Fact-check tables for editors.
    Markdown,
    /// One self-contained web page for editors, with filters.
    Html,
    /// A JSON array of normalised records.
    Json,
    /// One normalised record per line.
    Jsonl,
}

impl From<ExportFormat> for export::Format {
    fn from(f: ExportFormat) -> export::Format {
        match f {
            ExportFormat::Csv => export::Format::Csv,
            ExportFormat::Jsonld => export::Format::JsonLd,
            ExportFormat::Markdown => export::Format::Markdown,
            ExportFormat::Html => export::Format::Html,
            ExportFormat::Json => export::Format::Json,
            ExportFormat::Jsonl => export::Format::JsonLines,
        }
    }
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

impl Format {
    fn format(self) -> render::Format {
        match self {
            Format::Human => render::Format::Human,
            Format::Json => render::Format::Json,
            Format::Github => render::Format::Github,
            Format::Sarif => render::Format::Sarif,
            Format::Junit => render::Format::Junit,
        }
    }
}

/// Runs the CLI and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // An argument error quotes the argument, which may hold a line break, `::` or an
            // escape sequence: each line is cleaned like every other line factkit prints.
            let text = e.render().to_string();
            for line in text.lines() {
                eprintln!("{}", clean(line));
            }
            return ExitCode::from(2);
        }
        Err(e) => {
            // --help and --version: factkit's own text, on standard output.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Export(args) => run_export(args),
        Command::Schema { kind, write } => match write {
            Some(dir) => run_schema_write(&dir),
            None => run_schema(&kind),
        },
        Command::Init { dir, force } => run_init(&dir, force),
        Command::Explain { rule, config } => run_explain(&rule, config.as_deref()),
        Command::Convert(args) => run_convert(args),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Pipe) => ExitCode::SUCCESS,
        Err(Failure::Run(e)) => {
            // The message may quote data (a key of factkit.toml, a file name): cleaned.
            eprintln!("error: {}", clean(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

enum Failure {
    Run(Error),
    Pipe,
}

impl From<Error> for Failure {
    /// A closed pipe on standard output (`-o -` too) ends the run quietly.
    fn from(e: Error) -> Failure {
        match e {
            Error::Write { path, source }
                if path.as_os_str() == "-" && source.kind() == std::io::ErrorKind::BrokenPipe =>
            {
                Failure::Pipe
            }
            e => Failure::Run(e),
        }
    }
}

/// The files a run's configuration read: factkit.toml and the extra schemas it names.
fn config_files(plan: &Plan<'_>) -> Vec<(PathBuf, &'static str)> {
    let config = plan.config();
    let mut files: Vec<(PathBuf, &'static str)> = config
        .path
        .iter()
        .map(|path| (path.clone(), "the configuration"))
        .collect();
    for extra in plan.resolved().schemas() {
        files.push((extra.path.clone(), "a schema"));
    }
    files
}

/// What a check or export run read: its dataset folders, record files, configuration,
/// extra schemas and archives, which its output must not replace.
fn reads_of(
    paths: &[PathBuf],
    report: &crate::Report,
    config: &[(PathBuf, &'static str)],
    schema: Option<&Path>,
) -> crate::atomic::Reads {
    let mut reads = crate::atomic::Reads::default();
    for path in paths {
        if path.is_dir() {
            reads.folder(path);
        }
    }
    let dataset = &report.dataset;
    for file in &dataset.files {
        if let Some(path) = file.path() {
            reads.file(path, "a record file of the dataset");
        }
    }
    if let Some(path) = schema {
        reads.file(path, "the schema");
    }
    for (path, what) in config {
        reads.file(path, what);
    }
    for entry in &dataset.entries {
        let archive = match &entry.record {
            Some(crate::model::Record::Source(source)) => source.archive.clone(),
            _ => entry
                .value
                .get("archive")
                .and_then(|a| a.as_str())
                .map(str::to_owned),
        };
        if let Some(archive) = archive {
            reads.file(&dataset.root.join(archive), "an archive");
        }
    }
    reads
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

/// A spinner on standard error for runs that take more than a second: only when standard
/// error is a terminal, never under CI (`CI` set), so logs and pipes never see it.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(message: &'static str) -> Progress {
        if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            return Progress(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message);
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress(Some(bar))
    }

    fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn run_check(args: CheckArgs) -> Result<ExitCode, Failure> {
    let mut limits = crate::limits::Limits::default();
    let mut config_read = Vec::new();
    let (report, rules) = match &args.schema {
        Some(schema) => {
            if args.list_rules {
                out(&rule_table(&rules::generic_catalog()))?;
                return Ok(ExitCode::SUCCESS);
            }
            let options = schema_options(&args.refs, args.assert_format)?;
            let schema = crate::schema::user::SchemaFile::load(schema, &options)?;
            (
                crate::generic::check_against(
                    &schema,
                    &args.paths,
                    args.follow_links,
                    &selection(&args.exclude, args.no_ignore)?,
                )?,
                rules::generic_catalog(),
            )
        }
        None => {
            let config = settings(args.config.as_deref(), &args.paths, args.as_of.as_deref())?;
            limits = config.limits.clone();
            let resolved = Resolved::new(&config)?;
            let catalog = resolved.catalog();
            if args.list_rules {
                out(&rule_table(&catalog))?;
                return Ok(ExitCode::SUCCESS);
            }
            let plan = Plan::with(&config, resolved)?;
            let options = crate::load::Options {
                kind: args.kind.as_deref().map(parse_kind).transpose()?,
                follow_links: args.follow_links,
                selection: selection(&args.exclude, args.no_ignore)?,
                ..Default::default()
            };
            let progress = Progress::start("checking");
            let report = crate::check::check_planned(&plan, &args.paths, &options);
            progress.finish();
            config_read = config_files(&plan);
            (report?, catalog)
        }
    };
    let summary = report.summary.line();
    if let Some(n) = args.max_diagnostics {
        limits.max_diagnostics = n;
    }
    let diagnostics = &report.diagnostics[..];
    let root = repository_root();
    let cases = match args.format {
        Format::Junit => report.cases(),
        _ => Vec::new(),
    };
    // The ceiling is for people: the machine formats are complete (SARIF says inside itself
    // what GitHub would drop).
    let options = render::Options {
        color: args.output.is_none() && color_allowed(),
        cap: Some(render::Cap {
            max: limits.max_diagnostics,
            flag: true,
        }),
        summary: Some(report.summary),
        root: root.clone(),
        rules: &rules,
        cases: &cases,
        deny_warnings: args.deny_warnings,
        ..Default::default()
    };
    let format = args.format.format();
    // The human and GitHub formats close with the summary line; the others leave standard
    // output parseable and say it on standard error.
    let summary_in_text = matches!(format, render::Format::Human | render::Format::Github);
    let texts = report.texts();
    let text = render::to_string(format, diagnostics, &texts, &options);
    match &args.output {
        Some(path) => {
            let reads = reads_of(&args.paths, &report, &config_read, args.schema.as_deref());
            reads.check(path)?;
            crate::atomic::write(path, text.as_bytes())?;
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
                &github::step_summary_in(diagnostics, &report.summary, &root),
            )?;
        }
    }
    let fails = report.fails(args.deny_warnings);
    // The process ends next: freeing a large dataset record by record costs more than
    // some of the rules did, and the operating system reclaims it at once.
    std::mem::forget(report);
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The root that GitHub and SARIF reports name files relative to: `GITHUB_WORKSPACE` when
/// set, else the nearest folder above the working directory that holds `.git` (the git
/// top-level), else the working directory.
fn repository_root() -> github::Root {
    let Ok(cwd) = std::env::current_dir() else {
        return github::Root::default();
    };
    let root = match std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) {
        Some(workspace) => {
            let workspace = cwd.join(workspace);
            std::fs::canonicalize(&workspace).unwrap_or(workspace)
        }
        None => cwd
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(&cwd)
            .to_path_buf(),
    };
    github::Root::new(cwd, root)
}

/// The files of dataset folders that are records: `--exclude` globs (relative to the
/// working directory) and, unless `--no-ignore`, the ignore files.
fn selection(exclude: &[String], no_ignore: bool) -> Result<crate::load::Selection, Error> {
    let mut selection = crate::load::Selection::default();
    selection.ignore_files = !no_ignore;
    selection
        .exclude(Path::new("."), exclude)
        .map_err(|e| Error::Usage(format!("invalid value for `--exclude`: {e}")))?;
    Ok(selection)
}

/// The `--list-rules` table: id, severity as configured, summary.
fn rule_table(rules: &[RuleMeta]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let mut text = format!("{:width$}  {:8}  summary\n", "id", "severity");
    for r in rules {
        let level = r.level.map_or("off", |s| s.as_str());
        // A custom rule's id and description come from factkit.toml: cleaned.
        let (id, summary) = (clean(&r.id), clean(&r.summary));
        text.push_str(&format!("{id:width$}  {level:8}  {summary}\n"));
    }
    text
}

/// The people's ceiling of a command whose only setting is factkit.toml's `[limits]`.
fn by_config(limits: &crate::limits::Limits) -> render::Cap {
    render::Cap {
        max: limits.max_diagnostics,
        flag: false,
    }
}

/// The error of a write to memory, which does not fail.
fn memory(source: std::io::Error) -> Error {
    Error::Write {
        path: "-".into(),
        source,
    }
}

/// Rendered bytes as text: every renderer writes UTF-8 (checked, not assumed).
fn utf8(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes)
        .map_err(|e| memory(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
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

fn run_convert(args: ConvertArgs) -> Result<ExitCode, Failure> {
    use crate::convert::{self, format_name};
    let schema = match &args.schema {
        Some(path) => {
            let options = schema_options(&args.refs, args.assert_format)?;
            Some(std::sync::Arc::new(crate::schema::user::SchemaFile::load(
                path, &options,
            )?))
        }
        None => None,
    };
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::for_paths(std::slice::from_ref(&args.input))?,
    };
    // Convert uses only `[limits]`, but a factkit.toml with a mistake (an unknown rule, a
    // custom rule or extra schema that does not compile) is refused before any record is
    // read, as by `check` and `export`.
    Resolved::new(&config)?;
    if let Some(output) = &args.output {
        let mut reads = crate::atomic::Reads::default();
        if let Some(path) = &args.schema {
            reads.file(path, "the schema");
        }
        if let Some(path) = &config.path {
            reads.file(path, "the configuration");
        }
        reads.check(output)?;
    }
    let options = convert::Options {
        from: args.from.map(DataFormat::format),
        to: args.to.map(DataFormat::format),
        schema,
        kind: args.kind.as_deref().map(parse_kind).transpose()?,
        allow_errors: args.allow_errors,
        limits: config.limits,
    };
    let max_diagnostics = options.limits.clone();
    let mut stdout = std::io::stdout().lock();
    let outcome = convert::convert(&args.input, args.output.as_deref(), &options, &mut stdout)?;
    drop(stdout);
    // Standard output may carry the records, so diagnostics and the summary go to standard
    // error.
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    // Findings are capped like `export`'s: factkit.toml's `[limits]` `max_diagnostics`.
    // Each finding's span indexes its own text (the record's lines, for a streamed input).
    let mut text = Vec::new();
    let mut sink = render::Sink::new(&mut text, color, Some(by_config(&max_diagnostics)));
    for f in &outcome.findings {
        let source = render::texts_fn(|_| (!f.source.is_empty()).then_some(&*f.source));
        sink.push(&f.diagnostic, &source).map_err(memory)?;
    }
    sink.finish().map_err(memory)?;
    let mut text = utf8(text)?;
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
        Some(p) if p.as_os_str() != "-" => format!("`{}`", clean(&p.display().to_string())),
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
    let Some(text) = schema::bundled_file(name) else {
        let kinds = Kind::ALL.map(Kind::as_str).join(", ");
        let names: Vec<&str> = schema::FILES.iter().map(|(n, _)| *n).collect();
        let hint = schema::suggest::closest(name, &names)
            .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
        return Err(Error::Usage(format!(
            "`{name}` is not a kind: {hint}use one of {kinds}, defs, record or file"
        ))
        .into());
    };
    out(text)?;
    Ok(ExitCode::SUCCESS)
}

fn run_schema_write(dir: &Path) -> Result<ExitCode, Failure> {
    let written = schema::write_all(dir)?;
    eprintln!(
        "wrote {} schemas to {}",
        written.len(),
        clean(&dir.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

const INIT_HELP: &str = "Writes factkit.toml (every key commented), data/ with one template \
record of each kind (consistent references; `factkit check` passes), .factkit/schemas/ (as \
`factkit schema --write`) and .vscode/settings.json (json.schemas and yaml.schemas map the \
record files to the schemas, so editors complete and check fields). Files that exist are \
named and left alone (exit 2) unless --force.";

fn run_init(dir: &Path, force: bool) -> Result<ExitCode, Failure> {
    let written = crate::init::write(dir, force)?;
    for path in &written {
        eprintln!("wrote {}", clean(&path.display().to_string()));
    }
    eprintln!(
        "next: edit the records under {}, then run `factkit check {}`",
        clean(&dir.join(crate::init::DATA_DIR).display().to_string()),
        clean(&dir.display().to_string())
    );
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
    let resolved = Resolved::new(&config)?;
    if let Some(rule) = resolved.custom_rule(id) {
        let d = &rule.definition;
        // The text quotes factkit.toml (expression, message, description): each line is
        // cleaned, so none can act on a terminal or hold a workflow command.
        let doc: String = rule
            .doc()
            .lines()
            .map(|line| format!("{}\n", clean(line)))
            .collect();
        out(&format!(
            "{} ({}, custom)\n\n{doc}",
            clean(&d.id),
            d.severity
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    ids.extend(resolved.custom_rules().iter().map(|r| r.id()));
    Err(Error::Usage(format!(
        "`{id}` is not a rule: the rules are {}",
        ids.join(", ")
    ))
    .into())
}

/// The settings of a run: `--config FILE`, else `factkit.toml` at the dataset root, with
/// `--as-of` over the file's `as_of`.
/// How the schema of `--schema` is loaded: the `--ref` mappings (relative paths from the
/// current directory) and `--assert-format`. factkit.toml's `[schemas.refs]` and
/// `assert_format` are for the extra schemas it lists, as `--schema` ignores factkit.toml.
fn schema_options(
    refs: &[String],
    assert_format: bool,
) -> Result<crate::schema::user::Options, Error> {
    let mut options = crate::schema::user::Options {
        assert_format,
        ..Default::default()
    };
    for text in refs {
        let mapping = crate::schema::file::Mapping::parse(text, Path::new("."))
            .map_err(|e| Error::Usage(format!("invalid value for `--ref`: {e}")))?;
        options.refs.push(mapping);
    }
    Ok(options)
}

fn settings(
    config: Option<&Path>,
    paths: &[PathBuf],
    as_of: Option<&str>,
) -> Result<Config, Error> {
    let mut config = match config {
        Some(path) => Config::load(path)?,
        None => Config::for_paths(paths)?,
    };
    if let Some(text) = as_of {
        let date = PartialDate::parse(text)
            .map_err(|e| Error::Usage(format!("invalid value for `--as-of`: {e}")))?;
        config.as_of = date.last();
    }
    Ok(config)
}

/// `export`: check, refuse on errors unless allowed, then write. Everything but the exported
/// document goes to standard error, so standard output can carry the document itself.
fn run_export(args: ExportArgs) -> Result<ExitCode, Failure> {
    let format = export::Format::from(args.to);
    let config = settings(args.config.as_deref(), &args.paths, args.as_of.as_deref())?;
    // factkit.toml's rules and schemas are checked and compiled here, before any record is
    // read, as its other settings were.
    let plan = Plan::new(&config)?;
    let kind = match args.kind.as_deref() {
        None => None,
        Some(name) => Some(parse_kind(name)?),
    };
    if args.bom && format != export::Format::Csv {
        return Err(Error::Usage(format!(
            "`--bom` applies to CSV only, not to `--to {format}`"
        ))
        .into());
    }
    if args.only.is_some() && !format.is_for_people() {
        return Err(Error::Usage(format!(
            "`--only` applies to Markdown and HTML only, not to `--to {format}`"
        ))
        .into());
    }
    if let Some(url) = &args.base_url {
        if format != export::Format::JsonLd {
            return Err(Error::Usage(format!(
                "`--base-url` applies to JSON-LD only, not to `--to {format}`"
            ))
            .into());
        }
        export::jsonld::check_base_url(url)?;
    }
    let options = export::Options {
        kind,
        // `--base-url` wins over `[jsonld] base_url` of factkit.toml.
        base_url: args
            .base_url
            .clone()
            .or_else(|| config.jsonld_base_url.clone()),
        bom: args.bom,
        about_tolerance: config.about_tolerance.clone(),
        only_failing: args.only == Some(Only::Failing),
        limits: config.limits.clone(),
    };
    let progress = Progress::start("checking");
    let load = crate::load::Options {
        follow_links: args.follow_links,
        selection: selection(&args.exclude, args.no_ignore)?,
        ..Default::default()
    };
    let report = crate::check::check_planned(&plan, &args.paths, &load);
    progress.finish();
    let report = report?;
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    if report.summary.errors > 0 {
        let options = render::Options {
            color,
            cap: Some(by_config(&config.limits)),
            ..Default::default()
        };
        let texts = report.texts();
        let text = render::to_string(render::Format::Human, &report.diagnostics, &texts, &options);
        eprint!("{text}");
        if !args.allow_errors {
            eprintln!("{}", report.summary.line());
            let (count, them) = match report.summary.errors {
                1 => ("1 error".to_owned(), "it"),
                n => (format!("{n} errors"), "them"),
            };
            eprintln!(
                "error: nothing exported: the dataset has {count}; fix {them}, or pass \
                 `--allow-errors` to export the records that can be exported"
            );
            return Ok(ExitCode::from(1));
        }
    }
    // The document is complete before anything is reported as written: into files that are
    // renamed into place, or streamed record by record to standard output (a pipe keeps no
    // partial file; a closed one ends the run quietly).
    let written = match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let reads = reads_of(&args.paths, &report, &config_files(&plan), None);
            export::to_path_guarded(&report, format, &options, path, &reads)?
        }
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            export::export(format, &report, &options, &mut stdout)?;
            stdout.flush().map_err(|source| Error::Write {
                path: "-".into(),
                source,
            })?;
            Vec::new()
        }
    };
    for note in export::notes(&report, format, &options) {
        eprintln!("warning: {}", clean(&note.to_string()));
    }
    eprintln!("{}", report.summary.line());
    for path in written {
        eprintln!("wrote {}", clean(&path.display().to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the command line `args` as `main` does, without exiting.
    fn run(args: &[&str]) -> Result<ExitCode, Failure> {
        let cli = Cli::try_parse_from(std::iter::once("factkit").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        match cli.command {
            Command::Check(args) => run_check(args),
            Command::Export(args) => run_export(args),
            Command::Convert(args) => run_convert(args),
            Command::Explain { rule, config } => run_explain(&rule, config.as_deref()),
            _ => unreachable!("not used here"),
        }
    }

    /// A factkit.toml whose mistake only the plan finds (a rule id, a custom rule, an extra
    /// schema, an `[[accept]]` entry) fails `check`, `check --list-rules`, `export`,
    /// `convert` and `explain` alike, with the plan's error (exit 2), before any record is
    /// read: the dataset's only file is broken JSON, whose syntax finding would make the run
    /// end with exit 1 instead; `export` reports it before its own argument checks.
    #[test]
    fn plan_errors_come_first_for_every_command() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("broken.jsonl"), "{\"kind\": \n").unwrap();
        let data = data.to_str().unwrap();
        let file = format!("{data}/broken.jsonl");
        let out = dir.path().join("out.csv");
        let out = out.to_str().unwrap();
        for case in [
            "unknown-rule-id",
            "bad-severity",
            "cel-syntax-error",
            "custom-id-clash",
            "schema-missing",
            "accept-unknown-rule",
        ] {
            let config = root.join(format!("tests/fixtures/config/{case}.toml"));
            let expected = Config::load(&config)
                .and_then(|c| Plan::new(&c).map(drop))
                .expect_err(case)
                .to_string();
            let config = config.to_str().unwrap();
            for args in [
                vec!["check", data, "--config", config],
                vec!["check", "--list-rules", "--config", config],
                vec!["export", data, "--to", "csv", "-o", out, "--config", config],
                vec!["export", data, "--to", "json", "--bom", "--config", config],
                vec![
                    "convert", &file, "--to", "csv", "-o", out, "--config", config,
                ],
                vec!["explain", "no-such-rule", "--config", config],
            ] {
                match run(&args) {
                    Err(Failure::Run(e @ Error::Config { .. })) => {
                        assert_eq!(e.to_string(), expected, "{args:?}")
                    }
                    Err(Failure::Run(e)) => panic!("{args:?}: not the plan's error: {e}"),
                    Err(Failure::Pipe) => panic!("{args:?}: a closed pipe"),
                    Ok(_) => panic!("{args:?}: the run went on"),
                }
            }
        }
        assert!(!Path::new(out).exists(), "nothing is written");
    }
}
