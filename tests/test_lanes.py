"""The lane registry (cjmgen/content/lanes.py): one definition that the reader, the
JSON Schema, export, textconv and the diff follow, custom lanes included."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from cjmgen.content import lanes
from cjmgen.content.jsonschema import stage_schema
from cjmgen.content.model import Item, Stage
from cjmgen.content.schema import STAGE_KEYS
from cjmgen.i18n.catalog import load_catalog
from cjmgen.interchange.export import stage_dict
from cjmgen.review.diff import CODES
from tests.helpers.cli import run

#: Stage fields that are not lanes: identity, flow and bookkeeping.
NOT_LANES = {"id", "name", "conversion", "next", "next_labels", "time", "lanes", "location", "field_locations",
             "moment", "exits", "detail",
             "level", "emotions"}  # the emotion lane on a map's own scale and per persona


def test_every_stage_field_is_a_lane_or_named_as_not_one() -> None:
    fields = {f.name for f in dataclasses.fields(Stage)}
    assert {lane.key for lane in lanes.BUILT_IN} == fields - NOT_LANES


def test_the_reader_accepts_exactly_the_registered_keys_in_the_documented_order() -> None:
    documented = ("id", "name", *(lane.key for lane in lanes.BUILT_IN), "conversion", "next")
    assert STAGE_KEYS[:len(documented)] == documented
    assert set(STAGE_KEYS[len(documented):]) <= NOT_LANES  # later additions: keys that make no row


def test_every_lane_has_a_label_in_both_languages() -> None:
    english, russian = load_catalog("en").labels, load_catalog("ru").labels
    for lane in lanes.BUILT_IN:
        assert english[lane.label] and russian[lane.label], lane.key
        assert russian[lane.label] != english[lane.label], lane.key


def test_every_item_lane_has_its_change_codes() -> None:
    for noun in [*(lane.noun for lane in lanes.ITEM_LANES), lanes.CUSTOM_NOUN]:
        assert {f"{noun}-added", f"{noun}-removed", f"{noun}-changed"} <= set(CODES), noun


def test_the_schema_describes_each_lane_with_its_help_and_custom_lanes_after_them() -> None:
    properties = stage_schema({"choice_factors": "Choice factors"})["properties"]
    for lane in lanes.BUILT_IN:
        assert properties[lane.key]["description"] == lane.help
    assert properties["choice_factors"]["description"] == "Custom lane: Choice factors."
    assert list(properties)[-1] == "choice_factors"
    assert properties["kpis"]["anyOf"][1]["type"] == "array"
    assert properties["emotion"]["anyOf"][0]["type"] == ["integer", "string"]  # any scale; the map checks its own


def test_export_writes_every_lane_of_a_stage() -> None:
    stage = Stage("pay", "Pay", goals=(Item("Pay fast", "survey"),), emotion=-1, owner="Sales", count=40,
                  lanes=(("choice_factors", (Item("Price"),)),))
    out = stage_dict(stage, None)
    assert [key for key in out if key in lanes.BY_KEY] == [lane.key for lane in lanes.BUILT_IN]
    assert out["goals"] == [{"text": "Pay fast", "source": "survey"}]
    assert (out["emotion"], out["owner"], out["count"]) == (-1, "Sales", 40)
    assert out["lanes"] == {"choice_factors": [{"text": "Price", "source": None}]}


def test_textconv_names_custom_lanes_by_label_between_the_lists_and_the_owner(make_repo) -> None:
    root: Path = make_repo({"cjmgen.yml": "lanes: {choice_factors: Choice factors}\n"})
    page = root / "maps" / "sofa.md"
    page.write_text("---\ntitle: Sofa\nstages:\n  - name: Pay\n    backstage: [Bank check]\n"
                    "    choice_factors: [Price]\n    owner: Sales\n    count: 40\n---\n", encoding="utf-8")
    shown = run(["diff", "--textconv", str(page)], root).stdout.splitlines()
    lines = [line for line in shown if line.startswith("[pay]")]
    assert lines[1:] == ["[pay] backstage: Bank check", "[pay] Choice factors: Price",
                         "[pay] owner: Sales", "[pay] customers: 40"]


def test_custom_lane_is_an_item_lane_read_from_the_stage() -> None:
    lane = lanes.custom_lane("choice_factors", "Choice factors")
    stage = Stage("pay", "Pay", lanes=(("choice_factors", (Item("Price"),)),))
    assert (lane.kind, lane.noun, lane.custom) == (lanes.ITEMS, lanes.CUSTOM_NOUN, True)
    assert lane.value(stage) == (Item("Price"),)
    assert lanes.BY_KEY["goals"].value(stage) == ()
    assert json.loads(json.dumps(stage_schema()))["properties"].keys() >= lanes.BY_KEY.keys()
