// cjmgen default theme: instant offline search from the header of every page.
// The index (written by `cjmgen build`, see cjmgen/search_index.py) is a set of
// scripts: search-index.js (the head) sets window.CJM_SEARCH; each part under
// search/ calls window.CJM_SEARCH_PART(name, data). They are loaded with <script>
// tags, which work over HTTP and from a file share alike (fetch() of a file:// URL
// does not), and only the parts a query needs: a term part per word, then the
// entries of the maps shown. Words are compared by their Snowball stem
// (static/stemmer.js, the same algorithm the index was built with).
(function () {
  "use strict";
  var form = document.querySelector(".site-search");
  if (!form) return;
  var input = form.querySelector(".search-input");
  var popup = form.querySelector(".search-popup");
  var status = form.querySelector(".search-status");
  var indexUrl = new URL(form.getAttribute("data-index"), document.baseURI).href;
  var stemmerUrl = new URL(form.getAttribute("data-stemmer"), document.baseURI).href;
  var root = indexUrl.replace(/[^/]*$/, "");
  var POPUP_LIMIT = 8;
  var TYPO_MIN = 5; // words this long tolerate one typo
  var KIND_ORDER = ["map", "stage", "goal", "action", "thought", "quote", "touchpoint", "kpi", "obstacle",
    "trigger", "push", "opportunity", "backstage", "lane", "note", "owner", "persona", "channel"];
  var IN_CONTEXT = 1, IN_TEXT = 2, IN_TITLE = 3; // as in cjmgen/search_index.py
  var HIT = "cjmgen.searchHit";
  var WORD = /[\p{L}\p{N}]+/gu;
  var head = null;
  var loadingHead = null;
  var scripts = {}; // url -> promise
  var parts = {}; // part name -> data
  form.hidden = false;

  window.CJM_SEARCH_PART = function (name, value) { parts[name] = value; };

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

  function script(url) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var node = document.createElement("script");
        node.src = url;
        node.onload = resolve;
        node.onerror = function () { delete scripts[url]; reject(new Error("cannot load " + url)); };
        document.head.appendChild(node);
      });
    }
    return scripts[url];
  }

  function load() {
    if (head) return Promise.resolve(head);
    if (!loadingHead) {
      loadingHead = Promise.all([script(indexUrl), script(stemmerUrl)]).then(function () {
        if (!window.CJM_SEARCH || !window.CJM_STEM) throw new Error("search index is empty");
        head = window.CJM_SEARCH;
        return head;
      }, function (error) { loadingHead = null; throw error; });
    }
    return loadingHead;
  }

  function part(name) {
    if (parts[name]) return Promise.resolve(parts[name]);
    return script(root + "search/" + name + ".js").then(function () { return parts[name]; });
  }

  // The part of a stem: the same hash of its first letters as search_index.term_part.
  function termPart(stem) {
    var key = stem.slice(0, head.prefix);
    var number = 0;
    for (var i = 0; i < key.length; i++) number = (number * 31 + key.charCodeAt(i)) % 1000003;
    return "t" + (number % head.terms);
  }

  function groupOf(entry) { // binary search in the first entry number of each group
    var low = 0, high = head.starts.length - 2;
    while (low < high) {
      var mid = (low + high + 1) >> 1;
      if (head.starts[mid] <= entry) low = mid; else high = mid - 1;
    }
    return low;
  }

  // The stage entry an entry belongs to (the last stage entry before it in its group), or -1.
  function stageOf(entry, group) {
    var list = head.stages || [];
    var low = 0, high = list.length - 1, found = -1;
    while (low <= high) {
      var mid = (low + high) >> 1;
      if (list[mid] <= entry) { found = list[mid]; low = mid + 1; } else high = mid - 1;
    }
    return found >= head.starts[group] ? found : -1;
  }

  function docPart(group) {
    return "d" + Math.floor(group * head.docs / (head.starts.length - 1));
  }

  function wordsOf(value) {
    return normalise(value).match(WORD) || [];
  }

  // At most one edit apart (a letter left out, added, changed, or two swapped)?
  function oneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a.charAt(i) === b.charAt(i)) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function postings(flat) {
    var out = [], number = 0;
    for (var i = 0; i < flat.length; i++) {
      number += Math.floor(flat[i] / 4);
      out.push([number, flat[i] % 4]);
    }
    return out;
  }

  // The terms a word matches in its part: its stem, longer stems that begin with it
  // (a word being typed), or, failing both, for a long word the closest term one typo away.
  function termsFor(word, terms) {
    var stem = window.CJM_STEM(word);
    var found = [];
    Object.keys(terms).forEach(function (term) {
      if (term === stem) found.push({ term: term, bonus: 1 });
      else if (term.indexOf(stem) === 0) found.push({ term: term, bonus: 0.75 });
    });
    if (found.length || word.length < TYPO_MIN) return { found: found };
    var best = null;
    Object.keys(terms).forEach(function (term) {
      if (term.length >= TYPO_MIN - 1 && oneEdit(term, stem)
          && (!best || terms[term][1].length > terms[best][1].length)) best = term;
    });
    return best ? { found: [{ term: best, bonus: 0.9 }], fixed: terms[best][0] } : { found: [] };
  }

  // Every result of a query, best first and grouped by map: a promise of
  // {groups: [{group, entries: [{id, score}]}], terms: {stem: true}, suggestion}.
  function find(query) {
    var words = wordsOf(query);
    if (!words.length) return Promise.resolve({ groups: [], terms: {}, count: 0 });
    return load().then(function () {
      return Promise.all(words.map(function (word) { return part(termPart(window.CJM_STEM(word))); }));
    }).then(function (termParts) {
      var matched = {};
      var perWord = [];
      var titles = []; // per word: entries whose title holds it (a map's, a stage's name)
      var fixedWords = [];
      var fixed = false;
      words.forEach(function (word, index) {
        var terms = termParts[index] || {};
        var result = termsFor(word, terms);
        if (result.fixed) { fixed = true; fixedWords.push(result.fixed); } else fixedWords.push(word);
        var scores = {};
        var inTitle = {};
        result.found.forEach(function (match) {
          matched[match.term] = true;
          postings(terms[match.term][1]).forEach(function (posting) {
            var score = posting[1] * match.bonus;
            var id = posting[0];
            if (posting[1] === IN_TITLE) inTitle[id] = true;
            if (!scores[id] || scores[id].score < score) scores[id] = { score: score, own: posting[1] >= IN_TEXT };
          });
        });
        perWord.push(scores);
        titles.push(inTitle);
      });
      // Every word must be in the entry, or else in the name of its map or stage; and at
      // least one in the entry itself: a word of a map's title alone matches its map only.
      var candidates = {};
      perWord.forEach(function (scores) { Object.keys(scores).forEach(function (id) { candidates[id] = true; }); });
      var hits = [];
      Object.keys(candidates).forEach(function (key) {
        var id = +key, score = 0, own = false;
        var group = groupOf(id);
        var mapEntry = group < head.starts.length - 2 ? head.starts[group] : -1;
        var stageEntry = stageOf(id, group);
        for (var i = 0; i < perWord.length; i++) {
          var hit = perWord[i][id];
          if (hit) {
            score += hit.score;
            own = own || hit.own;
          } else if ((mapEntry >= 0 && mapEntry !== id && titles[i][mapEntry])
                     || (stageEntry >= 0 && stageEntry !== id && titles[i][stageEntry])) {
            score += IN_CONTEXT;
          } else {
            return;
          }
        }
        if (own) hits.push({ id: id, score: score });
      });
      var groups = {};
      hits.forEach(function (hit) {
        var g = groupOf(hit.id);
        (groups[g] = groups[g] || { group: g, best: 0, entries: [] }).entries.push(hit);
        groups[g].best = Math.max(groups[g].best, hit.score);
      });
      var list = Object.keys(groups).map(function (g) { return groups[g]; });
      list.forEach(function (group) {
        group.entries.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      });
      list.sort(function (a, b) { return b.best - a.best || a.group - b.group; });
      return { groups: list, terms: matched, count: hits.length,
               suggestion: fixed ? fixedWords.join(" ") : null };
    });
  }

  // The entries of the first `limit` results (loading the parts that hold them).
  function entriesOf(found, limit) {
    var chosen = [];
    found.groups.forEach(function (group) {
      group.entries.forEach(function (hit) { if (chosen.length < limit) chosen.push({ group: group.group, hit: hit }); });
    });
    var names = {};
    chosen.forEach(function (c) { names[docPart(c.group)] = true; });
    return Promise.all(Object.keys(names).map(part)).then(function () {
      return chosen.map(function (c) {
        var data = parts[docPart(c.group)];
        var groupData = data.groups[c.group - data.first];
        var row = groupData[1][c.hit.id - head.starts[c.group]];
        var place = groupData[0][row[2]];
        var first = groupData[1][0];
        return { group: c.group, mapTitle: c.group < head.starts.length - 2 ? first[1] : null,
                 kind: row[0], title: row[1], context: place[0], url: place[1], extra: row[3] };
      });
    });
  }

  // `value` with every word of a matched stem wrapped in <mark>, built as DOM nodes.
  function marked(value, terms) {
    var key = normalise(value);
    var fragment = document.createDocumentFragment();
    var pos = 0;
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(key)) !== null) {
      if (!terms[window.CJM_STEM(match[0])]) continue;
      fragment.appendChild(document.createTextNode(value.slice(pos, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = value.slice(match.index, match.index + match[0].length);
      fragment.appendChild(mark);
      pos = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(value.slice(pos)));
    return fragment;
  }

  function hasMark(value, terms) {
    return (wordsOf(value)).some(function (word) { return terms[window.CJM_STEM(word)]; });
  }

  // A few words around the first match in the entry's own hidden text.
  function excerpt(value, terms) {
    var key = normalise(value);
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(key)) !== null) {
      if (terms[window.CJM_STEM(match[0])]) break;
    }
    if (!match) return "";
    var start = Math.max(0, match.index - 60);
    var end = Math.min(value.length, match.index + 100);
    if (start > 0) start = value.indexOf(" ", start) + 1 || start;
    return (start > 0 ? "… " : "") + value.slice(start, end) + (end < value.length ? " …" : "");
  }

  function resultItem(entry, terms) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = new URL(entry.url, root).href;
    link.className = "search-result kind-" + entry.kind;
    link.setAttribute("data-kind", entry.kind);
    var kind = document.createElement("span");
    kind.className = "result-kind";
    kind.textContent = head.kinds[entry.kind] || entry.kind;
    var title = document.createElement("span");
    title.className = "result-title";
    title.appendChild(marked(entry.title, terms));
    link.appendChild(kind);
    link.appendChild(document.createTextNode(" "));
    link.appendChild(title);
    var where = entry.context;
    if (entry.mapTitle && where.indexOf(entry.mapTitle + " › ") === 0) where = where.slice(entry.mapTitle.length + 3);
    else if (entry.mapTitle && where === entry.mapTitle) where = "";
    if (where) {
      var context = document.createElement("span");
      context.className = "result-context";
      context.textContent = where;
      link.appendChild(document.createTextNode(" "));
      link.appendChild(context);
    }
    if ((entry.kind === "note" || !hasMark(entry.title, terms)) && entry.extra) {
      var cut = excerpt(entry.extra, terms);
      if (cut) {
        var more = document.createElement("span");
        more.className = "result-excerpt";
        more.appendChild(marked(cut, terms));
        link.appendChild(document.createTextNode(" "));
        link.appendChild(more);
      }
    }
    link.setAttribute("data-terms", Object.keys(terms).join(" "));
    li.appendChild(link);
    return li;
  }

  // The results as lists under a heading per map (the other pages last).
  function resultList(entries, terms, listClass) {
    var fragment = document.createDocumentFragment();
    var list = null, group = -1;
    entries.forEach(function (entry) {
      if (entry.group !== group) {
        group = entry.group;
        var section = document.createElement("li");
        section.className = "search-group";
        var heading = document.createElement("p");
        heading.className = "search-group-title";
        heading.textContent = entry.mapTitle || text("other");
        section.appendChild(heading);
        list = document.createElement("ul");
        list.className = listClass;
        section.appendChild(list);
        fragment.appendChild(section);
      }
      list.appendChild(resultItem(entry, terms));
    });
    return fragment;
  }

  function searchPageUrl(query) {
    var url = new URL(form.getAttribute("action"), document.baseURI);
    url.search = "?q=" + encodeURIComponent(query);
    return url.href;
  }

  function suggestion(found, onChoose) {
    var p = document.createElement("p");
    p.className = "search-suggestion";
    var button = document.createElement("a");
    button.href = searchPageUrl(found.suggestion);
    button.textContent = found.suggestion;
    button.addEventListener("click", function (event) { if (onChoose) { event.preventDefault(); onChoose(found.suggestion); } });
    var parts = text("did-you-mean").split("{word}");
    p.appendChild(document.createTextNode(parts[0]));
    p.appendChild(button);
    p.appendChild(document.createTextNode(parts[1] || ""));
    return p;
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
    if (!head) status.textContent = text("loading");
    var found;
    find(query).then(function (result) {
      found = result;
      return entriesOf(found, POPUP_LIMIT);
    }).then(function (entries) {
      if (input.value.trim() !== query) return; // typed on meanwhile
      popup.textContent = "";
      var count = document.createElement("p");
      count.className = "search-count";
      count.setAttribute("aria-hidden", "true");
      count.textContent = found.count ? text("found", { n: found.count }) : text("none", { q: query });
      popup.appendChild(count);
      if (found.suggestion) {
        popup.appendChild(suggestion(found, function (fixed) { input.value = fixed; show(); input.focus(); }));
      }
      if (found.count) {
        var list = document.createElement("ul");
        list.className = "search-results";
        list.appendChild(resultList(entries, found.terms, "search-group-results"));
        popup.appendChild(list);
        var more = document.createElement("a");
        more.className = "search-all";
        more.href = searchPageUrl(found.suggestion || query);
        more.textContent = text("all", { n: found.count });
        popup.appendChild(more);
      }
      status.textContent = count.textContent + (found.suggestion ? ". " + text("did-you-mean", { word: found.suggestion }) : "");
      popup.hidden = false;
    }).catch(function () {
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
    var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && /^H[1-6]$/.test(target.tagName)) target = target.parentElement;
    var scope = target || document.querySelector("main");
    var candidates = Array.prototype.filter.call(scope.querySelectorAll("li, dd, td, p, h1, h2, h3, blockquote"),
      function (item) { return !item.querySelector("li, dd, td, p"); });
    var wanted = hit.kind === "note" ? [] : [normalise(hit.title), normalise(hit.title.split(": ")[0]),
      normalise(hit.title.replace(/ \([^)]*\)$/, ""))];
    for (var w = 0; w < wanted.length; w++) {
      for (var i = 0; i < candidates.length; i++) {
        if (normalise(candidates[i].textContent).indexOf(wanted[w]) >= 0) {
          candidates[i].classList.add("search-hit");
          return;
        }
      }
    }
    // Found in the notes (or by a word the title does not show): the first place with the word.
    if (!window.CJM_STEM || !hit.terms) return;
    var terms = {};
    hit.terms.split(" ").forEach(function (term) { if (term) terms[term] = true; });
    for (var j = 0; j < candidates.length; j++) {
      if (hasMark(candidates[j].textContent, terms)) { candidates[j].classList.add("search-hit"); return; }
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
    var link = event.target.closest("a");
    if (link && !link.closest(".search-suggestion")) close();
  });
  // Remember which result was chosen, so that the page it opens can mark it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.search-result");
    if (!link) return;
    try {
      window.sessionStorage.setItem(HIT, JSON.stringify({
        url: link.href, title: link.querySelector(".result-title").textContent,
        kind: link.getAttribute("data-kind"), terms: link.getAttribute("data-terms")
      }));
    } catch (e) { /* storage refused: no mark, nothing else lost */ }
  }, true);
  try {
    if (window.sessionStorage.getItem(HIT)) script(stemmerUrl).then(markHit, markHit);
  } catch (e) { /* no storage: nothing to mark */ }
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
      var pageFound;
      find(query.trim()).then(function (result) {
        pageFound = result;
        return entriesOf(result, Infinity);
      }).then(function (entries) {
        pageStatus.textContent = pageFound.count ? text("found", { n: pageFound.count }) : text("none", { q: query });
        if (pageFound.suggestion) pageStatus.parentNode.insertBefore(suggestion(pageFound, null), pageStatus.nextSibling);
        list.appendChild(resultList(entries, pageFound.terms, "search-page-group"));
      });
    } else {
      pageStatus.textContent = text("short");
    }
  }
})();
