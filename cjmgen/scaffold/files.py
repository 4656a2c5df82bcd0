"""Starting files for `cjmgen init` and `cjmgen new`: every field present and commented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

CONFIG = """\
# cjmgen site configuration. Every key is optional; the values shown are the defaults
# unless marked "example".
title: {title}                # shown in the header and on the cover of the handout
language: {language}                       # en | ru: the language of every label the site prints
base_url: /                        # where the site is served from, e.g. /cjm/ (links work under it)
content_dir: maps                  # the maps, personas/ and channels.yml live here
output_dir: site                   # `cjmgen build` writes the site here (replaced on every build)
# author: CX team                  # example: the author in PDF metadata
theme:
  name: default                    # a folder in cjmgen's themes/
  # custom_dir: overrides          # example: your templates/ and static/ that shadow the theme's
  # accent: "#1f6feb"              # example: a theme option (see the theme's theme.yml)
stale_after_days: 180              # maps not reviewed for longer are flagged as stale
# kpi_stale_after_days: 90         # example: measured KPIs whose latest period is older are flagged
lanes: {{}}                          # extra per-stage rows, e.g. {{choice_factors: Choice factors}}
pdf:
  page_size: A3 landscape          # the map infographic's page
  handout_maps: 12                 # most maps in one handout file; more go into volumes (0: one file)
# strict: true                     # example: warnings fail check, build and serve too (as --strict)
# validation:                      # example: a level per diagnostic code: ignore | info | warning | error
#   stage-incomplete: ignore
#   conversion-mismatch: error
# extra_css: [styles/brand.css]    # example: your style sheet, linked from every page after the theme's
# extra_javascript: [scripts/analytics.js]   # example: your script, at the end of every page
# tickets: https://jira.example.com/browse/{{id}}   # example: an opportunity's ticket id as a link
# diff:
#   cosmetic: [quotes, backstage]  # example: fields whose changes `cjmgen diff` reports as info
"""

GITIGNORE = "site/\n.site.lock\n.cjmgen-cache/\n"  # the build, its lock file, its caches

GITATTRIBUTES = (
    "# Show semantic changes of maps in `git diff` and `git log -p`. Once per clone:\n"
    "#   git config diff.cjmgen.textconv \"cjmgen diff --textconv\"\n"
    "*.md diff=cjmgen\n"
)
TEXTCONV_COMMAND = "cjmgen diff --textconv"
#: Hunk headers name the stage the change is in (`@@ ... @@ [deal] stage 3: Deal`).
TEXTCONV_FUNCNAME = r"^\[[^]]+\] stage [0-9]+: .*$"

CHANNELS = """\
# The channel catalog: every touchpoint names one of these ids.
# kind: online | offline
search-ads: {name: Search ads, kind: online}
website: {name: Website, kind: online}
email: {name: Email, kind: online}
phone: {name: Phone call, kind: offline}
courier: {name: Courier delivery, kind: offline}
"""

PERSONA = """\
---
# yaml-language-server: $schema=../../.cjmgen/persona.schema.json
name: {name}                      # required: a realistic name, e.g. "Anna, 32"
role: Young professional, just moved   # who they are
{photo_line}
quote: I have no time to visit shops   # what they would say
goals: [Furnish the flat in a month]   # what they want to achieve
needs: [Clear delivery dates]          # what they need from us
pains: [Hidden delivery costs]         # what annoys them
channels: [search-ads, website]        # channel ids from channels.yml
---
Background, habits and the research behind this persona.
"""

MAP = """\
---
# yaml-language-server: $schema={schema}
title: {title}                    # required
persona: {persona}                     # a persona id (a file name in personas/ without .md)
segment: Mobile visitors from search   # the customer segment
state: current                    # current | future
status: draft                     # draft | review | published (drafts are left out of the site)
owner: E-commerce team            # who maintains this map
tags: [b2c]
reviewed: {today}                 # last review; older than stale_after_days is flagged
related: []                       # ids of other maps
# current: other/map-id           # on a future-state map: the current-state map it improves on
# data: data/kpi.csv             # measured KPIs: CSV/JSON rows stage,kpi,period,value (docs/format.md)
stages:                           # required: at least one
  - id: awareness                 # optional, default: the slug of the name
    name: Awareness               # required
    goals: Find out how to solve the problem quickly
    actions: [Searches the web, Reads reviews]
    thoughts: ["Which shop can I trust?"]
    quotes:
      - {{text: "Found you through an ad", source: review on the site}}
    touchpoints:
      - search-ads                # a channel id from channels.yml
      - {{channel: phone, name: Call to the store}}
    emotion: 1                    # -2 (very negative) .. 2 (very positive)
    kpis:                         # a data file names a KPI by its id: {{name: ..., id: ctr}}
      - {{name: Ad click-through rate, value: 5%, target: 7.5%}}
    obstacles: [The offer in the ad is vague]
    triggers: [Retargeting banner]
    push: Free consultation button    # what carries the customer into the next stage
    opportunities:
      - Put delivery time into the ad text
      # example: an opportunity tracked to a solution (docs/format.md, Opportunities)
      # - {{text: Price from in the ad, id: ad-price, owner: Marketing, status: in progress, impact: high,
      #    effort: low, ticket: MKT-1, kpi: ad-click-through-rate}}
    backstage: [CRM assigns the lead to a manager]
    owner: Marketing              # who in the company answers for this stage
    count: 1000                   # customers who reached this stage
    conversion: 5%                # stated conversion into the next stage (checked against counts)
    # next: [evaluation]          # default: the following stage; several ids branch, earlier ids loop
  - id: evaluation
    name: Evaluation
    goals: Choose the best offer
    kpis:
      - {{name: Add-to-cart rate, value: 8%, target: 10%}}
    obstacles: [Prices are hard to compare]
    owner: E-commerce
    emotion: 0
    count: 50
