"""A realistic pull request on a map repository with Russian and English maps, commit by commit.

main holds four maps; the `feature` branch changes them in seven commits the way
teams do: stages reordered, a stage id renamed without its `## heading`, KPIs
edited, a loop added, prose edited, a map file renamed, a map moved into
another folder while another map refers to it, and its persona changed.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.git_repos import commit, git, init

ANNA = "---\nname: Анна, 32\nrole: Молодой специалист, только что переехала\n---\nИстория Анны.\n"
SERGEY = "---\nname: Сергей, 42\nrole: Руководитель отдела снабжения\n---\nИстория Сергея.\n"
BORIS = "---\nname: Boris Petrov\nrole: Office manager\n---\nBoris buys for the whole office.\n"
CHANNELS = (
    "search-ads: {name: Поисковая реклама, kind: online}\n"
    "website: {name: Сайт, kind: online}\n"
    "showroom: {name: Шоурум, kind: offline}\n"
    "phone: {name: Phone call, kind: offline}\n"
)
CONFIG = "title: Пути клиентов «Мягкого угла»\nlanguage: ru\nbase_url: /cjm/\n"


def ru_stage(stage_id: str, name: str, count: int | None, kpi: str = "CTR объявлений: 5%", extra: str = "",
             touchpoints: str = "website") -> str:
    kpi_name, value = kpi.split(": ")
    lines = [f"  - id: {stage_id}", f"    name: {name}", f"    goals: [Цель этапа «{name}»]",
             f"    kpis: [{{name: {kpi_name}, value: {value}, target: 80%}}]",
             f"    obstacles: [Препятствие этапа «{name}»]", "    owner: Маркетинг", "    emotion: 0",
             f"    touchpoints: [{touchpoints}]"]
    if count is not None:
        lines.append(f"    count: {count}")
    return "\n".join(lines) + "\n" + extra


SOFA_BODY = """Анна ищет диван со смартфона по дороге с работы: это описание карты.

## Сделка
Доставка занимает пять рабочих дней, и клиентка сомневается, успеет ли к переезду.

## deal
Договор подписывают в шоуруме или онлайн; предоплата 30%.
"""


def sofa_search(order: tuple[str, ...] = ("awareness", "evaluation", "showroom", "deal", "delivery"),
                deal_id: str = "deal", persona: str = "sergey", body: str = SOFA_BODY, showroom: str = "website") -> str:
    stages = {
        "awareness": ru_stage("awareness", "Осведомлённость", 10000),
        "evaluation": ru_stage("evaluation", "Оценка и выбор", 2344),
        "showroom": ru_stage("showroom", "Визит в шоурум", None, touchpoints=showroom),
        "deal": ru_stage(deal_id, "Сделка", 500, "Доля оплат онлайн: 40%"),
        "delivery": ru_stage("delivery", "Доставка", 450, "Доставлено в срок: 70%"),
    }
    return (f"---\ntitle: Покупка дивана со смартфона\npersona: {persona}\nstatus: published\n"
            f"reviewed: 2026-10-01\nstages:\n" + "".join(stages[s] for s in order) + "---\n" + body)


SOFA_ADS = ("---\ntitle: Покупка дивана с компьютера\npersona: sergey\nreviewed: 2026-10-01\n"
            "related: [mobile/sofa-search]\nstages:\n" + ru_stage("awareness", "Осведомлённость", 60000)
            + "---\nПосетители из рекламы.\n")

CHAIRS_BODY = """Boris equips a new office of twelve people and must stay within the quarterly budget.

