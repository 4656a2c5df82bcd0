"""PDF infographics, posters and the handout: real PDFs read back with poppler and pypdf."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions, build
from tests.helpers.cli import run
from tests.helpers.repos import CHANNELS, simple_map, write_files
from tests.helpers.text import search

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

RU_CONFIG = (
    "title: Карты пути клиента — тест\nlanguage: ru\nbase_url: https://intranet.example/cjm/\n"
    "author: Отдел клиентского опыта\npdf: {page_size: A3 landscape}\n"
)
RU_PERSONA = "---\nname: Анна, 29\nrole: Менеджер проектов\nquote: Выбираю вечером с телефона\ngoals: [Обставить гостиную за месяц]\n---\nИстория Анны.\n"


def ru_stage(number: int, count: int | None, emotion: int) -> str:
    lines = [
        f"  - id: s{number}",
        f"    name: Этап номер {number}",
        f"    goals: [Цель этапа {number} — найти диван до новоселья]",
        f"    actions: [Ищет «диван с доставкой» с телефона, шаг {number}]",
        f"    obstacles: [{{text: 'Препятствие {number}: нет цены в сниппете', source: аудит выдачи}}]",
        f"    triggers: ['Триггер {number}: баннер ретаргетинга']",
        f"    kpis: [{{name: Показатель KPI {number}, value: 5%, target: 7.5%}}]",
        f"    push: Толкающее действие {number}",
        f"    opportunities: ['Возможность {number}: ускорить страницы']",
        "    owner: Маркетинг" if number % 2 else "    owner: Отдел продаж",
        f"    emotion: {emotion}",
        "    touchpoints: [website]",
    ]
    if count is not None:
        lines.append(f"    count: {count}")
    return "\n".join(lines) + "\n"


def ru_map(title: str = "Покупка дивана с телефона", stages: int = 5, body: str = "") -> str:
    counts = [96000, 4800, 192, 144, 36, 30, 25, 20, 18, 15, 12, 10]
    emotions = [1, 0, -1, -2, 1, 2, 0, -1, 1, 0, 2, -2]
    return (
        "---\n"
        f"title: {title}\npersona: anna\nsegment: Мобильные посетители из поиска\nowner: Отдел e-commerce\n"
        "reviewed: 2026-10-01\ntags: [b2c, мобильные]\nstages:\n"
        + "".join(ru_stage(i + 1, counts[i], emotions[i]) for i in range(stages))
        + "---\n" + body
        + "\n## Этап номер 1\nЗаметка к первому этапу: Анна ищет с телефона.\n"
    )


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2026-09-14T10:00:00+03:00", "GIT_COMMITTER_DATE": "2026-09-14T10:00:00+03:00"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def make_ru_repo(root: Path, extra: dict[str, str] | None = None, commit: bool = True) -> Path:
    write_files(root, {
        "cjmgen.yml": RU_CONFIG,
        "maps/personas/anna.md": RU_PERSONA,
        "maps/channels.yml": CHANNELS,
        "maps/mobile/sofa.md": ru_map(),
        "maps/en/chairs.md": simple_map("Buying office chairs", persona="irina"),
        "maps/personas/irina.md": "---\nname: Irina, office manager\n---\n",
        **(extra or {}),
    })
    if commit:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "maps")
    return root


def pdftext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """One Russian repository in git, built once with PDFs and the handout."""
    root = make_ru_repo(tmp_path_factory.mktemp("pdf") / "repo")
    result = build(root)
    assert result.written, result.diagnostics
    return root, result


def test_build_writes_a_pdf_per_map_and_the_handout(built) -> None:
    root, result = built
    assert result.pdfs == 3 and result.pdfs_rendered == 3
    assert (root / "site/maps/mobile/sofa.pdf").is_file()
    assert (root / "site/handout.pdf").is_file()
    page = (root / "site/maps/mobile/sofa.html").read_text(encoding="utf-8")
    assert 'href="sofa.pdf"' in page and "Скачать PDF" in page
    assert 'href="handout.pdf"' in (root / "site/index.html").read_text(encoding="utf-8")
    assert result.notes == []  # WeasyPrint said nothing unexpected (its warnings land here)
    assert not [d for d in result.diagnostics if d.severity.value == "error"]


def test_infographic_is_one_a3_landscape_page_with_the_whole_map(built) -> None:
    root, _ = built
    pdf = root / "site/maps/mobile/sofa.pdf"
    info = pdfinfo(pdf)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("1190.55 x 841.89")
    text = " ".join(pdftext(pdf, "-raw").split())  # (-raw: cell by cell, however the cells wrap)
    for number in range(1, 6):
        assert f"Этап номер {number}" in text
        assert f"Цель этапа {number} — найти диван до новоселья" in text
        assert f"Препятствие {number}: нет цены" in text  # (a cell may wrap the rest)
        assert f"Показатель KPI {number}" in text
    for fact in ("Анна, 29", "Отдел e-commerce", "текущее состояние", "96 000", "Общая конверсия"):
        assert fact in text
    assert "Цели" in text and "KPI" in text


def test_metadata_title_language_author_dates(built) -> None:
    from pypdf import PdfReader

    root, _ = built
    pdf = root / "site/maps/mobile/sofa.pdf"
    info = pdfinfo(pdf)
    assert info["Title"] == "Покупка дивана с телефона"
    assert info["Author"] == "Отдел клиентского опыта"
    reader = PdfReader(str(pdf))
    assert str(reader.root_object["/Lang"]) == "ru"
    assert reader.metadata is not None and reader.metadata.creation_date_raw is not None
    assert reader.metadata.creation_date_raw.startswith("D:20260914")  # the commit's date, not the clock


def test_footer_stamp_names_revision_date_and_live_url(built) -> None:
    root, _ = built
    sha = git(root, "rev-parse", "HEAD").strip()[:10]
    text = " ".join(pdftext(root / "site/maps/mobile/sofa.pdf").split())
    assert f"Ревизия {sha}" in text
    assert "14 сентября 2026" in text
    assert "https://intranet.example/cjm/maps/mobile/sofa.html" in text


def test_bookmarks_for_maps_and_stages(built) -> None:
    from pypdf import PdfReader

    root, _ = built

    def titles(outline) -> list[str]:
        out: list[str] = []
        for entry in outline:
            out.extend(titles(entry) if isinstance(entry, list) else [entry.title])
        return out

    marks = titles(PdfReader(str(root / "site/maps/mobile/sofa.pdf")).outline)
    assert "Покупка дивана с телефона" in marks
    assert "1. Этап номер 1" in marks and "5. Этап номер 5" in marks
    handout = titles(PdfReader(str(root / "site/handout.pdf")).outline)
    for mark in ("Как читать карту пути клиента", "Персоны", "Покупка дивана с телефона", "Этап номер 3", "Ответственные", "Словарь терминов"):
        assert any(mark in t for t in handout), (mark, handout)


def test_handout_has_contents_personas_owners_and_glossary(built) -> None:
    root, _ = built
    pdf = root / "site/handout.pdf"
    info = pdfinfo(pdf)
    assert info["Page size"].startswith("595.276 x 841.89")
    pages = int(info["Pages"])
    assert pages >= 10
    text = pdftext(pdf)
    flat = " ".join(text.split())
    assert "Карты пути клиента — тест" in flat and "учебное пособие" in flat.lower()
    assert "Содержание" in flat and "Словарь терминов" in flat and "Как читать карту пути клиента" in flat
    assert "Анна, 29" in flat and "Ответственные" in flat and "Маркетинг" in flat and "Отдел продаж" in flat
    assert "Что мы здесь делаем" in flat and "Заметка к первому этапу" in flat
    # the contents give page numbers: the glossary is on the last page
    toc = " ".join(pdftext(pdf, "-f", "2", "-l", "2").split())
    assert toc.split("Словарь терминов . . .")[1].split()[-1].strip(". ") == str(pages)
    # the infographic pages fold out as A3 landscape (on A4 their type was 2.5-4 pt)
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], capture_output=True, text=True).stdout
    assert "1190.55 x 841.89" in sizes


def test_second_build_renders_nothing(built, tmp_path: Path) -> None:
    root, _ = built
    again = build(root)
    assert again.written and again.pdfs == 3 and again.pdfs_rendered == 0


def test_same_input_same_bytes(built, tmp_path: Path) -> None:
    root, _ = built
    first = (root / "site/maps/mobile/sofa.pdf").read_bytes()
    shutil.rmtree(root / ".cjmgen-cache")
    again = build(root, BuildOptions(output=tmp_path / "out"))
    assert again.pdfs_rendered == 3
    assert (tmp_path / "out/maps/mobile/sofa.pdf").read_bytes() == first
    assert (tmp_path / "out/handout.pdf").read_bytes() == (root / "site/handout.pdf").read_bytes()


def test_two_clones_in_different_folders_print_the_same_bytes(built, tmp_path: Path) -> None:
    """CI and a colleague's laptop keep the repository elsewhere: the PDF (its /ID too) must not say where."""
    root, _ = built
    elsewhere = tmp_path / "some" / "other" / "place"
    shutil.copytree(root, elsewhere, ignore=shutil.ignore_patterns(".cjmgen-cache", "site"))
    again = build(elsewhere)
    assert again.pdfs_rendered == 3
    for name in ("maps/mobile/sofa.pdf", "handout.pdf"):
        assert (elsewhere / "site" / name).read_bytes() == (root / "site" / name).read_bytes(), name


