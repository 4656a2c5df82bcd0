"""Word stems for search: the Snowball stemmers for Russian and English.

The index is stemmed here at build time; the theme's `static/stemmer.js` stems what
the user types with the same algorithms (Snowball 3.1), so that «доставки»,
«доставку» and «доставкой» all meet at «доставк». tests/test_search_stemming.py
runs both over a word list and requires the same stems.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

# The two pure-Python stemmers themselves, not `snowballstemmer.stemmer(...)`: where
# PyStemmer is installed, that hands out its C stemmers, whose Snowball version may not
# be stemmer.js's (the index's stems and the typed words' would differ).
from snowballstemmer.english_stemmer import EnglishStemmer
from snowballstemmer.russian_stemmer import RussianStemmer

_CYRILLIC = re.compile(r"[а-яё]+")
_LATIN = re.compile(r"[a-z']+")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what search.js's /[\p{L}\p{N}]+/u finds

_STEMMERS = {"ru": RussianStemmer(), "en": EnglishStemmer()}
_LOCK = threading.Lock()  # a Snowball stemmer object keeps its word in itself


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word: Russian and English words by their stemmer,
    anything else (figures, words of mixed scripts) as it is."""
    if _CYRILLIC.fullmatch(word):
        language = "ru"
    elif _LATIN.fullmatch(word):
        language = "en"
    else:
        return word
    with _LOCK:
        stemmed: str = _STEMMERS[language].stemWord(word)
    return stemmed


def words(normalised: str) -> list[str]:
    """The words of text already normalised (search_index.normalise), in order."""
    return _WORD.findall(normalised)
