//! The `buyin` command line: parses arguments, calls the library, prints diagnostics
//! and exits 0 (success), 1 (content or build errors) or 2 (usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use buyin::catalog::Catalog;
use buyin::date::Date;
use buyin::diag::{Diagnostic, Diagnostics, Severity};
use buyin::{BuildOptions, scaffold};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// What only the command line needs (the library never prints).
mod cli {
    pub mod help;
}

// The terminal writers. A reader that goes away early (`buyin build 2>&1 | head -1`)
// closes the pipe; that is no reason to panic, so write errors are dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
macro_rules! say_partial {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

// Rendering thousands of pages on every core allocates many short-lived strings;
// mimalloc's per-thread heaps cut the allocator's share of a large build by about half.
// Its version 2 (Cargo feature `v2`) hands freed memory back to the system within
// milliseconds; version 3 waits a second and then does it all at once, which in
// `serve` fell on the next save's rebuild (48 instead of 4 ms at 10,000 pages).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "buyin",
    version,
    about = "Build awareness-training sites and slide decks from Markdown"
)]
struct Cli {
    /// Run as if started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more about what happens
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site and its decks
    Build {
        /// Build into DIR instead of [build] build-dir
        #[arg(long, value_name = "DIR")]
        dest: Option<PathBuf>,
        /// Include drafts
        #[arg(long)]
        drafts: bool,
    },
    /// Build, serve and rebuild on every change, reloading open pages
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Also answer requests for this host name (repeatable); localhost, the --bind
        /// name and IP addresses always work
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
        /// Open the site in the browser
        #[arg(long)]
        open: bool,
        /// Leave drafts out (by default the preview shows them, marked as drafts)
        #[arg(long)]
        no_drafts: bool,
        /// Drafts are shown by default; kept so that older scripts still work
        #[arg(long, hide = true)]
        drafts: bool,
    },
    /// Run every check of `build` plus the external-resource audit; writes nothing
    Check {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Include drafts
        #[arg(long)]
        drafts: bool,
        /// Count warnings (accessibility findings among them) as errors
        #[arg(long)]
        strict: bool,
    },
    /// Build the site with decks exported beside their pages: a tagged PDF of the
    /// slides (printed by Chromium, Google Chrome or Microsoft Edge), an editable
    /// PowerPoint file with speaker notes, and the handout as an A4 PDF
    #[command(
        after_help = "Without --pdf, --pptx or --handout the formats of [export] in book.toml are exported, else --pdf and --pptx.\nFiles: <deck>/<slug>.pdf, <slug>.pptx and <slug>-handout.pdf in the build folder."
    )]
    Export {
        /// The slides as a tagged PDF, one slide per page
        #[arg(long)]
        pdf: bool,
        /// The slides as an editable PowerPoint file with speaker notes
        #[arg(long)]
        pptx: bool,
        /// The handout (slides with their notes) as an A4 PDF
        #[arg(long)]
        handout: bool,
        /// Browser that prints PDFs [default: $BUYIN_BROWSER, [export] browser, or
        /// chromium, google-chrome or microsoft-edge found on the PATH]
        #[arg(long, value_name = "PATH")]
        browser: Option<PathBuf>,
        /// Build into DIR instead of [build] build-dir
        #[arg(long, value_name = "DIR")]
        dest: Option<PathBuf>,
        /// Include drafts
        #[arg(long)]
        drafts: bool,
        /// Decks to export, by slug (`betriebsrat`), URL or content path [default: every deck]
        #[arg(value_name = "DECK")]
        decks: Vec<String>,
    },
    /// Write a new content file from the kind's archetype (a draft until you remove `draft: true`)
    New {
        /// page, argument, case, deck or stage
        kind: String,
        /// Title of the new file; the file name is its slug
        title: String,
        /// A deck's audience (a stakeholder or department); none unless given
        #[arg(long, value_name = "TERM")]
        audience: Option<String>,
    },
    /// Scaffold a new project
    Init {
        /// Folder for the project (default: the current folder)
        #[arg(value_name = "DIR")]
        folder: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
}

/// Where messages go, how many, and in which language: the one writer to the terminal.
#[derive(Clone, Copy)]
struct Reporter {
    quiet: bool,
    verbose: bool,
    catalog: Catalog,
}

impl Reporter {
    /// A catalogue text with named values.
    fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.catalog.text(key, args)
    }

    /// A counted catalogue text (`1 Fehler`, `2 errors`).
    fn count(&self, key: &str, n: usize) -> String {
        self.catalog.count(key, n, &[])
    }

    /// A usage problem, before or outside any project.
    fn usage_error(&self, message: &str, hint: Option<&str>) -> ExitCode {
        say!("error: {message}");
        if let Some(hint) = hint {
            say!("  hint: {hint}");
        }
        ExitCode::from(2)
    }

    fn info(&self, message: impl AsRef<str>) {
        if !self.quiet {
            say!("{}", message.as_ref());
        }
    }

    fn detail(&self, message: impl AsRef<str>) {
        if self.verbose {
            say!("{}", message.as_ref());
        }
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            if d.severity == Severity::Error || !self.quiet {
                say!("{}", d.render(&self.catalog));
            }
        }
    }

    fn failure(&self, diags: &Diagnostics) -> ExitCode {
        self.diagnostics(&diags.sorted());
        say!("{}", self.count("errors", diags.error_count()));
        ExitCode::from(1)
    }
}

