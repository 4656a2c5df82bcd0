"""The benchmark's synthetic map repositories, generated from a seed.

Two corpora of the same shape (six stages, every lane filled, Russian and
English, personas, a channel catalog, a git commit of a fixed date):

- `heavy`: about 26 KB a map, most of it YAML (three to four long items a
  lane, sourced items, three KPIs a stage) and a long Markdown body;
- `light`: about 8 KB a map, every lane filled with one or two short items
  and a short body: the maps a team writes first.

The same seed gives the same bytes, and map `i` is the same file at every
size. The tests build these repositories too (tests import this module; it
is not part of the cjmgen package).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

SEED = 2026
COMMIT_DATE = "2026-10-01T12:00:00+00:00"  # the build's "as of": reviewed dates stay fresh

CORPORA = ("heavy", "light")

STAGE_IDS = ("awareness", "evaluation", "deal", "delivery", "experience", "loyalty")
STAGE_NAMES = {
    "ru": ("Осведомлённость", "Оценка и выбор", "Сделка", "Доставка", "Опыт использования", "Лояльность"),
    "en": ("Awareness", "Evaluation", "Deal", "Delivery", "Experience", "Loyalty"),
}
CHANNELS = (
    ("search-ads", "Поисковая реклама", "online"), ("context-ads", "Реклама в РСЯ", "online"),
    ("seo", "Органический поиск", "online"), ("website", "Website", "online"),
    ("mobile-site", "Мобильная версия сайта", "online"), ("app", "Mobile app", "online"),
    ("vk", "Сообщество ВКонтакте", "online"), ("telegram", "Telegram-канал", "online"),
    ("email", "Email", "online"), ("sms", "SMS-уведомления", "online"),
    ("chat", "Онлайн-чат", "online"), ("reviews", "Отзывы", "online"),
    ("marketplace", "Marketplace", "online"), ("phone", "Звонок в магазин", "offline"),
    ("call-center", "Колл-центр", "offline"), ("showroom", "Шоурум", "offline"),
    ("courier", "Доставка и сборка", "offline"), ("pickup", "Pick-up point", "offline"),
    ("partner", "Partner store", "offline"), ("event", "Выставка", "offline"),
)
PERSONAS = (
    ("anna", "Анна, 29", "Менеджер проектов в IT-компании", "ru"),
    ("sergey", "Сергей, 41", "Владелец небольшого бизнеса", "ru"),
    ("galina", "Галина, 63", "Пенсионерка, покупает для дачи", "ru"),
    ("irina", "Ирина, 35", "Дизайнер интерьеров", "ru"),
    ("oleg", "Олег, 24", "Студент, снимает квартиру", "ru"),
    ("marina", "Марина, 47", "Закупщик офисной мебели", "ru"),
    ("kate", "Kate, 31", "Relocated engineer furnishing a flat", "en"),
    ("tom", "Tom, 52", "Facilities manager of a bank branch", "en"),
    ("lucy", "Lucy, 27", "First-time home buyer", "en"),
    ("raj", "Raj, 38", "Small hotel owner", "en"),
    ("mia", "Mia, 45", "Architect who specifies furniture", "en"),
    ("ben", "Ben, 33", "Remote worker equipping a home office", "en"),
)
OWNERS = {
    "ru": ("Маркетинг", "Отдел e-commerce", "Отдел продаж", "Логистика", "Клиентский сервис", "Колл-центр"),
    "en": ("Marketing", "E-commerce", "Sales", "Logistics", "Customer service", "Contact centre"),
}
SEGMENTS = {
    "ru": ("Мобильные посетители из поиска", "Покупатели в шоуруме", "Корпоративные клиенты", "Дачники"),
    "en": ("Mobile search visitors", "Showroom walk-ins", "Corporate buyers", "Hotel owners"),
}
WORDS = {
    "ru": (
        "клиент", "диван", "доставка", "заказ", "цена", "отзыв", "ткань", "размер", "срок", "менеджер",
        "корзина", "звонок", "скидка", "каталог", "фото", "шоурум", "оплата", "сборка", "гарантия", "подборка",
    ),
    "en": (
        "customer", "sofa", "delivery", "order", "price", "review", "fabric", "size", "date", "manager",
        "basket", "call", "discount", "catalogue", "photo", "showroom", "payment", "assembly", "warranty", "bundle",
    ),
}
VERBS = {
    "ru": ("ищет", "сравнивает", "проверяет", "ждёт", "выбирает", "читает", "оформляет", "обсуждает"),
    "en": ("searches for", "compares", "checks", "waits for", "chooses", "reads about", "orders", "discusses"),
}
SOURCES = {
    "ru": ("интервью с клиентами, март 2026", "Яндекс Метрика, I квартал 2026", "CRM, апрель 2026"),
    "en": ("customer interviews, March 2026", "web analytics, Q1 2026", "CRM export, April 2026"),
}
RATES = (20, 25, 40, 50, 60, 75, 80)
JOURNEY = {"ru": "Путь клиента", "en": "Customer journey"}


@dataclass(frozen=True)
class MapSpec:
    number: int
    language: str
    segment: str
    folder: str
    persona: str

    @property
    def id(self) -> str:
        return f"{self.folder}/m{self.number:05d}"

    @property
    def path(self) -> str:
        return f"maps/{self.id}.md"


def map_spec(number: int) -> MapSpec:
    language = "ru" if number % 3 else "en"  # two thirds Russian, one third English
    segment_index = number % 4
    persona = [p for p in PERSONAS if p[3] == language][number % 6][0]
    return MapSpec(number, language, SEGMENTS[language][segment_index], f"seg{segment_index}", persona)


def _phrase(rng: random.Random, language: str, words: int = 6) -> str:
    pool = WORDS[language]
    text = " ".join(rng.choice(pool) for _ in range(words))
    return f"{text[0].upper()}{text[1:]} {rng.choice(VERBS[language])} {rng.choice(pool)}"


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _items(rng: random.Random, language: str, count: int, sourced: bool = True) -> str:
    lines = []
    for index in range(count):
        text = _phrase(rng, language)
        if sourced and index == 0:
            lines.append(f"      - text: {_yaml_text(text)}\n"
                         f"        source: {_yaml_text(rng.choice(SOURCES[language]))}\n")
        else:
            lines.append(f"      - {_yaml_text(text)}\n")
    return "".join(lines)


def _counts(rng: random.Random) -> tuple[list[int], list[int]]:
    counts = [rng.choice((100_000, 200_000, 400_000, 800_000))]
    rates = []
    for _ in range(len(STAGE_IDS) - 1):
        rate = rng.choice(RATES)
        rates.append(rate)
        counts.append(round(counts[-1] * rate / 100))
    return counts, rates


def _header(rng: random.Random, spec: MapSpec) -> list[str]:
    """The frontmatter's fields above the stages: the same for both corpora."""
    lang = spec.language
    future = spec.number % 10 == 9 and spec.number >= 1
    header = [
        f"title: {_yaml_text(JOURNEY[lang] + f' №{spec.number}: ' + _phrase(rng, lang, 3))}",
        f"persona: {spec.persona}",
        f"segment: {_yaml_text(spec.segment)}",
        f"state: {'future' if future else 'current'}",
        "status: published",
        f"owner: {_yaml_text(OWNERS[lang][spec.number % 6])}",
        f"tags: [{lang}, seg{spec.number % 4}, {'b2c' if spec.number % 2 else 'b2b'}]",
        f"reviewed: 2026-{6 + spec.number % 4:02d}-{1 + spec.number % 28:02d}",
    ]
    if future:
        header.append(f"current: {map_spec(spec.number - 1).id}")
    if spec.number > 0:
        header.append(f"related: [{map_spec(spec.number - 1).id}]")
    if spec.number % 5 == 0:
        header.append(f"description: {_yaml_text(_phrase(rng, lang, 10))}")
    return header


