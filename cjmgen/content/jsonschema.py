"""JSON Schema of map, persona and channel files, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cjmgen import __version__
from cjmgen.content import opportunities
from cjmgen.content.emotion_scale import DEFAULT_SCALE, MAX_LEVELS, EmotionScale
from cjmgen.content.lanes import BUILT_IN, COUNT, EMOTION, ITEMS, KPIS, TEXT, TOUCHPOINTS, Lane, custom_lanes
from cjmgen.content.schema import MAX_PERSONAS, STATES, STATUSES

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _item(moment: bool = False) -> dict[str, Any]:
    """An item of a lane; a map's items may also be flagged as moments that matter."""
    flags = {"moment": {"type": "boolean",
                        "description": "A moment that matters: marked on the map, listed on the index."},
             "persona": _text("On a map with several personas: whose thought or quote it is (a persona id).")}
    return {
        "anyOf": [
            {"type": ["string", "number"]},
            {
                "type": "object",
                "properties": {
                    "text": _text("The item's text."),
                    "source": _text("The evidence: an interview, a survey, an analytics report, a URL."),
                    "score": {"type": "number",
                              "description": "A Mermaid journey task's score, 1..5 (kept by `cjmgen import mermaid`)."},
                    "actors": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                               "description": "Who does it, as a Mermaid journey names them."},
                    **(flags if moment else {}),
                },
                "required": ["text"],
                "additionalProperties": False,
            },
        ]
    }


def _opportunity() -> dict[str, Any]:
    """An opportunity: an item, or an item with owner, status, impact, effort, ticket and KPI."""
    level = {"anyOf": [{"type": "integer", "minimum": opportunities.LEVEL_RANGE[0],
                        "maximum": opportunities.LEVEL_RANGE[1]},
                       {"enum": ["low", "medium", "high", "низкий", "средний", "высокий"]}]}
    tracked = {
        "type": "object",
        "properties": {
            "text": _text("What to do."),
            "source": _text("The evidence that it matters."),
            "id": _text("Unique in the repository; the portfolio and the diff follow it."),
            "owner": _text("Who answers for it."),
            "status": {"enum": [*opportunities.STATUSES, "идея", "запланировано", "в работе", "сделано",
                                "отказались"], "description": "How far it got (English or Russian)."},
            "impact": {**level, "description": "What it brings: 1..5 or low/medium/high."},
            "effort": {**level, "description": "What it costs: 1..5 or low/medium/high."},
            "priority": {**level, "description": "The team's priority: 1..5 or low/medium/high."},
            "ticket": _text("The ticket: an http(s) address, or an id with `tickets:` in cjmgen.yml."),
            "kpi": _text("The KPI it should move: <stage-id>/<kpi-id>, or <kpi-id> of this stage."),
            "done": {"type": "string", "description": "When it shipped: 2026-03, 2026-Q1 or 2026-03-15."},
        },
        "required": ["text"],
        "additionalProperties": False,
    }
    return {"anyOf": [*_item(moment=True)["anyOf"], tracked]}


def _short_or_full(short: str, properties: dict[str, Any], required: str) -> dict[str, Any]:
    """An entry written as a text (`short` describes it) or as a mapping with `required` in it."""
    return {
        "anyOf": [
            {"type": "string", "description": short},
            {"type": "object", "properties": properties, "required": [required], "additionalProperties": False},
        ]
    }


def _list_of(item: dict[str, Any], description: str) -> dict[str, Any]:
    """A list field that also accepts a single value (read as a list of one)."""
    return {"description": description, "anyOf": [item, {"type": "array", "items": item}]}


def _transition() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "description": "A stage id."},
            {
                "type": "object",
                "properties": {"to": _text("A stage id."), "label": _text("What the transition is, on its arrow.")},
                "required": ["to"],
                "additionalProperties": False,
            },
        ]
    }


def _phase() -> dict[str, Any]:
    ids = {"type": "string", "description": "A stage id."}
    return {
        "type": "object",
        "description": "A run of consecutive stages, drawn as a band over them: stages, or from and to.",
        "properties": {
            "name": _text("The phase's name, shown over its stages."),
            "stages": _list_of(ids, "The phase's stages, consecutive, in the map's order."),
            "from": _text("The phase's first stage."),
            "to": _text("The phase's last stage (default: from)."),
        },
        "required": ["name"],
        "oneOf": [{"required": ["stages"]}, {"required": ["from"]}],
        "additionalProperties": False,
    }


def _quantity(description: str) -> dict[str, Any]:
    return {"type": ["number", "string"], "description": description}


