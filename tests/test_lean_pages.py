"""Map pages that skip what a map does not use (issue 17, "no slower"): the features of a
map are decided once in Python (cjmgen/analysis/features.py), a map that uses them
shows them as before, one that does not shows none of their marks; and the stage card
is a partial of its own that a theme overrides."""

from __future__ import annotations

from cjmgen.analysis.features import Features, features_of, items_marked
from cjmgen.content.model import Exit, Item, Moment, Opportunity, Stage
from cjmgen.site.render import drawn_once
from tests.helpers.cli import run
from tests.helpers.repos import complete_stage, simple_map

# -- the flags ------------------------------------------------------------------


def test_a_plain_map_uses_no_feature_and_each_feature_sets_its_own_flag() -> None:
    plain = Stage("a", "A", goals=(Item("Find a sofa", source="crm"),), opportunities=(Item("Idea"),))
    assert features_of([plain], details=False, kpi_history=False, stage_edits=False, cites=False) == Features(
        item_marks=False, moments=False, exits=False, times=False, details=False, kpi_history=False,
        tracked=False, stage_edits=False, cites=False)
    cases = {
        "moments": Stage("b", "B", moment=Moment("first look")),
        "exits": Stage("b", "B", exits=(Exit("left"),)),
        "times": Stage("b", "B", time="day 2"),
    }
    for flag, stage in cases.items():
        found = features_of([plain, stage], details=False, kpi_history=False, stage_edits=False, cites=False)
        assert [name for name, value in vars(found).items() if value] == [flag]


def test_an_item_that_is_a_moment_names_a_persona_or_is_tracked_marks_the_items() -> None:
    for item in (Item("x", moment=True), Item("x", persona="anna")):
        for lane in ("goals", "quotes", "backstage"):
            assert features_of([Stage("a", "A", **{lane: (item,)})]).item_marks  # type: ignore[arg-type]
        assert items_marked([Item("y"), item])
    custom = Stage("a", "A", lanes=(("choice_factors", (Item("Price", moment=True),)),))
    assert features_of([custom]).item_marks
    tracked = features_of([Stage("a", "A", opportunities=(Opportunity("Split pay", status="planned"),))])
    assert tracked.tracked and tracked.item_marks
    assert not items_marked([Item("y", source="crm")]) and not items_marked(())


# -- the pages --------------------------------------------------------------------

FEATURED_STAGES = (
    complete_stage("Look", "look", 1000, 1, "    moment: First look\n    time: day 1\n"
                   "    actions: [{text: Sits on the sofa, moment: true}]\n"
                   "    thoughts: [{text: Too soft, persona: anna}]\n"
                   "    exits: [{name: left for a rival, count: 100}]\n"
                   "    opportunities:\n      - {text: Split pay, status: planned, impact: 4}")
    + complete_stage("Pay", "pay", 500, -1)
)


def featured_map() -> str:
    return ("---\ntitle: Featured\npersona: anna\nreviewed: 2026-10-01\nstages:\n" + FEATURED_STAGES.rstrip("\n")
            + "\n---\n")


MARKS = ('class="moment-mark"', 'class="item-persona"', 'class="opp-facts"', 'class="exits"',
         'class="stage-time"', 'class="stage-head moment"', 'class="to-portfolio"')


def test_a_map_using_the_features_shows_them_and_a_plain_map_beside_it_shows_none(make_repo) -> None:
    root = make_repo({"maps/plain.md": simple_map("Plain"), "maps/featured.md": featured_map()})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    featured = (root / "site/maps/featured.html").read_text(encoding="utf-8")
    plain = (root / "site/maps/plain.html").read_text(encoding="utf-8")
    for mark in MARKS:
        assert mark in featured, mark
        assert mark not in plain, mark
    # the item's moment and persona show in the grid and on its card alike
    assert featured.count('<li class="item assumption moment"') == 2
    assert featured.count('<span class="item-persona">Anna, 32:</span>') == 2
    # the owner's page lists stages of both maps and marks the featured one's items
    owner = (root / "site/owners/marketing.html").read_text(encoding="utf-8")
    assert 'class="opp-facts"' in owner and "Split pay" in owner
    assert owner.count('class="opp-facts"') == 1


# -- the stage card, an override point ----------------------------------------------

CARD = """{% macro stage_card(v, number) -%}
<article class="my-card" id="{{ v.anchor }}">{{ number }}. {{ v.stage.name }}: {{ T.goals }} {{ item_list(v.stage.goals) }}</article>
{%- endmacro %}
"""


