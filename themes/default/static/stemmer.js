// cjmgen default theme: the Snowball stemmers for Russian and English (Snowball 3.1,
// https://snowballstem.org/algorithms/), as search.js applies them to what the user types.
// The index is stemmed at build time by the Python package snowballstemmer, generated
// from the same Snowball scripts; tests/test_search_stemming.py runs both over a word
// list and requires identical stems. Each step below follows the generated code of
// russian.sbl and english.sbl one for one (an `among` finds the longest listed suffix).
(function (global) {
  "use strict";

  // The state of one word being stemmed: the Snowball runtime's cursor, limits and slice.
  function State(word) {
    this.s = word;
    this.cursor = 0;
    this.limit = word.length;
    this.lb = 0;
    this.bra = 0;
    this.ket = word.length;
  }
  State.prototype.inB = function (set) {
    if (this.cursor <= this.lb || set.indexOf(this.s.charAt(this.cursor - 1)) < 0) return false;
    this.cursor--;
    return true;
  };
  State.prototype.outB = function (set) {
    if (this.cursor <= this.lb || set.indexOf(this.s.charAt(this.cursor - 1)) >= 0) return false;
    this.cursor--;
    return true;
  };
  State.prototype.inF = function (set) {
    if (this.cursor >= this.limit || set.indexOf(this.s.charAt(this.cursor)) < 0) return false;
    this.cursor++;
    return true;
  };
  // go_out_grouping: move on to the next character in `set` (false if there is none).
  State.prototype.goOut = function (set) {
    while (this.cursor < this.limit) {
      if (set.indexOf(this.s.charAt(this.cursor)) >= 0) return true;
      this.cursor++;
    }
    return false;
  };
  // go_in_grouping: move on to the next character not in `set`.
  State.prototype.goIn = function (set) {
    while (this.cursor < this.limit) {
      if (set.indexOf(this.s.charAt(this.cursor)) < 0) return true;
      this.cursor++;
    }
    return false;
  };
  State.prototype.goOutB = function (set) {
    while (this.cursor > this.lb) {
      if (set.indexOf(this.s.charAt(this.cursor - 1)) >= 0) return true;
      this.cursor--;
    }
    return false;
  };
  State.prototype.eqB = function (text) {
    if (this.cursor - this.lb < text.length || this.s.slice(this.cursor - text.length, this.cursor) !== text) return false;
    this.cursor -= text.length;
    return true;
  };
  State.prototype.charB = function (ch) {
    if (this.cursor <= this.lb || this.s.charAt(this.cursor - 1) !== ch) return false;
    this.cursor--;
    return true;
  };
  // among (backwards): the longest listed suffix before the cursor; its result, or 0.
  State.prototype.amongB = function (table) {
    var best = null;
    for (var key in table) {
      if ((best === null || key.length > best.length) && this.cursor - this.lb >= key.length
          && this.s.slice(this.cursor - key.length, this.cursor) === key) best = key;
    }
    if (best === null) return 0;
    this.cursor -= best.length;
    return table[best];
  };
  // among (forwards): the longest listed prefix after the cursor.
  State.prototype.among = function (table) {
    var best = null;
    for (var key in table) {
      if ((best === null || key.length > best.length) && this.limit - this.cursor >= key.length
          && this.s.slice(this.cursor, this.cursor + key.length) === key) best = key;
    }
    if (best === null) return 0;
    this.cursor += best.length;
    return table[best];
  };
  State.prototype.sliceFrom = function (text) {
    var adjustment = text.length - (this.ket - this.bra);
    this.s = this.s.slice(0, this.bra) + text + this.s.slice(this.ket);
    this.limit += adjustment;
    if (this.cursor >= this.ket) this.cursor += adjustment;
    else if (this.cursor > this.bra) this.cursor = this.bra;
    this.ket = this.bra + text.length;
  };
  State.prototype.sliceDel = function () { this.sliceFrom(""); };

  function table(spec) { // "a b:2 c" -> {a: 1, b: 2, c: 1}
    var out = {};
    spec.split(" ").forEach(function (item) {
      var parts = item.split(":");
      out[parts[0] === "''" ? "" : parts[0]] = parts.length > 1 ? parseInt(parts[1], 10) : 1;
    });
    return out;
  }

  // -- Russian ------------------------------------------------------------------------
  var RU_V = "аеиоуыэюя";
  var RU_GERUND = table("в ив:2 ыв:2 вши ивши:2 ывши:2 вшись ившись:2 ывшись:2");
  var RU_ADJECTIVE = table("ее ие ое ые ими ыми ей ий ой ый ем им ом ым его ого ему ому их ых ею ою ую юю ая яя");
  var RU_PARTICIPLE = table("ем нн вш ивш:2 ывш:2 щ ющ ующ:2");
  var RU_REFLEXIVE = table("сь ся");
  var RU_VERB = table("ла ила:2 ыла:2 на ена:2 ете ите:2 йте ейте:2 уйте:2 ли или:2 ыли:2 й ей:2 уй:2 л ил:2 ыл:2 " +
    "ем им:2 ым:2 н ен:2 ло ило:2 ыло:2 но ено:2 нно ет ует:2 ит:2 ыт:2 ют уют:2 ят:2 ны ены:2 ть ить:2 ыть:2 " +
    "ешь ишь:2 ю:2 ую:2");
  var RU_NOUN = table("а ев ов е ие ье и еи ии ами ями иями й ей ией ий ой ам ем ием ом ям иям о у ах ях иях " +
    "ы ь ю ию ью я ия ья");
  var RU_DERIVATIONAL = table("ост ость");
  var RU_TIDY = table("ейше н:2 ейш ь:3");

  // A suffix of group 1 must follow а or я, which stays; group 2 goes on its own.
  function ruGroup(z, tbl) {
    z.ket = z.cursor;
    var found = z.amongB(tbl);
    if (!found) return false;
    z.bra = z.cursor;
    if (found === 1 && !z.charB("а") && !z.charB("я")) return false;
    z.sliceDel();
    return true;
  }

  function ruSimple(z, tbl) {
    z.ket = z.cursor;
    if (!z.amongB(tbl)) return false;
    z.bra = z.cursor;
    z.sliceDel();
    return true;
  }

  function ruAdjectival(z) {
    if (!ruSimple(z, RU_ADJECTIVE)) return false;
    var back = z.limit - z.cursor;
    if (!ruGroup(z, RU_PARTICIPLE)) z.cursor = z.limit - back;
    return true;
  }

  function russian(word) {
    var z = new State(word.split("ё").join("е"));
    var pV = z.limit, p2 = z.limit;
    (function markRegions() {
      if (!z.goOut(RU_V)) return;
      z.cursor++;
      pV = z.cursor;
      if (!z.goIn(RU_V)) return;
      z.cursor++;
      if (!z.goOut(RU_V)) return;
      z.cursor++;
      if (!z.goIn(RU_V)) return;
      z.cursor++;
      p2 = z.cursor;
    })();
    z.cursor = z.limit;
    if (z.cursor < pV) return z.s;
    z.lb = pV;
    var start = z.limit - z.cursor;
    if (!ruGroup(z, RU_GERUND)) {
      z.cursor = z.limit - start;
      var before = z.limit - z.cursor;
      if (!ruSimple(z, RU_REFLEXIVE)) z.cursor = z.limit - before;
      var at = z.limit - z.cursor;
      if (!ruAdjectival(z)) {
        z.cursor = z.limit - at;
        if (!ruGroup(z, RU_VERB)) {
          z.cursor = z.limit - at;
          ruSimple(z, RU_NOUN);
        }
      }
    }
    z.cursor = z.limit - start;
    z.ket = z.cursor;
    if (z.charB("и")) { z.bra = z.cursor; z.sliceDel(); }
    z.cursor = z.limit;
    // derivational: ост(ь) in R2
    z.ket = z.cursor;
    if (z.amongB(RU_DERIVATIONAL)) {
      z.bra = z.cursor;
      if (p2 <= z.cursor) z.sliceDel();
    }
    z.cursor = z.limit;
    // tidy up: ейш(е), нн -> н, ь
    z.ket = z.cursor;
    var tidy = z.amongB(RU_TIDY);
    if (tidy) {
      z.bra = z.cursor;
      if (tidy === 1) {
        z.sliceDel();
        z.ket = z.cursor;
        if (z.charB("н")) {
          z.bra = z.cursor;
          if (z.charB("н")) z.sliceDel();
        }
      } else if (tidy === 2) {
        if (z.charB("н")) z.sliceDel();
      } else {
        z.sliceDel();
      }
    }
    return z.s;
  }

  // -- English (Porter2 as revised in Snowball 3) -------------------------------------
  var EN_V = "aeiouy";
  var EN_V_WXY = "aeiouywxY";
  var EN_VALID_LI = "cdeghkmnrt";
  var EN_EXCEPTIONS = { skis: "ski", skies: "sky", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli",
    only: "onli", singly: "singl", andes: "andes", atlas: "atlas", bias: "bias", cosmos: "cosmos",
    howe: "howe", news: "news", sky: "sky" };
  var EN_REGION_PREFIX = table("arsen commun emerg gener inter later organ past univers");
  var EN_1A_APOSTROPHE = table("' 's' 's");
  var EN_1A = table("ied:2 s:3 ies:2 sses:1 ss:-1 us:-1");
  var EN_1B_EED = table("succ proc exc");
  var EN_1B_ING = table("even:2 cann:2 inn:2 earr:2 herr:2 out:2 y:1");
  var EN_1B = table("'':-1 ed:2 eed:1 ing:3 edly:2 eedly:1 ingly:2");
  var EN_1B_END = table("'':3 bb:2 dd:2 ff:2 gg:2 bl:1 mm:2 nn:2 pp:2 rr:2 at:1 tt:2 iz:1");
  var EN_2 = table("anci:3 enci:2 ogi:14 li:16 bli:12 abli:4 alli:8 fulli:9 lessli:15 ousli:10 entli:5 aliti:8 " +
    "biliti:12 iviti:11 tional:1 ational:7 alism:8 ation:7 ization:6 izer:6 ator:7 iveness:11 fulness:9 " +
    "ousness:10 ogist:13");
  var EN_2_TO = [null, "tion", "ence", "ance", "able", "ent", "ize", "ate", "al", "ful", "ous", "ive", "ble", "og"];
  var EN_3 = table("icate:4 ative:6 alize:3 iciti:4 ical:4 tional:1 ational:2 ful:5 ness:5");
  var EN_3_TO = [null, "tion", "ate", "al", "ic"];
  var EN_4 = table("ic ance ence able ible ate ive ize iti al ism ion:2 er ous ant ent ment ement");

  function englishShortV(z) {
    var back = z.limit - z.cursor;
    if (z.outB(EN_V_WXY) && z.inB(EN_V) && z.outB(EN_V)) return true;
    z.cursor = z.limit - back;
    if (z.outB(EN_V) && z.inB(EN_V) && z.cursor <= z.lb) return true;
    z.cursor = z.limit - back;
    return z.eqB("past");
  }

  function englishStep1b(z, p1) {
    z.ket = z.cursor;
    var found = z.amongB(EN_1B);
    z.bra = z.cursor;
    var start = z.limit - z.cursor;
    if (found === 1) {
      var back = z.limit - z.cursor;
      if (p1 <= z.cursor) {
        var keep = z.amongB(EN_1B_EED) && z.cursor <= z.lb;
        if (!keep) { z.cursor = z.limit - back; z.sliceFrom("ee"); }
      }
      z.cursor = z.limit - back;
      return;
    }
    if (found === -1) return;
    if (found === 3) {
      var before = z.amongB(EN_1B_ING);
      if (before === 1) {
        var at = z.limit - z.cursor;
        if (z.outB(EN_V) && z.cursor <= z.lb) {
          z.cursor = z.limit - at;
          z.bra = z.cursor;
          z.sliceFrom("ie");
          return;
        }
      } else if (before === 2 && z.cursor <= z.lb) {
        return;
      }
    }
    z.cursor = z.limit - start;
    var stop = z.limit - z.cursor;
    if (!z.goOutB(EN_V)) return;
    z.cursor = z.limit - stop;
    z.sliceDel();
    z.ket = z.cursor;
    z.bra = z.cursor;
    var end = z.limit - z.cursor;
    var tail = z.amongB(EN_1B_END);
    if (tail === 1) { z.sliceFrom("e"); return; }
    if (tail === 2) {
      var back2 = z.limit - z.cursor;
      if (z.inB("aeo") && z.cursor <= z.lb) return;
      z.cursor = z.limit - back2;
    } else {
      if (z.cursor !== p1) return;
      var back3 = z.limit - z.cursor;
      if (!englishShortV(z)) return;
      z.cursor = z.limit - back3;
      z.sliceFrom("e");
      return;
    }
    z.cursor = z.limit - end;
    z.ket = z.cursor;
    if (z.cursor <= z.lb) return;
    z.cursor--;
    z.bra = z.cursor;
    z.sliceDel();
  }

  function english(word) {
    if (Object.prototype.hasOwnProperty.call(EN_EXCEPTIONS, word)) return EN_EXCEPTIONS[word];
    if (word.length < 3) return word;
    var z = new State(word);
    var yFound = false;
    if (z.s.charAt(0) === "'") { z.bra = 0; z.ket = 1; z.sliceDel(); }
    if (z.s.charAt(0) === "y") { z.bra = 0; z.ket = 1; z.sliceFrom("Y"); yFound = true; }
    for (var i = 1; i < z.limit; i++) {
      if (z.s.charAt(i) === "y" && EN_V.indexOf(z.s.charAt(i - 1)) >= 0) {
        z.s = z.s.slice(0, i) + "Y" + z.s.slice(i + 1);
        yFound = true;
      }
    }
    var p1 = z.limit, p2 = z.limit;
    z.cursor = 0;
    (function markRegions() {
      if (!z.among(EN_REGION_PREFIX)) {
        z.cursor = 0;
        if (!z.goOut(EN_V)) return;
        z.cursor++;
        if (!z.goIn(EN_V)) return;
        z.cursor++;
      }
      p1 = z.cursor;
      if (!z.goOut(EN_V)) return;
      z.cursor++;
      if (!z.goIn(EN_V)) return;
      z.cursor++;
      p2 = z.cursor;
    })();
    z.lb = 0;
    z.cursor = z.limit;

    // Step 1a
    z.ket = z.cursor;
    if (z.amongB(EN_1A_APOSTROPHE)) { z.bra = z.cursor; z.sliceDel(); } else z.cursor = z.limit;
    z.ket = z.cursor;
    var a = z.amongB(EN_1A);
    if (a) {
      z.bra = z.cursor;
      if (a === 1) z.sliceFrom("ss");
      else if (a === 2) z.sliceFrom(z.cursor - 2 >= z.lb ? "i" : "ie");
      else if (a === 3) {
        if (z.cursor > z.lb) {
          z.cursor--;
          if (z.goOutB(EN_V)) z.sliceDel();
        }
      }
    }
    z.cursor = z.limit;
    englishStep1b(z, p1);
    z.cursor = z.limit;
    // Step 1c
    z.ket = z.cursor;
    if (z.charB("y") || z.charB("Y")) {
      z.bra = z.cursor;
      if (z.outB(EN_V) && z.cursor > z.lb) z.sliceFrom("i");
    }
    z.cursor = z.limit;
    // Step 2
    z.ket = z.cursor;
    var two = z.amongB(EN_2);
    if (two) {
      z.bra = z.cursor;
      if (p1 <= z.cursor) {
        if (two <= 13) z.sliceFrom(EN_2_TO[two]);
        else if (two === 14) { if (z.charB("l")) z.sliceFrom("og"); }
        else if (two === 15) z.sliceFrom("less");
        else if (z.inB(EN_VALID_LI)) z.sliceDel();
      }
    }
    z.cursor = z.limit;
    // Step 3
    z.ket = z.cursor;
    var three = z.amongB(EN_3);
    if (three) {
      z.bra = z.cursor;
      if (p1 <= z.cursor) {
        if (three <= 4) z.sliceFrom(EN_3_TO[three]);
        else if (three === 5) z.sliceDel();
        else if (p2 <= z.cursor) z.sliceDel();
      }
    }
    z.cursor = z.limit;
    // Step 4
    z.ket = z.cursor;
    var four = z.amongB(EN_4);
    if (four) {
      z.bra = z.cursor;
      if (p2 <= z.cursor) {
        if (four === 1) z.sliceDel();
        else if (z.charB("s") || z.charB("t")) z.sliceDel();
      }
    }
    z.cursor = z.limit;
    // Step 5
    z.ket = z.cursor;
    var five = z.amongB(table("e l:2"));
    if (five) {
      z.bra = z.cursor;
      if (five === 1) {
        var drop = p2 <= z.cursor;
        if (!drop && p1 <= z.cursor) {
          var back = z.limit - z.cursor;
          drop = !englishShortV(z);
          z.cursor = z.limit - back;
        }
        if (drop) z.sliceDel();
      } else if (p2 <= z.cursor && z.charB("l")) {
        z.sliceDel();
      }
    }
    return yFound ? z.s.split("Y").join("y") : z.s;
  }

  var CYRILLIC = /^[а-яё]+$/;
  var LATIN = /^[a-z']+$/;

  // The stem of one lower-case word: Russian words by the Russian stemmer, English
  // (Latin) words by the English one, anything else (figures, mixed) as it is.
  function stem(word) {
    if (CYRILLIC.test(word)) return russian(word);
    if (LATIN.test(word)) return english(word);
    return word;
  }

  global.CJM_STEM = stem;
})(typeof window !== "undefined" ? window : this);
