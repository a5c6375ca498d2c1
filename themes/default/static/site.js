/* buyin site behaviour: navigation toggle, light/dark toggle, checklists, quizzes,
 * two-click video embeds, current TOC entry.
 *
 * Plain JavaScript without libraries; works from file://. Every feature only enhances
 * markup that is usable without it. localStorage may be unavailable (private mode,
 * file:// in some browsers), so every access is wrapped.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  var THEME_KEY = "buyin-theme";

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) {
      /* storage unavailable: the state lasts for this page view only */
    }
  }

  function each(selector, fn, scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll(selector), fn);
  }

  /* ---------- navigation toggle (phones) ---------- */

  function initNav() {
    var toggle = document.querySelector(".nav-toggle");
    var sidebar = document.getElementById(toggle ? toggle.getAttribute("aria-controls") : "sidebar");
    if (!toggle || !sidebar) return;
    function set(open) {
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      set(open);
      if (open) {
        var current = sidebar.querySelector('[aria-current="page"]') || sidebar.querySelector("a");
        if (current) current.focus();
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
  }

  /* ---------- light/dark ---------- */

  function initTheme() {
    var button = document.querySelector(".theme-toggle");
    function isDark() {
      return root.getAttribute("data-theme") === "dark";
    }
    function apply(theme) {
      root.setAttribute("data-theme", theme);
      if (button) button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    }
    apply(isDark() ? "dark" : "light");
    if (button) {
      button.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        apply(next);
        save(THEME_KEY, next);
      });
    }
    // Follow the system while the reader has not chosen.
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      var follow = function (e) {
        if (!load(THEME_KEY)) apply(e.matches ? "dark" : "light");
      };
      if (query.addEventListener) query.addEventListener("change", follow);
      else if (query.addListener) query.addListener(follow);
    }
  }

  /* ---------- checklists ---------- */

  function initChecklist(section, number) {
    var uid = section.getAttribute("data-checklist") || String(number);
    var key = "buyin-checklist:" + location.pathname + "#" + uid;
    var done = section.getAttribute("data-done") || "";
    var count = section.querySelector(".checklist-count");
    var reset = section.querySelector(".checklist-reset");
    var items = [];
    var stored = null;
    // Markdown wraps a task's box and text in a label; the checklist builds its own.
    each("label.task-item", function (given) {
      if (given.closest(".checklist") !== section) return;
      while (given.firstChild) given.parentNode.insertBefore(given.firstChild, given);
      given.parentNode.removeChild(given);
    }, section);
    try {
      stored = JSON.parse(load(key) || "null");
    } catch (e) {
      stored = null;
    }

    each("li", function (li) {
      if (li.closest(".checklist") !== section) return;
      // A Markdown task list item starts with its (disabled) checkbox.
      var box = li.querySelector(
        ':scope > input[type="checkbox"], :scope > p:first-child > input[type="checkbox"]'
      );
      if (!box) {
        box = document.createElement("input");
        box.type = "checkbox";
      }
      box.disabled = false;
      box.removeAttribute("disabled");
      var initial = box.checked || box.hasAttribute("checked");
      var label = document.createElement("label");
      label.className = "checklist-item";
      var text = document.createElement("span");
      text.className = "checklist-text";
      // Everything but nested lists becomes the label text.
      var nodes = Array.prototype.slice.call(li.childNodes);
      nodes.forEach(function (node) {
        if (node === box) return;
        if (node.nodeType === 1 && /^(UL|OL)$/.test(node.tagName)) return;
        text.appendChild(node);
      });
      if (box.parentNode) box.parentNode.removeChild(box);
      label.appendChild(box);
      label.appendChild(text);
      li.insertBefore(label, li.firstChild);
      li.classList.add("checklist-li");
      items.push({ li: li, box: box, initial: initial });
    }, section);

    if (!items.length) return;

    var bar = null;
    if (count && count.parentNode) {
      var progress = document.createElement("span");
      progress.className = "checklist-progress";
      progress.setAttribute("aria-hidden", "true");
      bar = document.createElement("span");
      progress.appendChild(bar);
      count.parentNode.insertBefore(progress, count.nextSibling);
    }

    function update() {
      var ticked = 0;
      items.forEach(function (item) {
        item.li.classList.toggle("done", item.box.checked);
        if (item.box.checked) ticked++;
      });
      if (count) count.textContent = ticked + " / " + items.length + (done ? " " + done : "");
      if (bar) bar.style.width = (100 * ticked) / items.length + "%";
      section.classList.toggle("complete", ticked === items.length);
    }

    items.forEach(function (item, i) {
      item.box.checked = stored && typeof stored[i] === "boolean" ? stored[i] : item.initial;
      item.box.addEventListener("change", function () {
        save(key, JSON.stringify(items.map(function (it) { return it.box.checked; })));
        update();
      });
    });
    if (reset) {
      reset.addEventListener("click", function () {
        items.forEach(function (item) { item.box.checked = false; });
        save(key, null);
        update();
      });
    }
    update();
  }

  /* ---------- quizzes ---------- */

  function initQuiz(form) {
    var answer = form.getAttribute("data-answer");
    var feedback = form.querySelector(".quiz-feedback");
    var explanation = form.querySelector(".quiz-explanation");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var chosen = form.querySelector('input[type="radio"]:checked');
      each(".quiz-option", function (label) {
        label.classList.remove("is-correct", "is-wrong");
      }, form);
      if (feedback) feedback.className = "quiz-feedback";
      if (!chosen) {
        if (feedback) {
          feedback.textContent = form.getAttribute("data-choose") || "";
          feedback.classList.add("is-hint");
        }
        return;
      }
      var right = chosen.value === answer;
      var label = chosen.closest(".quiz-option");
      if (label) label.classList.add(right ? "is-correct" : "is-wrong");
      if (!right) {
        var correct = form.querySelector('input[type="radio"][value="' + answer + '"]');
        if (correct && correct.closest(".quiz-option")) correct.closest(".quiz-option").classList.add("is-correct");
      }
      form.setAttribute("data-result", right ? "correct" : "wrong");
      if (feedback) {
        feedback.textContent = form.getAttribute(right ? "data-correct" : "data-wrong") || "";
        feedback.classList.add(right ? "is-correct" : "is-wrong");
      }
      if (explanation) explanation.hidden = false;
    });
    // Choosing again starts a new attempt.
    form.addEventListener("change", function () {
      each(".quiz-option", function (label) {
        label.classList.remove("is-correct", "is-wrong");
      }, form);
      form.removeAttribute("data-result");
      if (feedback) {
        feedback.textContent = "";
        feedback.className = "quiz-feedback";
      }
    });
  }

  /* ---------- two-click video ---------- */

  function initVideo(figure) {
    var button = figure.querySelector(".video-load");
    var consent = figure.querySelector(".video-consent");
    var src = figure.getAttribute("data-embed");
    if (!button || !consent || !/^https:\/\//.test(src || "")) return;
    button.addEventListener("click", function () {
      var frame = document.createElement("div");
      frame.className = "video-frame";
      var iframe = document.createElement("iframe");
      iframe.src = src;
      iframe.title = figure.getAttribute("data-title") || "Video";
      iframe.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
      iframe.setAttribute("allowfullscreen", "");
      iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.appendChild(iframe);
      consent.parentNode.replaceChild(frame, consent);
      figure.classList.add("loaded");
      iframe.focus();
    });
  }

  /* ---------- current TOC entry ---------- */

  function initToc() {
    var toc = document.querySelector(".toc");
    if (!toc || !("IntersectionObserver" in window)) return;
    var links = {};
    var headings = [];
    each("a[href^='#']", function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var h = document.getElementById(id);
      if (h) {
        links[id] = a;
        headings.push(h);
      }
    }, toc);
    if (!headings.length) return;
    var visible = {};
    function mark() {
      var current = null;
      for (var i = 0; i < headings.length; i++) {
        if (visible[headings[i].id]) {
          current = headings[i].id;
          break;
        }
      }
      if (!current) return;
      Object.keys(links).forEach(function (id) {
        links[id].classList.toggle("active", id === current);
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        visible[entry.target.id] = entry.isIntersecting;
      });
      mark();
    }, { rootMargin: "0px 0px -60% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }

  initNav();
  initTheme();
  each("section.checklist[data-checklist]", initChecklist);
  each("form.quiz[data-answer]", initQuiz);
  each("figure.video-embed[data-embed]", initVideo);
  initToc();
})();