def map_text(spec: MapSpec, total: int, seed: int = SEED) -> str:
    """One heavy map: six stages with every lane filled, and a Markdown body with stage sections."""
    rng = random.Random(seed * 1_000_003 + spec.number)
    lang = spec.language
    names = STAGE_NAMES[lang]
    counts, rates = _counts(rng)
    header = _header(rng, spec)
    stages = []
    for index, stage_id in enumerate(STAGE_IDS):
        channel_ids = rng.sample([c[0] for c in CHANNELS], 3)
        unit = "₽" if lang == "ru" else "EUR"
        stage = [
            f"  - id: {stage_id}",
            f"    name: {names[index]}",
            "    goals:\n" + _items(rng, lang, 2).rstrip("\n"),
            "    actions:\n" + _items(rng, lang, 3).rstrip("\n"),
            "    thoughts:\n" + _items(rng, lang, 2, sourced=False).rstrip("\n"),
            "    quotes:\n" + _items(rng, lang, 1).rstrip("\n"),
            ("    touchpoints:\n"
            f"      - {channel_ids[0]}\n"
            f"      - {{channel: {channel_ids[1]}, name: {_yaml_text(_phrase(rng, lang, 2))}}}\n"
            f"      - {{channel: {channel_ids[2]}, name: {_yaml_text(_phrase(rng, lang, 2))}, "
            f"source: {_yaml_text(SOURCES[lang][0])}}}"),
            f"    emotion: {rng.randint(-2, 2)}",
            ("    kpis:\n"
            f"      - {{name: {_yaml_text(_phrase(rng, lang, 2))}, value: {rng.randint(2, 9)}%, "
            f"target: {rng.randint(5, 12)}%}}\n"
            f"      - {{name: {_yaml_text(_phrase(rng, lang, 2))}, value: {rng.randint(20, 60)}, "
            f"target: {rng.randint(15, 50)}, unit: {unit}, better: lower}}\n"
            f"      - {{name: NPS, value: {rng.randint(-10, 60)}, target: 40, "
            f"source: {_yaml_text(SOURCES[lang][2])}}}"),
            "    obstacles:\n" + _items(rng, lang, 3).rstrip("\n"),
            "    triggers:\n" + _items(rng, lang, 2, sourced=False).rstrip("\n"),
            f"    push: {_yaml_text(_phrase(rng, lang, 5))}",
            "    opportunities:\n" + _items(rng, lang, 3).rstrip("\n"),
            "    backstage:\n" + _items(rng, lang, 2, sourced=False).rstrip("\n"),
            f"    owner: {_yaml_text(OWNERS[lang][index])}",
            "    choice_factors:\n" + _items(rng, lang, 2, sourced=False).rstrip("\n"),
            f"    count: {counts[index]}",
        ]
        if index < len(rates):
            stage.append(f"    conversion: {rates[index]}%")
        if stage_id == "loyalty":
            stage.append("    next: [deal]")  # a loop back: repeat purchases
        stages.append("\n".join(stage))
    front = "---\n" + "\n".join(header) + "\nstages:\n" + "\n\n".join(stages) + "\n---\n"
    return front + _body(rng, spec, counts, rates)


