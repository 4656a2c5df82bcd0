// cjmgen default theme, map page: focus a stage, thoughts and quotes at an emotion
// point, rows switched on and off, the comparison with the current state.
// Without it the page shows everything: these only rearrange what is there.
(function () {
  "use strict";
  var tools = document.querySelector(".map-tools");
  var grid = document.querySelector(".cjm-grid");
  if (!tools || !grid) return;
  var section = grid.closest(".grid-section");
  var heads = Array.prototype.slice.call(grid.querySelectorAll("thead th.stage-head"));
  var lanes = Array.prototype.slice.call(grid.querySelectorAll("tbody tr.lane"));
  var STORE = "cjmgen.hiddenLanes";
  tools.hidden = false;

  function label(key) { return tools.getAttribute("data-" + key) || key; }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  // A copy of page content without its ids (no duplicates); references by id become labels.
  function copy(node) {
    var clone = node.cloneNode(true);
    if (clone.nodeType !== 1) return clone; // text
    var withRefs = [clone].concat(Array.prototype.slice.call(clone.querySelectorAll("[aria-labelledby], [aria-describedby]")));
    withRefs.forEach(function (item) {
      var ids = item.getAttribute("aria-labelledby");
      if (ids) {
        var text = ids.split(/\s+/).map(function (id) {
          var target = document.getElementById(id);
          return target ? target.textContent.trim() : "";
        }).join(" ").trim();
        item.removeAttribute("aria-labelledby");
        if (text) item.setAttribute("aria-label", text);
      }
      item.removeAttribute("aria-describedby");
    });
    clone.removeAttribute("id");
    Array.prototype.forEach.call(clone.querySelectorAll("[id]"), function (item) { item.removeAttribute("id"); });
    return clone;
  }

  function cellOf(row, index) {
    // Cells of a lane row: th, then one td per stage (the emotion row spans them all).
    var cells = row.querySelectorAll("td");
    return cells.length === heads.length ? cells[index] : null;
  }

  // -- rows on and off --------------------------------------------------------------
  function hiddenLanes() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function laneKey(row) {
    var name = Array.prototype.filter.call(row.classList, function (c) { return c.indexOf("lane-") === 0; })[0];
    return name || "";
  }
  if (lanes.length > 1) {
    var picker = el("details", "lane-picker");
    picker.appendChild(el("summary", "", label("lanes")));
    var box = el("fieldset", "lane-options");
    box.appendChild(el("legend", "visually-hidden", label("lanes")));
    var stored = hiddenLanes();
    lanes.forEach(function (row) {
      var key = laneKey(row);
      var option = el("label", "lane-option");
      var check = document.createElement("input");
      check.type = "checkbox";
      check.checked = stored.indexOf(key) < 0;
      row.hidden = !check.checked;
      check.addEventListener("change", function () {
        row.hidden = !check.checked;
        var now = hiddenLanes().filter(function (k) { return k !== key; });
        if (!check.checked) now.push(key);
        try { window.localStorage.setItem(STORE, JSON.stringify(now)); } catch (e) { /* private mode */ }
      });
      option.appendChild(check);
      option.appendChild(document.createTextNode(" " + row.querySelector("th").textContent.trim()));
      box.appendChild(option);
    });
    picker.appendChild(box);
    var hint = tools.querySelector(".map-hint");
    if (hint) hint.insertAdjacentElement("afterend", picker); else tools.appendChild(picker);
  }

  // -- the comparison with the current state ------------------------------------------
  var compare = tools.querySelector(".compare-toggle");
  if (compare) {
    compare.addEventListener("click", function () {
      var on = compare.getAttribute("aria-pressed") !== "true";
      compare.setAttribute("aria-pressed", on ? "true" : "false");
      section.classList.toggle("comparing", on);
    });
  }

  // -- a stage in focus -------------------------------------------------------------
  var panel = el("section", "stage-focus");
  panel.hidden = true;
  panel.setAttribute("aria-label", label("focus"));
  grid.closest(".grid-scroll").insertAdjacentElement("afterend", panel);
  var focused = -1;

  function button(text, className, onClick) {
    var node = el("button", "button-secondary " + className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function unfocus() {
    focused = -1;
    panel.hidden = true;
    grid.classList.remove("has-focus");
    Array.prototype.forEach.call(grid.querySelectorAll(".col-focus"), function (c) { c.classList.remove("col-focus"); });
    heads.forEach(function (h) { h.removeAttribute("aria-current"); });
  }

  // Scroll the grid's box sideways (never the page) so that a stage's column stands clear
  // of the sticky row names: on a phone a tapped column would otherwise slide under them.
  function reveal(index) {
    var scroller = grid.closest(".grid-scroll");
    var corner = grid.querySelector("thead th.corner");
    var head = heads[index];
    if (!scroller || !corner) return;
    var names = corner.offsetWidth;
    var left = head.offsetLeft - scroller.scrollLeft;
    if (left < names) scroller.scrollLeft = head.offsetLeft - names;
    else if (left + head.offsetWidth > scroller.clientWidth) {
      scroller.scrollLeft = Math.min(head.offsetLeft - names, head.offsetLeft + head.offsetWidth - scroller.clientWidth);
    }
  }

  function mark(index) {
    Array.prototype.forEach.call(grid.querySelectorAll(".col-focus"), function (c) { c.classList.remove("col-focus"); });
    heads.forEach(function (h, i) {
      if (i === index) h.setAttribute("aria-current", "true"); else h.removeAttribute("aria-current");
    });
    heads[index].classList.add("col-focus");
    lanes.forEach(function (row) {
      var cell = cellOf(row, index);
      if (cell) cell.classList.add("col-focus");
    });
    grid.classList.add("has-focus");
    reveal(index);
  }

  function focusStage(index, moveFocus) {
    if (index < 0 || index >= heads.length) return;
    focused = index;
    mark(index);
    var link = heads[index].querySelector("a");
    var anchor = link.getAttribute("href").replace(/^#/, "");
    var card = document.getElementById(anchor);
    panel.textContent = "";
    var bar = el("div", "stage-focus-bar");
    var title = el("h3", "stage-focus-title");
    Array.prototype.forEach.call(link.childNodes, function (child) { title.appendChild(copy(child)); });
    title.tabIndex = -1;
    bar.appendChild(title);
    var buttons = el("div", "stage-focus-buttons");
    var prev = button("← " + label("prev"), "stage-prev", function () { focusStage(focused - 1, true); });
    prev.disabled = index === 0;
    var next = button(label("next") + " →", "stage-next", function () { focusStage(focused + 1, true); });
    next.disabled = index === heads.length - 1;
    buttons.appendChild(prev);
    buttons.appendChild(next);
    buttons.appendChild(button(label("close"), "stage-close", function () { unfocus(); link.focus(); }));
    bar.appendChild(buttons);
    panel.appendChild(bar);

    var body = el("div", "stage-focus-body");
    var facts = el("dl", "stage-facts stage-focus-lanes");
    lanes.forEach(function (row) {
      var cell = cellOf(row, index);
      if (!cell || !cell.textContent.trim()) return;
      facts.appendChild(el("dt", "", row.querySelector("th").textContent.trim()));
      var dd = el("dd", laneKey(row));
      Array.prototype.forEach.call(cell.childNodes, function (child) { dd.appendChild(copy(child)); });
      facts.appendChild(dd);
    });
    body.appendChild(facts);
    var notes = card && card.querySelector(".stage-notes");
    if (notes) body.appendChild(copy(notes));
    panel.appendChild(body);
    panel.hidden = false;
    try { window.history.replaceState(null, "", "#" + anchor); } catch (e) { /* file:// */ }
    if (moveFocus) title.focus();
  }

  // The whole header cell is the target (a finger seldom lands on the link's text).
  heads.forEach(function (head, index) {
    head.addEventListener("click", function (event) {
      event.preventDefault();
      if (focused === index) unfocus(); else focusStage(index, true);
    });
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var index = focused;
      unfocus();
      if (index >= 0) heads[index].querySelector("a").focus();
    }
  });

  // Arriving at a stage (a search result, a shared link): mark its column too.
  function fromHash() {
    var anchor = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    heads.forEach(function (head, index) {
      if (head.querySelector("a").getAttribute("href") === "#" + anchor && focused !== index) mark(index);
    });
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  // -- thoughts and quotes at an emotion point ----------------------------------------
  var emotionCell = grid.querySelector(".emotion-cell");
  var thoughts = grid.querySelector("tr.lane-thoughts");
  if (emotionCell) {
    // Fixed to the window, not inside the grid's scroll box, so that it is never cut off.
    var tip = el("div", "emo-tip");
    tip.hidden = true;
    document.body.appendChild(tip);
    var pinned = null;
    var stageIds = heads.map(function (h) { return h.getAttribute("data-stage"); });

    var shown = null;
    var showTip = function (point) {
      shown = point;
      var index = stageIds.indexOf(point.getAttribute("data-stage"));
      if (index < 0) return;
      tip.textContent = "";
      tip.appendChild(el("strong", "", (point.querySelector("title") || {}).textContent || ""));
      var cell = thoughts && cellOf(thoughts, index);
      if (cell && cell.textContent.trim()) {
        Array.prototype.forEach.call(cell.childNodes, function (child) { tip.appendChild(copy(child)); });
      }
      var spot = point.getBoundingClientRect();
      var view = document.documentElement.clientWidth;
      tip.hidden = false;
      var width = tip.offsetWidth;
      var height = tip.offsetHeight;
      tip.style.left = Math.max(4, Math.min(spot.left + spot.width / 2 - width / 2, view - width - 4)) + "px";
      var below = spot.bottom + 6;
      tip.style.top = (below + height > window.innerHeight && spot.top - height - 6 > 0 ? spot.top - height - 6 : below) + "px";
    };
    var hideTip = function () { tip.hidden = true; pinned = null; };
    window.addEventListener("scroll", function () { if (!tip.hidden && shown) showTip(shown); }, true);

    Array.prototype.forEach.call(emotionCell.querySelectorAll(".emo-point"), function (point) {
      point.addEventListener("pointerenter", function () { if (!pinned) showTip(point); });
      point.addEventListener("pointerleave", function () { if (!pinned) tip.hidden = true; });
      point.addEventListener("click", function (event) {
        event.stopPropagation();
        if (pinned === point) { hideTip(); return; }
        pinned = point;
        showTip(point);
      });
    });
    document.addEventListener("click", function (event) { if (!tip.contains(event.target)) hideTip(); });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hideTip(); });
  }
})();
