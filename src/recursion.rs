//! Endless template recursion, found when the theme loads.
//!
//! A template that includes itself, or a macro that calls itself, with no `if` or `for`
//! between the call and the start of the template or macro, recurses until the stack
//! overflows and the process aborts: Tera has no depth limit. The theme loader builds
//! the graph of unconditional includes, `extends` and macro calls from Tera's syntax
//! tree and refuses every cycle in it, naming the file and line of the first call.
//! Recursion under a condition (a menu macro that calls itself for each child) is
//! allowed: its data ends it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tera::Tera;
use tera::ast::{Expr, ExprVal, Node};

use crate::diag::Diagnostic;

/// A template's shown path and text, so that an error can name the line of the call.
pub struct Source<'a> {
    pub shown: &'a Path,
    pub text: &'a str,
}

/// A node of the call graph: a template, or a macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Callee {
    Template(String),
    Macro { file: String, name: String },
}

impl Callee {
    fn file(&self) -> &str {
        match self {
            Callee::Template(file) | Callee::Macro { file, .. } => file,
        }
    }

    fn label(&self) -> String {
        match self {
            Callee::Template(file) => file.clone(),
            Callee::Macro { file, name } => format!("{file}::{name}"),
        }
    }
}

/// An unconditional call, and the text that spells it in the caller's file.
struct Call {
    to: Callee,
    spelled: String,
}

/// Every endless recursion among the compiled templates, one error per cycle.
pub fn check(tera: &Tera, sources: &BTreeMap<String, Source>) -> Vec<Diagnostic> {
    let graph = graph(tera);
    let mut found = BTreeSet::new();
    let mut diagnostics = Vec::new();
    for start in graph.keys() {
        let Some(cycle) = cycle_from(&graph, start) else {
            continue;
        };
        // The same cycle is found from each of its members; report it once.
        let mut members: Vec<Callee> = cycle.iter().map(|(from, _)| from.clone()).collect();
        members.sort();
        if !found.insert(members) {
            continue;
        }
        diagnostics.push(diagnostic(&cycle, sources));
    }
    diagnostics
}

fn diagnostic(cycle: &[(Callee, &Call)], sources: &BTreeMap<String, Source>) -> Diagnostic {
    let (first, call) = &cycle[0];
    let mut path: Vec<String> = cycle.iter().map(|(from, _)| from.label()).collect();
    path.push(first.label());
    let (shown, line, col) = match sources.get(first.file()) {
        Some(source) => {
            let (line, col) = position(source.text, &call.spelled);
            (source.shown.to_path_buf(), line, col)
        }
        None => (Path::new("themes").join(first.file()), 0, 0),
    };
    Diagnostic::coded_error(
        shown,
        line,
        col,
        "endless-template-recursion",
        &[("path", &path.join(" → "))],
    )
}

/// Line and column (1-based) of the first place `needle` is spelled, or 0:0.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = text.find(needle) else {
        return (0, 0);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A cycle through `start`, as the list of (caller, call) edges, if there is one.
fn cycle_from<'g>(
    graph: &'g BTreeMap<Callee, Vec<Call>>,
    start: &Callee,
) -> Option<Vec<(Callee, &'g Call)>> {
    let mut stack: Vec<(Callee, &'g Call)> = Vec::new();
    let mut seen = BTreeSet::new();
    search(graph, start, start, &mut stack, &mut seen).then_some(stack)
}

fn search<'g>(
    graph: &'g BTreeMap<Callee, Vec<Call>>,
    start: &Callee,
    at: &Callee,
    stack: &mut Vec<(Callee, &'g Call)>,
    seen: &mut BTreeSet<Callee>,
) -> bool {
    for call in graph.get(at).map(Vec::as_slice).unwrap_or_default() {
        stack.push((at.clone(), call));
        if &call.to == start {
            return true;
        }
        if seen.insert(call.to.clone()) && search(graph, start, &call.to, stack, seen) {
            return true;
        }
        stack.pop();
    }
    false
}

/// The unconditional calls of every template and macro.
fn graph(tera: &Tera) -> BTreeMap<Callee, Vec<Call>> {
    let mut graph = BTreeMap::new();
    for (name, template) in &tera.templates {
        let namespaces = Namespaces {
            file: name,
            imports: &template.imported_macro_files,
        };
        let mut calls = Vec::new();
        if let Some(parent) = &template.parent {
            calls.push(Call {
                to: Callee::Template(parent.clone()),
                spelled: parent.clone(),
            });
        }
        walk_nodes(&template.ast, tera, &namespaces, &mut calls);
        graph.insert(Callee::Template(name.clone()), calls);
        for (macro_name, definition) in &template.macros {
            let mut calls = Vec::new();
            walk_nodes(&definition.body, tera, &namespaces, &mut calls);
            graph.insert(
                Callee::Macro {
                    file: name.clone(),
                    name: macro_name.clone(),
                },
                calls,
            );
        }
    }
    graph
}

/// How a template file names the macro files it imports.
struct Namespaces<'a> {
    file: &'a str,
    imports: &'a [(String, String)],
}