def _body(rng: random.Random, spec: MapSpec, counts: list[int], rates: list[int]) -> str:
    lang = spec.language
    names = STAGE_NAMES[lang]
    research, sources = ("Исследование", "Источники") if lang == "ru" else ("Research", "Sources")
    step = "Этап" if lang == "ru" else "Stage"
    reached, conv = ("Достигли", "Конверсия") if lang == "ru" else ("Reached", "Conversion")
    parts = [
        (f"{_phrase(rng, lang, 12)}. **{_phrase(rng, lang, 3)}**, {_phrase(rng, lang, 8)}.\n"
        f"{_phrase(rng, lang, 10)} — `{rng.randint(10, 99)}%`.\n"),
        f"## {research}\n",
        f"| {step} | {reached} | {conv} |\n|---|---:|---:|\n"
        + "".join(
            f"| {names[i]} | {counts[i]:,} | {str(rates[i]) + '%' if i < len(rates) else '—'} |\n"
            for i in range(len(STAGE_IDS))
        ),
    ]
    if spec.number > 0:
        previous = map_spec(spec.number - 1)
        relative = os.path.relpath(previous.path, os.path.dirname(spec.path)).replace(os.sep, "/")
        parts.append(f"See also [{previous.id}]({relative}) and [the persona](../personas/{spec.persona}.md).\n")
    for index in sorted(rng.sample(range(len(STAGE_IDS)), 3)):
        parts.append(f"## {names[index]}\n")
        parts.append(f"{_phrase(rng, lang, 14)}. *{_phrase(rng, lang, 4)}*; {_phrase(rng, lang, 9)}.\n")
        parts.append("".join(f"- {_phrase(rng, lang, 5)}\n" for _ in range(3)))
        if index % 2 == 0:
            parts.append(
                "| # | " + ("Что мешало | Назвали" if lang == "ru" else "What got in the way | Mentioned") + " |\n"
                "|---|---|---:|\n"
                + "".join(f"| {n} | {_phrase(rng, lang, 4)} | {rng.randint(1, 12)} of 12 |\n" for n in range(1, 4))
            )
    parts.append(f"## {sources}\n" + "".join(f"- {s}\n" for s in SOURCES[lang]))
    return "\n".join(parts)


