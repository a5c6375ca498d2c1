//! Full-text search index, built in the render stage.
//!
//! The renderer reads every searchable page as a [`SearchDoc`] (plain text, HTML
//! already stripped) with [`read`] and hands them to [`render_index_cached`], then
//! writes the resulting files: the manifest
//! `assets/search-index.js` and its shards in `assets/search/`. Each only calls into
//! `window`, so `themes/default/static/search.js` can load them with `<script>` tags,
//! which also works from `file://` where `fetch` is refused. All matching happens in
//! the browser; this module decides what is matchable and keeps what a query loads
//! small.
//!
//! Matching is on folded words ([`fold`]): lowercase, German umlauts and `ß` spelled
//! out (`Maßnahmen` and `Massnahmen` both fold to `massnahmen`), every other letter
//! transliterated to ASCII. A query word matches every indexed word it is a prefix of,
//! so `datenschutz` finds `Datenschutzes`; the later parts of compounds are indexed
//! too, so `schutz` finds `Datenschutz` (ranked below), and the browser forgives one
//! wrong letter in words of five or more.
//!
//! - [`scan`]: reading a text once into folded words, letters and sentences.
//! - [`excerpt`]: which sentences of a body a result snippet can show.
//! - [`index`]: the inverted index; [`encode`]: its files (the format is documented
//!   there); [`live`]: the index `serve` keeps and updates per edit.
//!
//! This file ties them together: one [`Analysis`] per document (in parallel, cached
//! across `serve` rebuilds), then one index of all.

#[cfg(test)]
mod decode;
mod encode;
mod excerpt;
mod index;
mod live;
mod scan;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

#[cfg(test)]
use encode::encode;
pub use encode::{INDEX_PATH, SHARD_DIR};
use excerpt::{EXCERPT_MIN_WORD, MAX_PIECE, Piece, choose_excerpt, cut_at_char, split_piece};
use live::Kept;
use scan::{Reader, fold_words, scan};
pub use scan::{SPELLED_OUT, SPELLED_OUT_MARKER, fold, spelled_out, spelled_out_js, words};

/// One searchable document.
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'a> {
    /// Root-relative URL of the page, e.g. `argumente/kontrolle/`.
    pub url: &'a str,
    /// The page title; its words rank above words of the body.
    pub title: &'a str,
    /// The content kind: `page`, `argument`, `case`, `deck`, `stage` or `term`.
    pub kind: &'a str,
    /// What the result shows beside the kind, e.g. the taxonomy of a term page, so that
    /// two terms of one name in two taxonomies read apart; empty for none.
    pub label: &'a str,
    /// Plain text of the body, already stripped of HTML.
    pub text: &'a str,
    /// Text that finds the page but never shows in a result (a deck's speaker notes).
    pub hidden: &'a str,
}

/// Longest indexed word in bytes. Longer words (URLs, hashes, long compounds) are cut,
/// so they cost little and still match by prefix.
const MAX_TERM_LEN: usize = 40;

/// The index files (path, JavaScript source): the manifest [`INDEX_PATH`], then its
/// shards, in the format described in [`encode`]. Deterministic (same input, same bytes).
/// The tests' reference for [`render_index_cached`], which the renderer calls.
#[cfg(test)]
pub fn render_index(docs: &[SearchDoc]) -> Vec<(String, String)> {
    let analyses: Vec<Arc<Analysis>> = docs
        .par_iter()
        .map(|doc| Arc::new(Analysis::of(doc)))
        .collect();
    encode(docs, &analyses)
}

/// The index files (path, JavaScript source): the manifest [`INDEX_PATH`], then its
/// shards, in the format described in [`encode`]; deterministic. Texts are read only
/// where needed: `keys[i]` names what document `i`'s texts depend on (equal keys,
/// equal texts), `cache` holds what was found in documents of known keys, and
/// `texts(i)` gives the body and hidden text of a document it does not hold. `serve`
/// keeps the cache across edits, so an edit reads one page again, not every page, and
/// updates the index it made last (see [`live`]); the cache keeps the documents of
/// this call. Once the output holds the files of the last call, the document shards
/// that stay as they were are left out (see [`SearchCache::new_output`]).
pub fn render_index_cached<'t>(
    docs: &[SearchDoc],
    keys: &[u64],
    cache: &mut SearchCache,
    texts: &(dyn Fn(usize) -> (Cow<'t, str>, Cow<'t, str>) + Sync),
) -> Vec<(String, String)> {
    let analyses: Vec<Arc<Analysis>> = docs
        .par_iter()
        .zip(keys)
        .enumerate()
        .map(|(i, (doc, key))| match cache.analyses.get(key) {
            Some(known) => Arc::clone(known),
            None => {
                let (text, hidden) = texts(i);
                Arc::new(Analysis::of(&SearchDoc {
                    text: &text,
                    hidden: &hidden,
                    ..*doc
                }))
            }
        })
        .collect();
    let previous = std::mem::replace(
        &mut cache.analyses,
        keys.iter().copied().zip(analyses.iter().cloned()).collect(),
    );
    let every_file = !cache.written;
    cache.written = true;
    let updated = cache
        .kept
        .as_mut()
        .and_then(|kept| kept.update(docs, keys, &analyses, &previous, every_file));
    let files = match updated {
        Some(files) => files,
        None => {
            let (kept, files) = Kept::build(docs, keys, &analyses);
            cache.kept = Some(kept);
            files
        }
    };
    cache.shards = encode::shard_paths(&files, docs.len());
    files
}