---
The story of this map: who the customer is, what the research showed, the sources.

## Awareness
A second-level heading with a stage's name or id attaches this section to the stage.
"""


PHOTO = "photo: assets/{id}.svg            # a path inside the repository (optional)"
NO_PHOTO = "# photo: assets/{id}.svg          # a picture inside the repository (optional)"

TITLE = "Customer journey maps"
EXAMPLE_TITLE = {"en": "Buying a sofa online", "ru": "Покупка дивана онлайн"}
EXAMPLE_PERSONA = {"en": "Anna, 32", "ru": "Анна, 32"}


@dataclass(frozen=True)
class StarterTexts:
    """The starting files' texts in one language (templates for str.format)."""

    TITLE: str
    CONFIG: str
    CHANNELS: str
    PERSONA: str
    PHOTO: str
    NO_PHOTO: str
    MAP: str


ENGLISH = StarterTexts(TITLE, CONFIG, CHANNELS, PERSONA, PHOTO, NO_PHOTO, MAP)


def _texts(language: str) -> StarterTexts:
    if language == "ru":
        from cjmgen.scaffold.russian import RUSSIAN

        return RUSSIAN
    return ENGLISH


def default_title(language: str) -> str:
    return _texts(language).TITLE


def config_text(title: str, language: str) -> str:
    return _texts(language).CONFIG.format(title=title, language=language)


def map_text(title: str, persona: str, today: dt.date, schema: str = "../.cjmgen/map.schema.json",
             language: str = "en") -> str:
    return _texts(language).MAP.format(title=title, persona=persona, today=today.isoformat(), schema=schema)


def persona_text(persona_id: str, name: str, language: str = "en", photo: bool = False) -> str:
    """A persona; `photo`: its picture `assets/<id>.svg` exists, else the line is a comment."""
    texts = _texts(language)
    line = (texts.PHOTO if photo else texts.NO_PHOTO).format(id=persona_id)
    return texts.PERSONA.format(id=persona_id, name=name, photo_line=line)


AVATAR = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<circle cx="32" cy="32" r="32" fill="#dbe7f6"/><circle cx="32" cy="26" r="11" fill="#5b7ba6"/>
<path d="M12 56c3-11 11-16 20-16s17 5 20 16" fill="#5b7ba6"/></svg>
"""


def init_files(title: str | None, language: str, today: dt.date) -> dict[str, str]:
    """The files of a new repository, by relative path, written in `language` (en, ru)."""
    return {
        "cjmgen.yml": config_text(title or default_title(language), language),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
        "maps/channels.yml": _texts(language).CHANNELS,
        "maps/personas/anna.md": persona_text("anna", EXAMPLE_PERSONA[language], language, photo=True),
        "maps/assets/anna.svg": AVATAR,
        "maps/example.md": map_text(EXAMPLE_TITLE[language], "anna", today, language=language).replace(
            "status: draft  ", "status: published"
        ),
    }


def write_new(root: Path, files: dict[str, str], force: bool = False) -> tuple[list[str], list[str]]:
    """Write files that do not exist yet; returns (written, skipped). Never overwrites unless forced."""
    written, skipped = [], []
    for relative, text in files.items():
        target = root / relative
        if target.exists() and not force:
            skipped.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(relative)
    return written, skipped


def setup_textconv(root: Path) -> str:
    """Configure git's `cjmgen` diff driver in `root` if it is a git work tree; say what was done."""
    from cjmgen.content.gitio import run_git

    command = f'git config diff.cjmgen.textconv "{TEXTCONV_COMMAND}"'
    if run_git(root, "rev-parse", "--is-inside-work-tree") is None:
        return (f"Not a git repository yet: after `git init`, run\n  {command}\n"
                "so that `git diff` shows what changed in the maps.")
    run_git(root, "config", "diff.cjmgen.textconv", TEXTCONV_COMMAND)
    run_git(root, "config", "diff.cjmgen.xfuncname", TEXTCONV_FUNCNAME)
    return f"Configured git: {command} (`git diff` now shows map changes fact by fact)"
