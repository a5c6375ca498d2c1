//! Snippet sources: which sentences of a body the index keeps so that a result can
//! show text around its hit.
//!
//! A body is cut into pieces (sentences, long ones split at spaces); the excerpt is
//! the first piece, then greedily the pieces that add the most words not yet covered
//! per byte, within [`EXCERPT_BUDGET`] bytes, shown in document order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Bytes of body text kept per document as snippet source.
pub(super) const EXCERPT_BUDGET: usize = 1000;

/// Longest sentence piece kept in an excerpt; longer sentences are split at spaces.
pub(super) const MAX_PIECE: usize = 240;

/// One piece of a body the excerpt may take: a whole sentence as it stands in the body
/// (with its length once white space is collapsed), or a part of a long one.
pub(super) enum Piece<'a> {
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
pub(super) const EXCERPT_MIN_WORD: usize = 3;

/// Snippet source for one body from its sentence pieces and the word ids of each: the
/// first piece, then greedily the pieces that add the most uncovered words per byte,
/// within [`EXCERPT_BUDGET`] bytes, in document order.
pub(super) fn choose_excerpt(
    pieces: &[Piece],
    piece_words: Vec<Vec<usize>>,
    words: usize,
) -> String {
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

/// Collapses white space in one sentence and appends it, in pieces of at most
/// [`MAX_PIECE`] bytes cut at spaces.
pub(super) fn split_piece(sentence: &str, pieces: &mut Vec<String>) {
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
pub(super) fn cut_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Analysis;
    use crate::search::scan::{Reader, scan};
    use crate::search::tests::doc;
    use std::fmt::Write as _;

    /// Splits a body into sentences with collapsed white space, each at most
    /// [`MAX_PIECE`] bytes.
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
