/* buyin deck runtime.
 *
 * Works on the slide DOM described in docs/theme.md: a `.deck` holding
 * `section.slide` elements, each with `.slide-content` and optional
 * `aside.notes`. No dependencies, no network, works from file:// and in
 * iframes. The same page is both the audience view and, opened with
 * `?presenter`, the presenter view; the two windows keep in sync over
 * postMessage (window.opener / the opened child), which works even where
 * file:// origins are opaque, plus BroadcastChannel where available.
 */
(function () {
  'use strict';

  // Shrink a slide's text (via --fit) until its content fits the canvas; if
  // text at FIT_MIN still overflows (big figures), zoom the content out down to
  // ZOOM_MIN, the floor. Returns false when the content overflows even then.
  const FIT_MIN = 0.6;          // text down to 60 % (18px of 30px) ...
  const ZOOM_MIN = 0.75;        // ... then the whole content down to 75 %
  function fitContent(c) {
    const overflows = () => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1;
    let f = 1;
    c.style.removeProperty('--fit');
    c.style.removeProperty('--zoom');
    c.classList.remove('deck-zoomed');
    while (overflows() && f > FIT_MIN) {
      f = Math.round((f - 0.05) * 100) / 100;
      c.style.setProperty('--fit', String(f));
    }
    let z = 1;
    while (overflows() && z > ZOOM_MIN) {
      z = Math.round((z - 0.05) * 100) / 100;
      c.style.setProperty('--zoom', String(z));
      c.classList.add('deck-zoomed');
    }
    return !overflows();
  }

  const deckEl = document.querySelector('.deck');
  if (!deckEl) {
    // The handout on a deck's page draws the same slides, scaled: fit them too.
    const fitHandout = () => document.querySelectorAll('.handout-thumb > .slide > .slide-content').forEach((c) => {
      if (!fitContent(c)) c.parentNode.setAttribute('data-overflow', 'true');
    });
    fitHandout();
    window.addEventListener('load', fitHandout);
    return;
  }

  // ---------- configuration ----------

  const W = parseInt(deckEl.dataset.width, 10) || 1280;
  const H = parseInt(deckEl.dataset.height, 10) || 720;
  const DURATION_MIN = parseFloat(deckEl.dataset.duration) || 0;
  const INCREMENTAL = deckEl.dataset.incremental === 'true';
  const TITLE = deckEl.dataset.title || document.title;
  const IS_PRESENTER = new URLSearchParams(location.search).has('presenter');
  const SWIPE_PX = 50;
  const QA = Array.isArray(window.BUYIN_QA) ? window.BUYIN_QA : [];
  // The site root: data-root from the template, else derived from this
  // script's own relative src ("../../assets/deck.js").
  const SCRIPT_SRC = (document.currentScript && document.currentScript.getAttribute('src')) || '';
  const ROOT = deckEl.dataset.root != null ? deckEl.dataset.root : SCRIPT_SRC.replace(/assets\/deck\.js(\?.*)?$/, '');

  // UI strings come from the theme's strings/<language>.toml: the template writes
  // every string into data-strings, and the `deck_*` keys are this runtime's
  // (`deck_qa_placeholder` becomes T.qaPlaceholder). A missing key shows its name.
  const T = (function () {
    let all = {};
    try { all = JSON.parse(deckEl.dataset.strings || '{}'); } catch (e) { all = {}; }
    const t = {};
    Object.keys(all).forEach((key) => {
      if (key.indexOf('deck_') !== 0) return;
      t[key.slice(5).replace(/_([a-z])/g, (m, c) => c.toUpperCase())] = all[key];
    });
    return new Proxy(t, { get: (o, k) => (k in o ? o[k] : String(k)) });
  })();

  const slides = Array.from(deckEl.children).filter((el) => el.matches('section.slide'));
  const N = slides.length;
  if (!N) return;

  // ---------- small helpers ----------

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(label, title, onClick) {
    const b = el('button', null, label);
    b.type = 'button';
    if (title) { b.title = title; b.setAttribute('aria-label', title); }
    b.addEventListener('click', onClick);
    return b;
  }
  // Control icons as inline SVG: no icon font, and no glyph a system font may lack.
  const ICONS = {
    prev: 'M15 5l-7 7 7 7',
    help: 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.5',
    next: 'M9 5l7 7-7 7',
    overview: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
    fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
    presenter: 'M3 4h18v12H3zM8 20h8M12 16v4',
  };
  function iconButton(name, title, onClick) {
    const b = button('', title, onClick);
    b.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="' + ICONS[name] + '"/></svg>';
    return b;
  }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function slideLabel(i) {
    const h = slides[i].querySelector('.slide-content h1, .slide-content h2, .slide-content h3');
    return (h ? h.textContent : slides[i].textContent).trim().replace(/\s+/g, ' ').slice(0, 90);
  }

  // ---------- preparing the DOM ----------

  // deck.css may be missing from the template's <head>; load it next to this script.
  function ensureStylesheet() {
    const loaded = Array.from(document.styleSheets).some((s) => /deck\.css(\?|$)/.test(s.href || ''));
    if (!loaded && SCRIPT_SRC) {
      const link = el('link');
      link.rel = 'stylesheet';
      link.href = SCRIPT_SRC.replace(/deck\.js(\?.*)?$/, 'deck.css');
      document.head.appendChild(link);
    }
  }

  // Canvas size as CSS variables (slides, thumbnails and print use them) and
  // the matching print page size, which CSS cannot derive from data attributes.
  function applyCanvasSize() {
    const rs = document.documentElement.style;
    rs.setProperty('--deck-w', W + 'px');
    rs.setProperty('--deck-h', H + 'px');
    rs.setProperty('--deck-ratio', W + ' / ' + H);
    const page = el('style');
    page.textContent = '@page { size: ' + W + 'px ' + H + 'px; margin: 0; }';
    document.head.appendChild(page);
  }

  // White or black text on the brand colour, whichever contrasts more; a
  // brand colour too light for text on white is not used for headings.
  function applyBrandContrast() {
    // An empty inline value (no [brand]) would blank the colour; use the defaults.
    ['--brand-primary', '--brand-accent'].forEach((name) => {
      if (!document.body.style.getPropertyValue(name).trim()) document.body.style.removeProperty(name);
    });
    const probe = el('span');
    probe.style.color = 'var(--brand-primary)';
    document.body.appendChild(probe);
    const m = getComputedStyle(probe).color.match(/[\d.]+/g);
    probe.remove();
    if (!m) return;
    const lin = m.slice(0, 3).map((c) => {
      c = c / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    document.body.style.setProperty('--brand-on-primary', lum > 0.4 ? '#111' : '#fff');
    if (lum > 0.4) document.body.style.setProperty('--brand-text', 'var(--deck-ink)');
  }

  // Split a `columns` slide: a leading h1/h2 stays on top, the remaining
  // top-level children go half left, half right.
  function splitColumns(slide) {
    const content = slide.querySelector('.slide-content');
    if (!content || content.querySelector(':scope > .deck-columns')) return;
    const kids = Array.from(content.children);
    const body = kids.length && /^H[12]$/.test(kids[0].tagName) ? kids.slice(1) : kids;
    if (body.length < 2) { slide.classList.add('columns-flow'); return; }
    const half = Math.ceil(body.length / 2);
    const wrap = el('div', 'deck-columns');
    const left = el('div', 'deck-col');
    const right = el('div', 'deck-col');
    body.forEach((k, j) => (j < half ? left : right).appendChild(k));
    wrap.append(left, right);
    content.appendChild(wrap);
  }

  // Steps of each slide in document order: fragments always, list items in
  // incremental decks.
  const steps = slides.map((slide) => {
    // Key-figure tiles are figures, not points to reveal.
    const sel = INCREMENTAL ? '.slide-content li:not(.metric-tiles > li), .slide-content .fragment' : '.slide-content .fragment';
    const list = Array.from(slide.querySelectorAll(sel));
    list.forEach((s) => s.classList.add('deck-step'));
    return list;
  });

  // A slide that overflows even at the floor is reported: it gets
  // data-overflow, a console warning, and is listed by buyinDeck.overflowing().
  function fit(slide) {
    const c = slide.querySelector('.slide-content');
    if (!c) return;
    slide.removeAttribute('data-overflow');
    if (fitContent(c)) return;
    slide.setAttribute('data-overflow', 'true');
    const i = slides.indexOf(slide);
    if (window.console) console.warn('buyin: slide ' + (i + 1) + ' does not fit its canvas even scaled down: ' + (i >= 0 ? slideLabel(i) : ''));
  }

  function prepareSlides() {
    slides.forEach((s, i) => {
      if (s.classList.contains('columns')) splitColumns(s);
      if (s.classList.contains('title') && s.querySelector('img.logo')) s.classList.add('has-logo');
      s.setAttribute('role', 'group');
      s.setAttribute('aria-roledescription', T.slide);
      s.setAttribute('aria-label', T.slide + ' ' + (i + 1) + ' ' + T.of + ' ' + N);
    });
    deckEl.setAttribute('role', 'region');
    deckEl.setAttribute('aria-roledescription', T.deck);
    deckEl.setAttribute('aria-label', TITLE);
    deckEl.tabIndex = 0;
  }

  // ---------- state and rendering ----------

  // slide: 0-based index; step: revealed steps of that slide;
  // qa: index into BUYIN_QA of the inserted answer, or -1; blank: black screen.
  const state = { slide: 0, step: 0, qa: -1, blank: false };
  const listeners = [];   // called after every render (presenter view)

  const chrome = {};
  function buildChrome() {
    chrome.progress = el('div', 'deck-progress');
    chrome.progress.appendChild(el('span'));
    chrome.progress.setAttribute('aria-hidden', 'true');
    chrome.number = el('div', 'deck-number');
    chrome.number.setAttribute('aria-hidden', 'true');
    deckEl.append(chrome.progress, chrome.number);
    // A visually hidden live region announces "Slide 3 of 12: heading".
    chrome.live = el('div', 'deck-sr');
    chrome.live.setAttribute('aria-live', 'polite');
    chrome.live.setAttribute('aria-atomic', 'true');
    document.body.appendChild(chrome.live);

    // On-screen controls, in tab order after the deck; they show while the
    // pointer moves or one of them has focus, and fade when the mouse rests.
    const controls = el('div', 'deck-controls');
    controls.setAttribute('role', 'toolbar');
    controls.setAttribute('aria-label', T.deck);
    controls.append(
      iconButton('prev', T.prev, () => prev()),
      iconButton('next', T.next, () => next()),
      iconButton('overview', T.overview + ' (O)', () => toggleOverview()),
      iconButton('presenter', T.presenter + ' (P)', () => openPresenter()),
      iconButton('fullscreen', T.fullscreen + ' (F)', () => toggleFullscreen()),
      iconButton('help', T.help + ' (?)', () => toggleHelp()),
    );
    document.body.appendChild(controls);
    chrome.controls = controls;
    let idle;
    const wake = () => {
      document.body.classList.add('deck-ui-active');
      clearTimeout(idle);
      idle = setTimeout(() => document.body.classList.remove('deck-ui-active'), 2500);
    };
    document.addEventListener('mousemove', wake);
    document.addEventListener('touchstart', wake, { passive: true });
  }

  // ---------- help: every key, in the deck's language ----------

  const help = { el: null, back: null };
  function isHelpOpen() { return !!help.el && !help.el.hidden; }
  function toggleHelp(force) {
    const open = force == null ? !isHelpOpen() : force;
    if (!help.el) {
      if (!open) return;
      help.el = el('div', 'deck-help');
      help.el.setAttribute('role', 'dialog');
      help.el.setAttribute('aria-modal', 'true');
      help.el.setAttribute('aria-labelledby', 'deck-help-title');
      const box = el('div', 'deck-help-box');
      const title = el('h2', null, T.help);
      title.id = 'deck-help-title';
      const list = el('dl');
      const rows = [
        [["\u2192", "\u2193", T.keySpace, "PageDown", "N"], T.keyNext],
        [['\u2190', '\u2191', 'Shift+' + T.keySpace, 'PageUp', 'Backspace'], T.keyPrev],
        [['Home', 'End'], T.keyFirstLast],
        [['O'], T.keyOverview],
        [['F'], T.keyFullscreen],
        [['P'], T.keyPresenter],
        [['B', '.'], T.keyBlank],
        [['Esc'], T.keyEscape],
        [['?'], T.keyHelp],
        [[T.keyMouse], T.keyClick],
        [[T.keyTouch], T.keySwipe],
      ];
      rows.forEach(([keys, what]) => {
        const dt = el('dt');
        keys.forEach((k, i) => {
          if (i) dt.append(' ');
          dt.append(el('kbd', null, k));
        });
        list.append(dt, el('dd', null, what));
      });
      const close = button(T.helpClose, null, () => toggleHelp(false));
      close.className = 'deck-help-close';
      box.append(title, list, close);
      help.el.append(box);
      help.el.addEventListener('click', (e) => { if (e.target === help.el) toggleHelp(false); });
      help.el.addEventListener('keydown', (e) => {
        // Keep Tab inside the dialog: its one control is the close button.
        if (e.key === 'Tab') { e.preventDefault(); close.focus(); }
      });
      document.body.appendChild(help.el);
    }
    help.el.hidden = !open;
    if (open) {
      help.back = document.activeElement;
      help.el.querySelector('.deck-help-close').focus({ preventScroll: true });
    } else if (help.back && help.back.focus) {
      help.back.focus({ preventScroll: true });
    }
  }

  function render() {
    slides.forEach((s, i) => {
      const cur = i === state.slide;
      s.classList.toggle('is-current', cur);
      // Slides not shown can neither be focused nor read by screen readers.
      s.setAttribute('aria-hidden', String(!cur));
      s.inert = !cur;
    });
    steps[state.slide].forEach((s, i) => s.classList.toggle('is-shown', i < state.step));
    renderQa();
    document.body.classList.toggle('deck-blank', state.blank);

    chrome.number.textContent = (state.slide + 1) + ' / ' + N;
    chrome.progress.style.setProperty('--progress', String((state.slide + 1) / N));
    const announce = T.slide + ' ' + (state.slide + 1) + ' ' + T.of + ' ' + N + ': ' + slideLabel(state.slide);
    if (chrome.live.textContent !== announce) chrome.live.textContent = announce;
    writeHash();
    listeners.forEach((fn) => fn());
  }

  // Every change goes through here. Remote changes (from the other window)
  // are applied but not sent back, which keeps the windows from echoing.
  function setState(patch, remote) {
    const next = Object.assign({}, state, patch);
    next.slide = clamp(next.slide | 0, 0, N - 1);
    next.step = clamp(next.step | 0, 0, steps[next.slide].length);
    if (!(next.qa >= 0 && next.qa < QA.length)) next.qa = -1;
    next.blank = !!next.blank;
    if (next.slide === state.slide && next.step === state.step &&
        next.qa === state.qa && next.blank === state.blank) return;
    Object.assign(state, next);
    render();
    if (!remote) sync.send({ kind: 'state', state: Object.assign({}, state) });
  }

  // Leaving a Q&A answer or a black screen is the first thing any navigation does.
  function interrupt() {
    if (state.qa >= 0 || state.blank) { setState({ qa: -1, blank: false }); return true; }
    return false;
  }
  function next() {
    if (interrupt()) return;
    if (state.step < steps[state.slide].length) setState({ step: state.step + 1 });
    else if (state.slide < N - 1) setState({ slide: state.slide + 1, step: 0 });
  }
  function prev() {
    if (interrupt()) return;
    if (state.step > 0) setState({ step: state.step - 1 });
    // Going back lands on the previous slide fully revealed, as it was left.
    else if (state.slide > 0) setState({ slide: state.slide - 1, step: steps[state.slide - 1].length });
  }
  function go(n, step) {
    const i = clamp((parseInt(n, 10) || 1) - 1, 0, N - 1);
    setState({ slide: i, step: step == null ? 0 : step, qa: -1, blank: false });
  }

  // ---------- URL hash: #3 or #3.2 (1-based slide, revealed steps) ----------

  function parseHash(hash) {
    const h = decodeURIComponent((hash || '').replace(/^#/, ''));
    const m = h.match(/^(?:slide-)?(\d+)(?:\.(\d+))?$/);
    if (m) return { slide: parseInt(m[1], 10) - 1, step: m[2] ? parseInt(m[2], 10) : 0 };
    // Any other anchor: the slide that contains it.
    const target = h && document.getElementById(h);
    const slide = target && target.closest('section.slide');
    return slide ? { slide: slides.indexOf(slide), step: 0 } : null;
  }
  function writeHash() {
    const hash = '#' + (state.slide + 1) + (state.step ? '.' + state.step : '');
    if (location.hash === hash) return;
    // replaceState: stepping through a talk should not fill the back button.
    try { history.replaceState(history.state, '', hash); } catch (e) { location.replace(hash); }
  }
  window.addEventListener('hashchange', () => {
    const s = parseHash(location.hash);
    if (s) setState({ slide: s.slide, step: s.step, qa: -1 });
  });

  // ---------- syncing the audience and presenter windows ----------

  const sync = (function () {
    const id = Math.random().toString(36).slice(2);
    const key = 'buyin-deck:' + location.pathname;
    const lastSeq = {};       // per sender, so late duplicates (two channels) are dropped
    const peers = [];         // windows we talk to over postMessage
    let seq = 0;
    let channel = null;
    try { channel = new BroadcastChannel(key); } catch (e) { channel = null; }

    function addPeer(w) { if (w && peers.indexOf(w) < 0) peers.push(w); }
    function send(body) {
      const msg = Object.assign({ buyinDeck: key, from: id, seq: ++seq }, body);
      peers.forEach((w) => {
        try { if (!w.closed) w.postMessage(msg, '*'); } catch (e) { /* window gone */ }
      });
      if (channel) { try { channel.postMessage(msg); } catch (e) { /* closed */ } }
    }
    function receive(msg, source) {
      if (!msg || msg.buyinDeck !== key || msg.from === id) return;
      const known = msg.from in lastSeq;
      if (msg.seq <= (lastSeq[msg.from] || 0)) return;
      lastSeq[msg.from] = msg.seq;
      if (source) addPeer(source);
      if (msg.kind === 'hello') {
        // A presenter that is new to us (just opened, reloaded, or we were
        // reloaded) learns where the talk is. Only the audience answers, and
        // only then: answering every hello could undo a move in flight.
        if (!IS_PRESENTER && (msg.fresh || !known)) send({ kind: 'state', state: Object.assign({}, state) });
      } else if (msg.kind === 'state') {
        setState(msg.state, true);
      }
    }
    window.addEventListener('message', (e) => receive(e.data, e.source));
    if (channel) channel.onmessage = (e) => receive(e.data, null);

    if (IS_PRESENTER) {
      addPeer(window.opener);
      send({ kind: 'hello', fresh: true });
      // Keep saying hello: an audience window that reloads (live reload, F5)
      // has forgotten us and re-learns this window from the message source.
      setInterval(() => send({ kind: 'hello' }), 1500);
    }
    return { send: send, addPeer: addPeer };
  })();

  let presenterWin = null;
  function openPresenter() {
    if (IS_PRESENTER) return;
    if (presenterWin && !presenterWin.closed) { presenterWin.focus(); return; }
    const url = new URL(location.href);
    url.search = '?presenter';
    url.hash = '#' + (state.slide + 1) + (state.step ? '.' + state.step : '');
    presenterWin = window.open(url.href, 'buyin-presenter', 'width=1280,height=800');
    if (presenterWin) sync.addPeer(presenterWin);
  }

  // ---------- thumbnails (overview tiles and presenter previews) ----------

  // A copy of a slide drawn at canvas size; scaleThumb() fits it to its box.
  function thumb(slide, shownSteps) {
    const box = el('div', 'deck-thumb');
    const canvas = el('div', 'deck-thumb-canvas');
    const copy = slide.cloneNode(true);
    copy.removeAttribute('id');
    copy.removeAttribute('aria-hidden');
    copy.classList.add('is-current');
    copy.querySelectorAll('.deck-step').forEach((s, i) => s.classList.toggle('is-shown', i < shownSteps));
    canvas.setAttribute('inert', '');
    canvas.setAttribute('aria-hidden', 'true');
    canvas.appendChild(copy);
    box.appendChild(canvas);
    return box;
  }
  function scaleThumb(box, maxW, maxH) {
    const s = Math.min(maxW / W, maxH / H);
    box.style.width = W * s + 'px';
    box.style.height = H * s + 'px';
    box.style.setProperty('--thumb-scale', String(s));
  }

  // ---------- overview ----------

  const overview = { el: null, tiles: [], sel: 0 };
  function isOverviewOpen() { return !!overview.el && !overview.el.hidden; }
  function toggleOverview(force) {
    const open = force == null ? !isOverviewOpen() : force;
    if (!overview.el) {
      if (!open) return;
      overview.el = el('div', 'deck-overview');
      overview.el.setAttribute('role', 'dialog');
      overview.el.setAttribute('aria-label', T.overview);
      overview.tiles = slides.map((s, i) => {
        const tile = el('button', 'deck-tile');
        tile.type = 'button';
        tile.setAttribute('aria-label', T.slide + ' ' + (i + 1) + ': ' + slideLabel(i));
        tile.append(thumb(s, Infinity), el('span', null, (i + 1) + '  ' + slideLabel(i)));
        tile.addEventListener('click', () => { toggleOverview(false); go(i + 1); });
        overview.el.appendChild(tile);
        return tile;
      });
      document.body.appendChild(overview.el);
    }
    overview.el.hidden = !open;
    if (open) {
      overview.tiles.forEach((t, i) => t.classList.toggle('is-current', i === state.slide));
      layoutOverview();
      selectTile(state.slide);
    } else {
      deckEl.focus({ preventScroll: true });
    }
  }
  function layoutOverview() {
    if (!isOverviewOpen()) return;
    overview.tiles.forEach((t) => {
      const box = t.firstChild;
      box.style.width = '';
      box.style.height = '';
      box.style.setProperty('--thumb-scale', String(t.clientWidth / W));
    });
  }
  function selectTile(i) {
    overview.sel = clamp(i, 0, N - 1);
    overview.tiles.forEach((t, j) => t.classList.toggle('is-selected', j === overview.sel));
    const tile = overview.tiles[overview.sel];
    tile.focus({ preventScroll: true });
    tile.scrollIntoView({ block: 'nearest' });
  }
  function overviewColumns() {
    const top = overview.tiles[0].offsetTop;
    const c = overview.tiles.findIndex((t) => t.offsetTop !== top);
    return c < 0 ? N : c;
  }
  function overviewKey(e) {
    const cols = overviewColumns();
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -cols, ArrowDown: cols, Home: -N, End: N };
    if (e.key in moves) selectTile(overview.sel + moves[e.key]);
    else if (e.key === 'Enter' || e.key === ' ') { toggleOverview(false); go(overview.sel + 1); }
    else if (e.key === 'Escape' || e.key === 'o' || e.key === 'O') toggleOverview(false);
    else return false;
    return true;
  }

  // ---------- fullscreen ----------

  function toggleFullscreen() {
    const d = document;
    const root = d.documentElement;
    if (d.fullscreenElement || d.webkitFullscreenElement) {
      (d.exitFullscreen || d.webkitExitFullscreen).call(d);
    } else {
      const req = root.requestFullscreen || root.webkitRequestFullscreen;
      // Inside an iframe without allowfullscreen this rejects; nothing to do then.
      if (req) Promise.resolve(req.call(root)).catch(() => {});
    }
  }

  // ---------- Q&A: an answer slide inserted over the current slide ----------

  // BUYIN_QA answers carry root-relative links ("praxis/x/index.html"); this
  // deck sits below the root, so prefix them with data-root. Anchors, absolute
  // paths and links with a scheme (https:, mailto:, data:) stay as they are.
  function rootLinks(container) {
    const relative = (v) => v && !/^(#|\/|[a-z][a-z0-9+.-]*:)/i.test(v);
    container.querySelectorAll('[href], [src]').forEach((e) => {
      ['href', 'src'].forEach((attr) => {
        const v = e.getAttribute(attr);
        if (relative(v)) e.setAttribute(attr, ROOT + v);
      });
    });
    container.querySelectorAll('a[href]').forEach((a) => {
      if (!a.getAttribute('href').startsWith('#')) a.target = '_blank';
    });
  }

  // The answers lie in part files beside qa-index.js (assets/qa/N.js), each
  // adding its answers to BUYIN_QA_ANSWERS by index; a part is loaded by a
  // <script> tag (so from file:// too) when one of its answers is first shown.
  const qaParts = {};
  function qaAnswer(i) {
    const answers = window.BUYIN_QA_ANSWERS || {};
    if (Object.prototype.hasOwnProperty.call(answers, i)) return answers[i];
    const part = QA[i].part;
    if (part == null) return QA[i].answer || '';
    if (!qaParts[part]) {
      qaParts[part] = 'loading';
      const script = document.createElement('script');
      script.src = ROOT + 'assets/qa/' + part + '.js';
      const done = (outcome) => () => {
        qaParts[part] = outcome;
        // Draw the answer now that it is here (or without it, if the part is missing).
        if (qaSlide && QA[state.qa] && QA[state.qa].part === part) {
          qaSlide.remove();
          qaSlide = null;
          render();
        }
      };
      script.onload = done('loaded');
      script.onerror = done('failed');
      document.head.appendChild(script);
    }
    return qaParts[part] === 'loading' ? null : '';
  }

  let qaSlide = null;
  function renderQa() {
    const entry = state.qa >= 0 ? QA[state.qa] : null;
    if (!entry) {
      if (qaSlide) { qaSlide.remove(); qaSlide = null; }
      return;
    }
    if (qaSlide && qaSlide.dataset.qa === String(state.qa)) return;
    const html = qaAnswer(state.qa);
    if (qaSlide) qaSlide.remove();
    qaSlide = el('div', 'slide answer deck-qa-slide is-current');
    qaSlide.dataset.qa = String(state.qa);
    qaSlide.setAttribute('role', 'group');
    qaSlide.setAttribute('aria-roledescription', T.slide);
    qaSlide.setAttribute('aria-label', T.answer + ': ' + (entry.title || ''));
    const content = el('div', 'slide-content');
    const quote = el('blockquote', 'deck-qa-objection', entry.objection || entry.title || '');
    const answer = el('div', 'deck-qa-answer');
    answer.innerHTML = html || '';
    if (html == null) qaSlide.setAttribute('aria-busy', 'true');
    rootLinks(answer);
    // Like the deck's own answer slides: the lead (up to the first h2/h3) goes
    // on the slide, the whole answer into the notes for the presenter.
    const notes = el('aside', 'notes');
    notes.innerHTML = answer.innerHTML;
    const cut = Array.from(answer.children).findIndex((c) => /^H[23]$/.test(c.tagName));
    if (cut > 0) Array.from(answer.children).slice(cut).forEach((c) => c.remove());
    content.append(quote, answer);
    qaSlide.append(content, notes);
    deckEl.insertBefore(qaSlide, chrome.progress);
    fit(qaSlide);
  }

  // German-aware folding: lowercase, umlauts and ß spelt out (buyin generates the
  // table into this file), other accents dropped.
  const SPELLED_OUT = /*buyin:spelled-out*/{};
  function fold(s) {
    return String(s == null ? '' : s).toLowerCase()
      .replace(/[^\x00-\x7f]/g, (c) => SPELLED_OUT[c] || c)
      .normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  function words(s) { return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  function listText(v) { return Array.isArray(v) ? v.join(' ') : (v || ''); }

  const qaIndex = QA.map((q) => ({
    title: words(q.title),
    all: words([q.title, q.objection, listText(q.stakeholders), listText(q.tags)].join(' ')),
  }));
  // Every query word must prefix-match some word; title hits rank first.
  function searchQa(query) {
    const qs = words(query);
    if (!qs.length) return [];
    const hits = [];
    qaIndex.forEach((entry, i) => {
      if (!qs.every((q) => entry.all.some((w) => w.startsWith(q)))) return;
      const score = qs.filter((q) => entry.title.some((w) => w.startsWith(q))).length;
      hits.push({ i: i, score: score });
    });
    return hits.sort((a, b) => b.score - a.score || a.i - b.i).slice(0, 10).map((h) => h.i);
  }

  // ---------- screen wake lock ----------

  // While a talk is being given (after the first key press or tap), ask the
  // system not to dim or lock the screen; the lock is dropped whenever the
  // page is hidden, so take it again on return. Unsupported: nothing happens.
  let wakeLock = null;
  let wantWake = false;
  function keepAwake() {
    wantWake = true;
    if (wakeLock || !navigator.wakeLock || document.visibilityState !== 'visible') return;
    wakeLock = 'pending';
    navigator.wakeLock.request('screen').then((lock) => {
      wakeLock = lock;
      lock.addEventListener('release', () => { wakeLock = null; });
    }).catch(() => { wakeLock = null; });
  }
  document.addEventListener('visibilitychange', () => { if (wantWake) keepAwake(); });

  // ---------- keyboard and touch ----------

  function onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    keepAwake();
    if (e.target.closest && e.target.closest('input, textarea, select, [contenteditable]')) return;
    if (isHelpOpen()) {
      if (e.key === 'Escape' || e.key === '?') { toggleHelp(false); e.preventDefault(); }
      return;
    }
    if (isOverviewOpen()) { if (overviewKey(e)) e.preventDefault(); return; }
    // Buttons and links keep Enter/space for themselves.
    const onControl = e.target.closest && e.target.closest('button, a[href]');
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown': case 'PageDown': case 'n': case 'N':
        next(); break;
      case 'ArrowLeft': case 'ArrowUp': case 'PageUp': case 'Backspace':
        prev(); break;
      case ' ': case 'Spacebar':
        if (onControl) return;
        if (e.shiftKey) prev(); else next();
        break;
      case 'Home': go(1); break;
      case 'End': go(N, steps[N - 1].length); break;
      case 'o': case 'O': toggleOverview(); break;
      case 'f': case 'F': toggleFullscreen(); break;
      case 'p': case 'P': openPresenter(); break;
      case 'b': case 'B': case '.': setState({ blank: !state.blank }); break;
      case '?': toggleHelp(true); break;
      case 'Escape':
        if (state.qa >= 0 || state.blank) setState({ qa: -1, blank: false });
        else return;
        break;
      default: return;
    }
    e.preventDefault();
  }
  document.addEventListener('keydown', onKey);

  // A click or tap on the right part of the window advances, on the left third
  // it goes back; links, controls, form fields and selected text keep theirs.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || IS_PRESENTER || isOverviewOpen() || isHelpOpen()) return;
    if (e.target.closest('a[href], button, input, select, textarea, label, summary, details, video, audio, iframe, [contenteditable], .deck-controls')) return;
    const sel = window.getSelection && window.getSelection();
    if (sel && !sel.isCollapsed && String(sel).trim()) return;
    keepAwake();
    if (e.clientX < window.innerWidth / 3) prev(); else next();
  });

  let touch = null;
  document.addEventListener('touchstart', (e) => {
    touch = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY } : null;
  }, { passive: true });
  document.addEventListener('touchend', (e) => {
    keepAwake();
    if (!touch || isOverviewOpen() || isHelpOpen() || e.target.closest('.deck-p-side')) { touch = null; return; }
    const dx = e.changedTouches[0].clientX - touch.x;
    const dy = e.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 1.5 * Math.abs(dy)) (dx < 0 ? next : prev)();
  }, { passive: true });

  // ---------- presenter view ----------

  function buildPresenter() {
    document.body.classList.add('deck-presenter-mode');
    document.title = T.presenter + ' – ' + TITLE;
    deckEl.setAttribute('aria-hidden', 'true');
    deckEl.tabIndex = -1;

    const root = el('div', 'deck-presenter');
    const bar = el('div', 'deck-p-bar');
    const timeBox = (label) => {
      const box = el('div', 'deck-p-time');
      const value = el('span', 'deck-p-clock', '0:00');
      box.append(el('span', 'deck-p-label', label), value);
      return { box: box, value: value };
    };
    const elapsed = timeBox(T.elapsed);
    const remaining = timeBox(T.remaining);
    remaining.box.classList.add('deck-p-remaining');
    const clock = timeBox(T.clock);
    const position = timeBox(T.slide);
    const status = el('span', 'deck-p-status');
    status.setAttribute('role', 'status');
    const startBtn = button(T.start, null, () => timer.toggle());
    const resetBtn = button(T.reset, null, () => timer.reset());
    const notesSize = (d) => () => {
      const px = clamp((parseInt(getComputedStyle(notes).fontSize, 10) || 24) + d, 14, 48);
      root.style.setProperty('--notes-size', px + 'px');
    };
    bar.append(elapsed.box, startBtn, resetBtn);
    if (DURATION_MIN) bar.append(remaining.box);
    bar.append(clock.box, position.box, status, el('span', 'deck-p-spacer'),
      button('A\u2212', T.smaller, notesSize(-2)), button('A+', T.larger, notesSize(2)),
      iconButton('overview', T.overview + ' (O)', () => toggleOverview()),
      button('B', T.blank + ' (B)', () => setState({ blank: !state.blank })));

    const pane = (label, cls) => {
      const p = el('section', 'deck-p-pane ' + (cls || ''));
      const title = el('h2', 'deck-p-label', label);
      const stage = el('div', 'deck-p-stage');
      p.append(title, stage);
      return { el: p, title: title, stage: stage };
    };
    const main = el('div', 'deck-p-main');
    const current = pane(T.current);
    main.appendChild(current.el);
    const side = el('div', 'deck-p-side');
    const upcoming = pane(T.upNext, 'deck-p-next');
    const notesPane = el('section', 'deck-p-pane');
    notesPane.style.flex = '1';
    const notes = el('div', 'deck-p-notes');
    notes.dataset.empty = T.noNotes;
    notes.tabIndex = 0;
    notesPane.append(el('h2', 'deck-p-label', T.notes), notes);
    side.append(upcoming.el, notesPane);
    if (QA.length) side.appendChild(buildQaSearch());
    root.append(bar, main, side);
    document.body.appendChild(root);

    // Where "next" would lead from the current position.
    function upcomingPos() {
      if (state.qa >= 0) return { slide: state.slide, step: state.step, label: T.qaBack };
      if (state.step < steps[state.slide].length) return { slide: state.slide, step: state.step + 1, label: T.nextStep };
      if (state.slide < N - 1) return { slide: state.slide + 1, step: 0, label: T.upNext };
      return null;
    }
    function fitStage(stage) {
      const box = stage.firstChild;
      if (box) scaleThumb(box, stage.clientWidth, stage.clientHeight);
    }
    function update() {
      current.stage.replaceChildren(thumb(qaSlide || slides[state.slide], state.step));
      const up = upcomingPos();
      upcoming.title.textContent = up ? up.label : T.end;
      upcoming.stage.replaceChildren(up ? thumb(slides[up.slide], up.step) : '');
      fitStage(current.stage);
      fitStage(upcoming.stage);

      const entry = state.qa >= 0 ? QA[state.qa] : null;
      const source = (entry ? qaSlide : slides[state.slide]).querySelector('aside.notes');
      notes.innerHTML = source ? source.innerHTML.trim() : '';
      if (entry && entry.url) {
        const a = el('a', null, T.qaOpen + ': ' + (entry.title || entry.url));
        a.href = ROOT + entry.url;
        a.target = '_blank';
        notes.appendChild(a);
      }
      const nSteps = steps[state.slide].length;
      position.value.textContent = (state.slide + 1) + ' / ' + N +
        (nSteps ? '  \u00B7  ' + T.step + ' ' + state.step + '/' + nSteps : '');
      status.textContent = entry ? T.qaActive : (state.blank ? T.blank : '');
    }

    // Elapsed time starts with the first navigation (or Start); it survives a
    // reload of this window through sessionStorage.
    const timer = (function () {
      const storeKey = 'buyin-timer:' + location.pathname;
      let t = { acc: 0, since: 0, running: false, started: false };
      try { t = Object.assign(t, JSON.parse(sessionStorage.getItem(storeKey)) || {}); } catch (e) { /* no storage */ }
      function save() { try { sessionStorage.setItem(storeKey, JSON.stringify(t)); } catch (e) { /* no storage */ } }
      function ms() { return t.acc + (t.running ? Date.now() - t.since : 0); }
      function fmt(total) {
        const neg = total < 0;
        const s = Math.floor(Math.abs(total) / 1000);
        const h = Math.floor(s / 3600);
        const mm = Math.floor(s / 60) % 60;
        const ss = String(s % 60).padStart(2, '0');
        return (neg ? '\u2212' : '') + (h ? h + ':' + String(mm).padStart(2, '0') : mm) + ':' + ss;
      }
      function tick() {
        const e = ms();
        elapsed.value.textContent = fmt(e);
        if (DURATION_MIN) {
          const total = DURATION_MIN * 60000;
          const left = total - e;
          remaining.value.textContent = fmt(left);
          // Warn in the last tenth of the talk, at least the last two minutes.
          remaining.box.classList.toggle('is-warning', left > 0 && left <= Math.max(total * 0.1, 120000));
          remaining.box.classList.toggle('is-over', left <= 0);
        }
        clock.value.textContent = new Date().toLocaleTimeString(document.documentElement.lang || undefined,
          { hour: '2-digit', minute: '2-digit' });
        startBtn.textContent = t.running ? T.pause : (t.started ? T.resume : T.start);
      }
      function start() { if (!t.running) { t.running = true; t.started = true; t.since = Date.now(); save(); tick(); } }
      function pause() { if (t.running) { t.acc = ms(); t.running = false; save(); tick(); } }
      setInterval(tick, 500);
      tick();
      return {
        toggle: () => (t.running ? pause() : start()),
        reset: () => { t = { acc: 0, since: 0, running: false, started: false }; save(); tick(); },
        firstMove: () => { if (!t.started) start(); },
      };
    })();

    let last = { slide: state.slide, step: state.step };
    listeners.push(() => {
      if (state.slide !== last.slide || state.step !== last.step) timer.firstMove();
      last = { slide: state.slide, step: state.step };
      update();
    });
    window.addEventListener('resize', () => { fitStage(current.stage); fitStage(upcoming.stage); });
  }

  function buildQaSearch() {
    const box = el('section', 'deck-p-qa');
    const input = el('input');
    input.type = 'search';
    input.placeholder = T.qaPlaceholder;
    input.setAttribute('aria-label', T.qaLabel);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', 'deck-p-results');
    input.autocomplete = 'off';
    const list = el('ul', 'deck-p-results');
    list.id = 'deck-p-results';
    list.setAttribute('role', 'listbox');
    let hits = [];
    let active = 0;

    function choose(i) {
      setState({ qa: i, blank: false });
      input.value = '';
      show();
    }
    function show() {
      hits = searchQa(input.value);
      active = 0;
      list.replaceChildren(...hits.map((qi, j) => {
        const q = QA[qi];
        const li = el('li');
        li.id = 'deck-p-hit-' + j;
        li.setAttribute('role', 'option');
        li.append(el('strong', null, q.title || q.objection),
          el('span', null, [q.objection, listText(q.stakeholders)].filter(Boolean).join(' \u2014 ')));
        li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
        li.addEventListener('click', () => choose(qi));
        return li;
      }));
      input.setAttribute('aria-expanded', String(hits.length > 0));
      mark();
    }
    function mark() {
      Array.from(list.children).forEach((li, j) => li.setAttribute('aria-selected', String(j === active)));
      if (hits.length) {
        input.setAttribute('aria-activedescendant', 'deck-p-hit-' + active);
        list.children[active].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }
    input.addEventListener('input', show);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (hits.length) { active = (active + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length; mark(); }
      } else if (e.key === 'Enter') {
        if (hits.length) choose(hits[active]);
      } else if (e.key === 'Escape') {
        // First Esc leaves the answer, a second one clears the search.
        if (state.qa >= 0) setState({ qa: -1 });
        else { input.value = ''; show(); input.blur(); }
      } else {
        return;
      }
      e.preventDefault();
    });
    const hint = el('div', 'deck-p-hint', T.qaLabel);
    box.append(list, input, hint);
    return box;
  }

  // ---------- start ----------

  ensureStylesheet();
  applyCanvasSize();
  document.body.classList.add('deck-js');
  applyBrandContrast();
  prepareSlides();
  buildChrome();
  slides.forEach(fit);
  // Images change heights once loaded; measure again then.
  window.addEventListener('load', () => slides.forEach(fit));

  function scaleCanvas() {
    const s = Math.min(window.innerWidth / W, window.innerHeight / H);
    deckEl.style.setProperty('--deck-scale', String(s));
    layoutOverview();
  }
  window.addEventListener('resize', scaleCanvas);
  scaleCanvas();

  const initial = parseHash(location.hash);
  if (initial) {
    state.slide = clamp(initial.slide, 0, N - 1);
    state.step = clamp(initial.step, 0, steps[state.slide].length);
  }
  if (IS_PRESENTER) buildPresenter();
  render();
  requestAnimationFrame(() => requestAnimationFrame(() => document.body.classList.add('deck-animate')));
  // Take keyboard focus, but never steal it from a page embedding the deck.
  if (window.top === window && !IS_PRESENTER) deckEl.focus({ preventScroll: true });

  // For automated tests and embedding pages; slide numbers are 1-based.
  window.buyinDeck = {
    go: go,
    next: next,
    prev: prev,
    current: () => state.slide + 1,
    overflowing: () => slides.filter((s) => s.hasAttribute('data-overflow')).map((s) => slides.indexOf(s) + 1),
    help: () => isHelpOpen(),
    count: () => N,
    step: () => state.step,
  };
})();