def stage_schema(lanes: dict[str, str] | None = None) -> dict[str, Any]:
    kpi = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "name": _text("What is measured."),
                    "value": _quantity("The current figure: 5%, 42, '3 дня', '1 200 ₽', '90%+', 'от 2 до 3 дней', "
                                       "'2:15'. Quote figures with a comma inside {...}."),
                    "target": _quantity(
                        "The figure the team aims for; a bound ('<35%', '90%+') or a range also works."),
                    "unit": _text("Unit shown after value and target (RUB, days)."),
                    "better": {"enum": ["higher", "lower"], "description": "Which way is good (default higher)."},
                    "source": _text("Where the figure comes from."),
                    "id": {"type": "string", "pattern": "^[^/\\s]+$", "not": {"const": "count"},
                           "description": "How rows of a data file name it (<stage-id>/<kpi-id>); "
                                          "default: the slug of its name."},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
    touchpoint = _short_or_full("A channel id from channels.yml.", {
        "channel": _text("A channel id from channels.yml."),
        "name": _text("What happens at this touchpoint."),
        "source": _text("The evidence."),
    }, "channel")
    exit_ = _short_or_full("Why or how customers leave, e.g. 'бросил корзину'.", {
        "name": _text("Why or how customers leave, e.g. 'бросил корзину'."),
        "count": {"type": ["integer", "string"], "description": "Customers who leave here."},
        "source": _text("The evidence: a key of the map's sources, or free text."),
    }, "name")
    by_kind: dict[str, Callable[[Lane], dict[str, Any]]] = {
        ITEMS: lambda lane: _list_of(_opportunity() if lane.key == "opportunities" else _item(moment=True), lane.help),
        TOUCHPOINTS: lambda lane: _list_of(touchpoint, lane.help),
        EMOTION: lambda lane: {"anyOf": [_level(), {"type": "object", "additionalProperties": _level(),
                                                     "description": "Per persona: {anna: 1, sergey: -1}."}],
                               "description": lane.help},
        KPIS: lambda lane: _list_of(kpi, lane.help),
        TEXT: lambda lane: _text(lane.help),
        COUNT: lambda lane: {"type": ["integer", "string"], "description": lane.help},
    }
    properties: dict[str, Any] = {
        "id": _text("Unique in the map; default: the slug of the name."),
        "name": _text("The stage's name, shown as the column header."),
        **{lane.key: by_kind[lane.kind](lane) for lane in BUILT_IN},
        "conversion": _quantity("Stated conversion into the next stage, e.g. 5%; checked against counts."),
        "next": _list_of(_transition(),
                         "Stage ids this stage leads to: several make a branch, an earlier one a loop; "
                         "{to: id, label: text} labels the transition."),
        "time": _text("When the stage happens or how long it takes, as free text: '2 дня', '15 min', "
                      "'Day 1', '6–12 месяцев до покупки'."),
        "moment": {"type": ["boolean", "string"],
                   "description": "A moment that matters: true, or a text saying why; listed on the index."},
        "exits": _list_of(exit_, "Where customers leave the journey at this stage, with how many."),
        "detail": _text("A map that details this stage (its id, or its file's path): the hierarchy "
                        "from the customer lifecycle down to sub-journeys."),
    }
    for lane in custom_lanes((lanes or {}).items()):
        properties[lane.key] = by_kind[lane.kind](lane)
    return {"type": "object", "properties": properties, "required": ["name"], "additionalProperties": False}


def _level(scale: EmotionScale | None = None) -> dict[str, Any]:
    """One emotion: a whole number (or a level's name) on the scale; any scale without one."""
    if scale is None:
        return {"type": ["integer", "string"]}
    number = {"type": "integer", "minimum": scale.low, "maximum": scale.high}
    return {"anyOf": [number, {"enum": list(scale.names)}]} if scale.names else number


def _scale_schema() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "pattern": r"^\s*[-+]?\d+\s*\.\.\s*[-+]?\d+\s*$"},
            {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": MAX_LEVELS,
             "uniqueItems": True},
        ],
        "description": ("The scale of this map's emotions: a range such as 1..5 or 1..10, or named levels "
                        "from worst to best, such as [ужас, плохо, нормально, хорошо, восторг]. "
                        "Default: the site's (cjmgen.yml), else -2..2."),
    }


def _on_site_scale(scale: EmotionScale) -> dict[str, Any]:
    """A map without its own `emotion_scale` writes emotions on the site's: checked here."""
    emotion = {"anyOf": [_level(scale), {"type": "object", "additionalProperties": _level(scale)}]}
    return {"properties": {"stages": {"items": {"properties": {"emotion": emotion}}}}}


