//! Full-text search index, built in the render stage.
//!
//! The renderer hands every searchable page to [`render_index`] as a [`SearchDoc`]
//! (plain text, HTML already stripped) and writes the result to
//! `assets/search-index.js`. That file only assigns `window.BUYIN_SEARCH`, so
//! `themes/default/static/search.js` can load it with a `<script>` tag, which also
//! works from `file://` where `fetch` is refused. All matching happens in the browser;
//! this module decides what is matchable and keeps the index small.
//!
//! Matching is on folded words ([`fold`]): lowercase, German umlauts and `ß` spelled
//! out (`Maßnahmen` and `Massnahmen` both fold to `massnahmen`), every other letter
//! transliterated to ASCII. A query word matches every indexed word it is a prefix of,
//! so `datenschutz` finds `Datenschutzes`.
//!
//! # Index format (version 1)
//!
//! ```text
//! window.BUYIN_SEARCH={"v":1,"maxlen":40,"fold":{..},"docs":[..],"terms":"..","postings":".."};
//! ```
//!
//! - `docs`: one `[url, title, kind, excerpt]` per document, in input order; a
//!   document's id is its position here.
//! - `terms`: every folded word of all titles and texts, sorted and front-coded: each
//!   entry is one letter `A`..`Z` giving how many leading characters it shares with the
//!   previous entry (0..25), then the rest of the word. Words are `[a-z0-9]`, so the
//!   uppercase letter also marks where an entry starts. Words longer than `maxlen`
//!   bytes are cut to `maxlen`; the browser cuts query words the same way.
//! - `postings`: one list per term, in term order, separated by `,`. A list is a run
//!   of numbers `(doc - previous doc) * 32 + (16 if the word is in the title) +
//!   min(count in body, 15)`, the previous doc starting at 0. Each number is written
//!   in base 32, most significant digit first: digits before the last come from
//!   `wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_`, the last from `0123456789abcdefghijklmnopqrstuv`.
//! - `fold`: for every non-ASCII letter in the documents (lowercased, umlauts and `ß`
//!   excepted), what [`fold`] turns it into, separators as spaces. The browser has no
//!   transliteration table of its own; with this one it folds a query exactly as this
//!   module folded the text, in any script.
//! - `excerpt`: snippet source, at most 1,000 bytes of the body: its first sentence,
//!   then the sentences that add the most words not yet covered per byte, shown in
//!   document order and joined by ` … ` where sentences were skipped. Keeping the
//!   whole body would make the index larger than the site's text; a plain prefix would
//!   only give a snippet for words near the top. Chosen sentences cover many of a
//!   page's distinct words, and a hit elsewhere still finds the page and shows its
//!   opening.
//!
//! The file is ASCII only (other characters as `\uXXXX`), so a browser reads it right
//! whatever encoding it assumes for a script loaded from disk.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// One searchable document.
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'a> {
    /// Root-relative URL of the page, e.g. `argumente/kontrolle/`.
    pub url: &'a str,
    /// The page title; its words rank above words of the body.
    pub title: &'a str,
    /// The content kind: `page`, `argument`, `case`, `deck`, `stage` or `term`.
    pub kind: &'a str,
    /// Plain text of the body, already stripped of HTML.
    pub text: &'a str,
}

/// Version of the index format; `search.js` checks it.
const FORMAT_VERSION: u32 = 1;

/// Longest indexed word in bytes. Longer words (URLs, hashes, long compounds) are cut,
/// so they cost little and still match by prefix.
const MAX_TERM_LEN: usize = 40;

/// Body hits per document and word saturate here; beyond it more hits say little.
const MAX_COUNT: u32 = 15;

/// Bytes of body text kept per document as snippet source.
const EXCERPT_BUDGET: usize = 1000;

/// Longest sentence piece kept in an excerpt; longer sentences are split at spaces.
const MAX_PIECE: usize = 240;

/// Continuation digits of the base-32 numbers in `postings` (see the module doc).
const DIGITS_MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Final digits of the base-32 numbers in `postings`.
const DIGITS_LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// Folds text for matching in every language: lowercase; ä→ae, ö→oe, ü→ue, ß→ss (also
/// uppercase forms); other letters transliterated to ASCII (deunicode); everything else
/// is a word separator. The result is the words joined by single spaces.
///
/// ```text
/// fold("Maßnahmen für die Geschäftsführung!") == "massnahmen fuer die geschaeftsfuehrung"
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_words(text, |word| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    });
    out
}

/// Calls `f` with each word of [`fold`]`(text)`, in order, without building the
/// folded text.
fn fold_words(text: &str, f: impl FnMut(&str)) {
    struct Words<F>(F);
    impl<F: FnMut(&str)> Reader<'_> for Words<F> {
        fn word(&mut self, word: &str) {
            (self.0)(word);
        }
    }
    scan(text, &mut Words(f));
}

