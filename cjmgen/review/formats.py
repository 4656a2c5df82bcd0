"""A semantic diff as text (plan style), Markdown (review comment) or JSON; a map for textconv."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cjmgen.analysis import journey
from cjmgen.checks.rules import format_percent
from cjmgen.config import SiteConfig
from cjmgen.content.frontmatter import decode
from cjmgen.content.lanes import BUILT_IN, COUNT, EMOTION, ITEMS, KPIS, TEXT, TOUCHPOINTS, Lane, custom_lanes
from cjmgen.content.model import KPI, Item, Map, Opportunity, Persona, Stage
from cjmgen.content.repository import parse_file
from cjmgen.i18n.labels import Locale
from cjmgen.interchange.mermaid import emotion_journey
from cjmgen.review.diff import ERROR, INFO, WARNING, Change, MapDiff, RepoDiff
from cjmgen.review.phrases import Phrase, Speaker, say, side_label, value_text
from cjmgen.terminal import printable

JSON_VERSION = 1

_ANSI = {"+": "32", "-": "31", "~": "33", "!": "31;1", ERROR: "31;1", WARNING: "33;1", "dim": "2", "bold": "1"}


def _painter(colour: bool) -> Callable[[str, str], str]:
    def paint(text: str, role: str) -> str:
        return f"\x1b[{_ANSI[role]}m{text}\x1b[0m" if colour and role in _ANSI else text
    return paint


ENGLISH = Locale("en")
MAP_STATUSES = ("added", "removed", "renamed", "changed", "unreadable", "affected")


def _counted(count: int, noun: str, locale: Locale) -> str:
    """`3 maps` with a plain space and no digit grouping in English, as the terminal always had; `3 карты`."""
    if locale.language == "en":
        return f"{count} {locale.plural_form(count, noun)}"
    return locale.count(count, noun)


def _status(status: str) -> Phrase:
    """A map's status (`changed`) as a word of the site's language."""
    return Phrase(f"map-status.{status}")


def summary_line(diff: RepoDiff, locale: Locale = ENGLISH) -> str:
    """`2 maps changed (1 added, 1 removed); 14 changes: 4 warnings, 10 info`, in the locale's language."""
    if diff.empty:
        return say("summary.empty", locale)
    parts = tuple(Phrase.of("summary.part", count=len(diff.maps_with(s)), status=_status(s))
                  for s in MAP_STATUSES if diff.maps_with(s))
    maps = (say("summary.maps", locale, maps=_counted(len(diff.maps), "map", locale), parts=parts)
            if diff.maps else say("summary.no-maps", locale))
    counts = tuple(_counted(diff.count(s), s, locale) if s != INFO else Phrase.of("summary.info", count=diff.count(s))
                   for s in (ERROR, WARNING, INFO) if diff.count(s) or s == WARNING)
    return say("summary.line", locale, maps=maps, changes=_counted(len(diff.changes), "change", locale),
               counts=counts)


def _side(label: str, commit: str | None, language: Speaker = "en") -> str:
    """One compared side: the label (cjmgen's own ones translated) and the short commit id."""
    if commit and commit.startswith(label) and len(label) >= 7:
        return commit[:10]  # a commit id given on the command line
    text = value_text(side_label(label), language)
    return f"{text} ({commit[:10]})" if commit else text


def comparing(diff: RepoDiff, locale: Locale = ENGLISH) -> str:
    """`main (3f2a1c9e0b) -> working tree`; in Russian with an arrow and translated labels."""
    return say("comparing", locale, base=_side(diff.base, diff.base_commit, locale),
               head=_side(diff.head, diff.head_commit, locale))


_MAP_SYMBOL = {"added": "+", "removed": "-", "renamed": "~", "changed": "~", "unreadable": "!", "affected": "!"}


def _map_heading(entry: MapDiff) -> str:
    where = (f"{entry.old_path} -> {entry.new_path}" if entry.status == "renamed"
             else entry.new_path or entry.old_path or "")
    return f'map {entry.id} "{entry.title}" ({where})'


