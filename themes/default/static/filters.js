// cjmgen default theme: filters of the index (segment, persona, owner, channel, tag,
// state, status, staleness). The state lives in the URL's hash (#segment=...&tag=...),
// so a filtered list can be shared and works under any base path and from a file share;
// a query string (?segment=...) is read too, for links written by hand.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("main tr[data-facets]"));
  var facets = rows.map(function (row) { return JSON.parse(row.getAttribute("data-facets")); });
  var count = form.querySelector(".filter-count");
  var none = form.querySelector(".filter-none");
  form.hidden = false;

  function has(facet, value) {
    return Array.isArray(facet) ? facet.indexOf(value) >= 0 : facet === value;
  }

  function apply() {
    var shown = 0;
    selects.forEach(function (select) { select.classList.toggle("is-set", Boolean(select.value)); });
    rows.forEach(function (row, i) {
      var visible = selects.every(function (select) {
        return !select.value || has(facets[i][select.name], select.value);
      });
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    // A persona's table, then a segment's section, disappears when nothing in it is left.
    document.querySelectorAll("main .persona-group, main .segment-group").forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-facets]:not([hidden])");
    });
    count.textContent = form.getAttribute("data-shown")
      .replace("{shown}", shown).replace("{total}", rows.length);
    none.hidden = shown > 0;
  }

  var unknownBox = form.querySelector(".filter-unknown");

  function labelOf(select) {
    var label = form.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.trim() : select.name;
  }

  // Filters from the address. One that no map has (a typo, a renamed owner, a link from
  // an older site) is said so under the form, not silently dropped; so is an unknown
  // name after # (the hash is the filters' own; other ?names may belong to others).
  function read() {
    var params = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    hash.forEach(function (value, key) { params.set(key, value); });
    var unknown = [];
    selects.forEach(function (select) {
      var wanted = params.get(select.name) || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      select.value = known ? wanted : "";
      if (!known) unknown.push(labelOf(select) + ": " + wanted);
    });
    hash.forEach(function (value, key) {
      if (!selects.some(function (select) { return select.name === key; })) unknown.push(key + ": " + value);
    });
    unknownBox.textContent = unknown.length ? form.getAttribute("data-unknown").replace("{items}", unknown.join("; ")) : "";
    unknownBox.hidden = !unknown.length;
  }

  // Each change of the filters is a step in the browser's history: Back undoes the last one.
  function write() {
    var params = new URLSearchParams();
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    var state = params.toString();
    if (state === window.location.hash.replace(/^#/, "")) return;
    var url = window.location.pathname + window.location.search + (state ? "#" + state : "");
    try {
      window.history.pushState(null, "", url);
    } catch (error) {
      window.location.hash = state; // file:// pages may refuse pushState
    }
  }

  function restore() { read(); apply(); }

  form.addEventListener("change", function () { apply(); write(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { apply(); write(); }, 0); // after the form has reset itself
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("hashchange", restore); // a link or an edited address
  window.addEventListener("popstate", restore); // Back and Forward
  read();
  apply();
})();