/// What [`scan`] reports while it reads a text `'t`.
trait Reader<'t> {
    /// The next word of [`fold`]`(text)`.
    fn word(&mut self, word: &str);
    /// A non-ASCII letter other than the umlauts and `ß` (for the `fold` table).
    fn letter(&mut self, _letter: char) {}
    /// The end of a sentence: the sentence as it stands in the text, and its length
    /// once white space is collapsed to single spaces and trimmed. A sentence ends at
    /// a line break or after `.`, `!`, `?` or `…` followed by white space; every end
    /// lies on white space, so no word spans two sentences.
    fn sentence(&mut self, _sentence: &'t str, _len: usize) {}
}

/// Reads `text` once, reporting its folded words, letters and sentences in order.
/// Folding: lowercase; ä→ae, ö→oe, ü→ue, ß→ss; other letters transliterated; all
/// else separates words (see [`fold`]).
fn scan<'t>(text: &'t str, reader: &mut impl Reader<'t>) {
    let bytes = text.as_bytes();
    // A word that is not one plain ASCII run (it holds capitals, or folded non-ASCII
    // letters) is assembled here.
    let mut word = String::new();
    let mut buffer = String::new();
    // The character before a combining mark, which decides how the mark folds.
    let mut previous = None;
    let followed_by_space = |at: usize| text[at..].chars().next().is_some_and(char::is_whitespace);
    // The sentence being read: where it starts, and its collapsed length so far.
    let mut start = 0;
    let (mut len, mut parts, mut in_part) = (0, 0, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            let run_start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let run = &text[run_start..i];
            previous = Some(char::from(bytes[i - 1]));
            len += run.len();
            parts += usize::from(!in_part);
            in_part = true;
            let ends_word = bytes.get(i).is_none_or(|next| next.is_ascii());
            if word.is_empty() && ends_word && !run.bytes().any(|b| b.is_ascii_uppercase()) {
                // Most words: already folded where they stand.
                reader.word(run);
            } else {
                word.push_str(run);
                word.make_ascii_lowercase();
            }
            continue;
        }
        let (c, width) = match b {
            _ if b.is_ascii() => (char::from(b), 1),
            _ => match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        if b.is_ascii() {
            // Every ASCII character but letters and digits separates words.
            if !word.is_empty() {
                reader.word(&word);
                word.clear();
            }
            previous = Some(c);
        }
        // Where a sentence ends, if it ends here: before a line break, after its mark.
        let end = match c {
            '\n' => Some(i),
            '.' | '!' | '?' | '…' if followed_by_space(i + width) => Some(i + width),
            _ => None,
        };
        if end == Some(i) {
            reader.sentence(&text[start..i], len + parts.saturating_sub(1));
            (start, len, parts) = (i, 0, 0);
        }
        if c.is_whitespace() {
            in_part = false;
        } else {
            len += width;
            parts += usize::from(!in_part);
            in_part = true;
        }
        i += width;
        if is_combining_mark(c) {
            // Decomposed umlauts ("u" + U+0308) come from macOS file names and some
            // editors; they must fold like the composed ones, which the browser also
            // sees after NFC. Other marks belong to their letter and are dropped.
            if c == '\u{308}' && matches!(previous, Some('a' | 'o' | 'u' | 'A' | 'O' | 'U')) {
                word.push('e');
            }
            previous = None;
        } else if !b.is_ascii() {
            previous = Some(c);
            if !matches!(c, 'ä' | 'ö' | 'ü' | 'ß' | 'Ä' | 'Ö' | 'Ü' | 'ẞ') && c.is_alphanumeric()
            {
                reader.letter(c);
            }
            buffer.clear();
            fold_char(c, &mut buffer);
            for folded in buffer.chars() {
                if folded != ' ' {
                    word.push(folded);
                } else if !word.is_empty() {
                    reader.word(&word);
                    word.clear();
                }
            }
        }
        if end == Some(i) {
            if !word.is_empty() {
                reader.word(&word);
                word.clear();
            }
            reader.sentence(&text[start..i], len + parts.saturating_sub(1));
            (start, len, parts, in_part) = (i, 0, 0, false);
        }
    }
    if !word.is_empty() {
        reader.word(&word);
    }
    reader.sentence(&text[start..], len + parts.saturating_sub(1));
}

/// Splits folded text into words.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// The JavaScript source of `assets/search-index.js`: sets `window.BUYIN_SEARCH = {...}`
/// in the format described in the module doc. Deterministic (same input, same bytes).
pub fn render_index(docs: &[SearchDoc]) -> String {
    let analyses: Vec<Arc<Analysis>> = docs
        .par_iter()
        .map(|doc| Arc::new(Analysis::of(doc)))
        .collect();
    encode(docs, &analyses)
}

/// [`render_index`], reusing what `cache` holds of documents whose title and text did
/// not change since the last call (`serve` after an edit), and keeping the rest.
pub fn render_index_cached(docs: &[SearchDoc], cache: &mut SearchCache) -> String {
    let keys: Vec<u64> = docs.par_iter().map(SearchCache::key).collect();
    let analyses: Vec<Arc<Analysis>> = docs
        .par_iter()
        .zip(&keys)
        .map(|(doc, key)| match cache.analyses.get(key) {
            Some(known) => Arc::clone(known),
            None => Arc::new(Analysis::of(doc)),
        })
        .collect();
    cache.analyses = keys.into_iter().zip(analyses.iter().cloned()).collect();
    encode(docs, &analyses)
}

