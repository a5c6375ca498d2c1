//! `--help` in the project's language: the catalogue's `[help]` texts put into the
//! command line clap derives from `main.rs`'s `Cli`.

use std::path::{Path, PathBuf};

use buyin::catalog::Catalog;

/// The catalogue of `--help` and the project it was read from: the terminal's messages
/// use it too once the parsed arguments name the same project, so `book.toml` is read
/// once.
pub struct HelpCatalog {
    /// The root of the project the catalogue's language comes from, if any.
    pub root: Option<PathBuf>,
    pub catalog: Catalog,
}

/// The language of `--help`: that of the project `-C DIR` or the current folder is in,
/// unless `BUYIN_LANG` says otherwise; English outside a project. Read before the
/// arguments are parsed, since the help is part of parsing.
pub fn help_catalog() -> HelpCatalog {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut dir = None;
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        if arg == "-C" {
            dir = args.get(i + 1).map(PathBuf::from);
        } else if let Some(rest) = arg.to_str().and_then(|a| a.strip_prefix("-C")) {
            dir = Some(PathBuf::from(rest.strip_prefix('=').unwrap_or(rest)));
        }
    }
    let start = dir.unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| ".".into()));
    let root = buyin::find_root(&start);
    let catalog = match &root {
        Some(root) => Catalog::for_book(&root.join(buyin::config::CONFIG_FILE)),
        None => Catalog::for_project("en"),
    };
    HelpCatalog { root, catalog }
}

impl HelpCatalog {
    /// The catalogue of the project at `root`: this one, unless the parsed arguments
    /// named another project than the early look at them found.
    pub fn for_project(self, root: &Path) -> Catalog {
        if self.root.as_deref() == Some(root) {
            self.catalog
        } else {
            Catalog::for_book(&root.join(buyin::config::CONFIG_FILE))
        }
    }
}

/// The command line with its help texts from the catalogue's `[help]`: buyin's and each
/// subcommand's `about` and `after-help`, and each argument's help by its name
/// (`help.build.dest`). A catalogue with `[help.clap]` also puts the words clap adds
/// itself (`Usage`, `Options`, `Print help`) into its language; English keeps clap's.
pub fn localized(command: clap::Command, catalog: &Catalog) -> clap::Command {
    let command = command.about(catalog.text("help.about", &[]));
    let command = localized_args(command, "help", catalog)
        .disable_version_flag(catalog.has(CLAP_WORDS))
        .args(catalog.has(CLAP_WORDS).then(|| {
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(catalog.text("help.clap.version", &[]))
        }));
    let command = clap_words(command, catalog);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    names.iter().fold(command, |command, name| {
        command.mut_subcommand(name, |sub| {
            let prefix = format!("help.{name}");
            let mut sub = sub
                .about(catalog.text(&format!("{prefix}.about"), &[]))
                .long_about(None);
            let after = format!("{prefix}.after-help");
            if catalog.has(&after) {
                sub = sub.after_help(catalog.text(&after, &[]));
            }
            clap_words(localized_args(sub, &prefix, catalog), catalog)
        })
    })
}

/// The key whose presence says a catalogue translates clap's own words.
const CLAP_WORDS: &str = "help.clap.usage";

/// `command` with clap's own words from the catalogue's `[help.clap]`, when it has them:
/// the usage line, the headings of arguments and options, and the help flag.
fn clap_words(command: clap::Command, catalog: &Catalog) -> clap::Command {
    if !catalog.has(CLAP_WORDS) {
        return command;
    }
    let text = |key: &str| catalog.text(&format!("help.clap.{key}"), &[]);
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        text("usage")
    );
    let (arguments, options) = (text("arguments"), text("options"));
    let command = command
        .help_template(template)
        .subcommand_help_heading(text("commands"))
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(text("help")),
        );
    let ids: Vec<(String, bool)> = command
        .get_arguments()
        .map(|arg| (arg.get_id().to_string(), arg.is_positional()))
        .collect();
    ids.iter().fold(command, |command, (id, positional)| {
        let heading = if *positional { &arguments } else { &options };
        command.mut_arg(id, |arg| arg.help_heading(heading.clone()))
    })
}

/// Each argument of `command` that has a text `PREFIX.ID` gets it as its help.
fn localized_args(command: clap::Command, prefix: &str, catalog: &Catalog) -> clap::Command {
    let ids: Vec<String> = command
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    ids.iter().fold(command, |command, id| {
        let key = format!("{prefix}.{id}");
        if catalog.has(&key) {
            command.mut_arg(id, |arg| arg.help(catalog.text(&key, &[])).long_help(None))
        } else {
            command
        }
    })
}

/// A usage error in the catalogue's language, when the catalogue translates clap's words
/// (`[help.clap.error]`) and knows the kind of error; `None` leaves it to clap.
pub fn usage_error(error: &clap::Error, catalog: &Catalog) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    if !catalog.has(CLAP_WORDS) {
        return None;
    }
    let context = |kind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let (key, values) = match error.kind() {
        ErrorKind::UnknownArgument => (
            "unknown-argument",
            vec![("arg", context(ContextKind::InvalidArg))],
        ),
        ErrorKind::InvalidSubcommand => (
            "unknown-command",
            vec![("command", context(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::InvalidValue => (
            "invalid-value",
            vec![
                ("value", context(ContextKind::InvalidValue)),
                ("arg", context(ContextKind::InvalidArg)),
            ],
        ),
        ErrorKind::MissingRequiredArgument => {
            ("missing", vec![("args", context(ContextKind::InvalidArg))])
        }
        _ => return None,
    };
    let text = |key: &str, values: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        catalog.text(&format!("help.clap.error.{key}"), &args)
    };
    let mut message = format!("error: {}", text(key, &values));
    let hint = if let Some(near) = error
        .get(ContextKind::SuggestedSubcommand)
        .or_else(|| error.get(ContextKind::SuggestedArg))
    {
        text("near", &[("near", near.to_string())])
    } else if let Some(valid) = error.get(ContextKind::ValidValue) {
        text("valid", &[("values", valid.to_string())])
    } else {
        text("more", &[])
    };
    message.push_str(&format!("\n  hint: {hint}\n"));
    Some(message)
}
