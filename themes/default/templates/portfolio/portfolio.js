// cjmgen default theme: the portfolio page's impact × effort matrix follows the filters.
// static/filters.js filters the list and keeps the state in the URL's hash; this script
// leaves in the matrix the opportunities whose rows are shown, and makes the matrix's
// links scroll to their row without touching the hash (the hash is the filters' state).
(function () {
  "use strict";
  var list = document.querySelector("table.opportunity-list tbody");
  var cells = Array.prototype.slice.call(document.querySelectorAll("table.matrix td.matrix-cell"));
  if (!list || !cells.length) return;

  function sync() {
    cells.forEach(function (cell) {
      var shown = 0;
      cell.querySelectorAll("li[data-row]").forEach(function (entry) {
        var row = document.getElementById(entry.getAttribute("data-row"));
        entry.hidden = !row || row.hidden;
        if (!entry.hidden) shown += 1;
      });
      cell.querySelector(".matrix-count").textContent = shown;
      cell.setAttribute("data-count", shown);
    });
  }

  document.querySelector("table.matrix").addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var row = document.getElementById(link.getAttribute("href").slice(1));
    if (!row) return;
    event.preventDefault();
    row.scrollIntoView({ block: "center" });
    row.classList.add("is-target");
    window.setTimeout(function () { row.classList.remove("is-target"); }, 1500);
    var heading = row.querySelector("th");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });

  new MutationObserver(sync).observe(list, { subtree: true, attributes: true, attributeFilter: ["hidden"] });
  sync();
})();
