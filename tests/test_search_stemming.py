"""The browser stems what the user types exactly as the build stemmed the index.

cjmgen.site.stemming (the Snowball stemmers of the snowballstemmer package) and the
theme's static/stemmer.js (the same Snowball 3.1 algorithms written for the
browser) must give the same stem for every word, or a form found at build time
would be missed at search time. Both run over a word list here: every word of the
bundled maps and docs, and every ending of the algorithms' suffix tables on a
few stems; the JavaScript runs in headless Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from cjmgen.site.search_index import normalise
from cjmgen.site.stemming import stem, words
from tests.helpers.repos import PROJECT

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
STEMMER = PROJECT / "themes" / "default" / "static" / "stemmer.js"

RU_ENDINGS = ("в ив ыв вши ивши ывши вшись ившись ывшись ее ие ое ые ими ыми ей ий ой ый ем им ом ым его ого "
              "ему ому их ых ею ою ую юю ая яя ла ила ыла на ена ете ите йте ейте уйте ли или ыли й уй л ил ыл "
              "н ен ло ило ыло но ено нно ет ует ит ыт ют уют ят ны ены ть ить ыть ешь ишь ю а ев ов е ье и еи "
              "ии ами ями иями ией ам ием ям иям о у ах ях иях ы ь ью я ия ья ость ост ейше ейш нн ся сь ющий "
              "ующая ившийся ащийся енный еннейший").split()
RU_STEMS = "доставк марин выставл корзин оплат звон покупател клиент стол бег ход нов красив ёлк".split()
EN_ENDINGS = ("s es ies ied ed eed ing ingly edly ly ful ness ational tional ization ator alism iveness fulness "
              "ousness aliti biliti iviti ogi li bli abli alli fulli lessli ousli entli icate ative alize iciti "
              "ical ic ance ence able ible ate ive ize iti al ism ion er ous ant ent ment ement e l y ogist").split()
EN_STEMS = ("deliver custom pay proc succ exc even cann inn earr herr out dy ly hop add egg fizz tap past gener "
            "commun univers arsen emerg later organ inter sky news say play happ cry relat condition").split()
SPECIAL = ("skies skis idly gently ugly early only singly dying lying tying yelling succeed proceed exceed evening "
           "canning inning outing agreed feed bled pastes pasted sayyid yyy ayy y ya aa abc").split()


def word_list() -> list[str]:
    found: set[str] = set(SPECIAL)
    sources = [*(PROJECT / "maps").rglob("*.md"), *(PROJECT / "docs").glob("*.md"), PROJECT / "README.md"]
    for path in sources:
        found.update(words(normalise(path.read_text(encoding="utf-8"))))
    found.update(base + ending for base in RU_STEMS for ending in ["", *RU_ENDINGS])
    found.update(base + ending for base in EN_STEMS for ending in ["", *EN_ENDINGS])
    found.update(a + b for a in EN_ENDINGS for b in EN_ENDINGS)
    return sorted(found)


def test_the_browser_stems_every_word_as_the_build_does() -> None:
    listed = word_list()
    assert len(listed) > 5000
    assert sum(bool(re.fullmatch("[а-я]+", w)) for w in listed) > 2000  # Russian and English both
    assert sum(bool(re.fullmatch("[a-z]+", w)) for w in listed) > 2000
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = chromium.new_page()
        page.add_script_tag(path=str(STEMMER))
        in_browser = page.evaluate("words => words.map(w => window.CJM_STEM(w))", listed)
        chromium.close()
    differ = [(w, stem(w), js) for w, js in zip(listed, in_browser) if stem(w) != js]
    assert differ == []


def test_forms_meet_at_one_stem() -> None:
    assert {stem(w) for w in ("доставка", "доставки", "доставку", "доставкой", "доставке")} == {"доставк"}
    assert stem("марину") == stem("марина") == stem("марины")
    assert stem("deliveries") == stem("delivery") == "deliveri"
    assert stem("customers") == stem("customer") == "custom"
    assert stem("2026") == "2026" and stem("wi-fi") == "wi-fi"  # not a word of one script: as it is


def test_the_index_is_stemmed_by_snowball_s_python_stemmers_even_beside_pystemmer(tmp_path: Path) -> None:
    """Where PyStemmer is installed, `snowballstemmer.stemmer()` hands out its C stemmers,
    whose Snowball version need not be stemmer.js's: the build takes the pure-Python ones."""
    import subprocess
    import sys

    fake = tmp_path / "Stemmer.py"  # what `import Stemmer` finds first
    fake.write_text("algorithms = lambda: ['russian', 'english']\n"
                    "class Stemmer:\n    def __init__(self, name): pass\n"
                    "    def stemWord(self, word): return 'pystemmer'\n", encoding="utf-8")
    probe = ("import snowballstemmer; from cjmgen.site.stemming import stem; "
             "print(type(snowballstemmer.stemmer('russian')).__name__, stem('доставки'), stem('deliveries'))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": f"{tmp_path}:{PROJECT}"}).stdout.split()
    assert shown == ["Stemmer", "доставк", "deliveri"]