def test_changing_one_map_renders_one_pdf(tmp_path: Path) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {page_size: A3 landscape, handout: false}"), encoding="utf-8")
    first = build(root)
    assert first.pdfs == 2 and first.pdfs_rendered == 2
    assert build(root).pdfs_rendered == 0
    path = root / "maps/en/chairs.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Goal of Deal", "A changed goal"), encoding="utf-8")
    third = build(root)
    assert third.pdfs_rendered == 1
    assert "A changed goal" in pdftext(root / "site/maps/en/chairs.pdf")


def test_unsafe_urls_are_refused_and_reported_at_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access during a build")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from cjmgen.pdf import engine

    monkeypatch.setenv("CJMGEN_PDF_WORKERS", "1")  # one job renders in this process
    monkeypatch.setattr(engine, "MAX_DATA_URL_BYTES", 64)  # (the site cannot take a long data: URL)
    big = "iVBORw0KGgo" + "A" * 150
    body = (
        "Intro.\n\n![leak](file:///etc/passwd)\n\n"
        "![remote](http://example.com/tracker.png)\n\n"
        f"![huge](data:image/png;base64,{big})\n"
    )
    root = make_ru_repo(tmp_path / "repo", {"maps/en/chairs.md": simple_map("Chairs", persona="irina", body=body)}, commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout: false}"), encoding="utf-8")
    result = build(root)
    assert result.written
    found = {(d.code, d.location.line if d.location else None) for d in result.diagnostics
             if d.location and d.location.path == "maps/en/chairs.md"}
    first = simple_map("Chairs", persona="irina").count("\n") + 1  # the body's first line
    assert ("pdf-resource", first + 2) in found  # file:///etc/passwd
    assert any(line == first + 4 for code, line in found if code in ("external-resource", "pdf-resource"))  # http
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").split(":")[0]
    text = pdftext(root / "site/maps/en/chairs.pdf")
    assert "root:x:0:0" not in text and "/bin/" not in text
    assert passwd  # (the file exists, so a leak would have shown)