/// How `serve` speaks to the terminal.
impl buyin::serve::Report for Reporter {
    fn info(&self, message: &str) {
        Reporter::info(self, message);
    }

    fn notice(&self, message: &str) {
        say!("{message}");
    }

    fn warn(&self, message: &str) {
        say!("warning: {message}");
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        Reporter::diagnostics(self, diagnostics);
    }
}

fn main() -> ExitCode {
    let help = cli::help::help_catalog();
    let command = cli::help::localized(Cli::command(), &help.catalog);
    let cli = match command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            match cli::help::usage_error(&e, &help.catalog) {
                Some(message) => say_partial!("{message}"),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(code);
        }
    };
    let mut reporter = Reporter {
        quiet: cli.quiet,
        verbose: cli.verbose,
        // Before a project is found: the chosen language, else English.
        catalog: Catalog::for_project("en"),
    };
    let start = match &cli.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    if let Command::Init { folder } = &cli.command {
        let target = match folder {
            Some(dir) if dir.is_absolute() => dir.clone(),
            Some(dir) => start.join(dir),
            None => start.clone(),
        };
        // `init` writes a German project.
        reporter.catalog = Catalog::for_project("de");
        return init(&target, &reporter);
    }
    let shown = start.display().to_string();
    if !start.is_dir() {
        return reporter.usage_error(&reporter.text("cli.not-a-folder", &[("dir", &shown)]), None);
    }
    let Some(root) = buyin::find_root(&start) else {
        return reporter.usage_error(
            &reporter.text("cli.no-project", &[("dir", &shown)]),
            Some(&reporter.text("cli.no-project-hint", &[])),
        );
    };
    reporter.catalog = help.for_project(&root);
    let today = match today_date() {
        Ok(today) => today,
        Err(text) => {
            return reporter.usage_error(
                &reporter.text(
                    "cli.bad-today",
                    &[
                        ("value", &text),
                        ("variable", buyin::review::TODAY_VARIABLE),
                    ],
                ),
                None,
            );
        }
    };
    reporter.detail(reporter.text("cli.project-root", &[("dir", &root.display().to_string())]));
    match cli.command {
        Command::Build { dest, drafts } => build(
            &root,
            BuildOptions {
                dest,
                drafts,
                ..BuildOptions::default()
            },
            &reporter,
        ),
        Command::Export {
            pdf,
            pptx,
            handout,
            browser,
            dest,
            drafts,
            decks,
        } => {
            let config = match buyin::config::load(&root) {
                Ok(config) => config,
                Err(diags) => return reporter.failure(&diags),
            };
            let configured = config.export;
            let (pdf, pptx, handout) = if pdf || pptx || handout {
                (pdf, pptx, handout)
            } else if configured.any() {
                (configured.pdf, configured.pptx, configured.handout)
            } else {
                (true, true, false)
            };
            let export = buyin::config::Export {
                pdf,
                pptx,
                handout,
                decks: if decks.is_empty() {
                    configured.decks
                } else {
                    decks
                },
                browser: browser
                    .or_else(|| {
                        std::env::var_os("BUYIN_BROWSER")
                            .filter(|v| !v.is_empty())
                            .map(PathBuf::from)
                    })
                    .or(configured.browser),
            };
            let options = BuildOptions {
                dest,
                drafts,
                export: Some(export),
            };
            build(&root, options, &reporter)
        }
        Command::Check {
            format,
            drafts,
            strict,
        } => check(
            &root,
            BuildOptions {
                dest: None,
                drafts,
                ..BuildOptions::default()
            },
            CheckOptions {
                format,
                strict,
                today,
            },
            &reporter,
        ),
        Command::Serve {
            port,
            bind,
            allow_host,
            open,
            no_drafts,
            drafts: _,
        } => {
            let options = buyin::serve::ServeOptions {
                port,
                bind,
                allow_hosts: allow_host,
                open,
                build: BuildOptions {
                    dest: None,
                    drafts: !no_drafts,
                    ..BuildOptions::default()
                },
            };
            // Ctrl-C and SIGTERM stop the server; without the handler they would end
            // the process without the closing line.
            let (stop, stopped) = std::sync::mpsc::channel();
            if let Err(e) = ctrlc::set_handler(move || {
                let _ = stop.send(());
            }) {
                let pid = std::process::id().to_string();
                let error = e.to_string();
                say!(
                    "warning: {}",
                    reporter.text("cli.no-stop-handler", &[("error", &error), ("pid", &pid)])
                );
            }
            match buyin::serve::serve(&root, &options, std::sync::Arc::new(reporter), stopped) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    say!("{}", e.diagnostic().render(&reporter.catalog));
                    ExitCode::from(if e.is_usage() { 2 } else { 1 })
                }
            }
        }
        Command::New {
            kind,
            title,
            audience,
        } => {
            let today = today.to_string();
            let new_content = scaffold::NewContent {
                kind: &kind,
                title: &title,
                today: &today,
                audience: audience.as_deref(),
            };
            new(&root, &new_content, &reporter)
        }
        Command::Init { .. } => unreachable!("handled above"),
    }
}