def map_schema(lanes: dict[str, str] | None = None, scale: EmotionScale = DEFAULT_SCALE) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_URI,
        "$id": "cjmgen-map.schema.json",
        "title": f"cjmgen journey map (frontmatter), cjmgen {__version__}",
        "type": "object",
        "properties": {
            "id": _text("The map's id; default: its path below maps/ without .md."),
            "title": _text("The map's title."),
            "description": _text("One sentence under the title."),
            "language": {"enum": ["en", "ru"],
                         "description": ("The map's own language when it is not the site's: "
                                         "its page and PDF print in it.")},
            "persona": _text("A persona id: a file name in personas/ without .md."),
            "personas": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": MAX_PERSONAS,
                         "uniqueItems": True,
                         "description": ("Several persona ids (instead of 'persona'): the emotion chart draws "
                                         "a curve for each; a stage may give {anna: 1, sergey: -1}.")},
            "emotion_scale": _scale_schema(),
            "segment": _text("The customer segment this map is for."),
            "state": {"enum": list(STATES), "description": "current or future state."},
            "status": {"enum": list(STATUSES), "description": "Drafts are left out of the site unless --drafts."},
            "owner": _text("Who maintains this map."),
            "tags": _list_of({"type": "string"}, "Free tags."),
            "reviewed": {"type": "string", "format": "date", "description": "Last review, YYYY-MM-DD."},
            "related": _list_of({"type": "string"}, "Ids of related maps."),
            "current": _text("On a future-state map: the current-state map it improves on."),
            "stages": {"type": "array", "minItems": 1, "items": stage_schema(lanes)},
            "data": _list_of({"type": "string", "pattern": "\\.(csv|json|CSV|JSON)$"},
                             "Data files of measured KPIs (CSV or JSON, a row per KPI and period), "
                             "relative to the content folder: data/sofa-search.csv."),
            "phases": {"type": "array", "items": _phase(),
                       "description": "Phases grouping consecutive stages, e.g. [{name: Поиск, from: a, to: b}]."},
            "sources": {
                "type": "object",
                "description": "Evidence declared once; an item cites it by key (source: interviews-2026).",
                "propertyNames": {"pattern": r"^[\w][\w.-]*$"},
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string", "description": "The source's title."},
                        {
                            "type": "object",
                            "properties": {
                                "title": _text("The source's title, e.g. 'Интервью, март 2026'."),
                                "url": {"type": "string", "pattern": "^(https?://|mailto:)",
                                        "description": "A link to it: https://, http:// or mailto:."},
                            },
                            "required": ["title"],
                            "additionalProperties": False,
                        },
                    ]
                },
            },
        },
        "required": ["title", "stages"],
        "additionalProperties": False,
        "not": {"required": ["persona", "personas"]},
        "if": {"required": ["emotion_scale"]},
        "else": _on_site_scale(scale),
    }


def persona_schema() -> dict[str, Any]:
    return {
        "$schema": SCHEMA_URI,
        "$id": "cjmgen-persona.schema.json",
        "title": "cjmgen persona (frontmatter)",
        "type": "object",
        "properties": {
            "name": _text("The persona's name, e.g. 'Anna, 32'."),
            "role": _text("Who they are."),
            "photo": _text("A path inside the repository, e.g. assets/anna.jpg."),
            "quote": _text("What they would say."),
            "goals": _list_of(_item(), "Goals."),
            "needs": _list_of(_item(), "Needs."),
            "pains": _list_of(_item(), "Pains."),
            "channels": _list_of({"type": "string"}, "Channel ids they use."),
        },
        "required": ["name"],
        "additionalProperties": False,
    }


def channels_schema() -> dict[str, Any]:
    channel = {
        "anyOf": [
            {"type": "string", "description": "The channel's display name."},
            {
                "type": "object",
                "properties": {
                    "name": _text("Display name."),
                    "kind": {"enum": ["online", "offline"]},
                    "description": _text("What the channel is."),
                },
                "additionalProperties": False,
            },
        ]
    }
    return {
        "$schema": SCHEMA_URI,
        "$id": "cjmgen-channels.schema.json",
        "title": "cjmgen channel catalog (channels.yml)",
        "type": "object",
        "additionalProperties": channel,
    }


SCHEMAS = {"map": map_schema, "persona": persona_schema, "channels": channels_schema}


def render_schema(kind: str, lanes: dict[str, str] | None = None, scale: EmotionScale = DEFAULT_SCALE) -> str:
    schema = map_schema(lanes, scale) if kind == "map" else SCHEMAS[kind]()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