/// The index file of `docs`, given what was found in each.
fn encode(docs: &[SearchDoc], analyses: &[Arc<Analysis>]) -> String {
    let index = Index::build(analyses);
    let file = IndexFile {
        v: FORMAT_VERSION,
        maxlen: MAX_TERM_LEN,
        fold: fold_table(analyses),
        docs: docs
            .iter()
            .zip(analyses)
            .map(|(doc, analysis)| (doc.url, doc.title, doc.kind, analysis.excerpt.as_str()))
            .collect(),
        terms: index.encode_terms(),
        postings: index.encode_postings(),
    };
    // Serializing strings, numbers and string-keyed maps cannot fail; should serde_json
    // ever refuse, an empty index keeps the page's script working.
    let json = serde_json::to_string(&file).unwrap_or_else(|_| String::from("null"));
    format!("window.BUYIN_SEARCH={};\n", ascii_only(&json))
}

/// What the index took from documents before, by a hash of their title and text.
#[derive(Default)]
pub struct SearchCache {
    analyses: HashMap<u64, Arc<Analysis>>,
}

impl SearchCache {
    fn key(doc: &SearchDoc) -> u64 {
        // The standard hasher has fixed keys: the same text hashes the same way.
        let mut hasher = std::hash::DefaultHasher::new();
        (doc.title, doc.text).hash(&mut hasher);
        hasher.finish()
    }
}

/// What the index needs of one document; it depends on its title and text only.
struct Analysis {
    /// Folded words (cut to [`MAX_TERM_LEN`]): in the title, and how often in the body.
    hits: Vec<(String, bool, u32)>,
    /// Snippet source (see [`excerpt`]).
    excerpt: String,
    /// Lowercase non-ASCII letters other than the umlauts and `ß`, for the `fold` table.
    letters: BTreeSet<char>,
}

impl Analysis {
    /// Reads the title and the body once, the body sentence by sentence, so that the
    /// words of each sentence are known for the excerpt without folding it again.
    fn of(doc: &SearchDoc) -> Analysis {
        let mut reading = Reading {
            in_title: true,
            ..Reading::default()
        };
        scan(doc.title, &mut reading);
        reading.in_title = false;
        reading.vocabulary.next_piece();
        scan(doc.text, &mut reading);
        let Reading {
            vocabulary,
            letters,
            pieces,
            piece_words,
            ..
        } = reading;
        let excerpt = choose_excerpt(&pieces, piece_words, vocabulary.hits.len());
        Analysis {
            hits: vocabulary
                .ids
                .into_iter()
                .filter_map(|(word, id)| {
                    let (title, count) = vocabulary.hits[id];
                    // Fragments of a word cut at a piece's end are not words of the text.
                    (title || count > 0).then_some((word, title, count))
                })
                .collect(),
            excerpt,
            letters,
        }
    }
}

/// What [`Analysis::of`] gathers while it reads one document.
#[derive(Default)]
struct Reading<'a> {
    vocabulary: Vocabulary,
    letters: BTreeSet<char>,
    in_title: bool,
    /// The excerpt's candidates and the words (of 3+ letters) of each.
    pieces: Vec<Piece<'a>>,
    piece_words: Vec<Vec<usize>>,
    /// Words of the sentence being read.
    ids: Vec<usize>,
}

impl<'a> Reader<'a> for Reading<'a> {
    fn word(&mut self, word: &str) {
        let id = self.vocabulary.id(word);
        let hit = &mut self.vocabulary.hits[id];
        if self.in_title {
            hit.0 = true;
            return;
        }
        hit.1 = hit.1.saturating_add(1);
        if word.len() >= EXCERPT_MIN_WORD && self.vocabulary.first_in_piece(id) {
            self.ids.push(id);
        }
    }

    fn letter(&mut self, letter: char) {
        self.letters
            .extend(letter.to_lowercase().filter(|l| !l.is_ascii()));
    }

    fn sentence(&mut self, sentence: &'a str, len: usize) {
        let ids = std::mem::take(&mut self.ids);
        self.vocabulary.next_piece();
        if self.in_title || len == 0 {
            return;
        }
        if len <= MAX_PIECE {
            self.pieces.push(Piece::Whole(sentence, len));
            self.piece_words.push(ids);
            return;
        }
        // Too long for one piece: cut it, and find the words of each part.
        let mut parts = Vec::new();
        split_piece(sentence, &mut parts);
        for part in parts {
            let mut ids = Vec::new();
            fold_words(&part, |word| {
                if word.len() >= EXCERPT_MIN_WORD {
                    let id = self.vocabulary.id(word);
                    if self.vocabulary.first_in_piece(id) {
                        ids.push(id);
                    }
                }
            });
            self.vocabulary.next_piece();
            self.pieces.push(Piece::Cut(part));
            self.piece_words.push(ids);
        }
    }
}

