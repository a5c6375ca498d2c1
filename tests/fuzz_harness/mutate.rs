//! Mutations of a project for the fuzz harness: front matter (YAML and TOML), Markdown,
//! shortcodes, deck separators and notes, invalid UTF-8, NUL bytes, huge lines, deep
//! nesting, odd file names, `book.toml`. Every change is recorded so it can be undone.

use std::path::{Path, PathBuf};

/// A deterministic generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One changed file: its bytes before (`None`: the file was new).
pub struct Mutation {
    pub path: PathBuf,
    pub original: Option<Vec<u8>>,
    pub what: String,
}

/// Applies one to three mutations to `project`; returns how to undo them.
pub fn apply(project: &Path, rng: &mut Rng) -> Vec<Mutation> {
    let mut undo: Vec<Mutation> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let files = markdown_files(project);
        let file = rng.pick(&files).clone();
        let kind = rng.below(100);
        let what = match kind {
            0..=19 => front_matter_line(project, &file, rng, &mut undo),
            20..=24 => toml_front_matter(project, &file, rng, &mut undo),
            25..=44 => body_snippet(project, &file, rng, &mut undo),
            45..=54 => bytes(project, &file, rng, &mut undo),
            55..=59 => huge_line(project, &file, rng, &mut undo),
            60..=67 => deep_nesting(project, &file, rng, &mut undo),
            68..=77 => odd_file(project, &files, rng, &mut undo),
            78..=87 => deck(project, rng, &mut undo),
            88..=93 => book_toml(project, rng, &mut undo),
            _ => remove(project, &file, &mut undo),
        };
        if let Some(last) = undo.last_mut() {
            last.what = format!("{}: {what}", rel(project, &last.path));
        }
    }
    undo
}