def light_map_text(spec: MapSpec, seed: int = SEED) -> str:
    """One light map: six stages, every lane filled with one or two short items, a short body."""
    rng = random.Random(seed * 1_000_003 + spec.number)
    lang = spec.language
    names = STAGE_NAMES[lang]
    counts, rates = _counts(rng)
    header = _header(rng, spec)

    def short(count: int) -> str:
        return "[" + ", ".join(_yaml_text(_phrase(rng, lang, 2)) for _ in range(count)) + "]"

    stages = []
    for index, stage_id in enumerate(STAGE_IDS):
        channel_ids = rng.sample([c[0] for c in CHANNELS], 2)
        kpi = (f"{{name: NPS, value: {rng.randint(-10, 60)}, target: 40}}" if index == 0 else
               f"{{name: {_yaml_text(_phrase(rng, lang, 1))}, value: {rng.randint(2, 9)}%, "
               f"target: {rng.randint(5, 12)}%}}")
        stage = [
            f"  - id: {stage_id}",
            f"    name: {names[index]}",
            f"    goals: {short(1)}",
            f"    actions: {short(2)}",
            f"    thoughts: {short(1)}",
            f"    quotes: {short(1)}",
            (f"    touchpoints: [{channel_ids[0]}, "
            f"{{channel: {channel_ids[1]}, name: {_yaml_text(_phrase(rng, lang, 1))}}}]"),
            f"    emotion: {rng.randint(-2, 2)}",
            f"    kpis: [{kpi}]",
            f"    obstacles: {short(2)}",
            f"    triggers: {short(1)}",
            f"    push: {_yaml_text(_phrase(rng, lang, 2))}",
            f"    opportunities: {short(2)}",
            f"    backstage: {short(1)}",
            f"    owner: {_yaml_text(OWNERS[lang][index])}",
            f"    choice_factors: {short(1)}",
            f"    count: {counts[index]}",
        ]
        if index < len(rates):
            stage.append(f"    conversion: {rates[index]}%")
        if stage_id == "loyalty":
            stage.append("    next: [deal]")
        stages.append("\n".join(stage))
    step, reached, conv = ("Этап", "Достигли", "Конверсия") if lang == "ru" else ("Stage", "Reached", "Conversion")
    body = [
        f"{_phrase(rng, lang, 12)}. **{_phrase(rng, lang, 3)}**, {_phrase(rng, lang, 6)}.\n",
        f"| {step} | {reached} | {conv} |\n|---|---:|---:|\n"
        + "".join(f"| {names[i]} | {counts[i]:,} | {str(rates[i]) + '%' if i < len(rates) else '—'} |\n"
                  for i in range(len(STAGE_IDS))),
    ]
    if spec.number > 0:
        previous = map_spec(spec.number - 1)
        relative = os.path.relpath(previous.path, os.path.dirname(spec.path)).replace(os.sep, "/")
        body.append(f"See also [{previous.id}]({relative}) and [the persona](../personas/{spec.persona}.md).\n")
    body.append("".join(f"- {_phrase(rng, lang, 4)}\n" for _ in range(3)))
    return "---\n" + "\n".join(header) + "\nstages:\n" + "\n".join(stages) + "\n---\n" + "\n".join(body)


def persona_text(persona: tuple[str, str, str, str], seed: int = SEED) -> str:
    pid, name, role, lang = persona
    rng = random.Random(f"{seed}:{pid}")
    channels = sorted(rng.sample([c[0] for c in CHANNELS], 5))
    who = "Кто это" if lang == "ru" else "Who"
    return (
        f"---\nname: {_yaml_text(name)}\nrole: {_yaml_text(role)}\n"
        f"quote: {_yaml_text(_phrase(rng, lang, 8))}\n"
        "goals:\n" + _items(rng, lang, 3).replace("      ", "  ")
        + "needs:\n" + _items(rng, lang, 3, sourced=False).replace("      ", "  ")
        + "pains:\n" + _items(rng, lang, 2).replace("      ", "  ")
        + f"channels: [{', '.join(channels)}]\n---\n"
        f"{_phrase(rng, lang, 14)}.\n\n## {who}\n{_phrase(rng, lang, 20)}.\n\n"
        + "".join(f"- {_phrase(rng, lang, 6)}\n" for _ in range(4))
    )


