//! The fields of one file's front matter taken out of their map and checked against
//! its kind: required and typed fields, dates, summaries, metrics and unknown keys.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Argument, Case, DeckMeta, FrontMatter, Kind, KindData, Metric, SUMMARY_POINTS, Stage};
use crate::config::{Config, find_key};
use crate::diag::{Diagnostic, nearest};

const COMMON_FIELDS: [&str; 8] = [
    "title",
    "description",
    "weight",
    "draft",
    "slug",
    "date",
    "reviewed",
    "kind",
];

/// The front-matter map of one file while its fields are taken out and checked.
pub(super) struct Fields<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pub(super) map: serde_json::Map<String, Value>,
    pub(super) errors: Vec<Diagnostic>,
}

impl Fields<'_> {
    /// The typed front matter, every problem recorded in `errors`.
    pub(super) fn front_matter(&mut self, config: &Config) -> FrontMatter {
        let kind = match self.map.get("kind") {
            None => Kind::Page,
            Some(Value::String(name)) => match Kind::ALL.iter().find(|(n, _)| n == name) {
                Some((_, kind)) => *kind,
                None => {
                    let names = Kind::ALL.map(|(n, _)| n);
                    let kinds = names.join(", ");
                    let d = self
                        .coded("kind", "unknown-kind", &[("kind", name)])
                        .with_hint_code("kinds", &[("kinds", &kinds)]);
                    self.errors.push(match nearest(name, names) {
                        Some(near) => d.with_hint_code("did-you-mean-kind", &[("near", near)]),
                        None => d,
                    });
                    Kind::Page
                }
            },
            Some(_) => {
                let d = self.coded("kind", "kind-not-text", &[]);
                self.errors.push(d);
                Kind::Page
            }
        };
        self.check_unknown(kind, config);

        let title = match self.take::<String>("title") {
            Some(title) if !title.trim().is_empty() => title,
            Some(_) => {
                let d = self.coded("title", "empty-title", &[]);
                self.errors.push(d);
                String::new()
            }
            None => {
                if !self.map.contains_key("title") {
                    self.errors.push(Diagnostic::coded_error(
                        self.path,
                        1,
                        1,
                        "missing-title",
                        &[],
                    ));
                }
                String::new()
            }
        };
        let date = self
            .take::<Value>("date")
            .and_then(|value| self.date("date", value));
        let reviewed = self
            .take::<Value>("reviewed")
            .and_then(|value| self.date("reviewed", value));
        let mut taxonomies = BTreeMap::new();
        for taxonomy in &config.taxonomies {
            if let Some(terms) = self.take::<Vec<String>>(&taxonomy.key) {
                let terms: Vec<String> = terms
                    .into_iter()
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                taxonomies.insert(taxonomy.key.clone(), terms);
            }
        }
        let kind_data = self.kind_data(kind, &taxonomies);
        FrontMatter {
            title,
            description: self.take("description"),
            weight: self.take("weight"),
            draft: self.take("draft").unwrap_or(false),
            slug: self.take("slug"),
            date,
            reviewed,
            taxonomies,
            kind: kind_data,
        }
    }

    fn kind_data(&mut self, kind: Kind, taxonomies: &BTreeMap<String, Vec<String>>) -> KindData {
        match kind {
            Kind::Page => KindData::Page,
            Kind::Argument => {
                let objection = self.required::<String>("objection", "missing-objection");
                if taxonomies.get("stakeholders").is_none_or(Vec::is_empty) {
                    let line = if self.map.contains_key("stakeholders") {
                        self.line("stakeholders")
                    } else {
                        1
                    };
                    self.errors.push(Diagnostic::coded_error(
                        self.path,
                        line,
                        1,
                        "no-stakeholders",
                        &[],
                    ));
                }
                KindData::Argument(Argument {
                    objection: objection.unwrap_or_default(),
                    evidence: self.take("evidence").unwrap_or_default(),
                    summary: self.summary(),
                })
            }
            Kind::Case => {
                let metrics = self
                    .take::<Vec<BTreeMap<String, Value>>>("metrics")
                    .unwrap_or_default();
                let metrics = metrics.into_iter().filter_map(|m| self.metric(m)).collect();
                KindData::Case(Case {
                    organization: self.take("organization"),
                    industry: self.take("industry"),
                    size: self.take::<Value>("size").map(scalar_text),
                    year: self.take::<Value>("year").map(scalar_text),
                    metrics,
                    source: self.take("source"),
                })
            }
            Kind::Deck => KindData::Deck(DeckMeta {
                duration: self.take("duration"),
                audience: self.take("audience"),
                incremental: self.take("incremental").unwrap_or(false),
            }),
            Kind::Stage => KindData::Stage(Stage {
                stage: self.required("stage", "missing-stage").unwrap_or(0),
                effort: self.take::<Value>("effort").map(scalar_text),
                goals: self.take("goals").unwrap_or_default(),
            }),
        }
    }

    /// `summary`: a text, or a list of one to [`SUMMARY_POINTS`] texts; none empty.
    fn summary(&mut self) -> Vec<String> {
        let points = match self.take::<Value>("summary") {
            None => return Vec::new(),
            Some(Value::String(text)) => vec![text],
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.into_iter().map(scalar_text).collect()
            }
            Some(_) => {
                let d = self.coded("summary", "summary-not-text", &[]);
                self.errors.push(d);
                return Vec::new();
            }
        };
        let points: Vec<String> = points.iter().map(|p| p.trim().to_string()).collect();
        if points.is_empty() || points.iter().any(String::is_empty) {
            let d = self.coded("summary", "summary-empty", &[]);
            self.errors.push(d);
            return Vec::new();
        }
        if points.len() > SUMMARY_POINTS {
            let (count, most) = (points.len().to_string(), SUMMARY_POINTS.to_string());
            let d = self.coded(
                "summary",
                "summary-too-long",
                &[("count", &count), ("most", &most)],
            );
            self.errors.push(d);
        }
        points
    }

    fn metric(&mut self, mut map: BTreeMap<String, Value>) -> Option<Metric> {
        let label = map.remove("label");
        let value = map.remove("value");
        if let Some(key) = map.keys().next() {
            let d = self.coded("metrics", "unknown-metric-field", &[("field", key)]);
            self.errors.push(d);
            return None;
        }
        match (label, value) {
            (Some(Value::String(label)), Some(value @ (Value::String(_) | Value::Number(_)))) => {
                Some(Metric {
                    label,
                    number: value.as_f64(),
                    value: scalar_text(value),
                })
            }
            _ => {
                let d = self.coded("metrics", "bad-metric", &[]);
                self.errors.push(d);
                None
            }
        }
    }

    fn check_unknown(&mut self, kind: Kind, config: &Config) {
        let known: Vec<&str> = COMMON_FIELDS
            .iter()
            .copied()
            .chain(kind.fields().iter().copied())
            .chain(config.taxonomies.iter().map(|t| t.key.as_str()))
            .collect();
        let unknown: Vec<String> = self
            .map
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let other_kind = Kind::ALL
                .iter()
                .find(|(_, k)| k.fields().contains(&key.as_str()));
            let field = [("field", key.as_str())];
            let d = match (nearest(&key, known.iter().copied()), other_kind) {
                (Some(near), _) => self.coded(
                    &key,
                    "unknown-field-near",
                    &[("field", &key), ("near", near)],
                ),
                (None, Some((name, _))) => self
                    .coded(
                        &key,
                        "unknown-field-for-kind",
                        &[("field", &key), ("kind", kind.name())],
                    )
                    .with_hint_code("field-of-other-kind", &[("other", name)]),
                (None, None) => self
                    .coded(&key, "unknown-field", &field)
                    .with_hint_code("valid-fields", &[("fields", &known.join(", "))]),
            };
            self.errors.push(d);
            self.map.remove(&key);
        }
    }

    fn date(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) if is_iso_date(s.trim()) => Some(s.trim().to_string()),
            other => {
                let d = self.coded(key, "invalid-date", &[("value", &other.to_string())]);
                self.errors.push(d);
                None
            }
        }
    }

    /// A required field; `code` names the diagnostic for its absence.
    fn required<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        code: &'static str,
    ) -> Option<T> {
        if !self.map.contains_key(key) {
            self.errors
                .push(Diagnostic::coded_error(self.path, 1, 1, code, &[]));
            return None;
        }
        self.take(key)
    }

    /// Removes `key` and converts it; a value of the wrong type is an error at its line.
    fn take<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.map.remove(key)?;
        if value.is_null() {
            return None;
        }
        let shown = value.to_string();
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let expected = e.to_string();
                let expected = expected
                    .split("expected ")
                    .nth(1)
                    .unwrap_or("another type")
                    .to_string();
                let d = self.coded(
                    key,
                    "wrong-type",
                    &[("field", key), ("found", &shown), ("expected", &expected)],
                );
                self.errors.push(d);
                None
            }
        }
    }

    fn line(&self, key: &str) -> usize {
        find_key(self.text, key).map_or(1, |(line, _)| line)
    }

    /// The catalogue's diagnostic `code`, at the line of front-matter `key`.
    fn coded(&self, key: &str, code: &'static str, args: &crate::catalog::Args) -> Diagnostic {
        let (line, col) = find_key(self.text, key).unwrap_or((1, 1));
        Diagnostic::coded_error(self.path, line, col, code, args)
    }
}

fn scalar_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Whether `s` is an ISO 8601 date (`2024-05-17`) or datetime (`2024-05-17T09:30:00`,
/// optionally with fractional seconds and `Z` or an offset; a space may replace `T`).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let date_ok = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && {
            let month: u32 = s[5..7].parse().unwrap_or(0);
            let day: u32 = s[8..10].parse().unwrap_or(0);
            (1..=12).contains(&month) && (1..=31).contains(&day)
        };
    if !date_ok {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || b.len() < 16
        || !(digits(11..13) && b[13] == b':' && digits(14..16))
    {
        return false;
    }
    let mut rest = &s[16..];
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r[..2].bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &r[n..];
        }
    }
    match rest {
        "" | "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[1..3].iter().all(u8::is_ascii_digit)
                && o[3] == b':'
                && o[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}