/// One piece of a body the excerpt may take: a whole sentence as it stands in the body
/// (with its length once white space is collapsed), or a part of a long one.
enum Piece<'a> {
    Whole(&'a str, usize),
    Cut(String),
}

impl Piece<'_> {
    /// Length in bytes once written.
    fn len(&self) -> usize {
        match self {
            Piece::Whole(_, len) => *len,
            Piece::Cut(text) => text.len(),
        }
    }

    /// Appends the piece, white space collapsed.
    fn write(&self, out: &mut String) {
        match self {
            Piece::Whole(sentence, _) => {
                for (i, word) in sentence.split_whitespace().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
            Piece::Cut(text) => out.push_str(text),
        }
    }
}

/// Shortest folded word the excerpt counts as covered; shorter ones are mostly
/// articles and prepositions.
const EXCERPT_MIN_WORD: usize = 3;

/// The distinct folded words of one document (cut to [`MAX_TERM_LEN`]), numbered in
/// order of appearance, with whether each is in the title and how often in the body.
struct Vocabulary {
    ids: FxHashMap<String, usize>,
    hits: Vec<(bool, u32)>,
    /// Per word, the last piece it was noted in (0: none yet).
    noted: Vec<usize>,
    /// The piece being read, counted from 1.
    piece: usize,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            // A page has some hundreds of distinct words; growing from small is wasted.
            ids: FxHashMap::with_capacity_and_hasher(512, Default::default()),
            hits: Vec::new(),
            noted: Vec::new(),
            piece: 0,
        }
    }
}

impl Vocabulary {
    fn id(&mut self, word: &str) -> usize {
        let word = cut_term(word);
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.hits.len();
        self.ids.insert(word.to_owned(), id);
        self.hits.push((false, 0));
        self.noted.push(0);
        id
    }

    /// Starts reading the next piece.
    fn next_piece(&mut self) {
        self.piece += 1;
    }

    /// Whether word `id` is met for the first time in the piece being read; each
    /// piece lists a word once.
    fn first_in_piece(&mut self, id: usize) -> bool {
        let first = self.noted[id] != self.piece;
        self.noted[id] = self.piece;
        first
    }
}

/// The serialized shape of `window.BUYIN_SEARCH`; field order is output order.
#[derive(Serialize)]
struct IndexFile<'a> {
    v: u32,
    maxlen: usize,
    fold: BTreeMap<String, String>,
    docs: Vec<(&'a str, &'a str, &'a str, &'a str)>,
    terms: String,
    postings: String,
}

/// Where one folded word occurs in one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    doc: u32,
    title: bool,
    count: u32,
}

/// The inverted index before encoding: folded words, sorted, each with its postings
/// in document order.
struct Index {
    terms: Vec<(String, Vec<Posting>)>,
}

impl Index {
    fn build(analyses: &[Arc<Analysis>]) -> Self {
        let mut terms: FxHashMap<&str, Vec<Posting>> = FxHashMap::default();
        for (id, analysis) in analyses.iter().enumerate() {
            // Document ids are positions in `docs`; more than u32::MAX pages is not a site.
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for (word, title, count) in &analysis.hits {
                let posting = Posting {
                    doc: id,
                    title: *title,
                    count: *count,
                };
                terms.entry(word).or_default().push(posting);
            }
        }
        let mut terms: Vec<(String, Vec<Posting>)> = terms
            .into_iter()
            .map(|(word, postings)| (word.to_owned(), postings))
            .collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Index { terms }
    }

    /// Front-coded, sorted term list (see the module doc).
    fn encode_terms(&self) -> String {
        let mut out = String::new();
        let mut previous = "";
        for (term, _) in &self.terms {
            let shared = common_prefix_len(previous, term).min(25);
            // `shared` <= 25, so the letter stays within A..Z.
            out.push(char::from(b'A' + shared as u8));
            out.push_str(&term[shared..]);
            previous = term;
        }
        out
    }

    /// Comma-separated, base-32 delta-coded posting lists (see the module doc).
    fn encode_postings(&self) -> String {
        let mut out = String::new();
        for (i, (_, postings)) in self.terms.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut previous = 0;
            for posting in postings {
                let value = u64::from(posting.doc - previous) * 32
                    + if posting.title { 16 } else { 0 }
                    + u64::from(posting.count.min(MAX_COUNT));
                push_base32(value, &mut out);
                previous = posting.doc;
            }
        }
        out
    }
}

/// Appends `value` in the two-alphabet base-32 form of the `postings` field.
fn push_base32(value: u64, out: &mut String) {
    let mut digits = [0u8; 13];
    let mut len = 0;
    let mut rest = value;
    loop {
        digits[len] = (rest % 32) as u8;
        len += 1;
        rest /= 32;
        if rest == 0 {
            break;
        }
    }
    for (i, &digit) in digits[..len].iter().enumerate().rev() {
        let alphabet = if i == 0 { DIGITS_LAST } else { DIGITS_MORE };
        out.push(char::from(alphabet[usize::from(digit)]));
    }
}

