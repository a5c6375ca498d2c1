//! What a shortcode's arguments may be, as data: a theme declares them in
//! `shortcodes/NAME.toml` beside `shortcodes/NAME.html`, and every call is checked against
//! that declaration before its template renders. The default theme declares its own
//! shortcodes the same way, so a theme's shortcodes are checked exactly like the shipped
//! ones. The format is described in `docs/theme.md`.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use toml::Spanned;

use super::{Arg, Call};
use crate::diag::Diagnostic;
use crate::source::Kind;

/// The declared arguments of one shortcode, in the order they are checked.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub args: IndexMap<String, ArgRule>,
}

/// A rules file as written, with where each argument's table stands.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    args: IndexMap<String, Spanned<ArgRule>>,
}

/// A mistake in a rules file.
#[derive(Debug)]
pub enum RulesError {
    /// Not valid TOML, or keys and values the format does not know.
    Toml(toml::de::Error),
    /// A rule that cannot work, with the byte offset of its table (its diagnostic not
    /// yet placed in the file).
    Rule { problem: Diagnostic, offset: usize },
}

/// One declared argument.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArgRule {
    /// What the value must be.
    #[serde(rename = "type")]
    pub ty: ArgType,
    /// A call without this argument is an error.
    #[serde(default)]
    pub required: bool,
    /// The value the template gets when the call leaves the argument out.
    pub default: Option<Arg>,
    /// The only values a `text` argument may take.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// For `page`: the kind of content the path must name (`argument`, `case`, …).
    pub kind: Option<String>,
    /// For `choice`: the list argument whose items the number counts.
    pub of: Option<String>,
    /// For `list`: the fewest items.
    pub min_items: Option<usize>,
}

/// The types an argument may be declared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArgType {
    /// Text in quotes.
    Text,
    /// Text of letters, digits, `-` and `_` only (an id that goes into a URL).
    Id,
    /// A whole number.
    Int,
    /// A number.
    Float,
    /// `true` or `false`.
    Bool,
    /// A list of texts.
    List,
    /// A content path (relative to the content folder); the template also gets that
    /// page's card values as `item`.
    Page,
    /// A number from 1 to the number of items of the list argument named by `of`.
    Choice,
}

/// What checking a `page` argument needs from the site.
pub trait Pages {
    /// The kind of the content file at `path` (relative to the content folder), if any.
    fn page_kind(&self, path: &str) -> Option<Kind>;
    /// The values a template shows of that page (a card).
    fn page_item(&self, path: &str) -> Value;
}

impl Rules {
    /// Parses a rules file; its own mistakes (a `page` rule without `kind`, a `choice`
    /// rule naming no list) are errors here, before any call is checked.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let raw: RawRules = toml::from_str(text).map_err(RulesError::Toml)?;
        let rules = Rules {
            args: raw
                .args
                .iter()
                .map(|(name, rule)| (name.clone(), rule.get_ref().clone()))
                .collect(),
        };
        let mut pages = 0;
        for (name, spanned) in &raw.args {
            let rule = spanned.get_ref();
            let problem = match rule.ty {
                ArgType::Page if rule.kind.is_none() => Some("rules-page-kind"),
                ArgType::Page if pages > 0 => Some("rules-one-page"),
                ArgType::Choice
                    if rule
                        .of
                        .as_deref()
                        .and_then(|of| rules.args.get(of))
                        .is_none_or(|r| r.ty != ArgType::List) =>
                {
                    Some("rules-choice-of")
                }
                _ => None,
            };
            if let Some(code) = problem {
                return Err(RulesError::Rule {
                    problem: Diagnostic::coded(code, &[("name", name)]),
                    offset: spanned.span().start,
                });
            }
            pages += usize::from(rule.ty == ArgType::Page);
        }
        Ok(rules)
    }

    /// Checks a call against the rules: the values the template gets on top of the
    /// call's own arguments (defaults filled in, absent arguments as null, a page's
    /// `item`), or the first problem (an undeclared argument first), not yet placed in a
    /// file.
    pub fn check(&self, call: &Call, pages: &dyn Pages) -> Result<Map<String, Value>, Diagnostic> {
        let name = call.name.as_str();
        // A misspelt argument first: it explains a "missing" one.
        if let Some(unknown) = call
            .args
            .keys()
            .find(|k| !self.args.contains_key(k.as_str()))
        {
            let args = [("name", name), ("key", unknown.as_str())];
            return Err(
                match crate::diag::nearest(unknown, self.args.keys().map(String::as_str)) {
                    Some(near) => Diagnostic::coded("shortcode-unknown-argument-near", &args)
                        .with_arg("near", near),
                    None => Diagnostic::coded("shortcode-unknown-argument", &args),
                },
            );
        }
        let mut values = Map::new();
        for (key, rule) in &self.args {
            let given = call.args.get(key.as_str());
            let Some(arg) = given.or(rule.default.as_ref()) else {
                if rule.required || rule.ty == ArgType::Choice {
                    return Err(missing(name, key, rule, &values));
                }
                values.insert(key.clone(), Value::Null);
                continue;
            };
            let value = check_arg(name, key, rule, arg, &values, pages)?;
            values.extend(value);
        }
        Ok(values)
    }
}

