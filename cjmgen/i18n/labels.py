"""UI labels, plural forms and number formats for the site's language (en, ru)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace

LABELS: dict[str, dict[str, str]] = {
    "en": {
        # pdf: infographic, posters, training handout
        "open_quote": "“", "close_quote": "”", "last_change": "Last change",
        "pdf_lever_title": "Strongest lever", "pdf_legend": "Legend", "pdf_sourced": "with a source",
        "pdf_page": "Page {page} of {pages}", "pdf_revision": "Revision {commit}",
        "pdf_local_changes": "with uncommitted changes", "pdf_uncommitted": "not committed yet",
        "handout_title": "Training handout", "contents": "Contents",
        "handout_lead": "How our customers buy, where they get stuck, and what each team does about it",
        "how_to_read": "How to read a journey map", "glossary": "Glossary",
        "what_we_do": "What we do here", "answers_for": "What this team answers for",
        "owner_maps": "Maps this team owns", "map_overview": "The map at a glance",
        "stage_of": "Stage {number} of {count}", "handout_for": "Selection: {what}",
        "handout_volume": "Volume {number}", "handout_segments": "Segments: {names}",
        "pdf_sources": "Sources", "pdf_maps_count": "Maps in this handout",
        "maps": "Maps", "map": "Map", "index": "All maps", "personas": "Personas",
        "persona": "Persona", "channels": "Channels", "channel": "Channel",
        "owners": "Owners", "owner": "Owner", "segments": "Segments", "segment": "Segment",
        "stages": "Stages", "stage": "Stage", "state": "State", "status": "Status",
        "state_current": "current state", "state_future": "future state",
        "status_draft": "draft", "status_review": "in review", "status_published": "published",
        "reviewed": "Last review", "never_reviewed": "never reviewed", "stale": "stale",
        "stale_title": "Not reviewed within {days} days", "tags": "Tags",
        "goals": "Goals", "actions": "Actions", "thoughts": "Thoughts", "quotes": "Quotes",
        "thoughts_quotes": "Thoughts and quotes",
        "touchpoints": "Touchpoints", "emotion": "Emotion", "kpis": "KPIs",
        "obstacles": "Obstacles", "triggers": "Triggers", "push": "Push action",
        "opportunities": "Opportunities", "backstage": "Backstage", "funnel": "Funnel",
        "count": "Customers", "conversion": "Conversion", "overall_conversion": "Overall conversion",
        "lowest_emotion": "Lowest emotion", "stated": "stated", "journey_graph": "Journey",
        "online": "online", "offline": "offline", "value": "Value", "target": "Target",
        "kpi_met": "target met", "kpi_missed": "target missed", "kpi_unknown": "no status",
        "kpi_why_no_target": "no target", "kpi_why_no_value": "no value",
        "kpi_why_unreadable": "“{detail}” is not a number", "kpi_why_units": "value and target in different units",
        "kpi_why_straddles": "the value lies on both sides of the target",
        "kpis_of": "{met} of {total}", "kpis_no_status": "{count} without status",
        "stated_mismatch": "stated {stated}: does not match the counts",
        "funnel_mismatches": "stated conversion does not match the counts: {stages}",
        "funnel_log_scale": "bar lengths on a logarithmic scale",
        "source": "Source", "assumption": "assumption", "assumption_title": "No source given: an assumption",
        "notes": "Notes", "related": "Related maps", "current_map": "Current-state map",
        "future_maps": "Future-state maps", "compare_current": "Compared with the current state",
        "used_in": "Maps with this persona", "stages_here": "Stages where it is a touchpoint",
        "owner_stages": "Stages this team answers for", "needs": "Needs", "pains": "Pains",
        "role": "Role", "quote": "Quote", "photo": "Photo of {name}",
        "not_found": "Page not found", "not_found_text": "There is no page at this address. Start from the list of all maps.",
        "back_to_index": "All maps", "skip": "Skip to content", "loop": "loop back",
        "branch": "branch", "emotion_curve": "Emotion curve", "very_negative": "very negative",
        "negative": "negative", "neutral": "neutral", "positive": "positive",
        "very_positive": "very positive", "no_data": "—", "download_pdf": "Download PDF",
        "handout": "Training handout (PDF)", "without_persona": "No persona",
        "without_segment": "No segment", "lane": "Lane", "from": "from", "to": "to",
        "figures": "Figures", "as_of": "As of {date}", "generated_by": "Made with cjmgen",
        "best_lever": "Strongest lever: one more point of conversion at “{stage}” gives ×{factor} customers at the end",
        "description": "Description", "all": "All", "kind": "Kind",
        # review: history and "What changed" (cjmgen diff, build --compare)
        "what_changed": "What changed", "compared_with": "Compared:", "changes": "Changes",
        "no_changes": "No map changed.", "before": "Before", "after": "After",
        "kpi_change_column": "Change", "kpi_target_changed": "target changed",
        "serve_failed_title": "Build failed", "serve_failed_heading": "The site could not be built",
        "serve_failed_hint": "Fix the problems below and save: this page reloads by itself.",
        "kpi_none": "none set",
        "kpi_changes": "KPI changes", "ghost_legend": "the dashed grey line is the earlier version",
        "diff_added": "added", "diff_removed": "removed", "diff_renamed": "renamed",
        "diff_changed": "changed", "diff_moved": "moved", "diff_unreadable": "does not parse", "diff_affected": "affected",
        "diff_same": "unchanged", "severity_error": "Errors", "severity_warning": "Warnings",
        "severity_info": "Info", "history": "History", "last_changed": "Last changed",
        "recent_commits": "Recent changes", "more_commits": "and {count} earlier",
        "changes_since_review": "{count} since the last review",
        "no_changes_since_review": "Not changed since the last review",
        "recently_changed": "Recently changed", "by_author": "by {author}",
        "sev_warning": "warning", "sev_error": "error",
        # the pull-request comment (cjmgen diff --format markdown)
        "md_heading": "Journey map changes", "md_comparing": "Comparing {base} → {head}",
        "md_no_changes": "No semantic changes to the maps.", "md_all_changes": "All {changes}",
        "md_personas_channels": "Personas and channels", "md_actor": "Customer",
        "kpi_same": "unchanged", "kpi_added": "added", "kpi_removed": "removed",
        "kpi_improved": "improved", "kpi_regressed": "regressed", "kpi_changed": "changed",
        "percentage_points": "pp",
        "md_cut": "… (cut to fit a comment; run `cjmgen diff` for everything)",
        "md_left_out": "⚠️ **Not everything fits in this comment** (the limit is {limit} characters): "
                       "the lists of every change are left out for these maps ({count}): {names}; their warnings "
                       "and errors are above. "
                       "The full report: {where}.",
        "md_cut_note": "⚠️ **This comment is cut** to stay under {limit} characters. The full report: {where}.",
        "md_and_more": "and {count} more",
        "md_full_report_link": "the whole diff",
        "md_full_report_default": "`cjmgen diff BASE HEAD --format html` prints it (in CI: the job's artifacts, "
                                  "or the \"What changed\" page of a `cjmgen build --compare` preview)",
        # site: search, index filters, map page interactions, the funnel calculator
        "search": "Search", "search_label": "Search maps, stages, obstacles, KPIs, touchpoints, owners, personas",
        "search_placeholder": "Search: stage, obstacle, KPI…", "search_submit": "Find",
        "search_found": "Found: {n}", "search_none": "Nothing found for “{q}”", "search_all": "All results ({n})",
        "search_short": "Type at least two letters", "search_loading": "Loading the index…",
        "search_noscript": "Search needs JavaScript. Without it, find maps from the index and the lists of personas, channels and owners.",
        "search_results_for": "Results for “{q}”",
        "kind_obstacle": "Obstacle", "kind_kpi": "KPI", "kind_touchpoint": "Touchpoint",
        "at_a_glance": "At a glance", "journey_grid": "Journey grid", "stage_details": "Stages in detail",
        "kind_goal": "Goal", "kind_action": "Action", "kind_thought": "Thought", "kind_quote": "Quote",
        "kind_trigger": "Trigger", "kind_push": "Push action", "kind_opportunity": "Opportunity",
        "kind_backstage": "Backstage", "kind_lane": "Row of the map", "kind_note": "Notes",
        "search_did_you_mean": "Did you mean: {word}?", "search_other_pages": "Personas, owners, channels",
        "filters": "Filter maps", "filter_any": "any", "filter_reset": "Show all maps",
        "filter_unknown": "Not applied, no map has it: {items}",
        "filter_any_persona": "any", "filter_any_state": "any", "filter_any_tag": "any", "filter_any_staleness": "any",
        "filter_shown": "Maps shown: {shown} of {total}", "filter_none": "No map matches these filters.",
        "staleness": "Review", "fresh": "up to date",
        "lanes_toggle": "Rows of the map", "lanes_all": "All rows",
        "stage_focus": "Stage in focus", "close": "Close", "prev_stage": "Previous stage", "next_stage": "Next stage",
        "pages_nav": "Pages", "page_of": "page {number} of {count}", "previous_page": "Previous", "next_page": "Next",
        "focus_hint": "Click a stage name for its notes, sources and KPIs in full; point at (or tap) an emotion for the stage's thoughts and quotes.",
        "compare_toggle": "Compare with the current state",
        "compare_legend": "Dashed grey line and grey figures: the current state ({title})",
        "not_in_current": "new stage",
        "calculator": "What if: the funnel calculator",
        "calc_lead": "Raise or lower the conversion of any stage by some percentage points and see what it does to the whole funnel and the final count.",
        "calc_change": "Change, points", "calc_change_label": "Change of the conversion from “{stage}”, percentage points",
        "calc_now": "now", "calc_new": "what if",
        "calc_final": "Customers at the end: {before} → {after} (×{factor})",
        "calc_best": "One more point gains most at “{stage}”: +{gain} {customers} at the end (×{factor})",
        "calc_try": "Add a point there", "calc_reset": "Reset",
        "calc_noscript": "The calculator needs JavaScript; the strongest lever above is computed without it.",
    },
    "ru": {
        # pdf: инфографика, плакаты, учебное пособие
        "open_quote": "«", "close_quote": "»", "last_change": "Последнее изменение",
        "pdf_lever_title": "Главный рычаг", "pdf_legend": "Условные обозначения", "pdf_sourced": "с источником",
        "pdf_page": "Стр. {page} из {pages}", "pdf_revision": "Ревизия {commit}",
        "pdf_local_changes": "с незафиксированными изменениями", "pdf_uncommitted": "ещё не зафиксировано в git",
        "handout_title": "Учебное пособие", "contents": "Содержание",
        "handout_lead": "Как покупают наши клиенты, где они спотыкаются и что с этим делает каждая команда",
        "how_to_read": "Как читать карту пути клиента", "glossary": "Словарь терминов",
        "what_we_do": "Что мы здесь делаем", "answers_for": "За что отвечает команда",
        "owner_maps": "Карты, которыми владеет команда", "map_overview": "Карта в целом",
        "stage_of": "Этап {number} из {count}", "handout_for": "Выборка: {what}",
        "handout_volume": "Том {number}", "handout_segments": "Сегменты: {names}",
        "pdf_sources": "Источники", "pdf_maps_count": "Карт в пособии",
        "maps": "Карты", "map": "Карта", "index": "Все карты", "personas": "Персоны",
        "persona": "Персона", "channels": "Каналы", "channel": "Канал",
        "owners": "Ответственные", "owner": "Ответственный", "segments": "Сегменты", "segment": "Сегмент",
        "stages": "Этапы", "stage": "Этап", "state": "Состояние", "status": "Статус",
        "state_current": "текущее состояние", "state_future": "целевое состояние",
        "status_draft": "черновик", "status_review": "на проверке", "status_published": "опубликована",
        "reviewed": "Последний пересмотр", "never_reviewed": "не пересматривалась", "stale": "устарела",
        "stale_title": "Не пересматривалась дольше {days} дней", "tags": "Теги",
        "goals": "Цели", "actions": "Действия", "thoughts": "Мысли", "quotes": "Цитаты",
        "thoughts_quotes": "Мысли и цитаты",
        "touchpoints": "Точки контакта", "emotion": "Эмоции", "kpis": "KPI",
        "obstacles": "Препятствия", "triggers": "Триггеры", "push": "Толкающее действие",
        "opportunities": "Возможности", "backstage": "Закулисье", "funnel": "Воронка",
        "count": "Клиенты", "conversion": "Конверсия", "overall_conversion": "Общая конверсия",
        "lowest_emotion": "Худшая эмоция", "stated": "заявлено", "journey_graph": "Путь",
        "online": "онлайн", "offline": "офлайн", "value": "Значение", "target": "Цель",
        "kpi_met": "цель достигнута", "kpi_missed": "цель не достигнута", "kpi_unknown": "без статуса",
        "kpi_why_no_target": "цель не задана", "kpi_why_no_value": "значение не задано",
        "kpi_why_unreadable": "«{detail}» — не число", "kpi_why_units": "значение и цель в разных единицах",
        "kpi_why_straddles": "значение по обе стороны от цели",
        "kpis_of": "{met} из {total}", "kpis_no_status": "без статуса: {count}",
        "stated_mismatch": "заявлено {stated}: не сходится с численностью",
        "funnel_mismatches": "заявленная конверсия не сходится с численностью: {stages}",
        "funnel_log_scale": "длина полос — в логарифмической шкале",
        "source": "Источник", "assumption": "гипотеза", "assumption_title": "Источник не указан: это гипотеза",
        "notes": "Заметки", "related": "Связанные карты", "current_map": "Карта текущего состояния",
        "future_maps": "Карты целевого состояния", "compare_current": "В сравнении с текущим состоянием",
        "used_in": "Карты с этой персоной", "stages_here": "Этапы, где канал — точка контакта",
        "owner_stages": "Этапы, за которые отвечает команда", "needs": "Потребности", "pains": "Боли",
        "role": "Роль", "quote": "Цитата", "photo": "Фото: {name}",
        "not_found": "Страница не найдена", "not_found_text": "По этому адресу ничего нет. Начните со списка всех карт.",
        "back_to_index": "Все карты", "skip": "Перейти к содержанию", "loop": "возврат",
        "branch": "ветвление", "emotion_curve": "Кривая эмоций", "very_negative": "очень негативно",
        "negative": "негативно", "neutral": "нейтрально", "positive": "позитивно",
        "very_positive": "очень позитивно", "no_data": "—", "download_pdf": "Скачать PDF",
        "handout": "Учебное пособие (PDF)", "without_persona": "Без персоны",
        "without_segment": "Без сегмента", "lane": "Строка", "from": "из", "to": "в",
        "figures": "Показатели", "as_of": "По состоянию на {date}", "generated_by": "Сделано в cjmgen",
        "best_lever": "Самый сильный рычаг: +1 п. п. конверсии на этапе «{stage}» даёт ×{factor} клиентов в конце",
        "description": "Описание", "all": "Все", "kind": "Тип",
        # review: history and "What changed" (cjmgen diff, build --compare)
        "what_changed": "Что изменилось", "compared_with": "Сравнение:", "changes": "Изменения",
        "no_changes": "Ни одна карта не изменилась.", "before": "Было", "after": "Стало",
        "kpi_change_column": "Изменение", "kpi_target_changed": "цель изменена",
        "serve_failed_title": "Сборка не удалась", "serve_failed_heading": "Сайт не удалось собрать",
        "serve_failed_hint": "Исправьте ошибки ниже и сохраните файл: страница обновится сама.",
        "kpi_none": "не заданы",
        "kpi_changes": "Изменения KPI", "ghost_legend": "серая пунктирная линия — прежняя версия",
        "diff_added": "добавлено", "diff_removed": "удалено", "diff_renamed": "переименовано",
        "diff_changed": "изменено", "diff_moved": "перемещено", "diff_unreadable": "не читается", "diff_affected": "затронута",
        "diff_same": "без изменений", "severity_error": "Ошибки", "severity_warning": "Предупреждения",
        "severity_info": "Сведения", "history": "История", "last_changed": "Последнее изменение",
        "recent_commits": "Последние изменения", "more_commits": "и ещё {count} раньше",
        "changes_since_review": "{count} после последнего пересмотра",
        "no_changes_since_review": "Не менялась после последнего пересмотра",
        "recently_changed": "Недавно изменённые", "by_author": "автор: {author}",
        "sev_warning": "предупреждение", "sev_error": "ошибка",
        # комментарий к pull request (cjmgen diff --format markdown)
        "md_heading": "Изменения в картах пути клиента", "md_comparing": "Сравнение: {base} → {head}",
        "md_no_changes": "Семантических изменений в картах нет.", "md_all_changes": "Подробно: {changes}",
        "md_personas_channels": "Персоны и каналы", "md_actor": "Клиент",
        "kpi_same": "без изменений", "kpi_added": "добавлен", "kpi_removed": "удалён",
        "kpi_improved": "улучшился", "kpi_regressed": "ухудшился", "kpi_changed": "изменился",
        "percentage_points": "п.\u00a0п.",
        "md_cut": "… (сокращено, чтобы поместиться в комментарий; всё целиком покажет `cjmgen diff`)",
        "md_left_out": "⚠️ **В комментарий поместилось не всё** (предел — {limit} символов): подробные "
                       "списки изменений опущены для карт ({count}): {names}; их предупреждения и ошибки — выше. "
                       "Полный отчёт: {where}.",
        "md_cut_note": "⚠️ **Комментарий сокращён**, чтобы уложиться в {limit} символов. Полный отчёт: {where}.",
        "md_and_more": "и ещё {count}",
        "md_full_report_link": "всё сравнение",
        "md_full_report_default": "его печатает `cjmgen diff BASE HEAD --format html` (в CI — артефакты задания "
                                  "или страница «Что изменилось» в предпросмотре `cjmgen build --compare`)",
        # сайт: поиск, фильтры списка карт, страница карты, калькулятор воронки
        "search": "Поиск", "search_label": "Поиск по картам, этапам, препятствиям, KPI, точкам контакта, ответственным и персонам",
        "search_placeholder": "Поиск: этап, препятствие, KPI…", "search_submit": "Найти",
        "search_found": "Найдено: {n}", "search_none": "По запросу «{q}» ничего не найдено", "search_all": "Все результаты ({n})",
        "search_short": "Введите хотя бы две буквы", "search_loading": "Загружаем указатель…",
        "search_noscript": "Для поиска нужен JavaScript. Без него карты можно найти в общем списке и в списках персон, каналов и ответственных.",
        "search_results_for": "Результаты поиска: «{q}»",
        "kind_obstacle": "Препятствие", "kind_kpi": "KPI", "kind_touchpoint": "Точка контакта",
        "at_a_glance": "Коротко", "journey_grid": "Карта пути по этапам", "stage_details": "Этапы подробно",
        "kind_goal": "Цель", "kind_action": "Действие", "kind_thought": "Мысль", "kind_quote": "Цитата",
        "kind_trigger": "Триггер", "kind_push": "Толкающее действие", "kind_opportunity": "Возможность",
        "kind_backstage": "Закулисье", "kind_lane": "Строка карты", "kind_note": "Заметки",
        "search_did_you_mean": "Возможно, вы искали: {word}?", "search_other_pages": "Персоны, ответственные, каналы",
        "filters": "Фильтр карт", "filter_any": "любой", "filter_reset": "Показать все карты",
        # "any" agrees with each filter's noun: Персона — любая, Состояние — любое, Теги — любые
        "filter_any_persona": "любая", "filter_any_state": "любое", "filter_any_tag": "любые",
        "filter_any_staleness": "любая",
        "filter_unknown": "Не применено, такого нет ни у одной карты: {items}",
        "filter_shown": "Показано карт: {shown} из {total}", "filter_none": "Ни одна карта не подходит под эти фильтры.",
        "staleness": "Актуальность", "fresh": "актуальна",
        "lanes_toggle": "Строки карты", "lanes_all": "Все строки",
        "stage_focus": "Этап крупно", "close": "Закрыть", "prev_stage": "Предыдущий этап", "next_stage": "Следующий этап",
        "pages_nav": "Страницы", "page_of": "страница {number} из {count}", "previous_page": "Назад", "next_page": "Дальше",
        "focus_hint": "Нажмите на название этапа — откроются его заметки, источники и KPI целиком; наведите на точку эмоции или коснитесь её — появятся мысли и цитаты клиента.",
        "compare_toggle": "Сравнить с текущим состоянием",
        "compare_legend": "Серая пунктирная линия и серые цифры — текущее состояние ({title})",
        "not_in_current": "новый этап",
        "calculator": "Что если: калькулятор воронки",
        "calc_lead": "Поднимите или опустите конверсию любого этапа на несколько процентных пунктов и посмотрите, что станет со всей воронкой и с числом клиентов в конце.",
        "calc_change": "Изменение, п. п.", "calc_change_label": "Изменение конверсии этапа «{stage}», процентных пунктов",
        "calc_now": "сейчас", "calc_new": "что если",
        "calc_final": "Клиентов в конце: {before} → {after} (×{factor})",
        "calc_best": "Ещё один пункт больше всего даёт на этапе «{stage}»: +{gain} {customers} в конце (×{factor})",
        "calc_try": "Добавить пункт там", "calc_reset": "Сбросить",
        "calc_noscript": "Для калькулятора нужен JavaScript; самый сильный рычаг выше посчитан и без него.",
    },
}

#: Plural forms: (one, few, many) for Russian, (one, other) for English.
PLURALS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "map": ("map", "maps"), "stage": ("stage", "stages"), "persona": ("persona", "personas"),
        "customer": ("customer", "customers"), "day": ("day", "days"), "page": ("page", "pages"),
        "warning": ("warning", "warnings"), "error": ("error", "errors"),
        "commit": ("commit", "commits"), "change": ("change", "changes"), "volume": ("volume", "volumes"),
    },
    "ru": {
        "map": ("карта", "карты", "карт"), "stage": ("этап", "этапа", "этапов"),
        "persona": ("персона", "персоны", "персон"), "customer": ("клиент", "клиента", "клиентов"),
        "day": ("день", "дня", "дней"), "page": ("страница", "страницы", "страниц"),
        "warning": ("предупреждение", "предупреждения", "предупреждений"),
        "error": ("ошибка", "ошибки", "ошибок"), "commit": ("коммит", "коммита", "коммитов"),
        "change": ("изменение", "изменения", "изменений"), "volume": ("том", "тома", "томов"),
    },
}

MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the Russian thousands separator


@dataclass(frozen=True)
class Locale:
    """Everything language-specific the theme prints: labels, plurals, numbers, dates."""

    language: str = "en"

    def has_label(self, key: str) -> bool:
        """Whether this language has its own text for `key` (a word that agrees in gender)."""
        return bool(LABELS[self.language].get(key))

    def label(self, key: str, **values: object) -> str:
        text = LABELS[self.language].get(key) or LABELS["en"][key]
        return text.format(**values) if values else text

    @functools.cached_property
    def text(self) -> SimpleNamespace:
        """Every label as an attribute: templates write `T.source` for `L.label('source')`.

        A call from a template goes through Jinja's call machinery (about 4 µs);
        a map page printed some 600 labels, a fifth of its rendering time.
        """
        own = {key: text for key, text in LABELS[self.language].items() if text}
        return SimpleNamespace(**{**LABELS["en"], **own})

    def plural_form(self, count: int, noun: str) -> str:
        forms = PLURALS[self.language][noun]
        if self.language == "ru":
            n = abs(count) % 100
            if 11 <= n <= 14:
                return forms[2]
            last = n % 10
            if last == 1:
                return forms[0]
            if 2 <= last <= 4:
                return forms[1]
            return forms[2]
        return forms[0] if abs(count) == 1 else forms[1]

    def count(self, count: int, noun: str) -> str:
        """`1 map`, `5 maps`; `1 карта`, `3 карты`, `5 карт`, `21 карта`."""
        return f"{self.number(count)}{NBSP}{self.plural_form(count, noun)}"

    def number(self, value: float, decimals: int = 0) -> str:
        """1,234.5 in English; 1 234,5 in Russian (narrow no-break space, comma)."""
        text = f"{value:,.{decimals}f}"
        if decimals:
            text = text.rstrip("0").rstrip(".") if "." in text else text
        if self.language == "ru":
            text = text.replace(",", NNBSP).replace(".", ",")
        return text.replace("-", "−")

    def rate(self, rate: float) -> str:
        """A conversion as every page prints it: one decimal, more when it would read `0 %`
        (`5 %`, `0,37 %`, `0,037 %`): the chart, the table, the grid and the index agree."""
        points = abs(rate) * 100
        decimals = 1 if points >= 1 or points == 0 else 2 if points >= 0.1 else 3
        return self.percent(rate, decimals)

    def percent(self, rate: float, decimals: int = 1) -> str:
        """A 0..1 rate as a percentage: 5.5% in English, 5,5 % in Russian."""
        number = self.number(rate * 100, decimals)
        return f"{number}{NBSP}%" if self.language == "ru" else f"{number}%"

    def date(self, value) -> str:  # type: ignore[no-untyped-def]
        if value is None:
            return self.label("no_data")
        if self.language == "ru":
            return f"{value.day}{NBSP}{MONTHS_RU[value.month - 1]} {value.year}"
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"

    def signed(self, value: int) -> str:
        """An emotion score with its sign and a real minus: `+1`, `0`, `−2`."""
        return f"+{value}" if value > 0 else self.number(value)

    def figure(self, quantity, unit: str | None = None) -> str:  # type: ignore[no-untyped-def]
        """An authored KPI figure printed like a computed one: `7.5%` reads `7,5 %` in Russian,
        `1200` reads `1 200`; anything else as written, its number kept with its unit."""
        from cjmgen.content.figures import keep_together  # (figures imports nothing of the theme)

        raw = quantity.raw.strip()
        shown = raw
        plain = re.fullmatch(r"[-+−]?[\d\s\u00a0\u202f]*\d(?:[.,](\d+))?\s*(%?)", raw)
        if quantity.number is not None and plain and (quantity.percent or not quantity.unit):
            decimals = len(plain.group(1) or "")
            number = self.number(quantity.number, decimals)
            if decimals:  # keep "7,50" as written: number() drops trailing zeros
                whole, _, part = number.partition("," if self.language == "ru" else ".")
                number = f"{whole}{',' if self.language == 'ru' else '.'}{part.ljust(decimals, '0')}"
            shown = self.percent(quantity.number / 100, decimals) if plain.group(2) else number
            if plain.group(2) and decimals:
                shown = f"{number}{NBSP}%" if self.language == "ru" else f"{number}%"
        if unit:
            shown = f"{shown} {unit}"
        return keep_together(shown)

    def kpi_reason(self, kpi) -> str:  # type: ignore[no-untyped-def]
        """Why a KPI has no status, in words (`цель не задана`, `«около трёх» — не число`)."""
        verdict = kpi.verdict
        return self.label(f"kpi_why_{verdict.reason}", detail=verdict.detail) if verdict.reason else ""

    def emotion(self, value: int | None) -> str:
        names = {-2: "very_negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very_positive"}
        return self.label(names[value]) if value is not None else self.label("no_data")