def format_text(diff: RepoDiff, colour: bool = False) -> str:
    """Terraform-plan style: the summary first, then `+`, `-`, `~` lines with `old -> new`."""
    paint = _painter(colour)
    lines = [paint(f"cjmgen diff: {summary_line(diff)}", "bold"), f"comparing {comparing(diff)}"]

    def change_line(change: Change) -> str:
        level = f"{paint(change.severity + ':', change.severity)} " if change.severity != INFO else ""
        code = paint("[" + change.code + "]", "dim")
        return f"    {paint(change.symbol, change.symbol)} {level}{printable(change.message)} {code}"

    for entry in diff.maps:
        symbol = _MAP_SYMBOL[entry.status]
        lines += ["", f"{paint(symbol, symbol)} {printable(_map_heading(entry))}"]  # map text: escaped
        lines += [change_line(c) for c in entry.changes if c.code not in ("map-added", "map-removed", "map-renamed")]
    if diff.other:
        lines += ["", "~ personas and channels"]
        lines += [change_line(c) for c in diff.other]
    return "\n".join(lines) + "\n"


# --- Markdown (a pull-request comment) ---------------------------------------------

_MD_SPECIAL = str.maketrans({
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "|": "\\|",
    "<": "&lt;", ">": "&gt;", "&": "&amp;", "#": "\\#", "~": "\\~",
})
_MD_SEVERITY = {ERROR: "❌", WARNING: "⚠️"}
_MD_SYMBOL = {"+": "➕", "-": "➖", "~": "✏️", "!": "❗"}


def md(text: object) -> str:
    """Markdown-inert text: user content never becomes markup or HTML in a comment."""
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def _md_inline(text: str) -> str:
    """Markdown-inert text that keeps a space at either end (it sits between other pieces of a line)."""
    return re.sub(r"\s+", " ", text).translate(_MD_SPECIAL)


def _md_change(change: Change, locale: Locale) -> str:
    level = (f"{_MD_SEVERITY[change.severity]} **{locale.label('sev_' + change.severity)}** "
             if change.severity in _MD_SEVERITY else "")
    message = change.rich(locale, lambda text: _md_inline(text.replace(" -> ", " → ")),
                          lambda value: value.markdown(_md_inline)).strip()
    return f"- {_MD_SYMBOL[change.symbol]} {level}{message} `{change.code}`"


def _curves(entry: MapDiff, locale: Locale) -> list[str]:
    """Before/after emotion curves as Mermaid journeys, when stages or emotions changed."""
    relevant = {"emotion-changed", "stage-added", "stage-removed", "stage-moved", "stage-renamed", "map-added"}
    if not any(c.code in relevant for c in entry.changes):
        return []
    out = ["", f"**{locale.label('emotion_curve')}**", ""]
    for label, version in ((locale.label("before"), entry.old), (locale.label("after"), entry.new)):
        if version is None or not any(s.emotion is not None for s in version.stages):
            continue
        chart = emotion_journey(version, label, locale.label("md_actor")).rstrip("\n")
        out += [f"{label}:", "", "```mermaid", chart, "```", ""]
    return out if len(out) > 3 else []


#: GitHub refuses a comment longer than 65,536 characters; the rest is headroom for what a CI
#: step adds around it. GitLab allows 1,000,000 (`--max-chars`).
COMMENT_LIMIT = 60000