def test_a_theme_overriding_the_stage_card_changes_every_card_of_every_map(make_repo) -> None:
    root = make_repo({
        "maps/plain.md": simple_map("Plain"), "maps/featured.md": featured_map(),
        "cjmgen.yml": "language: en\ntheme: {custom_dir: overrides}\n",
        "overrides/templates/partials/stage_card.html": CARD,
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    for page, names in (("plain", ("Awareness", "Deal")), ("featured", ("Look", "Pay"))):
        text = (root / f"site/maps/{page}.html").read_text(encoding="utf-8")
        assert '<article class="stage-card"' not in text
        assert text.count('<article class="my-card"') == 2
        for number, name in enumerate(names, 1):
            assert f'{number}. {name}: Goals <ul class="items">' in text
        assert '<section class="notes"' in text  # the rest of the page is the theme's


def test_the_default_stage_card_is_the_partial(make_repo) -> None:
    """The default card: one per stage, in order, numbered from 1 (the macro's `number`)."""
    root = make_repo({"maps/featured.md": featured_map()})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    text = (root / "site/maps/featured.html").read_text(encoding="utf-8")
    cards = text.split('<article class="stage-card"')[1:]
    assert [card.split('id="', 1)[1].split('"', 1)[0] for card in cards] == ["stage-look", "stage-pay"]
    assert '<span class="stage-no">1</span> <span class="moment-mark"' in cards[0]
    assert '<span class="stage-no">2</span> Pay' in cards[1]


# -- the site header, an override point ---------------------------------------------

HEADER = """{% macro brand() -%}<a class="brand" href="{{ url('index.html') }}">Our maps · {{ site.title }}</a>{%- endmacro %}
{% macro nav_list() %}<ul class="our-nav">{% for label, target in nav %}<li>{{ label }}</li>{% endfor %}</ul>{% endmacro %}
{% macro search_box() %}{% endmacro %}
"""


def test_a_theme_overriding_the_header_partial_changes_the_header_of_every_page(make_repo) -> None:
    root = make_repo({
        "maps/plain.md": simple_map("Plain"),
        "cjmgen.yml": "language: en\ntitle: Sofas\ntheme: {custom_dir: overrides}\n",
        "overrides/templates/partials/header.html": HEADER,
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 8  # map, persona, owner, channel, segment and list pages, search, 404
    for page in pages:
        text = page.read_text(encoding="utf-8")
        header = text.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        assert ">Our maps · Sofas</a>" in header, page
        assert '<ul class="our-nav"><li>All maps</li><li>Segments</li>' in header, page
        assert "site-search" not in header, page


def test_a_page_template_still_overrides_one_block_of_the_header(make_repo) -> None:
    """`brand`, `nav` and `search` stay blocks of base.html: a page kind changes its own."""
    root = make_repo({
        "maps/plain.md": simple_map("Plain"),
        "cjmgen.yml": "language: en\ntheme: {custom_dir: overrides}\n",
        "overrides/templates/map.html": "{% extends '!theme/map.html' %}{% block nav %}<p>map nav</p>{% endblock %}\n",
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert "<p>map nav</p>" in (root / "site/maps/plain.html").read_text(encoding="utf-8")
    index = (root / "site/index.html").read_text(encoding="utf-8")
    assert "<p>map nav</p>" not in index and '<nav class="site-nav"' in index


# -- each list drawn once a page ------------------------------------------------------


def test_a_list_shown_in_the_grid_and_on_its_card_is_drawn_once() -> None:
    calls: list[tuple[object, ...]] = []

    def macro(items: object, *args: object, **kwargs: object) -> str:
        calls.append((items, *args, *kwargs.values()))
        return f"<ul>{len(calls)}</ul>"

    draw = drawn_once(macro)
    goals, same_words = (Item("Find a sofa"),), (Item("Find a sofa"),)
    assert draw(goals) == draw(goals) == "<ul>1</ul>"
    assert draw(goals, "items thoughts") == "<ul>2</ul>"  # another class: another list
    assert draw(same_words) == "<ul>3</ul>"  # equal, not the same: drawn on its own
    assert draw(goals, ids="grid") == "<ul>4</ul>" and draw(goals, ids="grid") == "<ul>5</ul>"
    assert drawn_once(macro)(goals) == "<ul>6</ul>"  # a new page draws it again