/// The values one argument puts into the template (its own, and `item` for a page).
fn check_arg(
    name: &str,
    key: &str,
    rule: &ArgRule,
    arg: &Arg,
    values: &Map<String, Value>,
    pages: &dyn Pages,
) -> Result<Vec<(String, Value)>, Diagnostic> {
    let args = [("name", name), ("key", key)];
    let wrong = |what: &str| {
        Diagnostic::coded("shortcode-argument-type", &args)
            .with_part("what", &format!("type.{what}"))
    };
    let value = match (rule.ty, arg) {
        (ArgType::Text | ArgType::Id | ArgType::Page, Arg::Text(text)) => {
            if !rule.one_of.is_empty() && !rule.one_of.contains(text) {
                return Err(Diagnostic::coded("shortcode-not-one-of", &args)
                    .with_arg("value", text)
                    .with_arg("values", &rule.one_of.join(", ")));
            }
            if rule.ty == ArgType::Id
                && (text.is_empty()
                    || !text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            {
                return Err(Diagnostic::coded("shortcode-bad-id", &args).with_arg("value", text));
            }
            if rule.ty == ArgType::Page {
                let item = page(name, text, rule, pages)?;
                return Ok(vec![(key.into(), json!(text)), ("item".into(), item)]);
            }
            json!(text)
        }
        (ArgType::Text | ArgType::Id | ArgType::Page, _) => {
            return Err(wrong("text"));
        }
        (ArgType::Int, Arg::Int(n)) => json!(n),
        (ArgType::Int, _) => return Err(wrong("int")),
        (ArgType::Float, Arg::Int(n)) => json!(n),
        (ArgType::Float, Arg::Float(n)) => json!(n),
        (ArgType::Float, _) => return Err(wrong("float")),
        (ArgType::Bool, Arg::Bool(b)) => json!(b),
        (ArgType::Bool, _) => return Err(wrong("bool")),
        (ArgType::List, Arg::List(items)) => {
            let texts: Vec<&str> = items
                .iter()
                .map(|i| {
                    i.as_text()
                        .ok_or_else(|| Diagnostic::coded("shortcode-list-item-text", &args))
                })
                .collect::<Result<_, _>>()?;
            let min = rule.min_items.unwrap_or(0);
            if texts.len() < min {
                return Err(Diagnostic::coded("shortcode-too-few-items", &args)
                    .with_arg("min", &min.to_string()));
            }
            json!(texts)
        }
        (ArgType::List, _) => return Err(missing(name, key, rule, values)),
        (ArgType::Choice, Arg::Int(n)) if *n >= 1 && (*n as usize) <= choices(rule, values) => {
            json!(n)
        }
        (ArgType::Choice, _) => return Err(missing(name, key, rule, values)),
    };
    Ok(vec![(key.into(), value)])
}

/// The item of a `page` argument, after checking that the path names content of the
/// declared kind.
fn page(name: &str, path: &str, rule: &ArgRule, pages: &dyn Pages) -> Result<Value, Diagnostic> {
    let clean = crate::url::content_path(path);
    let args = [("name", name), ("path", path)];
    let kind = pages
        .page_kind(clean)
        .ok_or_else(|| Diagnostic::coded("shortcode-no-content-file", &args))?;
    let expected = rule.kind.as_deref().unwrap_or_default();
    if kind.name() != expected {
        return Err(Diagnostic::coded("shortcode-wrong-kind", &args)
            .with_arg("kind", kind.name())
            .with_arg("expected", expected));
    }
    Ok(pages.page_item(clean))
}

/// How many items the list that a `choice` counts holds (checked before it).
fn choices(rule: &ArgRule, values: &Map<String, Value>) -> usize {
    rule.of
        .as_deref()
        .and_then(|of| values.get(of))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// The problem of an argument that is missing (or, for a list or a choice, unusable),
/// with an example of what to write.
fn missing(name: &str, key: &str, rule: &ArgRule, values: &Map<String, Value>) -> Diagnostic {
    let args = [("name", name), ("key", key)];
    let example = |example: &str| {
        Diagnostic::coded("shortcode-needs", &args).with_arg("example", &format!("{key}={example}"))
    };
    match rule.ty {
        ArgType::Choice => Diagnostic::coded("shortcode-choice-range", &args)
            .with_arg("most", &choices(rule, values).to_string())
            .with_arg("of", rule.of.as_deref().unwrap_or_default()),
        ArgType::List => example("[\"…\", \"…\"]"),
        ArgType::Page => Diagnostic::coded("shortcode-needs-page", &args),
        ArgType::Int | ArgType::Float => example("1"),
        ArgType::Bool => example("true"),
        ArgType::Text | ArgType::Id => example("\"…\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shortcode::parse_args;

    struct OnePage;
    impl Pages for OnePage {
        fn page_kind(&self, path: &str) -> Option<Kind> {
            (path == "praxis/fall.md").then_some(Kind::Case)
        }
        fn page_item(&self, _: &str) -> Value {
            json!({"title": "Fall"})
        }
    }

    /// The values of the call, or its problem's English message.
    fn check(rules: &str, name: &str, args: &str) -> Result<Map<String, Value>, String> {
        let call = Call {
            name: name.into(),
            args: parse_args(args).expect("args"),
            span: 0..0,
            body: None,
        };
        Rules::parse(rules)
            .expect("rules")
            .check(&call, &OnePage)
            .map_err(|d| d.message)
    }

    const QUIZ: &str = r#"
        [args.question]
        type = "text"
        required = true
        [args.options]
        type = "list"
        min-items = 2
        [args.answer]
        type = "choice"
        of = "options"
    "#;

    #[test]
    fn defaults_fill_in_and_absent_arguments_are_null() {
        let rules = "[args.kind]\ntype = \"text\"\ndefault = \"note\"\none-of = [\"tip\", \"note\"]\n[args.title]\ntype = \"text\"";
        let values = check(rules, "callout", "").expect("valid");
        assert_eq!(values["kind"], json!("note"));
        assert_eq!(values["title"], Value::Null);
        assert_eq!(
            check(rules, "callout", "kind=\"hint\""),
            Err("callout kind 'hint' is not one of tip, note".into())
        );
        assert_eq!(
            check(rules, "callout", "titel=\"x\""),
            Err("shortcode 'callout' has no argument 'titel' (did you mean 'title'?)".into())
        );
    }

    #[test]
    fn a_choice_counts_the_items_of_its_list() {
        let ok = check(
            QUIZ,
            "quiz",
            "question=\"?\", options=[\"a\", \"b\"], answer=2",
        );
        assert_eq!(ok.expect("valid")["answer"], json!(2));
        assert_eq!(
            check(
                QUIZ,
                "quiz",
                "question=\"?\", options=[\"a\", \"b\"], answer=3"
            ),
            Err("quiz answer must be a number from 1 to 2 (counting the options from 1)".into())
        );
        assert_eq!(
            check(QUIZ, "quiz", "question=\"?\", options=[\"a\"], answer=1"),
            Err("a quiz needs at least 2 options".into())
        );
        assert_eq!(
            check(QUIZ, "quiz", "options=[\"a\", \"b\"], answer=1"),
            Err("shortcode 'quiz' needs question=\"…\"".into())
        );
    }

    #[test]
    fn a_page_argument_names_content_of_its_kind_and_brings_its_item() {
        let rules = "[args.path]\ntype = \"page\"\nkind = \"case\"\nrequired = true";
        let values = check(rules, "case", "path=\"./praxis/fall.md\"").expect("valid");
        assert_eq!(values["item"]["title"], json!("Fall"));
        assert_eq!(
            check(rules, "case", "path=\"praxis/nix.md\""),
            Err("shortcode 'case': no content file 'praxis/nix.md'".into())
        );
        let wrong_kind = "[args.path]\ntype = \"page\"\nkind = \"argument\"";
        assert_eq!(
            check(wrong_kind, "argument", "path=\"praxis/fall.md\""),
            Err("shortcode 'argument': 'praxis/fall.md' is of kind 'case', not 'argument'".into())
        );
    }

    #[test]
    fn ids_and_types_are_checked() {
        let rules = "[args.id]\ntype = \"id\"\nrequired = true\n[args.start]\ntype = \"int\"";
        assert!(check(rules, "video", "id=\"a-b_1\", start=3").is_ok());
        assert_eq!(
            check(rules, "video", "id=\"a b\""),
            Err("video id 'a b' may only hold letters, digits, '-' and '_'".into())
        );
        assert_eq!(
            check(rules, "video", "id=\"a\", start=\"3\""),
            Err("argument 'start' of shortcode 'video' must be a whole number".into())
        );
    }

    #[test]
    fn mistakes_in_a_rules_file_are_found_when_it_loads() {
        assert!(Rules::parse("[args.x]\ntype = \"txt\"").is_err());
        assert!(Rules::parse("[args.x]\ntype = \"text\"\nrequird = true").is_err());
        assert!(Rules::parse("[args.x]\ntype = \"page\"").is_err());
        assert!(Rules::parse("[args.x]\ntype = \"choice\"\nof = \"y\"").is_err());
    }
}
