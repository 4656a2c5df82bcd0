"""The diff's change messages in every site language: one phrase table, English and Russian.

A Change keeps its English `message` (the terminal and JSON print it, like every
diagnostic) and a `Phrase`: the key of its sentence and the values to fill in.
Review output that a team reads in its own language (the Markdown PR comment,
the "What changed" page) renders the phrase in the site's language instead.

Arguments are plain values, nested phrases (a lane noun, "none"), tuples
(joined with ", ") or a `Rate`, which each language prints its own way. A
missing or broken translation falls back to English: output never fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cjmgen.checks.rules import format_percent
from cjmgen.i18n.labels import Locale

ENGLISH = "en"

#: The labels `cjmgen diff` gives the two sides when they are not revisions as typed.
WORKING_TREE = "working tree"
MERGE_BASE = "merge base with "

#: Item nouns of the lanes (as in the change codes): English, Russian and the Russian gender.
ITEM_NOUNS: dict[str, tuple[str, str, str]] = {
    "goal": ("goal", "цель", "f"), "action": ("action", "действие", "n"),
    "thought": ("thought", "мысль", "f"), "quote": ("quote", "цитата", "f"),
    "obstacle": ("obstacle", "препятствие", "n"), "trigger": ("trigger", "триггер", "m"),
    "push": ("push", "толкающее действие", "n"), "opportunity": ("opportunity", "возможность", "f"),
    "backstage": ("backstage", "пункт закулисья", "m"), "lane-item": ("lane-item", "пункт дополнительной строки", "m"),
}
#: Russian participles by gender (m, f, n): "добавлен триггер", "добавлена цель", "добавлено препятствие".
_RU_VERBS = {
    "added": ("добавлен", "добавлена", "добавлено"),
    "removed": ("удалён", "удалена", "удалено"),
    "changed": ("переформулирован", "переформулирована", "переформулировано"),
}
_EN_ITEM = {
    "added": '{noun} added in stage {stage}: "{text}"',
    "removed": '{noun} removed in stage {stage}: "{text}"',
    "changed": '{noun} reworded in stage {stage}: "{old}" -> "{new}"',
}
_RU_ITEM = {
    "added": "{verb} {noun} на этапе «{stage}»: «{text}»",
    "removed": "{verb} {noun} на этапе «{stage}»: «{text}»",
    "changed": "{verb} {noun} на этапе «{stage}»: «{old}» → «{new}»",
}


def _item_phrases() -> dict[str, tuple[str, str]]:
    """`obstacle-added` and its kin, generated so that each noun agrees with its verb in Russian."""
    out: dict[str, tuple[str, str]] = {}
    for noun, (english, russian, gender) in ITEM_NOUNS.items():
        out[f"noun.{noun}"] = (english, russian)
        for verb, forms in _RU_VERBS.items():
            participle = forms["mfn".index(gender)]
            out[f"{noun}-{verb}"] = (
                _EN_ITEM[verb].replace("{noun}", english),
                _RU_ITEM[verb].replace("{verb} {noun}", f"{participle} {russian}"),
            )
    return out


#: Every sentence and word the diff prints: key -> (English, Russian). The English
#: text is the `message` of the change, byte for byte; placeholders match in both.
PHRASES: dict[str, tuple[str, str]] = {
    "none": ("none", "нет"),
    "none-literal": ("None", "нет"),
    # map fields and their values
    "field.title": ("title", "название"), "field.segment": ("segment", "сегмент"),
    "field.state": ("state", "состояние"), "field.status": ("status", "статус"),
    "field.tags": ("tags", "теги"), "field.reviewed": ("reviewed", "дата пересмотра"),
    "field.related": ("related", "связанные карты"), "field.current": ("current", "карта текущего состояния"),
    "field.description": ("description", "описание"), "field.persona": ("persona", "персона"),
    "value.current": ("current", "текущее"), "value.future": ("future", "целевое"),
    "value.draft": ("draft", "черновик"), "value.review": ("review", "на проверке"),
    "value.published": ("published", "опубликована"),
    "value.higher": ("higher", "выше"), "value.lower": ("lower", "ниже"),
    "value.online": ("online", "онлайн"), "value.offline": ("offline", "офлайн"),
    "field-changed": ("{field}: {old} -> {new}", "{field}: {old} → {new}"),
    "body-edited": ("{where} edited: {excerpt}", "{where} — правка: {excerpt}"),
    "description-edited": ("map description edited: {excerpt}", "описание карты — правка: {excerpt}"),
    "prose.stage": ("notes on stage {stage}", "заметки к этапу «{stage}»"),
    "prose.section": ("section \"{title}\" of the map's notes", "раздел «{title}» заметок карты"),
    "prose.map": ("the map's notes", "заметки карты"),
    # owners
    "owner-missing.map": ("the map has no owner any more (was {old})",
                          "у карты больше нет ответственного (был: {old})"),
    "owner-missing.stage": ("stage {stage} has no owner any more (was {old})",
                            "у этапа «{stage}» больше нет ответственного (был: {old})"),
    "owner-missing.new-stage": ("new stage {stage} has no owner", "у нового этапа «{stage}» нет ответственного"),
    "owner-changed.map": ("owner of the map: {old} -> {new}", "ответственный за карту: {old} → {new}"),
    "owner-changed.stage": ("owner of stage {stage}: {old} -> {new}",
                            "ответственный за этап «{stage}»: {old} → {new}"),
    # stages
    "stage-added": ("stage {stage} added", "добавлен этап «{stage}»"),
    "stage-removed": ("stage {stage} removed", "удалён этап «{stage}»"),
    "stage-renamed": ("stage {old} renamed to {new}", "этап «{old}» переименован в «{new}»"),
    "stage-renamed.id": ("stage {stage}: id {old} -> {new}", "этап «{stage}»: id {old} → {new}"),
    "stage-moved": ("stage {stage} moved: position {old} -> {new}",
                    "этап «{stage}» перемещён: позиция {old} → {new}"),
    "emotion-changed": ("emotion at {stage} {old} -> {new}", "эмоция на этапе «{stage}»: {old} → {new}"),
    "count-changed": ("customers at {stage} {old} -> {new}", "клиентов на этапе «{stage}»: {old} → {new}"),
    "next-stage": ("the next stage", "следующий этап"),
    "next-changed": ("stage {stage} now leads to {new} (was {old}){why}",
                     "этап «{stage}» теперь ведёт на {new} (было: {old}){why}"),
    "next.implicit": (" — the stage after it in the list, as it names no next",
                      " — следующий по списку, так как next у него не задан"),
    "nowhere": ("nowhere (the journey ends there)", "никуда (путь на нём заканчивается)"),
    "loop-added": ("new loop: from {source} back to {target}", "новая петля: с этапа «{source}» назад на «{target}»"),
    "loop-removed": ("loop removed: from {source} back to {target}",
                     "петля убрана: с этапа «{source}» назад на «{target}»"),
    "branch-added": ("new branch at {stage}: it leads to {targets}",
                     "новое ветвление на этапе «{stage}»: он ведёт на {targets}"),
    "branch-removed": ("branch removed at {stage}: it leads only to {targets}",
                       "ветвление на этапе «{stage}» убрано: он ведёт только на {targets}"),
    "conversion": ("conversion from {stage} {old} -> {new}{why}", "конверсия с этапа «{stage}»: {old} → {new}{why}"),
    "conversion.into": (" (now into {new}, was into {old})", " (теперь на «{new}», было на «{old}»)"),
    "conversion-lost": ("conversion from {stage} {old} is no longer computed{why}",
                        "конверсия с этапа «{stage}» ({old}) больше не рассчитывается{why}"),
    "conversion-added": ("conversion from {stage} is now {new}{why}", "конверсия с этапа «{stage}» теперь {new}{why}"),
    "overall-conversion": ("overall conversion {old} -> {new}{span}", "общая конверсия: {old} → {new}{span}"),
    "overall.span": (" (from {first} to {last})", " (от этапа «{first}» до «{last}»)"),
    "notes-detached": ("notes under heading \"## {heading}\" no longer belong to stage {stage}: no stage has this "
                       "name or id now, so the site shows them with the map's text",
                       "заметки под заголовком «## {heading}» больше не относятся к этапу «{stage}»: ни один этап "
                       "теперь так не называется и не имеет такого id, и сайт показывает их в тексте карты"),
    # items, touchpoints, sources
    "items-reordered": ("{lane} in stage {stage} reordered", "на этапе «{stage}» изменён порядок: {lane}"),
    "lane.goals": ("goals", "цели"), "lane.actions": ("actions", "действия"),
    "lane.thoughts": ("thoughts", "мысли"), "lane.quotes": ("quotes", "цитаты"),
    "lane.obstacles": ("obstacles", "препятствия"), "lane.triggers": ("triggers", "триггеры"),
    "lane.push": ("push", "толкающие действия"), "lane.opportunities": ("opportunities", "возможности"),
    "lane.backstage": ("backstage", "закулисье"),
    **_item_phrases(),
    "what.item": ('{noun} "{text}"', "{noun} «{text}»"),
    "what.kpi": ("KPI '{name}'", "KPI «{name}»"),
    "what.touchpoint": ("touchpoint {label}", "точка контакта {label}"),
    "source-lost": ("{what} in stage {stage} lost its source ({old}): now an assumption",
                    "{what} на этапе «{stage}» больше без источника (был: {old}): теперь это гипотеза"),
    "source-given": ("{what} in stage {stage} now has a source: {new}",
                     "{what} на этапе «{stage}»: указан источник — {new}"),
    "source-changed": ("source of {what} in stage {stage}: {old} -> {new}",
                       "{what} на этапе «{stage}»: источник {old} → {new}"),
    "touchpoint-added": ("touchpoint added in stage {stage}: {label}",
                         "добавлена точка контакта на этапе «{stage}»: {label}"),
    "touchpoint-removed": ("touchpoint removed in stage {stage}: {label}",
                           "удалена точка контакта на этапе «{stage}»: {label}"),
    # KPIs
    "kpi-target": (" (target {value})", " (цель {value})"),
    "kpi-added": ("KPI '{name}' added in stage {stage}: {value}{target}",
                  "добавлен KPI «{name}» на этапе «{stage}»: {value}{target}"),
    "kpi-removed": ("KPI '{name}' removed in stage {stage}", "удалён KPI «{name}» на этапе «{stage}»"),
    "kpi-renamed": ("KPI '{old}' renamed to '{new}' in stage {stage}",
                    "KPI «{old}» на этапе «{stage}» переименован в «{new}»"),
    "kpi-value": ("KPI '{name}' in stage {stage} {old} -> {new}{target}",
                  "KPI «{name}» на этапе «{stage}»: {old} → {new}{target}"),
    "kpi-better": ("KPI '{name}' in stage {stage}: better {old} -> {new}",
                   "KPI «{name}» на этапе «{stage}»: лучше {old} → лучше {new}"),
    "kpi-target-changed": ("target of KPI '{name}' in stage {stage} {old} -> {new}",
                           "цель KPI «{name}» на этапе «{stage}»: {old} → {new}"),
    # maps
    "map-added": ("map {title} added ({path})", "карта «{title}» добавлена ({path})"),
    "map-removed": ("map {title} removed ({path})", "карта «{title}» удалена ({path})"),
    "map-renamed.path": ("map renamed: {old} -> {new}", "карта перемещена: {old} → {new}"),
    "map-renamed.id": ("map renamed: id {old_id} -> {new_id}", "карта переименована: id {old_id} → {new_id}"),
    "url-changed": ("the map's page moves: {old} -> {new}; bookmarks and links to the old address break",
                    "страница карты переезжает: {old} → {new}; закладки и ссылки на старый адрес перестанут работать"),
    "map-renamed.both": ("map renamed: {old} -> {new}; id {old_id} -> {new_id}",
                         "карта перемещена: {old} → {new}; id {old_id} → {new_id}"),
    "check-new": ("check now reports at {where}: {message} [{code}]{why}",
                  "cjmgen check теперь сообщает ({where}): {message} [{code}]{why}"),
    "check-fixed": ("check no longer reports at {where}: {message} [{code}]",
                    "cjmgen check больше не сообщает ({where}): {message} [{code}]"),
    "check.moved": ("; that map, {title}, is now {new_id}", "; эта карта, «{title}», теперь {new_id}"),
    "check.removed": ("; that map was removed", "; эта карта удалена"),
    "parse-error": ("{path} does not parse at {side}: {error}{more}", "{path} не читается ({side}): {error}{more}"),
    "parse-error.more": (" (and {count} more)", " (и ещё {count})"),
    # personas and channels
    "persona-added": ("persona {name} added", "добавлена персона {name}"),
    "persona-removed": ("persona {name} removed", "удалена персона {name}"),
    "persona-edited.name": ("persona {old} renamed to {new}", "персона {old} переименована в {new}"),
    "persona-edited": ("persona {name} edited: {fields}", "персона {name} изменена: {fields}"),
    "persona.name": ("name", "имя"), "persona.role": ("role", "роль"), "persona.photo": ("photo", "фото"),
    "persona.quote": ("quote", "цитата"), "persona.goals": ("goals", "цели"), "persona.needs": ("needs", "потребности"),
    "persona.pains": ("pains", "боли"), "persona.channels": ("channels", "каналы"), "persona.body": ("body", "история"),
    "channel-added": ("channel {name} added ({kind})", "добавлен канал {name} ({kind})"),
    "channel-removed": ("channel {name} removed", "удалён канал {name}"),
    "channel-changed": ("channel {old} ({old_kind}) -> {new} ({new_kind})",
                        "канал {old} ({old_kind}) → {new} ({new_kind})"),
    # the summary and the two sides compared
    "summary.empty": ("no semantic changes", "семантических изменений нет"),
    "summary.no-maps": ("no map changed", "ни одна карта не изменилась"),
    "summary.maps": ("{maps} changed ({parts})", "{maps} с изменениями ({parts})"),
    "summary.part": ("{count} {status}", "{status}: {count}"),
    "summary.info": ("{count} info", "{count} для сведения"),
    "summary.line": ("{maps}; {changes}: {counts}", "{maps}; {changes}: {counts}"),
    "map-status.added": ("added", "добавлена"), "map-status.removed": ("removed", "удалена"),
    "map-status.renamed": ("renamed", "перемещена"), "map-status.changed": ("changed", "изменена"),
    "map-status.unreadable": ("unreadable", "не читается"),
    "map-status.affected": ("affected", "затронута"),
    "comparing": ("{base} -> {head}", "{base} → {head}"),
    "side.working-tree": (WORKING_TREE, "рабочая копия"),
    "side.merge-base": (MERGE_BASE + "{branch}", "база слияния с {branch}"),
}

_LANGUAGES = {ENGLISH: 0, "ru": 1}

#: Field values that are words of cjmgen's own (state, status, better, channel kind): the
#: ones the table says in each language as `value.<word>`.
VALUE_WORDS = frozenset(key.removeprefix("value.") for key in PHRASES if key.startswith("value."))


@dataclass(frozen=True)
class Rate:
    """A 0..1 conversion, printed as a percentage the way each language writes it."""

    value: float

    def render(self, language: str) -> str:
        return format_percent(self.value) if language == ENGLISH else Locale(language).percent(self.value, 2)


@dataclass(frozen=True)
class Phrase:
    """A sentence (or word) of the table with its values: hashable, rendered on demand."""

    key: str
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **args: Any) -> Phrase:
        return cls(key, tuple(args.items()))

    def render(self, language: str = ENGLISH) -> str:
        """The text in `language`; English when the phrase is not translated (or is broken)."""
        if language != ENGLISH and language in _LANGUAGES:
            try:
                return self._fill(language)
            except (KeyError, IndexError, ValueError):
                pass
        return self._fill(ENGLISH)

    def render_rich(self, language: str, escape_text: Callable[[str], str], rich: Callable[[Any], str]) -> str:
        """The text in `language` for a markup format: plain text through `escape_text`, and each
        argument that is more than text (an excerpt of changed words) through `rich`."""
        marked = {name: f"\x00{index}\x00" for index, (name, value) in enumerate(self.args) if _is_rich(value)}
        if not marked:
            return escape_text(self.render(language))
        values = dict(self.args)
        text = Phrase(self.key, tuple((n, marked.get(n, v)) for n, v in self.args)).render(language)
        out = []
        for number, part in enumerate(text.split("\x00")):
            out.append(rich(values[self.args[int(part)][0]]) if number % 2 else escape_text(part))
        return "".join(out)

    def _fill(self, language: str) -> str:
        texts = PHRASES.get(self.key)
        if texts is None:
            raise KeyError(self.key)
        template = texts[_LANGUAGES[language]] or texts[0]
        values = {**_OPTIONAL, **{name: value_text(value, language) for name, value in self.args}}
        for name in _GUILLEMETED.findall(template):  # «Оплата „онлайн“», not «Оплата «онлайн»»
            if name in values:
                values[name] = values[name].replace("«", "„").replace("»", "“")
        return template.format(**values)


def _is_rich(value: Any) -> bool:
    """An argument that a markup format shows with its own markup (diff_prose.Excerpt)."""
    return hasattr(value, "markdown") and hasattr(value, "html")


#: Placeholders a phrase may leave out: a clause that only some changes have ("now into Deal, was ...").
_OPTIONAL = {"why": "", "span": ""}

#: A placeholder set in «…» quotes: quotes inside its value become „…“ (Russian typography).
_GUILLEMETED = re.compile(r"«\{(\w+)\}»")

NONE = Phrase("none")


@dataclass(frozen=True)
class Names:
    """Stage (or map) names in a list: `Evaluation, Delivery`; in Russian «Оценка», «Доставка»."""

    names: tuple[str, ...]

    def render(self, language: str) -> str:
        if not self.names:
            return Phrase("nowhere").render(language)
        if language == "ru":
            return ", ".join(f"«{n}»" for n in self.names)
        return ", ".join(self.names)


def value_text(value: Any, language: str) -> str:
    """One argument as text: phrases and rates in `language`, tuples joined, None as "none"."""
    if isinstance(value, (Phrase, Rate, Names)) or hasattr(value, "render"):
        return value.render(language)
    if value is None:
        return NONE.render(language)
    if isinstance(value, tuple):
        return ", ".join(value_text(v, language) for v in value)
    return str(value)


def side_label(label: str) -> Phrase | str:
    """The label of a compared side, as a phrase when cjmgen chose it ("working tree")."""
    if label == WORKING_TREE:
        return Phrase("side.working-tree")
    if label.startswith(MERGE_BASE):
        return Phrase.of("side.merge-base", branch=label[len(MERGE_BASE):])
    return label


def say(key: str, language: str = ENGLISH, **args: Any) -> str:
    """A phrase of the table in `language`, filled in."""
    return Phrase.of(key, **args).render(language)