## Compare
Boris compares three suppliers in a spreadsheet and asks each for a sample chair.
"""


def en_stage(stage_id: str, name: str, kpi: str, extra: str = "") -> str:
    return (f"  - id: {stage_id}\n    name: {name}\n    goals: [Goal of {name}]\n    kpis: [{kpi}]\n"
            f"    obstacles: [Obstacle of {name}]\n    owner: Sales\n    emotion: 0\n    touchpoints: [phone]\n{extra}")


def chairs(days: str = "12", acceptance: str = "40%", approval_next: str = "", body: str = CHAIRS_BODY,
           related: str = "") -> str:
    stages = [
        en_stage("search", "Search", "{name: Leads, value: 120, target: 150}"),
        en_stage("compare", "Compare", f"{{name: Days to decide, value: {days}, target: 7, better: lower}}"),
        en_stage("approval", "Approval", f"{{name: Quote acceptance, value: {acceptance}, target: 50%}}", approval_next),
        en_stage("order", "Order", "{name: Orders, value: 30, target: 40}"),
    ]
    return (f"---\ntitle: Office chairs for a team\npersona: boris\nreviewed: 2026-10-01\n{related}stages:\n"
            + "".join(stages) + "---\n" + body)


AT_SHOWROOM = "website, showroom"
RELATED = "related: [desktop/sofa-ads]\n"
BACK_TO_COMPARE = "    next: [compare, order]\n"  # a rejected quote goes back to comparing


def make_pull_request(tmp_path: Path) -> Path:
    """The repository with `main` and `feature` (checked out), seven commits apart."""
    root = init(tmp_path / "repo", {
        "cjmgen.yml": CONFIG, "maps/channels.yml": CHANNELS,
        "maps/personas/anna.md": ANNA, "maps/personas/sergey.md": SERGEY, "maps/personas/boris.md": BORIS,
        "maps/mobile/sofa-search.md": sofa_search(), "maps/desktop/sofa-ads.md": SOFA_ADS,
        "maps/en/office-chairs.md": chairs(),
    })
    commit(root, "Maps as of the October review", "2026-10-01T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "feature")
    reordered = ("awareness", "showroom", "evaluation", "deal", "delivery")  # and the showroom is a touchpoint
    commit(root, "Showroom visit comes before the evaluation", "2026-10-02T10:00:00+00:00",
           {"maps/mobile/sofa-search.md": sofa_search(reordered, showroom=AT_SHOWROOM)})
    commit(root, "Stage id deal -> purchase", "2026-10-03T10:00:00+00:00",
           {"maps/mobile/sofa-search.md": sofa_search(reordered, showroom=AT_SHOWROOM, deal_id="purchase")})
    commit(root, "Chairs: KPIs after the Q3 report", "2026-10-04T10:00:00+00:00",
           {"maps/en/office-chairs.md": chairs(days="9", acceptance="35%", related=RELATED)})
    commit(root, "Chairs: a rejected quote goes back to comparing", "2026-10-05T10:00:00+00:00",
           {"maps/en/office-chairs.md": chairs(days="9", acceptance="35%", related=RELATED, approval_next=BACK_TO_COMPARE)})
    new_sofa_body = SOFA_BODY.replace("пять рабочих дней, и клиентка сомневается", "три рабочих дня, и клиентка уверена")
    new_chairs_body = CHAIRS_BODY.replace("twelve people", "twenty people").replace(
        "asks each for a sample chair", "orders a sample chair from the two cheapest")
    commit(root, "Notes after the interviews", "2026-10-06T10:00:00+00:00", {
        "maps/mobile/sofa-search.md": sofa_search(reordered, showroom=AT_SHOWROOM, deal_id="purchase",
                                                  body=new_sofa_body),
        "maps/en/office-chairs.md": chairs(days="9", acceptance="35%", related=RELATED, approval_next=BACK_TO_COMPARE,
                                           body=new_chairs_body),
    })
    commit(root, "Chairs: a clearer file name", "2026-10-07T10:00:00+00:00",
           moves={"maps/en/office-chairs.md": "maps/en/chairs-for-teams.md"})
    commit(root, "Sofa search is Anna's, in the b2c folder", "2026-10-08T10:00:00+00:00",
           {"maps/b2c/sofa-search.md": sofa_search(reordered, showroom=AT_SHOWROOM, deal_id="purchase", persona="anna",
                                                   body=new_sofa_body)},
           moves={"maps/mobile/sofa-search.md": "maps/b2c/sofa-search.md"})
    return root