def format_markdown(diff: RepoDiff, max_chars: int = COMMENT_LIMIT, details: bool = True,
                    locale: Locale = ENGLISH, full_report: str | None = None) -> str:
    """A summary table, then one section per map; every change inside `<details>`.

    Warnings and errors stay visible above the fold. When the comment would
    exceed `max_chars` (the code host's limit), the details of as many maps as
    fit are kept, in order, and a note says which maps' details were left out
    and where the whole report is (`full_report`: a URL or a sentence; else
    the command that prints it). The comment is in the locale's language:
    reviewers read it next to the site.
    """
    L = locale
    base, head = (md(_side(label, commit, locale)) for label, commit in
                  ((diff.base, diff.base_commit), (diff.head, diff.head_commit)))
    lines = [f"## {L.label('md_heading')}", "", f"**{md(summary_line(diff, locale))}**  ",
             L.label("md_comparing", base=f"`{base}`", head=f"`{head}`")]
    if diff.empty:
        return "\n".join(lines + ["", L.label("md_no_changes")]) + "\n"
    if diff.maps:
        header = (L.label(k) for k in ("map", "status", "changes", "severity_warning", "severity_error"))
        lines += ["", "| | " + " | ".join(header) + " |", "|---|---|---|---:|---:|---:|"]
        for entry in diff.maps:
            symbol = _MD_SYMBOL.get(_MAP_SYMBOL[entry.status], "❗")
            lines.append(f"| {symbol} | {md(entry.title)} (`{entry.id}`) | {_status(entry.status).render(locale)} "
                         f"| {len(entry.changes)} | {entry.count(WARNING)} | {entry.count(ERROR)} |")
    sections = [(_md_section(entry, locale), _md_details(entry, locale) if details else "") for entry in diff.maps]
    tail = ["", f"### {L.label('md_personas_channels')}", ""] + [_md_change(c, locale) for c in diff.other] \
        if diff.other else []
    head_text = "\n".join(lines) + "\n"
    tail_text = "\n".join(tail) + "\n" if tail else ""
    room = max_chars - len(head_text) - len(tail_text) - _NOTE_ROOM
    spare = room - sum(len(section) for section, _ in sections)  # every map's warnings and errors first
    kept: list[str] = []
    left_out: list[MapDiff] = []
    for entry, (whole, more) in zip(diff.maps, sections):
        section = whole
        if spare < 0 and len(section) > room:  # not even the warnings of every map fit: a heading
            section = f"\n### {_MD_SYMBOL.get(_MAP_SYMBOL[entry.status], '❗')} {md(entry.title)} (`{entry.id}`)\n"
        room -= len(section)
        if more and len(more) <= spare:
            kept.append(section + more)
            spare -= len(more)
        else:
            kept.append(section)
            if more or section.count("\n") <= 2:
                left_out.append(entry)
    text = head_text + "".join(kept) + tail_text
    if left_out:
        text += "\n" + _left_out_note(left_out, locale, full_report, max_chars) + "\n"
    if len(text) > max_chars:  # a pathological case: one table row per map does not fit
        cut = text[: max_chars - _NOTE_ROOM].rsplit("\n", 1)[0]
        text = cut + "\n\n" + _left_out_note([], locale, full_report, max_chars) + "\n"
    return text


_NOTE_ROOM = 1500  # characters kept for the note that says what was left out
_NAMED_LEFT_OUT = 12  # maps named in that note; the others are counted


def _md_section(entry: MapDiff, locale: Locale) -> str:
    """A map's heading, where it is, and its warnings and errors: always in the comment."""
    lines = ["", f"### {_MD_SYMBOL.get(_MAP_SYMBOL[entry.status], '❗')} {md(entry.title)} (`{entry.id}`)", ""]
    where = (f"`{entry.old_path}` → `{entry.new_path}`" if entry.status == "renamed"
             else f"`{entry.new_path or entry.old_path}`")
    lines.append(f"{_status(entry.status).render(locale).capitalize()}: {where}")
    serious = [c for c in entry.changes if c.severity != INFO]
    if serious:
        lines += [""] + [_md_change(c, locale) for c in serious]
    return "\n".join(lines) + "\n"


def _md_details(entry: MapDiff, locale: Locale) -> str:
    """Every change of a map and its emotion curves, folded: what is left out when space runs short."""
    every = locale.label("md_all_changes", changes=_counted(len(entry.changes), "change", locale))
    lines = ["", f"<details><summary>{every}</summary>", ""]
    lines += [_md_change(c, locale) for c in entry.changes]
    lines += _curves(entry, locale)
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _left_out_note(left_out: list[MapDiff], locale: Locale, full_report: str | None, limit: int) -> str:
    """What the comment leaves out to stay under the code host's limit, and where everything is."""
    where = full_report or locale.label("md_full_report_default")
    if full_report and full_report.startswith(("http://", "https://")):
        where = f"[{locale.label('md_full_report_link')}]({full_report})"
    elif full_report:
        where = md(full_report)
    if not left_out:
        return "> " + locale.label("md_cut_note", limit=locale.number(limit), where=where)
    named = ", ".join(md(m.title) for m in left_out[:_NAMED_LEFT_OUT])
    if len(left_out) > _NAMED_LEFT_OUT:
        named += " " + locale.label("md_and_more", count=len(left_out) - _NAMED_LEFT_OUT)
    return "> " + locale.label("md_left_out", count=len(left_out), names=named,
                               limit=locale.number(limit), where=where)


# --- JSON (for tools) --------------------------------------------------------------


def as_dict(diff: RepoDiff) -> dict[str, Any]:
    """The documented, stable structure (docs/review.md, "JSON output")."""
    return {
        "format": "cjmgen-diff",
        "version": JSON_VERSION,
        "base": {"label": diff.base, "commit": diff.base_commit},
        "head": {"label": diff.head, "commit": diff.head_commit},
        "summary": {
            "maps": {s: len(diff.maps_with(s)) for s in MAP_STATUSES},
            "changes": len(diff.changes),
            "severities": {s: diff.count(s) for s in (ERROR, WARNING, INFO)},
            "highest": diff.highest,
        },
        "maps": [
            {
                "id": entry.id, "title": entry.title, "status": entry.status,
                "old_path": entry.old_path, "new_path": entry.new_path,
                "changes": [c.as_dict() for c in entry.changes],
            }
            for entry in diff.maps
        ],
        "other": [c.as_dict() for c in diff.other],
    }


