// cjmgen default theme: the "what if" funnel calculator of a map page.
// Each stage's conversion leads to the next stage forward (as cjmgen computes it);
// changing one by some percentage points changes every count after it:
// 1,000 views at 5% give 50 visits, at 7.5% (+2.5 points) 75, 1.5 times as many.
(function () {
  "use strict";
  var box = document.getElementById("calculator");
  if (!box) return;
  var stages = JSON.parse(box.querySelector(".calc-data").textContent);
  var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
  var inputs = {};
  rows.forEach(function (row) {
    var input = row.querySelector(".calc-delta");
    if (input) inputs[Number(row.getAttribute("data-index"))] = input;
  });
  var lang = document.documentElement.lang || "en";
  var finalText = box.querySelector(".calc-final");
  var bestText = box.querySelector(".calc-best-text");
  var tryButton = box.querySelector(".calc-try");
  var counted = stages.map(function (s, i) { return s.count === null ? -1 : i; })
    .filter(function (i) { return i >= 0; });
  var first = counted[0];
  var last = counted[counted.length - 1];
  var best = -1;
  box.hidden = false;

  // Numbers as the server prints them: 1 234,5 with a narrow space in Russian.
  function number(value, decimals) {
    var text = new Intl.NumberFormat(lang, { maximumFractionDigits: decimals || 0 }).format(value);
    return lang === "ru" ? text.replace(/[\u00a0 ]/g, "\u202f") : text;
  }
  function percent(rate) {
    var shown = number(rate * 100, 2);
    return lang === "ru" ? shown + "\u00a0%" : shown + "%";
  }
  function fill(key, values) {
    var out = box.getAttribute("data-" + key);
    Object.keys(values).forEach(function (k) { out = out.split("{" + k + "}").join(values[k]); });
    return out;
  }

  // "2,5" and "2.5" alike on either language (a text field: a number field would read
  // the Russian decimal comma as nothing, or as 25); also "−1", "+ 1,5", "2,5 п. п.".
  function parseDelta(text) {
    var cleaned = String(text).replace(/[\u2212\u2013]/g, "-").replace(/[\s\u00a0\u202f]/g, "")
      .replace(/(п\.?п\.?|pp|%)$/i, "").replace(",", ".");
    if (cleaned === "" || cleaned === "-" || cleaned === "+") return 0;
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? Number(cleaned) : NaN;
  }

  // "+1 customer", "+3 клиента", "+5 клиентов": the noun agrees with the number
  // (data-customers holds its forms for 1, 2 and 5, as cjmgen.i18n.plural_form gives them).
  function customers(count) {
    var forms = (box.getAttribute("data-customers") || "").split("|");
    var n = Math.abs(count) % 100, last = n % 10;
    if (lang !== "ru") return count === 1 ? forms[0] : forms[1];
    if (n >= 11 && n <= 14) return forms[2];
    return last === 1 ? forms[0] : last >= 2 && last <= 4 ? forms[1] : forms[2];
  }

  function deltas() {
    var out = {};
    Object.keys(inputs).forEach(function (i) {
      var value = parseDelta(inputs[i].value);
      inputs[i].setAttribute("aria-invalid", isFinite(value) ? "false" : "true");
      out[i] = isFinite(value) ? Math.max(-100, Math.min(100, value)) : 0;
    });
    return out;
  }

  // Counts after the changes: each stage's count flows to its forward stage at its new rate.
  function run(change) {
    var counts = stages.map(function (s) { return s.count; });
    var rates = stages.map(function (s) { return s.rate; });
    stages.forEach(function (s, i) {
      if (s.next === null || s.rate === null) return;
      var rate = Math.min(1, Math.max(0, s.rate + (change[i] || 0) / 100));
      rates[i] = rate;
      if (counts[i] !== null) counts[s.next] = counts[i] * rate;
    });
    return { counts: counts, rates: rates };
  }

  function update() {
    var change = deltas();
    var now = run(change);
    rows.forEach(function (row, i) {
      var count = row.querySelector(".calc-count");
      if (now.counts[i] !== null) count.textContent = number(Math.round(now.counts[i]));
      count.classList.toggle("calc-diff", now.counts[i] !== null && Math.abs(now.counts[i] - stages[i].count) >= 0.5);
      var rate = row.querySelector(".calc-rate");
      if (stages[i].next !== null) rate.textContent = percent(now.rates[i]);
      rate.classList.toggle("calc-diff", Boolean(change[i]));
    });
    if (first === undefined || first === last) {
      finalText.textContent = "";
    } else {
      // the factor of the counts as shown: "5 → 8 (×1,6)", never "5 → 8 (×1,5)"
      var before = stages[last].count;
      var after = Math.round(now.counts[last]);
      finalText.textContent = fill("final", {
        before: number(before), after: number(after),
        factor: before ? number(after / before, 2) : "—"
      });
    }
    // Where one more point (on top of what is set) adds most customers at the end.
    best = -1;
    var gain = 0;
    Object.keys(inputs).forEach(function (key) {
      var i = Number(key);
      var more = Object.assign({}, change);
      more[i] = (more[i] || 0) + 1;
      var extra = run(more).counts[last] - now.counts[last];
      if (extra > gain + 1e-9) { gain = extra; best = i; }
    });
    if (best >= 0) {
      var end = Math.round(now.counts[last]);
      var more = Math.round(now.counts[last] + gain);
      bestText.textContent = fill("best", {
        stage: stages[best].name, gain: number(more - end), customers: customers(more - end),
        factor: end ? number(more / end, 2) : "—"
      });
      tryButton.hidden = false;
    } else {
      bestText.textContent = "";
      tryButton.hidden = true;
    }
  }

  box.addEventListener("input", update);
  tryButton.addEventListener("click", function () {
    if (best < 0) return;
    var input = inputs[best];
    input.value = number((parseDelta(input.value) || 0) + 1, 2);
    update();
    input.focus();
  });
  box.querySelector(".calc-reset").addEventListener("click", function () {
    Object.keys(inputs).forEach(function (i) { inputs[i].value = "0"; });
    update();
  });
  update();
})();