/// Appends what one character folds to, separators as spaces (the `fold` table's
/// values have the same form).
fn fold_char(c: char, out: &mut String) {
    match c {
        'ä' | 'Ä' => out.push_str("ae"),
        'ö' | 'Ö' => out.push_str("oe"),
        'ü' | 'Ü' => out.push_str("ue"),
        'ß' | 'ẞ' => out.push_str("ss"),
        c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
        c if c.is_alphanumeric() => match deunicode::deunicode_char(c) {
            Some(ascii) => {
                for a in ascii.chars() {
                    out.push(if a.is_ascii_alphanumeric() {
                        a.to_ascii_lowercase()
                    } else {
                        ' '
                    });
                }
            }
            None => out.push(' '),
        },
        _ => out.push(' '),
    }
}

/// Combining marks of the blocks Latin, Greek and Cyrillic text uses. Enough to keep
/// decomposed accents inside their word without a Unicode table.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// The `fold` table for the browser: every lowercase non-ASCII letter in the
/// documents that is not an umlaut or `ß` (those the browser maps itself).
fn fold_table(analyses: &[Arc<Analysis>]) -> BTreeMap<String, String> {
    let letters: BTreeSet<char> = analyses
        .iter()
        .flat_map(|analysis| analysis.letters.iter().copied())
        .collect();
    letters
        .into_iter()
        .filter(|c| !matches!(c, 'ä' | 'ö' | 'ü' | 'ß'))
        .map(|c| {
            let mut folded = String::new();
            fold_char(c, &mut folded);
            (c.to_string(), folded)
        })
        .collect()
}

/// Snippet source for one body from its sentence pieces and the word ids of each: the
/// first piece, then greedily the pieces that add the most uncovered words per byte,
/// within [`EXCERPT_BUDGET`] bytes, in document order.
fn choose_excerpt(pieces: &[Piece], piece_words: Vec<Vec<usize>>, words: usize) -> String {
    if pieces.iter().map(|p| p.len() + 1).sum::<usize>() <= EXCERPT_BUDGET {
        let mut out = String::new();
        for piece in pieces {
            if !out.is_empty() {
                out.push(' ');
            }
            piece.write(&mut out);
        }
        return out;
    }
    let mut covered = vec![false; words];
    let gain = |covered: &[bool], i: usize| piece_words[i].iter().filter(|&&w| !covered[w]).count();
    let mut chosen = vec![false; pieces.len()];
    // The lead is always kept: it introduces the page, and title-only hits show it.
    chosen[0] = true;
    let mut used = pieces[0].len();
    for &w in &piece_words[0] {
        covered[w] = true;
    }
    // Lazy greedy: a piece's gain only shrinks as words get covered, so a stale gain
    // is an upper bound and only the top of the heap needs recounting. This picks
    // exactly what recounting every piece each round would, in far less time.
    let mut heap: BinaryHeap<Candidate> = (1..pieces.len())
        .map(|index| Candidate {
            gain: gain(&covered, index),
            // A piece costs its length plus a joint (" … " at most, 5 bytes).
            cost: pieces[index].len() + 5,
            index,
        })
        .filter(|c| c.gain > 0)
        .collect();
    while let Some(top) = heap.pop() {
        if used + top.cost > EXCERPT_BUDGET {
            continue; // `used` only grows: it will never fit
        }
        let fresh = Candidate {
            gain: gain(&covered, top.index),
            ..top
        };
        if fresh.gain == 0 {
            continue;
        }
        if fresh.gain < top.gain && heap.peek().is_some_and(|next| *next > fresh) {
            heap.push(fresh);
            continue;
        }
        chosen[fresh.index] = true;
        used += fresh.cost;
        for &w in &piece_words[fresh.index] {
            covered[w] = true;
        }
    }
    let mut out = String::with_capacity(used);
    let mut last = None;
    for (i, piece) in pieces.iter().enumerate().filter(|&(i, _)| chosen[i]) {
        match last {
            None => {}
            Some(l) if l + 1 == i => out.push(' '),
            Some(_) => out.push_str(" … "),
        }
        piece.write(&mut out);
        last = Some(i);
    }
    out
}

/// A sentence the excerpt may take, ordered by new words per byte, so one long
/// sentence cannot eat the budget that several short ones would spend on more words;
/// of equal ones the earlier sentence wins, which keeps the excerpt deterministic.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    gain: usize,
    cost: usize,
    index: usize,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.gain * other.cost)
            .cmp(&(other.gain * self.cost))
            .then(other.index.cmp(&self.index))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// Splits a body into sentences with collapsed white space, each at most
/// [`MAX_PIECE`] bytes.
#[cfg(test)]
fn sentences(text: &str) -> Vec<String> {
    struct Pieces(Vec<String>);
    impl Reader<'_> for Pieces {
        fn word(&mut self, _word: &str) {}
        fn sentence(&mut self, sentence: &str, _len: usize) {
            split_piece(sentence, &mut self.0);
        }
    }
    let mut pieces = Pieces(Vec::new());
    scan(text, &mut pieces);
    pieces.0
}