/// What the index took from documents before, by the key of their texts, and the
/// index it made last.
#[derive(Default)]
pub struct SearchCache {
    analyses: HashMap<u64, Arc<Analysis>>,
    kept: Option<Kept>,
    /// The output the index goes to holds the files it made last: a call may leave
    /// out the document shards that stay as they were.
    written: bool,
    /// The path of every shard of the last call's index, made or left out.
    shards: Vec<String>,
}

impl SearchCache {
    /// The path of every shard of the index made last (in [`SHARD_DIR`]), the ones
    /// left out as they were included.
    pub fn shard_paths(&self) -> &[String] {
        &self.shards
    }

    /// The next index goes to a new output (the whole pipeline runs): all its files
    /// are made.
    pub fn new_output(&mut self) {
        self.written = false;
    }
}

/// A document as the index reads it, taken ahead of [`render_index_cached`] (see
/// [`read`]).
pub struct Read(Arc<Analysis>);

/// Reads a document now, so that its texts can go before the index is made: a build
/// reads each page as soon as its Markdown is rendered, and [`render_index_cached`]
/// then finds it by its key in the cache it was put in ([`SearchCache::extend`]).
pub fn read(doc: &SearchDoc) -> Read {
    Read(Arc::new(Analysis::of(doc)))
}

impl Extend<(u64, Read)> for SearchCache {
    fn extend<I: IntoIterator<Item = (u64, Read)>>(&mut self, read: I) {
        self.analyses.extend(
            read.into_iter()
                .map(|(key, Read(analysis))| (key, analysis)),
        );
    }
}

/// What the index needs of one document; it depends on its title and texts only.
struct Analysis {
    /// Folded words (cut to [`MAX_TERM_LEN`]), each followed by a space: one string
    /// for all, as a large site holds the words of every page until the index is made.
    words: String,
    /// Per word of `words`, in order: whether it is in the title, how often in the body.
    hits: Vec<(bool, u32)>,
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
        reading.hidden = true;
        reading.vocabulary.next_piece();
        scan(doc.hidden, &mut reading);
        let Reading {
            vocabulary,
            letters,
            pieces,
            piece_words,
            ..
        } = reading;
        let excerpt = choose_excerpt(&pieces, piece_words, vocabulary.hits.len());
        let mut words = String::new();
        let mut hits = Vec::new();
        for (word, id) in vocabulary.ids {
            let (title, count) = vocabulary.hits[id];
            // Fragments of a word cut at a piece's end are not words of the text.
            if title || count > 0 {
                words.push_str(&word);
                words.push(' ');
                hits.push((title, count));
            }
        }
        words.shrink_to_fit();
        hits.shrink_to_fit();
        Analysis {
            words,
            hits,
            excerpt,
            letters,
        }
    }

    /// Each word with whether it is in the title and how often in the body.
    fn hits(&self) -> impl Iterator<Item = (&str, bool, u32)> {
        self.words
            .split_terminator(' ')
            .zip(&self.hits)
            .map(|(word, &(title, count))| (word, title, count))
    }
}