fn build(root: &Path, options: BuildOptions, reporter: &Reporter) -> ExitCode {
    let started = Instant::now();
    let progress = std::io::stderr().is_terminal() && !reporter.quiet;
    if progress {
        say_partial!("{}\r", reporter.text("cli.building", &[]));
    }
    match buyin::build(root, &options) {
        Ok((built, dir)) => {
            reporter.diagnostics(&built.warnings);
            for (stage, took) in &built.timings {
                let stage = reporter.text(&format!("stage.{stage}"), &[]);
                reporter.detail(reporter.text(
                    "cli.stage-time",
                    &[("stage", &stage), ("ms", &took.as_millis().to_string())],
                ));
            }
            for (path, size) in &built.exported {
                reporter.info(reporter.text(
                    "cli.exported",
                    &[("path", path), ("kb", &size.div_ceil(1024).to_string())],
                ));
            }
            reporter.info(reporter.text(
                "cli.built",
                &[
                    ("pages", &reporter.count("pages", built.pages)),
                    ("decks", &reporter.count("decks", built.decks)),
                    (
                        "dir",
                        &dir.strip_prefix(root).unwrap_or(&dir).display().to_string(),
                    ),
                    ("ms", &started.elapsed().as_millis().to_string()),
                ],
            ));
            ExitCode::SUCCESS
        }
        Err(diags) => reporter.failure(&diags),
    }
}

/// How `check` reports.
struct CheckOptions {
    format: Format,
    /// Warnings count as errors.
    strict: bool,
    /// The day that decides which reviews are overdue.
    today: Date,
}

fn check(
    root: &Path,
    options: BuildOptions,
    CheckOptions {
        format,
        strict,
        today,
    }: CheckOptions,
    reporter: &Reporter,
) -> ExitCode {
    let (mut findings, mut ok) = match buyin::check_as_of(root, &options, today) {
        Ok(findings) => (findings, true),
        Err(diags) => (diags.sorted(), false),
    };
    if strict {
        for finding in &mut findings {
            finding.severity = Severity::Error;
        }
        ok &= findings.is_empty();
    }
    if format == Format::Json {
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let diagnostics: Vec<Diagnostic> = findings
            .iter()
            .map(|d| d.localized(&reporter.catalog))
            .collect();
        let report = serde_json::json!({
            "ok": ok,
            "language": reporter.catalog.language(),
            "errors": errors,
            "warnings": findings.len() - errors,
            "diagnostics": diagnostics,
        });
        out!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        return if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    reporter.diagnostics(&findings);
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    if ok {
        reporter.info(reporter.text(
            "cli.check-passed",
            &[("warnings", &reporter.count("warnings", warnings))],
        ));
        ExitCode::SUCCESS
    } else {
        say!("{}", reporter.count("errors", errors));
        ExitCode::from(1)
    }
}

fn new(root: &Path, new_content: &scaffold::NewContent, reporter: &Reporter) -> ExitCode {
    let kind = new_content.kind;
    let config = match buyin::config::load(root) {
        Ok(config) => config,
        Err(diags) => return reporter.failure(&diags),
    };
    match scaffold::new_content(root, &config, new_content) {
        Ok(path) => {
            reporter.info(reporter.text("cli.created", &[("path", &path.display().to_string())]));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say!("{}", e.0.render(&reporter.catalog));
            ExitCode::from(if scaffold::KINDS.contains(&kind) {
                1
            } else {
                2
            })
        }
    }
}

fn init(dir: &Path, reporter: &Reporter) -> ExitCode {
    match scaffold::init(dir) {
        Ok(files) => {
            for file in &files {
                reporter
                    .detail(reporter.text("cli.wrote", &[("path", &file.display().to_string())]));
            }
            reporter.info(reporter.text(
                "cli.initialised",
                &[
                    ("dir", &dir.display().to_string()),
                    ("files", &reporter.count("files", files.len())),
                ],
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say!("{}", e.0.render(&reporter.catalog));
            ExitCode::from(1)
        }
    }
}

/// Today: `BUYIN_TODAY` (`YYYY-MM-DD`) when set, else the system clock (UTC).
fn today_date() -> Result<Date, String> {
    match std::env::var(buyin::review::TODAY_VARIABLE) {
        Ok(text) if !text.trim().is_empty() => Date::parse(&text).ok_or(text),
        _ => Ok(Date::today_utc()),
    }
}