impl Namespaces<'_> {
    fn resolve(&self, namespace: &str) -> Option<&str> {
        if namespace == "self" {
            return Some(self.file);
        }
        self.imports
            .iter()
            .find(|(_, alias)| alias == namespace)
            .map(|(file, _)| file.as_str())
    }
}

/// Collects the calls that run whenever `nodes` run: bodies of `if` and `for` are left
/// out, their conditions and containers are not.
fn walk_nodes(nodes: &[Node], tera: &Tera, namespaces: &Namespaces, calls: &mut Vec<Call>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => walk_expr(expr, namespaces, calls),
            Node::Set(_, set) => walk_expr(&set.value, namespaces, calls),
            Node::Include(_, names, _) => {
                // Tera renders the first of the listed templates that exists.
                if let Some(name) = names.iter().find(|n| tera.templates.contains_key(*n)) {
                    calls.push(Call {
                        to: Callee::Template(name.clone()),
                        spelled: name.clone(),
                    });
                }
            }
            Node::Block(_, block, _) => walk_nodes(&block.body, tera, namespaces, calls),
            Node::FilterSection(_, section, _) => {
                walk_nodes(&section.body, tera, namespaces, calls);
            }
            Node::Forloop(_, forloop, _) => walk_expr(&forloop.container, namespaces, calls),
            Node::If(branches, _) => {
                if let Some((_, condition, _)) = branches.conditions.first() {
                    walk_expr(condition, namespaces, calls);
                }
            }
            _ => {}
        }
    }
}

fn walk_expr(expr: &Expr, namespaces: &Namespaces, calls: &mut Vec<Call>) {
    for filter in &expr.filters {
        filter
            .args
            .values()
            .for_each(|arg| walk_expr(arg, namespaces, calls));
    }
    match &expr.val {
        ExprVal::MacroCall(call) => {
            if let Some(file) = namespaces.resolve(&call.namespace) {
                calls.push(Call {
                    to: Callee::Macro {
                        file: file.to_string(),
                        name: call.name.clone(),
                    },
                    spelled: format!("{}::{}", call.namespace, call.name),
                });
            }
            call.args
                .values()
                .for_each(|arg| walk_expr(arg, namespaces, calls));
        }
        ExprVal::FunctionCall(call) => call
            .args
            .values()
            .for_each(|arg| walk_expr(arg, namespaces, calls)),
        ExprVal::Math(math) => {
            walk_expr(&math.lhs, namespaces, calls);
            walk_expr(&math.rhs, namespaces, calls);
        }
        // `and` and `or` may skip their right side.
        ExprVal::Logic(logic) => walk_expr(&logic.lhs, namespaces, calls),
        ExprVal::In(test) => {
            walk_expr(&test.lhs, namespaces, calls);
            walk_expr(&test.rhs, namespaces, calls);
        }
        ExprVal::Test(test) => test
            .args
            .iter()
            .for_each(|arg| walk_expr(arg, namespaces, calls)),
        ExprVal::Array(items) => items
            .iter()
            .for_each(|item| walk_expr(item, namespaces, calls)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(templates: &[(&str, &str)]) -> Vec<String> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        let shown: Vec<std::path::PathBuf> = templates
            .iter()
            .map(|(name, _)| Path::new("themes/t/templates").join(name))
            .collect();
        let sources = templates
            .iter()
            .zip(&shown)
            .map(|((name, text), shown)| (name.to_string(), Source { shown, text }))
            .collect();
        check(&tera, &sources)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_template_that_includes_itself_is_refused_at_the_include() {
        let found = errors(&[("page.html", "<p>\n{% include \"page.html\" %}")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(
                "error: themes/t/templates/page.html:2:13: endless template recursion \
                 (page.html → page.html)"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_cycle_through_three_templates_is_reported_once() {
        let found = errors(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% include \"c.html\" %}"),
            ("c.html", "x {% include \"a.html\" %}"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("(a.html → b.html → c.html → a.html)"),
            "{found:?}"
        );
    }

    #[test]
    fn a_macro_that_calls_itself_unconditionally_is_refused() {
        let found = errors(&[(
            "macros.html",
            "{% macro tree(n) %}\n<li>{{ self::tree(n=n) }}</li>\n{% endmacro tree %}",
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("macros.html:2:8: endless template recursion (macros.html::tree"),
            "{found:?}"
        );
    }

    #[test]
    fn recursion_under_a_condition_is_allowed() {
        let found = errors(&[
            (
                "macros.html",
                "{% macro tree(items) %}{% for i in items %}{{ self::tree(items=i.children) }}\
                 {% endfor %}{% endmacro tree %}\
                 {% macro deep(n) %}{% if n > 0 %}{{ self::deep(n=n - 1) }}{% endif %}\
                 {% endmacro deep %}",
            ),
            (
                "nav.html",
                "{% if children %}{% include \"nav.html\" %}{% endif %}",
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn an_imported_macro_calling_back_through_an_include_is_a_cycle() {
        let found = errors(&[
            (
                "macros.html",
                "{% macro card() %}{% include \"card.html\" %}{% endmacro card %}",
            ),
            (
                "card.html",
                "{% import \"macros.html\" as m %}{{ m::card() }}",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
