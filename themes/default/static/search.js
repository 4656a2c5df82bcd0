// cjmgen default theme: instant offline search from the header of every page.
// The index (search-index.js, written by `cjmgen build`) is a script that sets
// window.CJM_SEARCH; it is loaded on first use with a <script> tag, which works
// over HTTP and from a file share alike (fetch() of a file:// URL does not).
(function () {
  "use strict";
  var form = document.querySelector(".site-search");
  if (!form) return;
  var input = form.querySelector(".search-input");
  var popup = form.querySelector(".search-popup");
  var status = form.querySelector(".search-status");
  var indexUrl = new URL(form.getAttribute("data-index"), document.baseURI).href;
  var root = indexUrl.replace(/[^/]*$/, "");
  var POPUP_LIMIT = 8;
  var KIND_ORDER = ["map", "stage", "obstacle", "kpi", "touchpoint", "owner", "persona", "channel"];
  var HIT = "cjmgen.searchHit";
  var loading = null;
  var data = null;
  form.hidden = false;

  function text(key, values) {
    var out = form.getAttribute("data-" + key) || "";
    Object.keys(values || {}).forEach(function (name) { out = out.split("{" + name + "}").join(values[name]); });
    return out;
  }

  // The same rules as cjmgen.search_index.normalise, one character for one
  // character, so that a match found in normalised text can be marked in the original.
  function normalise(value) {
    var out = "";
    for (var i = 0; i < value.length; i++) {
      var ch = value.charAt(i).toLowerCase().charAt(0);
      if (ch === "ё") ch = "е";
      else if (/\s/.test(ch)) ch = " ";
      out += ch;
    }
    return out;
  }

  function load() {
    if (data) return Promise.resolve(data);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = indexUrl;
        script.onload = function () {
          var raw = window.CJM_SEARCH;
          if (!raw) { reject(new Error("search index is empty")); return; }
          // One group per map (and one of owners, personas, channels): [places, entries];
          // an entry's place is a number within its group.
          var entries = [];
          raw.groups.forEach(function (group) {
            group[1].forEach(function (row) {
              var place = group[0][row[2]];
              var key = normalise(row[1]);
              entries.push({ kind: row[0], title: row[1], context: place[0], url: place[1], key: key,
                             order: entries.length, words: key + " " + row[3], where: normalise(place[0]) });
            });
          });
          data = { kinds: raw.kinds, entries: entries };
          resolve(data);
        };
        script.onerror = function () { loading = null; reject(new Error("cannot load " + indexUrl)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  var WORD_START = /[^\p{L}\p{N}]/u;

  function find(query) {
    var words = normalise(query).split(" ").filter(Boolean);
    if (!words.length || !data) return [];
    var found = [];
    data.entries.forEach(function (entry) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var at = entry.words.indexOf(words[i]);
        if (at < 0) {
          if (entry.where.indexOf(words[i]) < 0) return;
          score += 0.5; // only where it is (the map, the stage): a weak match
          continue;
        }
        score += at === 0 || WORD_START.test(entry.words.charAt(at - 1)) ? 2 : 1;
        if (entry.key.indexOf(words[i]) >= 0) score += 3;
      }
      if (entry.key.indexOf(words.join(" ")) === 0) score += 4;
      found.push({ entry: entry, score: score });
    });
    found.sort(function (a, b) {
      return b.score - a.score
        || KIND_ORDER.indexOf(a.entry.kind) - KIND_ORDER.indexOf(b.entry.kind)
        || a.entry.order - b.entry.order;
    });
    return found.map(function (hit) { return hit.entry; });
  }

  // `value` with every query word wrapped in <mark>, built as DOM nodes (no HTML parsing).
  function marked(value, query) {
    var key = normalise(value);
    var hits = [];
    normalise(query).split(" ").filter(Boolean).forEach(function (word) {
      for (var at = key.indexOf(word); at >= 0; at = key.indexOf(word, at + word.length)) {
        hits.push([at, at + word.length]);
      }
    });
    hits.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var pos = 0;
    hits.forEach(function (hit) {
      if (hit[0] < pos) return;
      fragment.appendChild(document.createTextNode(value.slice(pos, hit[0])));
      var mark = document.createElement("mark");
      mark.textContent = value.slice(hit[0], hit[1]);
      fragment.appendChild(mark);
      pos = hit[1];
    });
    fragment.appendChild(document.createTextNode(value.slice(pos)));
    return fragment;
  }

  function resultItem(entry, query) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = new URL(entry.url, root).href;
    link.className = "search-result kind-" + entry.kind;
    var kind = document.createElement("span");
    kind.className = "result-kind";
    kind.textContent = data.kinds[entry.kind] || entry.kind;
    var title = document.createElement("span");
    title.className = "result-title";
    title.appendChild(marked(entry.title, query));
    link.appendChild(kind);
    link.appendChild(document.createTextNode(" "));
    link.appendChild(title);
    if (entry.context) {
      var where = document.createElement("span");
      where.className = "result-context";
      where.textContent = entry.context;
      link.appendChild(document.createTextNode(" "));
      link.appendChild(where);
    }
    li.appendChild(link);
    return li;
  }

  function searchPageUrl(query) {
    var url = new URL(form.getAttribute("action"), document.baseURI);
    url.search = "?q=" + encodeURIComponent(query);
    return url.href;
  }

  function close() {
    popup.hidden = true;
  }

  function show() {
    var query = input.value.trim();
    if (query.length < 2) {
      close();
      status.textContent = query ? text("short") : "";
      return;
    }
    if (!data) status.textContent = text("loading");
    load().then(function () {
      if (input.value.trim() !== query) return; // typed on meanwhile
      var results = find(query);
      popup.textContent = "";
      var count = document.createElement("p");
      count.className = "search-count";
      count.setAttribute("aria-hidden", "true");
      count.textContent = results.length ? text("found", { n: results.length }) : text("none", { q: query });
      popup.appendChild(count);
      if (results.length) {
        var list = document.createElement("ul");
        list.className = "search-results";
        results.slice(0, POPUP_LIMIT).forEach(function (entry) { list.appendChild(resultItem(entry, query)); });
        popup.appendChild(list);
        var more = document.createElement("a");
        more.className = "search-all";
        more.href = searchPageUrl(query);
        more.textContent = text("all", { n: results.length });
        popup.appendChild(more);
      }
      status.textContent = count.textContent;
      popup.hidden = false;
    }, function () {
      status.textContent = "";
    });
  }

  // Arriving from a result: mark the item that matched inside the stage (or page) it opened.
  function markHit() {
    var hit;
    try {
      hit = JSON.parse(window.sessionStorage.getItem(HIT) || "null");
      window.sessionStorage.removeItem(HIT);
    } catch (e) { return; }
    if (!hit || hit.url !== window.location.href) return;
    var scope = (window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1))))
      || document.querySelector("main");
    var wanted = [normalise(hit.title), normalise(hit.title.split(": ")[0])];
    var candidates = scope.querySelectorAll("li, dd, td, p, h1, h2, h3");
    for (var w = 0; w < wanted.length; w++) {
      for (var i = 0; i < candidates.length; i++) {
        var item = candidates[i];
        if (normalise(item.textContent).indexOf(wanted[w]) >= 0 && !item.querySelector("li, dd, td, p")) {
          item.classList.add("search-hit");
          return;
        }
      }
    }
  }

  function links() {
    return Array.prototype.slice.call(popup.querySelectorAll("a"));
  }

  input.addEventListener("input", show);
  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim().length >= 2 && popup.hidden) show();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !popup.hidden) {
      var first = links()[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape") {
      if (!popup.hidden) { event.preventDefault(); close(); }
      else if (input.value) { input.value = ""; status.textContent = ""; }
    }
  });
  popup.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) input.focus();
      else all[Math.min(next, all.length - 1)].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
      input.focus();
    }
  });
  popup.addEventListener("click", function (event) {
    if (event.target.closest("a")) close();
  });
  // Remember which result was chosen, so that the page it opens can mark it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.search-result");
    if (!link) return;
    try {
      window.sessionStorage.setItem(HIT, JSON.stringify({
        url: link.href, title: link.querySelector(".result-title").textContent
      }));
    } catch (e) { /* storage refused: no mark, nothing else lost */ }
  }, true);
  markHit();
  form.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !form.contains(event.relatedTarget)) {
      window.setTimeout(function () { if (!form.contains(document.activeElement)) close(); }, 0);
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
  form.addEventListener("submit", function (event) {
    if (!input.value.trim()) event.preventDefault();
  });

  // search.html?q=...: every result on the page itself.
  var page = document.querySelector(".search-page");
  if (page) {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    var heading = document.getElementById("search-title");
    var list = page.querySelector(".search-page-results");
    var pageStatus = page.querySelector(".search-page-status");
    if (query.trim()) {
      heading.textContent = heading.getAttribute("data-for").split("{q}").join(query);
      document.title = heading.textContent + " · " + document.title.split(" · ").slice(1).join(" · ");
      load().then(function () {
        var results = find(query.trim());
        pageStatus.textContent = results.length ? text("found", { n: results.length }) : text("none", { q: query });
        results.forEach(function (entry) { list.appendChild(resultItem(entry, query)); });
      });
    } else {
      pageStatus.textContent = text("short");
    }
  }
})();