def format_json(diff: RepoDiff) -> str:
    return json.dumps(as_dict(diff), ensure_ascii=False, indent=2) + "\n"


# --- textconv: one map as one fact per line ------------------------------------------


def _item(item: Item) -> str:
    return item.text + (f"  [source: {item.source}]" if item.source else "") + _tracking(item)


def _tracking(item: Item) -> str:
    """A tracked opportunity's status and owner, so that `git diff` shows them change."""
    if not isinstance(item, Opportunity):
        return ""
    facts = [f"{key}: {value}" for key, value in (("id", item.id), ("status", item.status), ("owner", item.owner))
             if value]
    return f"  [{', '.join(facts)}]" if facts else ""


def _lane_lines(lane: Lane, value: Any) -> list[str]:
    """One lane of a stage as textconv lines, each `noun: fact`; custom lanes are named by their label."""
    if lane.kind == ITEMS:
        noun = lane.label if lane.custom else lane.noun
        return [f"{noun}: {_item(i)}" for i in value]
    if lane.kind == TOUCHPOINTS:
        return [f"touchpoint: {tp.channel}" + (f" ({tp.name})" if tp.name else "")
                + (f"  [source: {tp.source}]" if tp.source else "") for tp in value]
    if lane.kind == EMOTION:
        return [] if value is None else [f"emotion: {value:+d}" if value else "emotion: 0"]
    if lane.kind == KPIS:
        return [_kpi_line(kpi) for kpi in value]
    if lane.kind == COUNT:
        return [] if value is None else [f"{lane.noun}: {value}"]
    return [f"{lane.noun}: {value}"] if value else []


def _felt_lines(stage: Stage, journey_map: Map) -> list[str]:
    """`emotion anna: хорошо (4)`: per persona and on the map's own scale, in the scale's words."""
    scale = journey_map.emotion_scale
    felt: list[tuple[str, int | None]] = [(f"emotion {persona}", level) for persona, level in stage.emotions]
    felt = felt or [("emotion", stage.felt)]
    return [f"{what}: {scale.shown(level)}" + (f" ({level})" if scale.names else "")
            for what, level in felt if level is not None]


def _textconv_lanes(stage: Stage, lane_labels: dict[str, str]) -> list[Lane]:
    """The stage's lanes in textconv's order: custom lanes after the built-in lists, before owner and count."""
    facts = [lane for lane in BUILT_IN if lane.kind in (TEXT, COUNT)]
    lists = [lane for lane in BUILT_IN if lane not in facts]
    return [*lists, *custom_lanes((key, lane_labels.get(key, key)) for key, _ in stage.lanes), *facts]


def _kpi_line(kpi: KPI) -> str:
    unit = f" {kpi.unit}" if kpi.unit else ""
    value = f"{kpi.value.raw}{unit}" if kpi.value else "no value"
    target = f", target {kpi.target.raw}{unit}" if kpi.target else ""
    better = ", better lower" if kpi.better == "lower" else ""
    source = f"  [source: {kpi.source}]" if kpi.source else ""
    return f"KPI {kpi.name}: {value}{target}{better} ({kpi.status}){source}"


