"""A stage renamed without `id:` gets a new id: notes and `next` that used the old one
come loose. These helpers find the stage an old name or id most likely became, so
that `check` can say "did you rename 'Поиск и оценка'? set id: ..." instead of
leaving the notes silently unattached."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence

from cjmgen.content.model import Stage
from cjmgen.site.urls import slugify

#: Similarity (difflib ratio of casefolded names) from which a stage counts as the renamed
#: one without a word in common: letters alone mislead ("Исследование" is 0.64 like
#: "Опыт использования"), so only near-spellings pass.
CLOSE_ENOUGH = 0.8


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """Word stems of four letters and more (first five letters: `оценка`/`оценки`); a map's
    stage names are asked for again for each of its headings."""
    return frozenset(w[:5] for w in re.split(r"[\W_]+", text.casefold()) if len(w) >= 4)


def closest_stage(old: str, stages: Sequence[Stage]) -> Stage | None:
    """The stage whose name or id is closest to an old name or id; None if none is close."""
    wanted = old.strip().casefold()
    wanted_id, wanted_words = slugify(wanted), _words(wanted)
    best: tuple[float, Stage] | None = None
    for stage in stages:
        score = max(_similarity(wanted, stage.name.casefold()), _similarity(wanted_id, stage.id.casefold()))
        if wanted_words & (_words(stage.name) | _words(stage.id)):
            score = max(score, CLOSE_ENOUGH)  # a word in common: "Поиск и оценка" -> "Поиск"
        if best is None or score > best[0]:
            best = (score, stage)
    return best[1] if best is not None and best[0] >= CLOSE_ENOUGH else None


def _similarity(old: str, new: str) -> float:
    """difflib's ratio, or 0 where its cheap upper bounds are already below CLOSE_ENOUGH (as
    difflib.get_close_matches does): a heading that names no stage is compared with every
    stage of its map, and a body may have several (a build checks every body)."""
    matcher = difflib.SequenceMatcher(None, old, new)
    if matcher.real_quick_ratio() < CLOSE_ENOUGH or matcher.quick_ratio() < CLOSE_ENOUGH:
        return 0.0
    return matcher.ratio()


def rename_hint(old_name: str, stage: Stage | None) -> str:
    """`did you rename 'Поиск и оценка'? set id: поиск-и-оценка on stage 'Поиск' to keep links and notes`."""
    old_id = slugify(old_name)
    where = f" on stage '{stage.name}'" if stage is not None else " on the renamed stage"
    return f"did you rename '{old_name}'? set id: {old_id}{where} to keep links and notes"