def test_fetcher_serves_only_files_inside_the_roots(tmp_path: Path) -> None:
    from cjmgen.pdf.engine import check_file_url, decode_data_url, fetcher_class

    root = tmp_path / "repo"
    (root / "maps/assets").mkdir(parents=True)
    (root / "maps/assets/ok.png").write_bytes(b"\x89PNG")
    (root / ".git").mkdir()
    (root / ".git/x.png").write_bytes(b"\x89PNG")
    (root / "maps/assets/leak.png").symlink_to("/etc/passwd")
    (root / "maps/notes.txt").write_text("x")
    roots = (root.resolve(),)
    assert check_file_url((root / "maps/assets/ok.png").as_uri(), roots)[0] is not None
    assert check_file_url((root / "maps/assets/leak.png").as_uri(), roots)[0] is None
    assert check_file_url((root / "maps/assets/../../../etc/passwd").as_uri(), roots)[0] is None
    assert check_file_url((root / ".git/x.png").as_uri(), roots)[0] is None
    assert check_file_url((root / "maps/notes.txt").as_uri(), roots)[0] is None
    assert check_file_url("file://otherhost/etc/passwd", roots)[0] is None
    assert decode_data_url("data:image/png;base64,iVBORw0KGgo=")[0] is not None
    assert decode_data_url("data:text/html,<script>")[0] is None
    assert decode_data_url("data:image/png;base64," + "A" * 4_000_000)[0] is None
    fetcher = fetcher_class()((str(root),))
    for url in ("http://example.com/x.png", "https://example.com/x.png", "ftp://example.com/x", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert [u for u, _ in fetcher.refused] == ["http://example.com/x.png", "https://example.com/x.png", "ftp://example.com/x", "file:///etc/passwd"]
    assert fetcher.fetch((root / "maps/assets/ok.png").as_uri()).read() == b"\x89PNG"


def test_twelve_stages_stay_usable(tmp_path: Path) -> None:
    root = make_ru_repo(tmp_path / "repo", {"maps/mobile/sofa.md": ru_map("Двенадцать этапов", stages=12)}, commit=False)
    # (pdftotext -raw keeps the order of the content: cell by cell)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout: false}"), encoding="utf-8")
    result = build(root)
    assert result.written and result.notes == []
    pdf = root / "site/maps/mobile/sofa.pdf"
    text = " ".join(pdftext(pdf, "-raw").split())
    for number in range(1, 13):  # nothing is cut off: every stage's name, goal and obstacle is there
        assert f"Этап номер {number}" in text
        assert f"Цель этапа {number} —" in text
        assert f"Возможность {number}:" in text
    assert pdfinfo(pdf)["Page size"].startswith("1190.55 x 841.89")


def test_poster_and_handout_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    monkeypatch.chdir(tmp_path)
    poster = run(["pdf", "--poster", "A1", "mobile/sofa", "-o", "poster.pdf"], root)
    assert poster.exit_code == 0, poster.output
    info = pdfinfo(tmp_path / "poster.pdf")
    assert info["Page size"].startswith("2383.94 x 1683.78") and info["Pages"] == "1"
    handout = run(["pdf", "--handout", "--persona", "anna", "-o", "anna.pdf"], root)
    assert handout.exit_code == 0, handout.output
    text = " ".join(pdftext(tmp_path / "anna.pdf").split())
    assert "Покупка дивана с телефона" in text and "Buying office chairs" not in text
    assert run(["pdf"], root).exit_code == 2
    assert run(["pdf", "no/such-map"], root).exit_code == 2


def test_pdf_ua_variant_is_tagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    monkeypatch.chdir(tmp_path)
    result = run(["pdf", "en/chairs", "--pdf-variant", "pdf/ua-1", "-o", "ua.pdf"], root)
    assert result.exit_code == 0, result.output
    assert pdfinfo(tmp_path / "ua.pdf")["Tagged"] == "yes"
    assert ": WeasyPrint " not in result.output  # no unexpected warnings ("ua.pdf: WeasyPrint warning: ...")


@pytest.mark.parametrize("failure", ["ImportError", "OSError"])
def test_missing_weasyprint_fails_with_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    from cjmgen.pdf import engine

    def broken():
        exc = ImportError("No module named 'weasyprint'") if failure == "ImportError" else OSError("cannot load library 'libpango-1.0-0'")
        try:
            raise exc
        except ImportError as error:
            raise engine.PdfUnavailable(f"PDF output needs WeasyPrint, which is not installed ({error}); {engine.INSTALL_HINT}") from error
        except OSError as error:
            raise engine.PdfUnavailable(f"WeasyPrint is installed but a system library it needs is missing ({error}); {engine.INSTALL_HINT}") from error

    monkeypatch.setattr(engine, "import_weasyprint", broken)
    root = make_ru_repo(tmp_path / "repo", commit=False)
    result = run(["build"], root)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert "pip install 'cjmgen[pdf]'" in errors[0] and "--no-pdf" in errors[0]
    assert "libpango" in errors[0] or failure == "ImportError"
    assert not (root / "site").exists()
    assert run(["build", "--no-pdf"], root).exit_code == 0


def test_real_import_failure_is_turned_into_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmgen.pdf import engine

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(engine.PdfUnavailable, match="cjmgen\\[pdf\\]"):
        engine.import_weasyprint()


def test_a_missing_system_library_is_said_once_without_weasyprint_s_banner() -> None:
    """On a machine without Pango, WeasyPrint's import prints links on stdout, then fails:
    the user sees cjmgen's one message (what to install), not both."""
    code = (
        "import cffi\n"
        "def dlopen(self, name, flags=0):\n"
        "    raise OSError(f'cannot load library {name!r}')\n"
        "cffi.FFI.dlopen = dlopen  # as where the shared libraries are not installed\n"
        "from cjmgen.pdf import engine\n"
        "try:\n"
        "    engine.import_weasyprint()\n"
        "except engine.PdfUnavailable as exc:\n"
        "    print('unavailable:', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("unavailable: WeasyPrint is installed but a system library it needs is missing")
    assert "libpango-1.0-0" in out.stdout and "courtbouillon" not in out.stdout + out.stderr


@pytest.mark.parametrize("args", [["check"], ["build", "--no-pdf"]])
def test_check_and_html_builds_never_import_weasyprint(tmp_path: Path, args: list[str]) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    code = (
        "import sys, json\n"
        "from cjmgen.cli.main import cli\n"
        "try:\n"
        f"    cli.main({json.dumps(['-C', str(root), *args])}, standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pydyf', 'tinycss2', 'cffi'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_page_sizes_and_fit_estimate() -> None:
    from cjmgen.pdf.layout import PageSpec

    a3 = PageSpec.parse("A3 landscape")
    assert a3.size_mm == (420.0, 297.0) and a3.css == "420mm 297mm"
    assert PageSpec.parse("a1").size_mm == (841, 594)
    assert PageSpec.parse("A4 portrait").size_mm == (210, 297)
    assert round(PageSpec.parse("A1").scale, 2) == 2.0


def _bench_jobs(root: Path, names: set[str]) -> list:
    """Plan the infographics of a generated bench repository; keep the named ones."""
    from cjmgen.build.pipeline import effective_config, make_renderer
    from cjmgen.content.project import load_project
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.pdf.layout import PageSpec
    from cjmgen.pdf.publish import plan_maps, printer_for
    from cjmgen.site.theme import load_theme

    options = BuildOptions()
    config = effective_config(root, options, Diagnostics())
    renderer = make_renderer(load_project(root, config), load_theme(config), options)
    maps = [m for m in renderer.catalog.maps if m.id in names]
    return plan_maps(printer_for(renderer), maps, PageSpec.parse(config.pdf.page_size))


def test_bench_maps_fit_in_one_layout_and_never_overflow(tmp_path: Path) -> None:
    """The estimate lands in the accepted window: one WeasyPrint layout per map (issue #6).

    m00024 used to drop its whole grid below the side column onto a second page (a WeasyPrint
    rounding tie, see document.PRINT_FIXES); m00000 and m00004 sit at the two ends of the window.
    """
    from cjmgen.pdf.engine import ACCEPT_FILL
    from cjmgen.pdf.pool import render_jobs
    from tools.bench.corpus import generate

    root = generate(tmp_path / "bench", 25, git=False)
    ids = {"seg0/m00000", "seg0/m00004", "seg0/m00024", "seg2/m00006"}
    planned = _bench_jobs(root, ids)
    assert len(planned) == 4
    results = render_jobs([p.job for p in planned], workers=1)
    for plan, result in zip(planned, results):
        assert result.pages == plan.job.fit.sheets, plan.job.name  # never more pages than sheets
        assert result.attempts == 1, (plan.job.name, plan.job.fit.font, result.font)
        assert result.font == plan.job.fit.font
    # a small edit of one map: its next render is one layout again, and still one page
    path = root / "maps/seg0/m00024.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Awareness", "Awareness stage", 1).replace("Sofa", "Sofas", 3), encoding="utf-8")
    edited = _bench_jobs(root, {"seg0/m00024"})
    assert edited[0].job.html != planned[2].job.html
    again = render_jobs([edited[0].job], workers=1)[0]
    assert again.attempts == 1 and again.pages == edited[0].job.fit.sheets
    assert ACCEPT_FILL <= 0.9


def test_fitting_keeps_the_largest_size_that_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake layout whose fill grows with the font: overflow, shrink, accept; never an overflowing result."""
    from cjmgen.pdf import engine

    class Doc:
        def __init__(self, font: float) -> None:
            self.font = font
            fill = (font / 7.0) ** 1.7 * 0.95
            self.fill = fill if fill <= 1.0 else 1.0 + fill - 0.9  # a row moves to the next page
            self.pages = [None] * (1 if fill <= 1.0 else 2)

    monkeypatch.setattr(engine, "sheet_fill", lambda doc: {"sheet-1": doc.fill})

    def layout(html: str) -> Doc:
        return Doc(float(search(engine.FONT_MARKER, html)["size"]))

    html = ":root { --s: 7.00pt; /*cjm-fit*/ }"
    spec = engine.FitSpec(7.0, 5.6, 10.5, 1)
    doc, font, layouts = engine._fit(spec, html, layout)
    assert (font, layouts) == (7.0, 1)  # fill 0.95: accepted at once
    doc, font, layouts = engine._fit(engine.FitSpec(7.4, 5.6, 10.5, 1), html, layout)
    assert len(doc.pages) == 1 and doc.fill <= 1.0 and layouts == 2 and font < 7.4
    doc, font, layouts = engine._fit(engine.FitSpec(5.6, 5.6, 10.5, 1), html, layout)
    assert len(doc.pages) == 1 and doc.fill >= engine.ACCEPT_FILL and font > 5.6
