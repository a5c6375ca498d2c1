/* buyin full-text search.
 *
 * Drives <input id="search-input"> and <div id="search-results">. The index
 * (assets/search-index.js, written by src/search.rs) is loaded on first use by adding a
 * <script> tag, because browsers refuse fetch() from file:// and the built site must
 * work from disk. The index format is documented in src/search.rs; query words are
 * folded exactly as Rust folded the text, then each must be a prefix of a word of a
 * page (AND). Ranking: query words found in the title, then hits in the body.
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
  var DEBOUNCE_MS = 80;

  // German letters spelled out: generated into this file from buyin's one table.
  var UMLAUTS = /*buyin:spelled-out*/{};
  var DIGITS_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var DIGITS_LAST = "0123456789abcdefghijklmnopqrstuv";
  var DIGIT = {};
  for (var d = 0; d < 32; d++) {
    DIGIT[DIGITS_LAST.charAt(d)] = d;
    DIGIT[DIGITS_MORE.charAt(d)] = 32 + d;
  }

  var index = null; // decoded index, see decode()
  var loading = false;
  var timer = 0;
  var lastQuery = null;

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

  /* Folds text into words the way src/search.rs fold() does: NFC, lowercase, umlauts
   * and ß spelled out, other letters from the index's table (filled by Rust from
   * deunicode), else accents stripped via NFD; everything else separates words. */
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

  function decode(raw) {
    if (!raw || raw.v !== 1) return null;
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
    return {
      docs: raw.docs,
      fold: raw.fold || {},
      maxlen: raw.maxlen || 40,
      terms: terms,
      lists: raw.postings.split(","),
      postings: new Array(terms.length),
    };
  }

  // Flat [doc, inTitle, count, ...] for term number t, decoded on first use.
  function postings(t) {
    var cached = index.postings[t];
    if (cached) return cached;
    var list = index.lists[t] || "";
    var out = [];
    var doc = 0;
    var n = 0;
    for (var i = 0; i < list.length; i++) {
      var digit = DIGIT[list.charAt(i)];
      n = n * 32 + (digit & 31);
      if (digit < 32) {
        doc += Math.floor(n / 32);
        out.push(doc, n & 16 ? 1 : 0, n & 15);
        n = 0;
      }
    }
    index.postings[t] = out;
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

  function search(query) {
    var words = [];
    fold(query).forEach(function (w) {
      w = w.slice(0, index.maxlen);
      if (words.indexOf(w) < 0) words.push(w);
    });
    if (!words.length) return null;
    var found = null; // doc -> [query words in title, body hits]
    for (var q = 0; q < words.length; q++) {
      var word = words[q];
      var hits = new Map();
      for (var t = lowerBound(index.terms, word); t < index.terms.length; t++) {
        if (index.terms[t].lastIndexOf(word, 0) !== 0) break;
        var p = postings(t);
        for (var k = 0; k < p.length; k += 3) {
          var hit = hits.get(p[k]);
          if (!hit) hits.set(p[k], (hit = [0, 0]));
          hit[0] |= p[k + 1];
          hit[1] += p[k + 2];
        }
      }
      if (found === null) {
        found = hits;
      } else {
        var both = new Map();
        found.forEach(function (sum, doc) {
          var more = hits.get(doc);
          if (more) both.set(doc, [sum[0] + more[0], sum[1] + more[1]]);
        });
        found = both;
      }
      if (!found.size) break;
    }
    var ranked = [];
    found.forEach(function (score, doc) {
      ranked.push({ doc: doc, title: score[0], count: score[1] });
    });
    ranked.sort(function (a, b) {
      return b.title - a.title || b.count - a.count || a.doc - b.doc;
    });
    return { words: words, results: ranked };
  }

  function matches(word, queryWords) {
    var parts = fold(word);
    for (var i = 0; i < parts.length; i++) {
      for (var j = 0; j < queryWords.length; j++) {
        if (parts[i].lastIndexOf(queryWords[j], 0) === 0) return true;
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
    list.textContent = "";
    status.textContent = "";
    show(false);
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
    lastQuery = query;
    var found = search(query);
    list.textContent = "";
    var results = found ? found.results : [];
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
    results.slice(0, MAX_RESULTS).forEach(function (result, i) {
      var doc = index.docs[result.doc];
      var item = document.createElement("li");
      item.className = "search-result search-kind-" + doc[2];
      var link = document.createElement("a");
      link.href = href(doc[0]);
      link.id = "search-result-" + i;
      link.className = "search-title";
      link.textContent = doc[1];
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = kindLabel(doc[2]);
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(kind);
      item.appendChild(snippet(doc[3] || "", found.words));
      list.appendChild(item);
    });
    show(true);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  function ready() {
    index = decode(window.BUYIN_SEARCH);
    if (!index) {
      status.textContent = input.getAttribute("data-load-error") || "Search index unreadable";
      show(true);
      return;
    }
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
      status.textContent = input.getAttribute("data-load-error") || "Search index missing";
      show(true);
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