def channels_text() -> str:
    return "".join(
        f"{cid}:\n  name: {_yaml_text(name)}\n  kind: {kind}\n  description: {_yaml_text(name + ' — ' + cid)}\n"
        for cid, name, kind in CHANNELS
    )


CONFIG = """\
title: Benchmark — карты пути клиента
language: ru
base_url: /cjm/
content_dir: maps
output_dir: site
stale_after_days: 365
lanes: {choice_factors: Факторы выбора}
pdf: {page_size: A3 landscape}
"""


def generate(root: Path, maps: int, seed: int = SEED, git: bool = True, corpus: str = "heavy") -> Path:
    """Write a repository of `maps` maps of a corpus (plus personas and channels) into `root`;
    deterministic."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}: one of {', '.join(CORPORA)}")
    root.mkdir(parents=True, exist_ok=True)
    (root / "cjmgen.yml").write_text(CONFIG, encoding="utf-8")
    content = root / "maps"
    (content / "personas").mkdir(parents=True, exist_ok=True)
    (content / "channels.yml").write_text(channels_text(), encoding="utf-8")
    for persona in PERSONAS:
        (content / "personas" / f"{persona[0]}.md").write_text(persona_text(persona, seed), encoding="utf-8")
    for number in range(maps):
        spec = map_spec(number)
        target = root / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = map_text(spec, maps, seed) if corpus == "heavy" else light_map_text(spec, seed)
        target.write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text("site/\n.cjmgen-cache/\n", encoding="utf-8")
    if git:
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "synthetic maps")
    return root


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def edit_one_map(root: Path, index: int) -> None:
    """Change one KPI target (the first stage's NPS) and add a line to the body of map 1: a
    real one-map edit, a different one for each `index`. (Until the eighth round only the
    first edit changed the target; later ones appended its text to the body.)"""
    path = root / map_spec(1).path
    text = path.read_text(encoding="utf-8")
    text, found = re.subn(r"(\{name: NPS, value: -?\d+, target: )\d+", rf"\g<1>{41 + index}", text, count=1)
    assert found, "the generated map has an NPS KPI"
    head, sep, last = text.rpartition("\n- ")  # a line before the body's last list item
    path.write_text(f"{head}\n- edited {index}{sep}{last}" if sep else f"{text}\nedited {index}\n", encoding="utf-8")


def review_map(number: int, variant: int) -> str:
    """A small map for the review benchmark and tests: `variant` 1 differs from 0 in every
    stage's emotion and KPIs, so a diff of the two has something to say about each map."""
    stages = []
    for index, name in enumerate(("Awareness", "Evaluation", "Deal", "Delivery", "Experience", "Loyalty")):
        stages.append(
            f"  - id: s{index}\n    name: {name}\n"
            f"    goals: [Goal {number}-{index}, {{text: Sourced goal {index}, source: interviews}}]\n"
            f"    actions: [Searches, Compares prices, Reads reviews {index}]\n"
            f"    thoughts: [Can I trust them?]\n"
            f"    touchpoints: [website, {{channel: phone, name: Call {index}}}]\n"
            f"    emotion: {(index + variant) % 5 - 2}\n"
            f"    kpis: [{{name: KPI {index}, value: {5 + variant}%, target: 7.5%}}, "
            f"{{name: Cost {index}, value: {40 - variant}, target: 35, unit: RUB, better: lower}}]\n"
            f"    obstacles: [Vague offer {index}, Slow site]\n"
            f"    opportunities: [Put delivery time into the ad]\n"
            f"    owner: Team {index}\n    count: {10000 // (index + 1)}\n"
        )
    return (f"---\ntitle: Journey {number}\npersona: anna\nsegment: Segment {number % 7}\n"
            f"reviewed: 2026-09-01\nstages:\n{''.join(stages)}---\nStory of journey {number}.\n")