/// What [`Analysis::of`] gathers while it reads one document.
#[derive(Default)]
struct Reading<'a> {
    vocabulary: Vocabulary,
    letters: BTreeSet<char>,
    in_title: bool,
    /// Reading [`SearchDoc::hidden`]: its words count, its sentences are never shown.
    hidden: bool,
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
        if !self.hidden && word.len() >= EXCERPT_MIN_WORD && self.vocabulary.first_in_piece(id) {
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
        if self.in_title || self.hidden || len == 0 {
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

/// A folded word cut to [`MAX_TERM_LEN`] (folded words are ASCII).
fn cut_term(word: &str) -> &str {
    cut_at_char(word, MAX_TERM_LEN)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    pub(super) fn doc<'a>(
        url: &'a str,
        title: &'a str,
        kind: &'a str,
        text: &'a str,
    ) -> SearchDoc<'a> {
        SearchDoc {
            url,
            title,
            kind,
            label: "",
            text,
            hidden: "",
        }
    }

    pub(super) fn corpus() -> Vec<SearchDoc<'static>> {
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

    /// [`render_index_cached`] with the documents' texts as their keys.
    fn cached(docs: &[SearchDoc], cache: &mut SearchCache) -> Vec<(String, String)> {
        use std::hash::{Hash, Hasher};
        let keys: Vec<u64> = docs
            .iter()
            .map(|doc| {
                let mut hasher = std::hash::DefaultHasher::new();
                (doc.title, doc.text, doc.hidden).hash(&mut hasher);
                hasher.finish()
            })
            .collect();
        let heads: Vec<SearchDoc> = docs
            .iter()
            .map(|doc| SearchDoc {
                text: "",
                hidden: "",
                ..*doc
            })
            .collect();
        let texts = |i: usize| (Cow::Borrowed(docs[i].text), Cow::Borrowed(docs[i].hidden));
        render_index_cached(&heads, &keys, cache, &texts)
    }

    #[test]
    fn a_cached_index_equals_a_fresh_one_after_edits() {
        let mut cache = SearchCache::default();
        let mut docs = corpus();
        assert_eq!(cached(&docs, &mut cache), render_index(&docs));
        // One text edited, one page gone, one added at the front: ids shift.
        docs[1].text = "Die Stadtwerke antworten nun sofort, auch nachts. Überraschung!";
        docs.remove(2);
        docs.insert(
            0,
            doc("neu/", "Ganz neu", "page", "Zuständigkeit für Ølbryggeri."),
        );
        let cached = cached(&docs, &mut cache);
        assert_eq!(cached, render_index(&docs));
        let all: String = cached.iter().map(|(_, text)| text.as_str()).collect();
        assert!(all.contains("nachts") && !all.contains("phishing"));
        assert_eq!(
            cache.analyses.len(),
            docs.len(),
            "pages that went away are dropped"
        );
    }

    /// A tiny random generator, so that the edits below are the same on every run.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// Words that head and end each other (`daten|schutz`, `sicherheit|s|luecke`),
    /// words with letters the fold table lists, and numbered words that come and go.
    fn random_text(dice: &mut Dice, round: usize) -> String {
        const WORDS: &[&str] = &[
            "daten",
            "schutz",
            "datenschutz",
            "datenschutzes",
            "sicherheit",
            "luecke",
            "sicherheitsluecke",
            "unternehmenskultur",
            "kultur",
            "betriebsrat",
            "rat",
            "Café",
            "Ærø",
            "Zuständigkeit",
            "Maßnahmen",
            "netzwerk",
            "netz",
            "werk",
        ];
        let mut words = Vec::new();
        for _ in 0..(5 + dice.below(60)) {
            let word = match dice.below(6) {
                0 | 1 => format!("wort{}", dice.below(9000)),
                2 => format!("neu{round}wort{}", dice.below(5)),
                // Rare words, alone and joined (with a linking `s` at times): as they
                // come and go, other words gain and lose compound parts.
                3 if dice.below(4) == 0 => syllable(dice),
                3 => {
                    let link = if dice.below(3) == 0 { "s" } else { "" };
                    format!("{}{link}{}", syllable(dice), syllable(dice))
                }
                _ => WORDS[dice.below(WORDS.len())].to_owned(),
            };
            words.push(word);
        }
        format!("{}.", words.join(" "))
    }

    /// One of 200 made-up syllables of six letters.
    fn syllable(dice: &mut Dice) -> String {
        let heads = ["ber", "kal", "mon", "ros", "tin", "wal", "fer", "dun"];
        let ends = ["gs", "lm", "nt", "rk", "st"];
        let vowel = ["a", "o", "i", "u", "e"][dice.below(5)];
        format!(
            "{}{vowel}{}",
            heads[dice.below(heads.len())],
            ends[dice.below(ends.len())]
        )
    }

    #[test]
    fn an_index_updated_edit_by_edit_equals_a_fresh_one() {
        let mut dice = Dice(7);
        let mut texts: Vec<(String, String, String)> = (0..480)
            .map(|i| {
                let title = format!("Seite {i} {}", random_text(&mut dice, 0));
                (format!("s{i}/"), title, random_text(&mut dice, 0))
            })
            .collect();
        fn docs_of(texts: &[(String, String, String)]) -> Vec<SearchDoc<'_>> {
            texts
                .iter()
                .map(|(url, title, text)| doc(url, title, "page", text))
                .collect()
        }
        let mut cache = SearchCache::default();
        let mut output: BTreeMap<String, String> =
            cached(&docs_of(&texts), &mut cache).into_iter().collect();
        let shards = decode::decode(&render_index(&docs_of(&texts))).shards;
        assert!(shards > 1, "{shards} term shards");
        let mut left_out = 0;
        for round in 1..=40 {
            for _ in 0..=dice.below(3) {
                let d = dice.below(texts.len());
                match dice.below(3) {
                    0 => texts[d].1 = format!("Titel {round} {}", random_text(&mut dice, round)),
                    _ => texts[d].2 = random_text(&mut dice, round),
                }
            }
            let docs = docs_of(&texts);
            let files = cached(&docs, &mut cache);
            left_out += output.len() - files.len();
            output.extend(files);
            let fresh: BTreeMap<String, String> = render_index(&docs).into_iter().collect();
            // Shards a smaller index no longer has stay behind, unreferenced.
            output.retain(|path, _| fresh.contains_key(path));
            assert!(output == fresh, "round {round}: the updated index differs");
        }
        assert!(left_out > 0, "unchanged document shards are left out");
    }
}
