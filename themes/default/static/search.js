/* buyin full-text search.
 *
 * Drives <input id="search-input"> and <div id="search-results">. The index (written by
 * src/search/, format documented in src/search/index.rs) is a small manifest,
 * assets/search-index.js, and shards in assets/search/: term shards cut from the sorted
 * word list, and document shards with titles and snippets. Each is loaded on demand by
 * adding a <script> tag, because browsers refuse fetch() from file:// and the built site
 * must work from disk, a file share or any sub-path; a query reads only the shards its
 * words fall into and those of the results it shows.
 *
 * Query words are folded exactly as Rust folded the text. Each must match a word of a
 * page (AND), in one of three ways, ranked in this order: as a prefix of a word, as the
 * start of a later part of a German compound ("schutz" in "Datenschutz"), or, for words
 * of five or more letters, with one letter wrong, missing, extra or swapped after the
 * first two. Then query words found in the title, then hits in the body.
 *
 * UI strings come from data attributes on the input (data-no-results, data-count with
 * "{n}", data-load-error, data-kind-<kind>), so the theme's language decides them.
 */
(function () {
  "use strict";

  var input = document.getElementById("search-input");
  var box = document.getElementById("search-results");
  if (!input || !box) return;

  var meta = document.querySelector('meta[name="buyin-root"]');
  var ROOT = meta ? meta.getAttribute("content") || "" : "";
  var MAX_RESULTS = 20;
  var SNIPPET_BEFORE = 60;
  var SNIPPET_LENGTH = 180;
  var DEBOUNCE_MS = 10;
  // Shorter query words would match a large part of the index.
  var MIN_WORD = 2;
  // Words this long forgive one typo, after this many letters that must be right
  // (they pick the shards to read).
  var TYPO_MIN = 5;
  var TYPO_KEEP = 2;
  // A compound's later part starts this far into the word at the earliest.
  var MIN_HEAD = 4;
  // Above every term character: the end of a prefix range.
  var AFTER = "{";
  var TIER_PREFIX = 3;
  var TIER_PART = 2;
  var TIER_TYPO = 1;

  // German letters spelled out: generated into this file from buyin's one table.
  var UMLAUTS = /*buyin:spelled-out*/{};
  var DIGITS_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var DIGITS_LAST = "0123456789abcdefghijklmnopqrstuv";
  // Digit value by character code: posting lists are long, and a typed table is read
  // many times faster than an object keyed by one-letter strings.
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < 32; d++) {
    DIGIT[DIGITS_LAST.charCodeAt(d)] = d;
    DIGIT[DIGITS_MORE.charCodeAt(d)] = 32 + d;
  }

  var index = null; // the manifest, see ready()
  var loading = false;
  var shards = {}; // name -> decoded shard
  var pending = {}; // name -> true while its script loads
  var rankedFor = null; // {query, results} of the query whose documents are loading
  var timer = 0;
  var lastQuery = null; // the query whose results are all on screen
  var drawn = { query: null, count: 0 }; // the query on screen and how many results it shows

  // The live region exists before it changes, or screen readers miss the update.
  var status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var list = document.createElement("ul");
  list.className = "search-list";
  list.id = "search-list";
  box.appendChild(status);
  box.appendChild(list);
  input.setAttribute("aria-controls", "search-list");
  input.setAttribute("autocomplete", "off");

  function hasOwn(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  /* Folds text into words the way src/search/scan.rs fold() does: NFC, lowercase,
   * umlauts and ß spelled out, other letters from the index's table (filled by Rust
   * from deunicode), else accents stripped via NFD; everything else separates words. */
  function fold(text) {
    var table = index ? index.fold : {};
    var s = text.normalize("NFC").toLowerCase();
    var out = "";
    for (var ch of s) {
      if (hasOwn(UMLAUTS, ch)) out += UMLAUTS[ch];
      else if (/[a-z0-9]/.test(ch)) out += ch;
      else if (hasOwn(table, ch)) out += table[ch];
      else if (/[\p{L}\p{N}]/u.test(ch)) {
        var bare = ch.normalize("NFD").replace(/\p{M}/gu, "");
        // A letter Rust would transliterate differently matches nothing either way,
        // since the index's table holds every such letter of the site.
        out += /^[a-z0-9]+$/.test(bare) ? bare : ch;
      } else if (/\p{M}/u.test(ch)) {
        // a combining mark left after NFC belongs to its letter
      } else out += " ";
    }
    return out.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // A term shard's front-coded words, its posting lists still encoded.
  function decodeShard(raw) {
    var terms = [];
    var coded = raw.terms;
    var previous = "";
    var i = 0;
    while (i < coded.length) {
      var shared = coded.charCodeAt(i) - 65;
      var j = i + 1;
      while (j < coded.length) {
        var c = coded.charCodeAt(j);
        if (c >= 65 && c <= 90) break;
        j++;
      }
      previous = previous.slice(0, shared) + coded.slice(i + 1, j);
      terms.push(previous);
      i = j;
    }
    return { terms: terms, lists: raw.postings.split(","), postings: new Array(terms.length) };
  }

  // Every shard script calls this with its data.
  window.BUYIN_SEARCH_SHARD = function (name, data) {
    shards[name] = name.charAt(0) === "t" ? decodeShard(data) : data;
  };

  // Flat [doc, part, inTitle, count, ...] for term j of a shard, decoded on first use.
  function postings(shard, j) {
    var cached = shard.postings[j];
    if (cached) return cached;
    var list = shard.lists[j] || "";
    var out = [];
    var doc = 0;
    var n = 0;
    for (var i = 0; i < list.length; i++) {
      var digit = DIGIT[list.charCodeAt(i) & 127];
      n = n * 32 + (digit & 31);
      if (digit < 32) {
        doc += Math.floor(n / 64);
        out.push(doc, n & 32 ? 1 : 0, n & 16 ? 1 : 0, n & 15);
        n = 0;
      }
    }
    shard.postings[j] = out;
    return out;
  }

  function lowerBound(terms, word) {
    var lo = 0;
    var hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (terms[mid] < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Number of the term shard that holds `word`, were it a term.
  function shardOf(word) {
    var first = index.shards;
    var lo = 0;
    var hi = first.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (first[mid] <= word) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  // The shards a range of terms [from, to) lies in.
  function shardsOf(from, to, names) {
    for (var i = shardOf(from); i <= shardOf(to); i++) names.push("t" + i);
  }

  // Calls fn(shard, j) for every term in [from, to), in order.
  function eachTerm(from, to, fn) {
    for (var i = shardOf(from); i <= shardOf(to); i++) {
      var shard = shards["t" + i];
      for (var j = lowerBound(shard.terms, from); j < shard.terms.length; j++) {
        if (shard.terms[j] >= to) break;
        fn(shard, j);
      }
    }
  }

  /* Whether `q` is one edit away from `t` or from a start of it, the edit after the
   * letters they share: a letter wrong, missing, extra, or two swapped. An edit at
   * the query's last letter must reach the end of `t`, or "recht" would find every
   * word that starts with "rech". */
  function typo(q, t) {
    var i = 0;
    while (i < q.length && i < t.length && q.charAt(i) === t.charAt(i)) i++;
    if (i === q.length) return true;
    if (i === t.length) return q.length === t.length + 1;
    var last = i >= q.length - 1;
    function rest(from, at) {
      if (!t.startsWith(q.slice(from), at)) return false;
      return !last || t.length === at + q.length - from;
    }
    return (
      rest(i + 1, i + 1) ||
      rest(i, i + 1) ||
      rest(i + 1, i) ||
      (q.charAt(i) === t.charAt(i + 1) && q.charAt(i + 1) === t.charAt(i) && rest(i + 2, i + 2))
    );
  }

  function canTypo(word) {
    return word.length >= TYPO_MIN;
  }

  function queryWords(query) {
    var words = [];
    fold(query).forEach(function (w) {
      w = w.slice(0, index.maxlen);
      if (w.length >= MIN_WORD && words.indexOf(w) < 0) words.push(w);
    });
    return words;
  }

  function termShards(words) {
    var names = [];
    words.forEach(function (w) {
      shardsOf(w, w + AFTER, names);
      if (canTypo(w)) shardsOf(w.slice(0, TYPO_KEEP), w.slice(0, TYPO_KEEP) + AFTER, names);
    });
    return names;
  }

  // doc -> [tier, in title, body hits] of one query word.
  function matchWord(word) {
    var hits = new Map();
    function add(shard, j, typoTier) {
      var p = postings(shard, j);
      for (var k = 0; k < p.length; k += 4) {
        var tier = typoTier || (p[k + 1] ? TIER_PART : TIER_PREFIX);
        var hit = hits.get(p[k]);
        if (!hit) hits.set(p[k], (hit = [tier, 0, 0]));
        if (tier > hit[0]) hit[0] = tier;
        hit[1] |= p[k + 2];
        hit[2] += p[k + 3];
      }
    }
    eachTerm(word, word + AFTER, function (shard, j) {
      add(shard, j, 0);
    });
    if (canTypo(word)) {
      var head = word.slice(0, TYPO_KEEP);
      eachTerm(head, head + AFTER, function (shard, j) {
        var t = shard.terms[j];
        if (t.lastIndexOf(word, 0) !== 0 && typo(word, t)) add(shard, j, TIER_TYPO);
      });
    }
    return hits;
  }

  function search(words) {
    var found = null; // doc -> [tiers, query words in title, body hits]
    for (var q = 0; q < words.length; q++) {
      var hits = matchWord(words[q]);
      if (found === null) {
        found = hits;
      } else {
        var both = new Map();
        found.forEach(function (sum, doc) {
          var more = hits.get(doc);
          if (more) both.set(doc, [sum[0] + more[0], sum[1] + more[1], sum[2] + more[2]]);
        });
        found = both;
      }
      if (!found.size) break;
    }
    var ranked = [];
    found.forEach(function (score, doc) {
      ranked.push({ doc: doc, tier: score[0], title: score[1], count: score[2] });
    });
    ranked.sort(function (a, b) {
      return b.tier - a.tier || b.title - a.title || b.count - a.count || a.doc - b.doc;
    });
    return ranked;
  }

  // Whether a word of a snippet is one the query found (so it gets highlighted).
  function matches(word, words) {
    var parts = fold(word);
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      for (var j = 0; j < words.length; j++) {
        var q = words[j];
        if (part.lastIndexOf(q, 0) === 0) return true;
        if (part.indexOf(q, MIN_HEAD) >= MIN_HEAD) return true;
        if (canTypo(q) && part.lastIndexOf(q.slice(0, TYPO_KEEP), 0) === 0 && typo(q, part)) {
          return true;
        }
      }
    }
    return false;
  }

  // The excerpt around its first hit, hits wrapped in <mark>.
  function snippet(text, queryWords) {
    var hits = [];
    var re = /[\p{L}\p{N}\p{M}]+/gu;
    var m;
    while ((m = re.exec(text))) {
      if (matches(m[0], queryWords)) hits.push([m.index, m.index + m[0].length]);
    }
    var start = 0;
    if (hits.length && hits[0][0] > SNIPPET_BEFORE) {
      start = text.indexOf(" ", hits[0][0] - SNIPPET_BEFORE) + 1;
      if (start <= 0 || start > hits[0][0]) start = hits[0][0];
    }
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      if (space > start) end = space;
    }
    var out = document.createElement("span");
    out.className = "search-snippet";
    var at = start;
    if (start > 0) out.appendChild(document.createTextNode("… "));
    hits.forEach(function (h) {
      if (h[0] < at || h[1] > end) return;
      out.appendChild(document.createTextNode(text.slice(at, h[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(h[0], h[1]);
      out.appendChild(mark);
      at = h[1];
    });
    out.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) out.appendChild(document.createTextNode(" …"));
    return out;
  }

  // Folder URLs open a directory listing from file://, so point at the index.html.
  function href(url) {
    var target = ROOT + url;
    if (location.protocol === "file:" && (target === "" || /\/$/.test(target))) {
      target += "index.html";
    }
    return target;
  }

  function kindLabel(kind) {
    return input.getAttribute("data-kind-" + kind) || kind;
  }

  function show(open) {
    box.hidden = !open;
  }

  function clear() {
    input.value = "";
    lastQuery = null;
    drawn = { query: null, count: 0 };
    list.textContent = "";
    status.textContent = "";
    show(false);
  }

  function loadError() {
    status.textContent = input.getAttribute("data-load-error") || "Search index missing";
    show(true);
  }

  /* Whether every named shard is here; loads the missing ones, and runs the query
   * again once each has arrived. */
  function have(names) {
    var all = true;
    names.forEach(function (name) {
      if (hasOwn(shards, name)) return;
      all = false;
      if (pending[name]) return;
      pending[name] = true;
      var script = document.createElement("script");
      script.src = ROOT + "assets/search/" + name + ".js";
      script.onload = function () {
        delete pending[name];
        if (hasOwn(shards, name)) run();
        else loadError();
      };
      script.onerror = function () {
        delete pending[name];
        loadError();
      };
      document.head.appendChild(script);
    });
    return all;
  }

  function docShard(n) {
    return "d" + Math.floor(n / index.per);
  }

  function docOf(n) {
    return shards[docShard(n)][n % index.per];
  }

  function run() {
    var query = input.value.trim();
    if (query === lastQuery) return;
    if (!query) {
      clear();
      return;
    }
    if (!index) {
      load();
      return;
    }
    var words = queryWords(query);
    if (!words.length) {
      // Too short to search yet: nothing to show.
      lastQuery = query;
      drawn = { query: null, count: 0 };
      list.textContent = "";
      status.textContent = "";
      show(false);
      return;
    }
    if (!have(termShards(words))) return;
    // Each document shard that arrives runs the query again; its ranking is known.
    if (!rankedFor || rankedFor.query !== query) {
      rankedFor = { query: query, results: search(words) };
    }
    var results = rankedFor.results;
    var shown = results.slice(0, MAX_RESULTS);
    var docShards = [];
    shown.forEach(function (result) {
      var name = docShard(result.doc);
      if (docShards.indexOf(name) < 0) docShards.push(name);
    });
    var complete = have(docShards);
    // Results appear in rank order as their document shards arrive: the best ones are on
    // screen while the rest still load, and nothing already shown moves.
    var ready = 0;
    while (ready < shown.length && hasOwn(shards, docShard(shown[ready].doc))) ready++;
    if (complete) lastQuery = query;
    var newQuery = drawn.query !== query;
    if (!newQuery && ready <= drawn.count) return;
    if (newQuery && !ready && !complete) return;
    if (newQuery) {
      drawn = { query: query, count: 0 };
      list.textContent = "";
      if (!results.length) {
        status.textContent = (input.getAttribute("data-no-results") || "No results for") + " ";
        var q = document.createElement("q");
        q.textContent = query;
        status.appendChild(q);
        show(true);
        return;
      }
      var count = input.getAttribute("data-count");
      status.textContent = count ? count.replace("{n}", results.length) : String(results.length);
    }
    for (var i = drawn.count; i < ready; i++) {
      var doc = docOf(shown[i].doc);
      var item = document.createElement("li");
      item.className = "search-result search-kind-" + doc[2];
      var link = document.createElement("a");
      link.href = href(doc[0]);
      link.id = "search-result-" + i;
      link.className = "search-title";
      link.textContent = doc[1];
      var kind = document.createElement("span");
      kind.className = "search-kind";
      // A term page names its taxonomy, so that one name in two taxonomies reads apart.
      kind.textContent = doc[4] ? kindLabel(doc[2]) + " · " + doc[4] : kindLabel(doc[2]);
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(kind);
      item.appendChild(snippet(doc[3] || "", words));
      list.appendChild(item);
    }
    drawn.count = ready;
    show(true);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  function ready() {
    var raw = window.BUYIN_SEARCH;
    if (!raw || raw.v !== 2) {
      status.textContent = input.getAttribute("data-load-error") || "Search index unreadable";
      show(true);
      return;
    }
    index = { fold: raw.fold || {}, maxlen: raw.maxlen || 40, per: raw.per, shards: raw.shards };
    lastQuery = null;
    run();
  }

  function load() {
    if (index || loading) return;
    if (window.BUYIN_SEARCH) {
      ready();
      return;
    }
    loading = true;
    var script = document.createElement("script");
    script.src = ROOT + "assets/search-index.js";
    script.onload = ready;
    script.onerror = function () {
      loading = false;
      loadError();
    };
    document.head.appendChild(script);
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function isEditable(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  input.addEventListener("focus", function () {
    load();
    if (lastQuery && list.firstChild) show(true);
  });
  input.addEventListener("input", schedule);
  input.addEventListener("keydown", function (e) {
    var all = links();
    if (e.key === "ArrowDown" && all.length) {
      e.preventDefault();
      run(); // results of a still-debounced query
      all = links();
      if (all.length) all[0].focus();
    } else if (e.key === "Enter") {
      run();
      all = links();
      if (all.length) {
        e.preventDefault();
        all[0].click();
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      clear();
    }
  });
  list.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (at + 1 < all.length) all[at + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (at > 0) all[at - 1].focus();
      else input.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      clear();
      input.focus();
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && e.key !== " ") {
      // Typing on a result goes on with the query.
      input.focus();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
    e.preventDefault();
    input.focus();
  });
  document.addEventListener("click", function (e) {
    if (e.target !== input && !box.contains(e.target)) show(false);
  });

  // A full search page: page.html?q=... runs the query at once.
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    load();
  } else {
    show(false);
  }
})();
