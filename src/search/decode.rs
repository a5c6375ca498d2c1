//! The index read back the way `search.js` reads it, for tests: every shard decoded
//! into one term list, and a reference search with the browser's rules.

use std::collections::BTreeMap;

use super::encode::{DIGITS_LAST, DIGITS_MORE, INDEX_PATH, SHARD_DIR};
use super::index::Posting;
use super::{cut_term, fold, words};

/// The decoded index, as `search.js` sees it, all shards together.
pub(super) struct Decoded {
    pub(super) docs: Vec<(String, String, String, String, String)>,
    pub(super) terms: Vec<String>,
    pub(super) postings: Vec<Vec<Posting>>,
    pub(super) shards: usize,
}

/// The JSON a script of the index hands over, after its `prefix`.
fn json(text: &str, prefix: &str) -> serde_json::Value {
    let json = text
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(");\n").or(rest.strip_suffix(";\n")))
        .unwrap_or_else(|| panic!("{text} starts with {prefix}"));
    serde_json::from_str(json).expect("index files hold JSON")
}

pub(super) fn decode(files: &[(String, String)]) -> Decoded {
    let (path, manifest) = &files[0];
    assert_eq!(path, INDEX_PATH);
    let manifest = json(manifest, "window.BUYIN_SEARCH=");
    assert_eq!(manifest["v"], 2);
    let mut index = Decoded {
        docs: Vec::new(),
        terms: Vec::new(),
        postings: Vec::new(),
        shards: manifest["shards"].as_array().expect("shards").len(),
    };
    for (i, (path, text)) in files[1..].iter().enumerate() {
        if i < index.shards {
            assert_eq!(path, &format!("{SHARD_DIR}t{i}.js"));
            let shard = json(text, &format!("window.BUYIN_SEARCH_SHARD(\"t{i}\","));
            let first = index.terms.len();
            decode_terms(shard["terms"].as_str().expect("terms"), &mut index.terms);
            if index.terms.len() > first {
                assert_eq!(manifest["shards"][i], index.terms[first].as_str());
            }
            let postings = shard["postings"].as_str().expect("postings");
            index
                .postings
                .extend(postings.split(',').map(decode_postings));
        } else {
            let j = i - index.shards;
            assert_eq!(path, &format!("{SHARD_DIR}d{j}.js"));
            let docs = json(text, &format!("window.BUYIN_SEARCH_SHARD(\"d{j}\","));
            let docs: Vec<_> = serde_json::from_value(docs).expect("docs are 5-tuples");
            index.docs.extend(docs);
        }
    }
    assert_eq!(
        index.docs.len(),
        manifest["docs"].as_u64().expect("docs") as usize
    );
    index
}

fn decode_terms(coded: &str, terms: &mut Vec<String>) {
    let mut previous = String::new();
    let mut current: Option<String> = None;
    for c in coded.chars() {
        if c.is_ascii_uppercase() {
            if let Some(done) = current.take() {
                previous.clone_from(&done);
                terms.push(done);
            }
            current = Some(previous[..usize::from(c as u8 - b'A')].to_owned());
        } else {
            current
                .as_mut()
                .expect("entry starts with a letter")
                .push(c);
        }
    }
    terms.extend(current);
}

fn decode_postings(list: &str) -> Vec<Posting> {
    let mut out = Vec::new();
    let (mut doc, mut number) = (0u64, 0u64);
    for b in list.bytes() {
        if let Some(d) = DIGITS_MORE.iter().position(|&x| x == b) {
            number = number * 32 + d as u64;
        } else {
            let d = DIGITS_LAST.iter().position(|&x| x == b).expect("digit");
            number = number * 32 + d as u64;
            doc += number / 64;
            out.push(Posting {
                doc: doc as u32,
                part: number & 32 != 0,
                title: number & 16 != 0,
                count: (number & 15) as u32,
            });
            number = 0;
        }
    }
    out
}

pub(super) fn hit(doc: u32, title: bool, count: u32) -> Posting {
    Posting {
        doc,
        title,
        count,
        part: false,
    }
}

/// Reference search with the browser's rules (typos aside): every query word is a
/// prefix of some indexed term of the document; rank by query words found as words
/// rather than compound parts, then by those hit in the title, then by body hits,
/// then by document order. Returns URLs.
pub(super) fn search(index: &Decoded, query: &str) -> Vec<String> {
    let folded = fold(query);
    let mut found: Option<BTreeMap<u32, (u32, u32, u32)>> = None;
    for word in words(&folded) {
        let word = cut_term(word);
        let start = index.terms.partition_point(|t| t.as_str() < word);
        let mut hits: BTreeMap<u32, (bool, bool, u32)> = BTreeMap::new();
        for t in start..index.terms.len() {
            if !index.terms[t].starts_with(word) {
                break;
            }
            for p in &index.postings[t] {
                let hit = hits.entry(p.doc).or_default();
                hit.0 |= !p.part;
                hit.1 |= p.title;
                hit.2 += p.count;
            }
        }
        let hits = hits
            .into_iter()
            .map(|(d, (w, t, c))| (d, (u32::from(w), u32::from(t), c)));
        found = Some(match found {
            None => hits.collect(),
            Some(prev) => hits
                .filter_map(|(d, (w, t, c))| {
                    prev.get(&d)
                        .map(|&(w0, t0, c0)| (d, (w0 + w, t0 + t, c0 + c)))
                })
                .collect(),
        });
    }
    let mut ranked: Vec<(u32, (u32, u32, u32))> = found.unwrap_or_default().into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .map(|(d, _)| index.docs[d as usize].0.clone())
        .collect()
}