/// Collapses white space in one sentence and appends it, in pieces of at most
/// [`MAX_PIECE`] bytes cut at spaces.
fn split_piece(sentence: &str, pieces: &mut Vec<String>) {
    let mut piece = String::new();
    for word in sentence.split_whitespace() {
        let word = cut_at_char(word, MAX_PIECE);
        if !piece.is_empty() && piece.len() + 1 + word.len() > MAX_PIECE {
            pieces.push(std::mem::take(&mut piece));
        }
        if !piece.is_empty() {
            piece.push(' ');
        }
        piece.push_str(word);
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn cut_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A folded word cut to [`MAX_TERM_LEN`] (folded words are ASCII).
fn cut_term(word: &str) -> &str {
    cut_at_char(word, MAX_TERM_LEN)
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// JSON with every non-ASCII character written as `\uXXXX` escapes. Such characters
/// occur only inside JSON strings, where the escape means the same.
fn ascii_only(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(url: &'a str, title: &'a str, kind: &'a str, text: &'a str) -> SearchDoc<'a> {
        SearchDoc {
            url,
            title,
            kind,
            text,
        }
    }

    fn corpus() -> Vec<SearchDoc<'static>> {
        vec![
            doc(
                "argumente/datenschutz/",
                "Der Datenschutz verbietet Facebook",
                "argument",
                "Wer die Regeln des Datenschutzes kennt, plant Maßnahmen früh. \
                 Die Geschaeftsfuehrung will Klarheit.",
            ),
            doc(
                "praxis/stadtwerke/",
                "Stadtwerke mit Kundenservice auf Instagram",
                "case",
                "Die Stadtwerke antworten binnen einer Stunde. Der Datenschutz \
                 war früh eingebunden, ebenso der Betriebsrat.",
            ),
            doc(
                "vortraege/it/",
                "Social Media für die IT-Abteilung",
                "deck",
                "Massnahmen gegen Phishing: Schulung, Freigaben, ein Notfallplan. \
                 Datenschutz Datenschutz Datenschutz.",
            ),
            doc("index/", "Startseite", "page", "Willkommen. Café und Ærø."),
        ]
    }

    #[test]
    fn a_cached_index_equals_a_fresh_one_after_edits() {
        let mut cache = SearchCache::default();
        let mut docs = corpus();
        assert_eq!(render_index_cached(&docs, &mut cache), render_index(&docs));
        // One text edited, one page gone, one added at the front: ids shift.
        docs[1].text = "Die Stadtwerke antworten nun sofort, auch nachts. Überraschung!";
        docs.remove(2);
        docs.insert(
            0,
            doc("neu/", "Ganz neu", "page", "Zuständigkeit für Ølbryggeri."),
        );
        let cached = render_index_cached(&docs, &mut cache);
        assert_eq!(cached, render_index(&docs));
        assert!(cached.contains("nachts") && !cached.contains("phishing"));
        assert_eq!(
            cache.analyses.len(),
            docs.len(),
            "pages that went away are dropped"
        );
    }

    /// The decoded index, as `search.js` sees it.
    struct Decoded {
        docs: Vec<(String, String, String, String)>,
        terms: Vec<String>,
        postings: Vec<Vec<Posting>>,
    }

    fn decode(js: &str) -> Decoded {
        let json = js
            .strip_prefix("window.BUYIN_SEARCH=")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("index has the window.BUYIN_SEARCH= wrapper");
        let value: serde_json::Value = serde_json::from_str(json).expect("index is JSON");
        let docs = serde_json::from_value(value["docs"].clone()).expect("docs are 4-tuples");
        let mut terms: Vec<String> = Vec::new();
        let coded = value["terms"].as_str().expect("terms is a string");
        for c in coded.chars() {
            if c.is_ascii_uppercase() {
                let shared = usize::from(c as u8 - b'A');
                let previous = terms.last().map_or("", String::as_str);
                terms.push(previous[..shared].to_owned());
            } else {
                terms
                    .last_mut()
                    .expect("entry starts with a letter")
                    .push(c);
            }
        }
        let postings = value["postings"]
            .as_str()
            .expect("postings is a string")
            .split(',')
            .map(|list| {
                let mut out = Vec::new();
                let (mut doc, mut number) = (0u64, 0u64);
                for b in list.bytes() {
                    if let Some(d) = DIGITS_MORE.iter().position(|&x| x == b) {
                        number = number * 32 + d as u64;
                    } else {
                        let d = DIGITS_LAST.iter().position(|&x| x == b).expect("digit");
                        number = number * 32 + d as u64;
                        doc += number / 32;
                        out.push(Posting {
                            doc: doc as u32,
                            title: number & 16 != 0,
                            count: (number & 15) as u32,
                        });
                        number = 0;
                    }
                }
                out
            })
            .collect();
        Decoded {
            docs,
            terms,
            postings,
        }
    }

    /// Reference search with the browser's rules: every query word is a prefix of some
    /// indexed word of the document; rank by query words hit in the title, then by body
    /// hits, then by document order. Returns URLs.
    fn search(index: &Decoded, query: &str) -> Vec<String> {
        let folded = fold(query);
        let mut found: Option<BTreeMap<u32, (u32, u32)>> = None;
        for word in words(&folded) {
            let word = cut_term(word);
            let start = index.terms.partition_point(|t| t.as_str() < word);
            let mut hits: BTreeMap<u32, (bool, u32)> = BTreeMap::new();
            for t in start..index.terms.len() {
                if !index.terms[t].starts_with(word) {
                    break;
                }
                for p in &index.postings[t] {
                    let hit = hits.entry(p.doc).or_default();
                    hit.0 |= p.title;
                    hit.1 += p.count;
                }
            }
            found = Some(match found {
                None => hits
                    .into_iter()
                    .map(|(d, (t, c))| (d, (u32::from(t), c)))
                    .collect(),
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(d, (t, c))| {
                        hits.get(&d)
                            .map(|&(t2, c2)| (d, (t + u32::from(t2), c + c2)))
                    })
                    .collect(),
            });
        }
        let mut ranked: Vec<(u32, (u32, u32))> = found.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .map(|(d, _)| index.docs[d as usize].0.clone())
            .collect()
    }

    #[test]
    fn fold_spells_out_umlauts_and_sharp_s() {
        assert_eq!(fold("Geschäftsführung"), "geschaeftsfuehrung");
        assert_eq!(fold("Maßnahmen"), "massnahmen");
        assert_eq!(fold("ÄRGER ÖL ÜBER GROẞ"), "aerger oel ueber gross");
        assert_eq!(fold("Öffentlichkeit"), "oeffentlichkeit");
    }

    #[test]
    fn fold_transliterates_other_letters() {
        assert_eq!(fold("Café résumé"), "cafe resume");
        assert_eq!(fold("Ærø Łódź"), "aero lodz");
        assert_eq!(fold("Москва"), "moskva");
    }

    #[test]
    fn fold_treats_decomposed_umlauts_like_composed_ones() {
        assert_eq!(fold("Gescha\u{308}ftsfu\u{308}hrung"), "geschaeftsfuehrung");
        assert_eq!(fold("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn fold_separates_words_at_everything_else() {
        assert_eq!(
            fold("IT-Abteilung, Social-Media!"),
            "it abteilung social media"
        );
        assert_eq!(fold("  „Wer?“ — 24/7 …  "), "wer 24 7");
        assert_eq!(fold("What's new?"), "what s new");
        assert_eq!(fold("😀 !!"), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn words_splits_folded_text() {
        let folded = fold("Der Datenschutz, die IT.");
        assert_eq!(
            words(&folded).collect::<Vec<_>>(),
            ["der", "datenschutz", "die", "it"]
        );
        assert_eq!(words("").count(), 0);
        assert_eq!(words("  a  b ").collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn base32_numbers_use_two_alphabets() {
        let mut out = String::new();
        push_base32(0, &mut out);
        push_base32(31, &mut out);
        push_base32(32, &mut out);
        push_base32(32 * 32 + 5, &mut out);
        assert_eq!(out, "0vx0xw5");
    }

    #[test]
    fn index_is_deterministic_and_ascii() {
        let docs = corpus();
        let first = render_index(&docs);
        assert_eq!(first, render_index(&docs));
        assert!(first.is_ascii());
        assert!(first.starts_with("window.BUYIN_SEARCH={\"v\":1,"));
    }

    #[test]
    fn index_holds_docs_terms_and_postings() {
        let index = decode(&render_index(&corpus()));
        assert_eq!(index.docs.len(), 4);
        assert_eq!(index.docs[1].0, "praxis/stadtwerke/");
        assert_eq!(
            index.docs[1].1,
            "Stadtwerke mit Kundenservice auf Instagram"
        );
        assert_eq!(index.docs[1].2, "case");
        assert!(
            index.docs[0]
                .3
                .starts_with("Wer die Regeln des Datenschutzes")
        );

        let mut sorted = index.terms.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(index.terms, sorted, "terms are sorted and unique");
        assert_eq!(index.terms.len(), index.postings.len());

        let at = |term: &str| {
            let i = index.terms.iter().position(|t| t == term).expect(term);
            index.postings[i].clone()
        };
        assert_eq!(
            at("datenschutz"),
            [
                Posting {
                    doc: 0,
                    title: true,
                    count: 0
                },
                Posting {
                    doc: 1,
                    title: false,
                    count: 1
                },
                Posting {
                    doc: 2,
                    title: false,
                    count: 3
                },
            ]
        );
        assert_eq!(
            at("datenschutzes"),
            [Posting {
                doc: 0,
                title: false,
                count: 1
            }]
        );
        assert_eq!(
            at("massnahmen").len(),
            2,
            "Maßnahmen and Massnahmen fold together"
        );
        assert!(index.terms.contains(&"geschaeftsfuehrung".to_owned()));
    }

    #[test]
    fn index_carries_the_fold_table_for_the_browser() {
        let js = render_index(&corpus());
        // "é" -> "e", "æ" -> "ae", "ø" -> "o"; umlauts and ß are not in the table.
        assert!(js.contains(r#""\u00e6":"ae""#), "{js}");
        assert!(js.contains(r#""\u00e9":"e""#));
        assert!(js.contains(r#""\u00f8":"o""#));
        assert!(!js.contains(r#""\u00e4":"#));
        assert!(!js.contains(r#""\u00df":"#));
    }

    #[test]
    fn search_matches_prefixes_across_spellings() {
        let index = decode(&render_index(&corpus()));
        // Title hit first, then by body hits.
        assert_eq!(
            search(&index, "Datenschutz"),
            [
                "argumente/datenschutz/",
                "vortraege/it/",
                "praxis/stadtwerke/"
            ]
        );
        assert_eq!(
            search(&index, "massnahmen"),
            ["argumente/datenschutz/", "vortraege/it/"]
        );
        assert_eq!(
            search(&index, "Maßnahmen"),
            ["argumente/datenschutz/", "vortraege/it/"]
        );
        assert_eq!(
            search(&index, "Geschäftsführung"),
            ["argumente/datenschutz/"]
        );
        assert_eq!(search(&index, "cafe"), ["index/"]);
    }

    #[test]
    fn search_ands_query_words() {
        let index = decode(&render_index(&corpus()));
        assert_eq!(
            search(&index, "datenschutz betriebsrat"),
            ["praxis/stadtwerke/"]
        );
        assert_eq!(
            search(&index, "datensch früh"),
            ["argumente/datenschutz/", "praxis/stadtwerke/"]
        );
        assert!(search(&index, "datenschutz blockchain").is_empty());
    }

    #[test]
    fn long_words_are_cut_and_still_match() {
        let long = "Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz";
        let docs = [doc("a/", "A", "page", long)];
        let index = decode(&render_index(&docs));
        assert!(index.terms.iter().all(|t| t.len() <= MAX_TERM_LEN));
        assert_eq!(search(&index, long), ["a/"]);
        assert_eq!(search(&index, "rindfleisch"), ["a/"]);
    }

    fn excerpt(text: &str) -> String {
        Analysis::of(&doc("a/", "Titel", "page", text)).excerpt
    }

    #[test]
    fn excerpt_keeps_short_bodies_whole() {
        assert_eq!(excerpt("Eins.  Zwei\n\nDrei!"), "Eins. Zwei Drei!");
        assert_eq!(excerpt(""), "");
    }

    #[test]
    fn excerpt_stays_within_budget_and_starts_with_the_lead() {
        let mut body = String::from("Der erste Satz bleibt immer vorne. ");
        for i in 0..200 {
            // Every 25th sentence brings words no other sentence has.
            if i % 25 == 0 {
                let _ = write!(body, "Seltenes Wort{i} Nummer{i} Begriff{i} steht hier. ");
            } else {
                body.push_str("Das gleiche Füllwort wiederholt sich ständig. ");
            }
        }
        let text = excerpt(&body);
        assert!(text.len() <= EXCERPT_BUDGET, "{} bytes", text.len());
        assert!(text.starts_with("Der erste Satz bleibt immer vorne."));
        assert!(
            text.contains("Wort175"),
            "late sentences with new words are kept"
        );
        assert!(text.contains(" … "));
    }

    #[test]
    fn sentences_end_at_line_breaks_and_at_marks_followed_by_white_space() {
        assert_eq!(
            sentences("Erstens. Zweitens!\nDrittens…\u{a0}Viertens? z.B.ohne Ende"),
            [
                "Erstens.",
                "Zweitens!",
                "Drittens…",
                "Viertens?",
                "z.B.ohne Ende"
            ]
        );
        // White space of any kind collapses to one space; empty sentences vanish.
        assert_eq!(
            sentences("  Eins.\t\u{2028} Zwei \u{a0} drei\n\n\nVier"),
            ["Eins.", "Zwei drei", "Vier"]
        );
        // Words never span a sentence end, and each is counted once.
        let index = decode(&render_index(&[doc("a/", "T", "page", "Plan.\nPlan!")]));
        assert_eq!(search(&index, "plan"), ["a/"]);
        let plan = index.terms.iter().position(|t| t == "plan");
        assert_eq!(
            plan.map(|i| index.postings[i].clone()),
            Some(vec![Posting {
                doc: 0,
                title: false,
                count: 2
            }])
        );
    }

    #[test]
    fn excerpt_splits_overlong_sentences() {
        let body = "wort ".repeat(400);
        let pieces = sentences(&body);
        assert!(pieces.iter().all(|p| p.len() <= MAX_PIECE));
        assert!(excerpt(&body).len() <= EXCERPT_BUDGET);
        let huge = "ä".repeat(5000);
        assert!(excerpt(&huge).len() <= EXCERPT_BUDGET);
    }
}