/// Restores every file `undo` changed, newest first.
pub fn undo(project: &Path, undo: Vec<Mutation>) {
    for mutation in undo.into_iter().rev() {
        match mutation.original {
            Some(bytes) => {
                std::fs::write(&mutation.path, bytes).expect("restore");
            }
            None => {
                let _ = std::fs::remove_file(&mutation.path);
                // Remove the folders it created, up to the content folder.
                let mut dir = mutation.path.parent();
                while let Some(d) = dir {
                    if d == project.join("content") || std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
    }
}

fn rel(project: &Path, path: &Path) -> String {
    path.strip_prefix(project)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn markdown_files(project: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(project.join("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Records `path` before its first change in this trial.
fn remember(path: &Path, undo: &mut Vec<Mutation>) {
    if undo.iter().any(|m| m.path == path) {
        return;
    }
    undo.push(Mutation {
        path: path.to_path_buf(),
        original: std::fs::read(path).ok(),
        what: String::new(),
    });
}

fn write(path: &Path, bytes: &[u8], undo: &mut Vec<Mutation>) {
    remember(path, undo);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    // A name the file system refuses is no mutation; the trial goes on without it.
    if let Err(e) = std::fs::write(path, bytes) {
        eprintln!("fuzz: cannot write {} ({e})", path.display());
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// Inserts `insert` at the start of a random line in `lines` (within `range` of lines).
fn insert_line(text: &[u8], rng: &mut Rng, insert: &[u8], first: usize, last: usize) -> Vec<u8> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let last = last.min(starts.len() - 1);
    let first = first.min(last);
    let at = starts[first + rng.below(last - first + 1)].min(text.len());
    let mut out = text[..at].to_vec();
    out.extend_from_slice(insert);
    out.push(b'\n');
    out.extend_from_slice(&text[at..]);
    out
}

/// The line after the closing front matter fence (or 1).
fn body_start(text: &[u8]) -> usize {
    let text = String::from_utf8_lossy(text);
    text.lines()
        .enumerate()
        .skip(1)
        .find(|(_, l)| *l == "---" || *l == "+++")
        .map_or(1, |(i, _)| i + 1)
}

const YAML_LINES: &[&str] = &[
    "titel: Tippfehler",
    "kind: argumnet",
    "kind: deck",
    "kind: case",
    "kind: stage",
    "weight: -1",
    "weight: 1e999",
    "weight: 99999999999999999999999",
    "draft: vielleicht",
    "draft: true",
    "date: 2024-13-45",
    "date: gestern",
    "date: 2024-02-29T25:61:00Z",
    "reviewed: 1900-01-01",
    "stakeholders: Geschäftsführung",
    "stakeholders: [[[]]]",
    "stakeholders: []",
    "departments: [\"\", \"  \", \"ÄÖÜß\"]",
    "evidence: [praxis/gibt-es-nicht.md]",
    "evidence: [../../etc/passwd]",
    "metrics: [{label: x}]",
    "metrics: [{label: Reichweite, value: 1e308}, {label: y, value: -1e308}]",
    "metrics: {a: b}",
    "  - eingerückt",
    "\t: tab",
    "title: \"nicht beendet",
    "title:",
    "title: [1, 2]",
    "title: {a: 1}",
    "title: ''",
    "slug: ../../etc",
    "slug: \"\"",
    "slug: \"a/b\"",
    "slug: \"🙂\"",
    "audience: niemand",
    "duration: -5",
    "duration: 1e30",
    "stage: 999999999999999999999",
    "stage: -1",
    "goals: x",
    "summary: [a, b, c, d, e, f]",
    "summary: \"\"",
    "objection: ",
    "incremental: ja",
    "<<: *anker",
    "a: &a [*a]",
    "? komplexer schlüssel",
    "x: !!binary aGk=",
    "x: !!python/object foo",
    "---",
    "+++",
    "...",
    "tags: [a, A, ä, Ä, a-, -a]",
    "channels: [\"x\"]",
];

fn front_matter_line(
    project: &Path,
    file: &Path,
    rng: &mut Rng,
    undo: &mut Vec<Mutation>,
) -> String {
    let _ = project;
    let text = read(file);
    let line = if rng.below(10) == 0 {
        let depth = *rng.pick(&[10, 100, 1000, 10_000]);
        format!("tief: {}{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        rng.pick(YAML_LINES).to_string()
    };
    let end = body_start(&text).saturating_sub(1).max(1);
    write(
        file,
        &insert_line(&text, rng, line.as_bytes(), 1, end),
        undo,
    );
    format!("front matter line {line:?}")
}

fn toml_front_matter(
    project: &Path,
    file: &Path,
    rng: &mut Rng,
    undo: &mut Vec<Mutation>,
) -> String {
    let _ = project;
    let text = String::from_utf8_lossy(&read(file)).into_owned();
    let body = text
        .lines()
        .skip(body_start(text.as_bytes()))
        .collect::<Vec<_>>()
        .join("\n");
    let front = rng.pick(&[
        "title = \"TOML\"",
        "title = \"TOML\"\nkind = \"case\"\nmetrics = [{ label = \"x\", value = 3 }]",
        "title = 'a'\ntitle = 'b'",
        "title = \"x\"\n[[[",
        "title = \"x\"\ndate = 2024-01-01T00:00:00Z\nweight = 9223372036854775807",
        "title = \"x\"\ntags = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "titel = \"x\"",
        "",
    ]);
    let out = format!("+++\n{front}\n+++\n{body}\n");
    write(file, out.as_bytes(), undo);
    format!("TOML front matter {front:?}")
}

const SNIPPETS: &[&str] = &[
    "{% callout(kind=\"tip\") %}",
    "{% end %}",
    "{% callout(kind=\"nope\") %}\nText\n{% end %}",
    "{% callout(kind=\"tip\" %}\nText\n{% end %}",
    "{{ argument(path=\"argumente/gibt-es-nicht.md\") }}",
    "{{ argument(path=\"../../book.toml\") }}",
    "{{ case(path=\"\") }}",
    "{{ video(provider=\"youtube\", id=\"\\\"><script>\", title=\"x\") }}",
    "{{ video(provider=\"myspace\", id=\"1\") }}",
    "{{ video() }}",
    "{% checklist(title=\"Liste\") %}\n- eins\n- zwei\n{% end %}",
    "{% quiz(question=\"Frage?\", options=[\"a\", \"b\"], answer=3) %}Warum{% end %}",
    "{% quiz(question=\"Frage?\", options=[], answer=0) %}{% end %}",
    "{% quiz(question=\"F\", options=[\"a\"], answer=18446744073709551616) %}x{% end %}",
    "{{ unbekannt(x=1) }}",
    "{{ argument(path=\"a\", path=\"b\") }}",
    "{{ x(a=[[[[[1]]]]]) }}",
    "{{",
    "{%",
    "{{ }}",
    "{% end %}{% end %}{% end %}",
    "[kaputt](gibt-es-nicht.md)",
    "[anker](#gibt-es-nicht)",
    "[fremd](../../../../etc/passwd)",
    "[leer]()",
    "![bild](/gibt-es-nicht.png)",
    "![bild](/../../etc/passwd)",
    "<script>alert(1)</script>",
    "<!-- class: title -->",
    "<!-- class: \"><script> -->",
    "<!-- nicht beendet",
    "```rust\nfn main() {",
    "```\n{{ argument(path=\"x.md\") }}\n```",
    "`{{ argument(path=\"x.md\") }}`",
    "# Überschrift {#}",
    "# Überschrift {#a b c}",
    "# \n## \n###### x ######",
    "| a | b |\n|---|\n| 1 | 2 | 3 |",
    "[^fn]\n\n[^fn]: Fußnote [^fn]",
    "- [ ] offen\n- [x] erledigt",
    "Note: Notiz ohne Folie",
    "Notiz:",
    "---",
    "***",
    "Text\n---",
    "\u{202e}rechts nach links\u{200b}",
    "&#0; &#x110000; &nbsp;",
    "\\",
];

fn body_snippet(project: &Path, file: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let _ = project;
    let text = read(file);
    let snippet = rng.pick(SNIPPETS);
    let start = body_start(&text);
    write(
        file,
        &insert_line(&text, rng, snippet.as_bytes(), start, usize::MAX),
        undo,
    );
    format!("body snippet {snippet:?}")
}

fn bytes(project: &Path, file: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let _ = project;
    let mut text = read(file);
    let at = rng.below(text.len() + 1);
    let what = match rng.below(8) {
        0 => {
            text.splice(at..at, [0xff, 0xfe, 0xc3]);
            "invalid UTF-8"
        }
        1 => {
            text.splice(at..at, [0]);
            "a NUL byte"
        }
        2 => {
            text.truncate(at);
            "truncated"
        }
        3 => {
            let end = (at + rng.below(200)).min(text.len());
            let copy = text[at..end].to_vec();
            text.splice(at..at, copy);
            "a range doubled"
        }
        4 => {
            let end = (at + rng.below(200)).min(text.len());
            text.drain(at..end);
            "a range removed"
        }
        5 => {
            text = String::from_utf8_lossy(&text)
                .replace('\n', "\r\n")
                .into_bytes();
            "CRLF line ends"
        }
        6 => {
            text.splice(0..0, [0xef, 0xbb, 0xbf]);
            "a byte order mark"
        }
        _ => {
            text.clear();
            "emptied"
        }
    };
    write(file, &text, undo);
    what.to_string()
}

fn huge_line(project: &Path, file: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let _ = project;
    let text = read(file);
    let size = *rng.pick(&[10_000, 100_000, 1_000_000]);
    let unit = *rng.pick(&[
        "Wort ", "x", "*", "[", "`", "<", "_a", "{{ ", "ä", "|", "\\",
    ]);
    let line = unit.repeat(size / unit.len());
    let start = body_start(&text);
    write(
        file,
        &insert_line(&text, rng, line.as_bytes(), start, usize::MAX),
        undo,
    );
    format!("a line of {size} bytes of {unit:?}")
}

fn deep_nesting(project: &Path, file: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let _ = project;
    let text = read(file);
    let depth = *rng.pick(&[10, 63, 64, 65, 100, 1000, 5000]);
    let (what, nested) = match rng.below(6) {
        0 => (
            "callouts",
            format!(
                "{}Innen\n{}",
                "{% callout(kind=\"note\") %}\n".repeat(depth),
                "{% end %}\n".repeat(depth)
            ),
        ),
        1 => ("quotes", format!("{} Zitat", ">".repeat(depth))),
        2 => (
            "lists",
            (0..depth.min(2000))
                .map(|i| format!("{}- Punkt", "  ".repeat(i)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        3 => ("quoted lists", format!("{}Tief", "> - ".repeat(depth))),
        4 => (
            "emphasis and links",
            format!("{}x{}", "*[".repeat(depth), "](y)*".repeat(depth)),
        ),
        _ => (
            "checklists in callouts",
            format!(
                "{}- a\n{}",
                "{% callout(kind=\"tip\") %}\n{% checklist(title=\"x\") %}\n".repeat(depth / 2),
                "{% end %}\n{% end %}\n".repeat(depth / 2)
            ),
        ),
    };
    let start = body_start(&text);
    write(
        file,
        &insert_line(&text, rng, nested.as_bytes(), start, usize::MAX),
        undo,
    );
    format!("{what} nested {depth} deep")
}

const ODD_NAMES: &[&str] = &[
    "ä ö ü.md",
    "con.md",
    "-strich.md",
    ".versteckt.md",
    "a b#?.md",
    "ÜBER.md",
    "über.md",
    "index.md",
    "neu/index.md",
    "neu/tief/tiefer/x.md",
    "zeile\numbruch.md",
    "🙂.md",
    "%2e%2e.md",
    "..md",
    "...md",
    "a.MD",
    "&amp;.md",
    "'\"<>.md",
    "argumente/kontrollverlust.md",
    "argumente/Kontrollverlust.md",
];

fn odd_file(project: &Path, files: &[PathBuf], rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let long = format!("{}.md", "lang".repeat(60));
    let name = if rng.below(10) == 0 {
        long.as_str()
    } else {
        rng.pick(ODD_NAMES)
    };
    let path = project.join("content").join(name);
    let text = match rng.below(3) {
        0 => read(rng.pick(files).as_path()),
        1 => b"---\ntitle: Seltsam\n---\nText.\n".to_vec(),
        _ => b"---\ntitle: Seltsam\nslug: start\n---\n".to_vec(),
    };
    write(&path, &text, undo);
    format!("a file named {name:?}")
}

fn deck(project: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let decks: Vec<PathBuf> = markdown_files(project)
        .into_iter()
        .filter(|f| String::from_utf8_lossy(&read(f)).contains("kind: deck"))
        .collect();
    let Some(file) = decks.get(rng.below(decks.len())).cloned() else {
        return "no deck".into();
    };
    let text = read(&file);
    let insert = rng.pick(&[
        "\n---\n",
        "---",
        "\n---\n\n---\n\n---\n",
        "Note: Sprechernotiz",
        "Notiz: und noch eine\n\n---\n\nNote:",
        "{{ argument(path=\"argumente/kontrollverlust.md\") }}",
        "\n---\n\n{{ case(path=\"praxis/gibt-es-nicht.md\") }}\n\n---\n",
        "\n---\n\n<!-- class: unbekannt -->\n",
        "<!-- class: columns -->",
        "\n---\n\n{% callout(kind=\"tip\") %}\n\n---\n\n{% end %}\n",
        "```\n---\n```",
    ]);
    let start = body_start(&text);
    write(
        &file,
        &insert_line(&text, rng, insert.as_bytes(), start, usize::MAX),
        undo,
    );
    format!("deck insert {insert:?}")
}

fn book_toml(project: &Path, rng: &mut Rng, undo: &mut Vec<Mutation>) -> String {
    let path = project.join("book.toml");
    let text = read(&path);
    let line = rng.pick(&[
        "unbekannt = 1",
        "aspect = \"0:1\"",
        "aspect = \"16:0\"",
        "aspect = \"99999999999:1\"",
        "language = \"xx\"",
        "language = \"\"",
        "build-dir = \"content\"",
        "build-dir = \"..\"",
        "theme = \"gibt-es-nicht\"",
        "path = \"a b\"",
        "path = \"\"",
        "logo = \"static/gibt-es-nicht.svg\"",
        "primary = \"rot\"",
        "[taxonomies]",
        "[[[",
        "src = \"../\"",
        "base-url = \"javascript:alert(1)\"",
        "review-after = \"-3 months\"",
    ]);
    let lines = String::from_utf8_lossy(&text).lines().count();
    write(
        &path,
        &insert_line(&text, rng, line.as_bytes(), 0, lines),
        undo,
    );
    format!("book.toml line {line:?}")
}

fn remove(project: &Path, file: &Path, undo: &mut Vec<Mutation>) -> String {
    let _ = project;
    remember(file, undo);
    let _ = std::fs::remove_file(file);
    "removed".into()
}