def normalised_map(journey_map: Map, lane_labels: dict[str, str] | None = None) -> str:
    """A map as sorted, one-fact-per-line text, so `git diff` shows what changed in the journey.

    Stage lines are prefixed by the stage id, which survives a rename, so a
    renamed stage shows as one changed line.
    """
    lines = [f"title: {journey_map.title}"]
    if "id" in journey_map.field_locations:
        lines.append(f"id: {journey_map.id}")
    for name in ("persona", "segment", "state", "status", "owner", "reviewed", "current", "description"):
        value = getattr(journey_map, name)
        if value is not None:
            lines.append(f"{name}: {value}")
    for name in ("tags", "related", "data", "personas"):
        if getattr(journey_map, name):
            lines.append(f"{name}: {', '.join(getattr(journey_map, name))}")
    if not journey_map.emotion_scale.is_default:
        lines.append(f"emotion_scale: {journey_map.emotion_scale.describe()}")
    lines.append(f"stages: {' -> '.join(s.id for s in journey_map.stages)}")
    lines += [f"phase {phase.name}: {', '.join(phase.stages)}" for phase in journey_map.phases]
    rates = journey.conversions(journey_map)
    for number, stage in enumerate(journey_map.stages, 1):
        p = f"[{stage.id}]"
        lines += ["", f"{p} stage {number}: {stage.name}"]
        for lane in _textconv_lanes(stage, lane_labels or {}):
            if lane.kind == EMOTION and (stage.emotions or stage.level is not None):
                lines += [f"{p} {line}" for line in _felt_lines(stage, journey_map)]
                continue
            lines += [f"{p} {line}" for line in _lane_lines(lane, lane.value(stage))]
        if rates[number - 1] is not None:
            lines.append(f"{p} conversion (from counts): {format_percent(rates[number - 1])}")  # type: ignore[arg-type]
        if stage.conversion is not None:
            lines.append(f"{p} conversion (stated): {stage.conversion.raw}")
        if stage.next:
            lines.append(f"{p} next: {', '.join(stage.next)}")
        lines += [f"{p} transition to {target}: {label}" for target, label in stage.next_labels]
        if stage.time is not None:
            lines.append(f"{p} time: {stage.time}")
        if stage.detail:
            lines.append(f"{p} detail: {stage.detail}")
    return "\n".join(lines + _body_lines(journey_map.body)) + "\n"


def normalised_persona(persona: Persona) -> str:
    lines = [f"persona: {persona.name}"]
    for name in ("role", "photo", "quote"):
        if getattr(persona, name):
            lines.append(f"{name}: {getattr(persona, name)}")
    for name, noun in (("goals", "goal"), ("needs", "need"), ("pains", "pain")):
        lines += [f"{noun}: {_item(i)}" for i in getattr(persona, name)]
    if persona.channels:
        lines.append(f"channels: {', '.join(persona.channels)}")
    return "\n".join(lines + _body_lines(persona.body)) + "\n"


def _body_lines(body: str) -> list[str]:
    """A Markdown body, each line marked, after a blank line and a `body:` header."""
    body = body.strip("\n")
    if not body.strip():
        return []
    return ["", "body:"] + [f"| {line}".rstrip() for line in body.split("\n")]


def textconv(name: str, data: bytes, config: SiteConfig) -> str:
    """What git shows for one version of a file through the `cjmgen` diff driver.

    git passes a temporary file, so the kind is told from the content: a
    frontmatter with `stages` is a map, one with `name` a persona. Anything
    that does not parse is shown as it is, after a one-line note, so that
    `git diff` never loses information.
    """
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".md") or "map"
    prefix = config.content_dir.strip("/") or "maps"
    config = _with_lanes_of(data, config)
    for path in (f"{prefix}/{stem}.md", f"{prefix}/personas/{stem}.md"):
        parsed = parse_file(path, data, config)
        if parsed is None:
            continue
        errors = [d for d in parsed.diagnostics if d.severity.value == "error"]
        if isinstance(parsed.value, Map) and not errors:
            return normalised_map(parsed.value, dict(config.lanes))
        if isinstance(parsed.value, Persona) and not errors and b"\nstages:" not in data:
            return normalised_persona(parsed.value)
    from cjmgen.diagnostics import Diagnostics

    text = decode(data, name, Diagnostics())
    if text is None:
        text = data.decode("utf-8", errors="replace")
    return "# cjmgen: not a readable map; shown as written\n" + text


def _with_lanes_of(data: bytes, config: SiteConfig) -> SiteConfig:
    """The config plus every extra stage key the file uses, shown as a lane.

    git runs textconv from the top of the work tree, where the project's
    cjmgen.yml (and its `lanes:`) may not be: nothing the file says is lost.
    """
    import dataclasses

    import yaml

    from cjmgen.content.schema import STAGE_KEYS

    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if not text.startswith("---\n") or "\n---" not in text[3:]:
        return config
    try:
        front = yaml.safe_load(text[4:text.index("\n---", 3)])
    except yaml.YAMLError:
        return config
    stages = front.get("stages") if isinstance(front, dict) else None
    known = set(STAGE_KEYS) | {key for key, _ in config.lanes}
    extra: dict[str, str] = {}
    for stage in stages if isinstance(stages, list) else []:
        if isinstance(stage, dict):
            extra.update({str(k): str(k) for k in stage if str(k) not in known})
    if not extra:
        return config
    return dataclasses.replace(config, lanes=(*config.lanes, *sorted(extra.items())))
