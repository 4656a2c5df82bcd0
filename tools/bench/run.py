"""Benchmark: synthetic map repositories, timed against MkDocs, Hugo and a Python floor.

    python -m tools.bench                      # 100, 1,000 and 5,000 maps, every figure
    python -m tools.bench --sizes 100 --runs 1 --no-compare --no-pdf --no-serve
    python -m tools.bench --write docs/benchmark-results.md
    python -m tools.bench --baseline ../old-checkout --sizes 300,1000   # side by side

Run from the repository's top folder. The benchmark is not part of the cjmgen
package: editing it changes no user's cache.

The repositories (tools/bench/corpus.py) are generated from a seed (the same seed gives the same
bytes; map `i` is the same file at every size), made into a git repository
with one commit of a fixed date, and built with the real `cjmgen` command in a
subprocess, so that times include start-up and peak memory is the process's
own (`os.wait4`). Every figure is a median of several runs; the load average
of the machine is printed beside it, because other processes share the cores.
See docs/benchmarks.md for what each figure means and the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import cjmgen
from tools.bench.corpus import CORPORA, edit_one_map, generate, map_spec
from tools.bench.measured import bench_measured
from tools.bench.sidebyside import SERVE_SAVES, side_by_side
from tools.bench.timing import (
    BenchError,
    Figure,
    Run,
    checked,
    load_range,
    remove,
    repeat,
    run,
    save_to_page,
    seconds_of,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent  # MkDocs configs, the Hugo layout, the Python floor


def cjmgen_command() -> list[str]:
    script = Path(sys.executable).parent / "cjmgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cjmgen"]



# --- one size: cjmgen and the three others on the same content ----------------------------


@dataclass
class SizeResult:
    maps: int
    corpus: str = "heavy"
    figures: dict[str, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    search: dict[str, int] = field(default_factory=dict)  # search_load() of the built site


POPUP_RESULTS = 8  # results the search box shows: at most this many entry parts per query


def search_load(site: Path) -> dict[str, int]:
    """Bytes the search box loads (see cjmgen/site/search_index.py): on the first keypress the
    head and the stemmer; for a query of one word at most its term part and the entry
    parts of the results shown (each from another part, at worst)."""
    from cjmgen.site import search_index
    def size(path: Path) -> int:
        return path.stat().st_size if path.is_file() else 0

    parts = site / search_index.FOLDER
    terms = [size(p) for p in parts.glob("t*.js")]
    docs = [size(p) for p in parts.glob("d*.js")]
    first = size(site / search_index.PATH) + size(site / "static" / "stemmer.js")
    worst_docs = sum(sorted(docs, reverse=True)[:POPUP_RESULTS])
    return {
        "first_keypress": first,
        "largest_term_part": max(terms, default=0),
        "largest_entry_part": max(docs, default=0),
        "one_word_query_at_most": first + max(terms, default=0) + worst_docs,
        "whole_index": first + sum(terms) + sum(docs),
    }


@dataclass
class Contender:
    """One measured command of a size: `prepare(round)` sets the stage, untimed."""

    key: str  # its figure in SizeResult.figures
    what: str  # for the log and for errors
    prepare: Callable[[int], None]
    measure: Callable[[], Run]


def _removing(*paths: Path) -> Callable[[int], None]:
    """A contender's `prepare(round)` that removes the folders it writes."""
    def prepare(_round: int) -> None:
        for path in paths:
            remove(path)

    return prepare


def race(contenders: list[Contender], runs: int, result: SizeResult, log: Callable[[str], None]) -> None:
    """`runs` rounds, each running every contender once, in turn: a burst of load on the
    machine (this one moved the same build by 20% between minutes) then slows all of
    them in that round, not every run of one, and the ratios stay comparable."""
    for index in range(runs):
        log(f"{result.maps} maps: round {index + 1} of {runs}: " + ", ".join(c.what for c in contenders))
        for contender in contenders:
            contender.prepare(index)
            measured = checked(contender.measure(), contender.what)
            result.figures.setdefault(contender.key, Figure()).add(measured.seconds, measured.rss_mib)


def corpus_repo(work: Path, corpus: str, maps: int, log: Callable[[str], None]) -> Path:
    """The generated repository of a corpus and size in `work`, made on first use."""
    root = work / f"repo-{maps}" if corpus == "heavy" else work / f"repo-{corpus}-{maps}"
    if not (root / ".git").is_dir():
        remove(root)
        log(f"generating {maps} {corpus} maps in {root}")
        generate(root, maps, corpus=corpus)
    return root


def bench_size(work: Path, maps: int, runs: int, compare: bool, log: Callable[[str], None],
               corpus: str = "heavy") -> SizeResult:
    root = corpus_repo(work, corpus, maps, log)
    result = SizeResult(maps, corpus)
    cjm = cjmgen_command()
    build = [*cjm, "-C", str(root), "build", "--no-pdf"]
    check = [*cjm, "-C", str(root), "check"]
    edited = root / map_spec(1).path
    original = edited.read_bytes()

    no_key = work / "no-key-home"  # never created: `check` makes no key, so reads no cache

    def clean(_: int) -> None:  # a first build: no site, no cache, the map as generated
        remove(root / "site")
        remove(root / ".cjmgen-cache")
        edited.write_bytes(original)

    contenders = [
        Contender("full", "cjmgen build", clean, lambda: run(build)),
        Contender("nochange", "cjmgen build (no change)", lambda _: None, lambda: run(build)),
        Contender("onechange", "cjmgen build (one map changed)", lambda i: edit_one_map(root, i), lambda: run(build)),
        Contender("check", "cjmgen check", lambda _: None, lambda: run(check)),
        # In CI on a clean clone: no signing key, so no parse cache to read.
        Contender("check_cold", "cjmgen check (no parse cache)", lambda _: None,
                  lambda: run(check, env={**os.environ, "XDG_CACHE_HOME": str(no_key)})),
    ]
    if compare:
        # The light maps are timed against the floor alone: MkDocs and Hugo are compared on the heavy ones.
        contenders += other_contenders(work, root, maps, result, log, only_floor=corpus != "heavy")
    try:
        race(contenders, runs, result, log)
    finally:
        edited.write_bytes(original)
        run(build)
        remove(work / f"md-{root.name}" / "out")
    result.search = search_load(root / "site")
    return result


def other_contenders(work: Path, root: Path, maps: int, result: SizeResult,
                     log: Callable[[str], None], only_floor: bool = False) -> list[Contender]:
    """The Python floor, MkDocs and Hugo on copies of the same Markdown files."""
    copy = work / f"md-{root.name}"
    if not copy.is_dir():
        shutil.copytree(root / "maps", copy / "docs", ignore=shutil.ignore_patterns("*.yml"))
        (copy / "docs" / "index.md").write_text("# Maps\n", encoding="utf-8")
    out = copy / "out"
    found: list[Contender] = []
    floor = BENCH_DIR / "floor.py"
    if floor.is_file():
        found.append(Contender("floor", "Python floor", lambda _: remove(out), lambda: run(
            [sys.executable, str(floor), str(copy / "docs"), str(out)])))
    else:
        result.notes.append("Python floor: tools/bench/floor.py not found (run from the source tree)")
    if only_floor:
        return found
    mkdocs = mkdocs_command(work.parent if work.name == "work" else work, log)
    if mkdocs is not None and (BENCH_DIR / "mkdocs.yml").is_file():
        for key, name in (("mkdocs", "mkdocs.yml"), ("mkdocs_stock", "mkdocs-stock.yml")):
            if key == "mkdocs_stock" and maps > MKDOCS_STOCK_MAX_MAPS:
                result.notes.append(
                    f"MkDocs, stock set-up: not run above {MKDOCS_STOCK_MAX_MAPS:,} maps: every page lists "
                    "every page, so its time grows with the square of the maps (minutes per run here)")
                continue
            config = copy / name
            config.write_text((BENCH_DIR / name).read_text(encoding="utf-8").format(
                docs_dir=copy / "docs", site_dir=out), encoding="utf-8")
            found.append(Contender(key, f"MkDocs ({name})", _removing(out),
                                   partial(run, [*mkdocs, "build", "--quiet", "-f", str(config)])))
    else:
        result.notes.append("MkDocs: not available (pip install into .bench-venv failed?); column skipped")
    hugo = shutil.which("hugo")
    if hugo is not None and (BENCH_DIR / "hugo").is_dir():
        hugo_cache = copy / "hugo-cache"
        found.append(Contender("hugo", "Hugo", _removing(out, hugo_cache), partial(run, [
            hugo, "--quiet", "-s", str(BENCH_DIR / "hugo"), "--contentDir", str(copy / "docs"),
            "-d", str(out), "--cacheDir", str(hugo_cache)])))
    else:
        result.notes.append("Hugo: not installed (Debian: apt-get install hugo); column skipped")
    return found


BENCH_VENV = REPO_ROOT / ".bench-venv"
#: MkDocs' stock set-up puts the whole navigation on every page: quadratic, so not at 5,000.
MKDOCS_STOCK_MAX_MAPS = 1000


def mkdocs_command(_: Path, log: Callable[[str], None]) -> list[str] | None:
    """MkDocs from the benchmark's own venv (never a dependency of cjmgen); made on first use."""
    exe = BENCH_VENV / "bin" / "mkdocs"
    if not exe.exists():
        log(f"installing MkDocs into {BENCH_VENV}")
        made = subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=False, capture_output=True)
        if made.returncode == 0:
            subprocess.run([str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "mkdocs"],
                           check=False, capture_output=True)
    return [str(exe)] if exe.exists() else None


# --- start-up, PDF, serve, diff ------------------------------------------------------------


def bench_help(runs: int) -> Figure:
    cjm = cjmgen_command()
    return repeat(runs * 2, lambda _: None, lambda: run([*cjm, "--help"]), "cjmgen --help")


def bench_pdf(work: Path, maps: int, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """PDF per map: bare WeasyPrint (the floor), cjmgen on one core, on every core, from the cache."""
    try:
        from cjmgen.pdf.engine import import_weasyprint

        weasyprint = import_weasyprint()
    except Exception as exc:
        return {"skipped": f"WeasyPrint unavailable: {exc}"}
    from cjmgen.build.options import BuildOptions
    from cjmgen.build.pipeline import effective_config, make_renderer
    from cjmgen.content.project import load_project
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.incremental.store import Caches
    from cjmgen.pdf.layout import PageSpec
    from cjmgen.pdf.publish import plan_maps, printer_for, produce
    from cjmgen.site.theme import load_theme

    root = work / f"pdf-{maps}"
    if not (root / ".git").is_dir():
        remove(root)
        generate(root, maps)
    options = BuildOptions()
    config = effective_config(root, options, Diagnostics())
    project = load_project(root, config)
    renderer = make_renderer(project, load_theme(config), options)
    printer = printer_for(renderer)
    planned = plan_maps(printer, list(renderer.catalog.maps), PageSpec.parse(config.pdf.page_size))
    jobs = [p.job for p in planned]
    out: dict[str, Any] = {"maps": len(jobs)}

    from cjmgen.pdf.engine import fetcher_class, with_font

    # The floor renders the very HTML that ends up in each PDF once (after cjmgen's fitting).
    fitted = produce(planned, config, printer, workers=1)
    final = [with_font(job.html, r.font) if job.fit is not None and r.font else job.html
             for job, r in zip(jobs, fitted.results, strict=True)]

    def floor_once() -> float:
        started = time.perf_counter()
        for job, html in zip(jobs, final, strict=True):
            weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=fetcher_class()(job.roots)).write_pdf()
        return time.perf_counter() - started

    log(f"PDF: bare WeasyPrint x{runs}")
    floor_once()  # warm: fonts and caches, the same for both sides
    floor = Figure()
    for _ in range(runs):
        floor.add(floor_once())
    serial, parallel, cached = Figure(), Figure(), Figure()
    log(f"PDF: cjmgen one core, all cores, cache x{runs}")
    attempts = 0
    for _ in range(runs):
        outcome = produce(planned, config, printer, workers=1)
        serial.add(outcome.seconds)
        attempts = sum(r.attempts for r in outcome.results)
        outcome = produce(planned, config, printer, workers=os.cpu_count() or 1)
        parallel.add(outcome.seconds)
    pdf_cache = Caches.for_run(root).pdf_cache()
    produce(planned, config, printer, cache=pdf_cache)  # fill the cache
    for _ in range(runs):
        outcome = produce(planned, config, printer, cache=pdf_cache)
        cached.add(outcome.seconds)
        assert not outcome.rendered, "a cached PDF was rendered again"
    # The real command: a full build with PDFs, then a no-change rebuild (zero renders).
    cjm = [*cjmgen_command(), "-C", str(root), "build"]
    remove(root / "site")
    remove(root / ".cjmgen-cache")
    first = checked(run(cjm), "cjmgen build (PDF)")
    again = checked(run(cjm), "cjmgen build (PDF, no change)")
    edit_one_map(root, 0)  # its PDF and its handout volume render; the others come from the cache
    edited = checked(run(cjm), "cjmgen build (PDF, one map changed)")
    out.update(
        floor=floor, serial=serial, parallel=parallel, cached=cached, attempts=attempts,
        build_seconds=first.seconds, build_rss=first.rss_mib, rebuild_seconds=again.seconds,
        rebuild_line=_last_line(again.stderr), build_line=_last_line(first.stderr),
        edited_seconds=edited.seconds, edited_line=_last_line(edited.stderr),
        cores=os.cpu_count() or 1,
    )
    return out


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def bench_serve(work: Path, maps: int, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Save a map, wait for the browser's long-poll to answer, fetch the page: end to end on 127.0.0.1."""

    from cjmgen.build.options import BuildOptions
    from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
    from cjmgen.serve.server import RELOAD_PATH, DevServer

    root = work / f"repo-{maps}"
    if not (root / ".git").is_dir():
        generate(root, maps)
    builder = SiteBuilder(root.resolve(), BuildOptions(drafts=True, pdf=True))
    builds = PreviewBuilds(builder)
    lines: list[str] = []
    server = DevServer(builds, lambda: [root / "cjmgen.yml", root / "maps", REPO_ROOT / "themes"],
                       "127.0.0.1", 0, "/cjm/", on_demand=builds.on_demand, idle=builds.idle, log=lines.append)
    log(f"serve: initial build of {maps} maps")
    started = time.perf_counter()
    url = server.start()
    initial = time.perf_counter() - started
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = root / map_spec(1).path
    original = path.read_bytes()
    page = url + site_path(map_spec(1).id)
    latency, rebuild, nothing = Figure(), Figure(), Figure()
    try:
        for index in range(runs):
            seen = server.state.version
            time.sleep(0.3)  # let the watcher settle: a real author does not save twice in 0.3 s
            seconds = save_to_page(f"http://127.0.0.1:{server.port}{RELOAD_PATH}?v={seen}", page,
                                   partial(edit_one_map, root, index), f"edited {index}".encode(), 30)
            if seconds is None:
                raise BenchError("serve: the edited page never reached the browser")
            latency.add(seconds)
            rebuild.add(seconds_of(lines[-1]))
        # A save that changes nothing in the model: rebuilds, renders nothing, no reload.
        for _ in range(runs):
            time.sleep(0.3)
            count = len(lines)
            version = server.state.version
            path.write_bytes(path.read_bytes())
            os.utime(path)
            deadline = time.perf_counter() + 10
            while len(lines) == count and time.perf_counter() < deadline:
                time.sleep(0.01)
            if len(lines) > count:
                nothing.add(seconds_of(lines[-1]))
            if server.state.version != version:
                raise BenchError(f"serve: a save without change reloaded the browser ({lines[-1]})")
    finally:
        path.write_bytes(original)
        server.close()
    return {"initial": initial, "latency": latency, "rebuild": rebuild, "nochange": nothing,
            "last": lines[-2] if len(lines) > 1 else "", "poll": _poll_seconds()}


def site_path(map_id: str) -> str:
    from cjmgen.site import urls as site
    return site.map_url(map_id)


def _poll_seconds() -> float:
    from cjmgen.serve import server as serve
    return serve.POLL_SECONDS


def bench_diff(work: Path, maps: int) -> dict[str, float]:
    """Timed in this process, as `cjmgen diff` would run in its own: what the PDF and serve
    measurements left in memory is collected and frozen first. Otherwise each of the
    collector's full passes in the diff walks WeasyPrint's leftovers (measured: 1.5 s
    instead of 0.05-0.1 s)."""
    import gc

    from tools.bench.review import bench_diff as measure

    gc.collect()
    gc.freeze()
    root = work / f"diff-{maps}"
    remove(root)
    result = measure(root, maps, changed=min(20, maps))
    remove(root)
    return result


def bench_kpi_history(work: Path, maps: int) -> dict[str, float]:
    from tools.bench.review import bench_kpi_history as measure

    root = work / f"history-{maps}"
    remove(root)
    result = measure(root, maps)
    remove(root)
    return result


# --- the report -------------------------------------------------------------------------


def _s(value: float) -> str:
    if value != value:  # NaN
        return "—"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def _x(value: float) -> str:
    return "—" if value != value else f"{value:.2f}×"


def _ok(good: bool | None) -> str:
    return "" if good is None else (" ✅" if good else " ❌")


def _ratio(a: Figure | None, b: Figure | None) -> float:
    if a is None or b is None or not a.values or not b.values or b.median == 0:
        return float("nan")
    return a.median / b.median


CORPUS_TITLES = {
    "heavy": "heavy maps (about 26 KB each, most of it YAML)",
    "light": "light maps (about 8 KB each, short items in every lane)",
}


def _table(results: list[SizeResult]) -> tuple[str, Callable[[str, Callable[[SizeResult], str]], str]]:
    """The head of a table with a column per size, and a row maker that leaves out a row with no figure."""
    sizes = [r.maps for r in results]
    head = "| | " + " | ".join(f"{n:,} maps" for n in sizes) + " |\n|---|" + "---:|" * len(sizes) + "\n"

    def row(label: str, cell: Callable[[SizeResult], str]) -> str:
        cells = [cell(r) for r in results]
        return "" if all(c == "—" for c in cells) else f"| {label} | " + " | ".join(cells) + " |\n"

    return head, row


def report(results: list[SizeResult], extra: dict[str, Any], runs: int) -> str:
    """The results as Markdown: one table per topic, each target marked met or missed."""
    heavy = [r for r in results if r.corpus == "heavy"]
    lines = [
        (f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
         f"{_tool_versions()}; medians of {runs} rounds (each round runs every tool once, in turn); "
         f"load average (1 min) during the runs {load_range(f for r in results for f in r.figures.values())}.\n\n"),
    ]
    for corpus in CORPORA:
        group = [r for r in results if r.corpus == corpus]
        if group:
            lines += _build_table(group, CORPUS_TITLES[corpus])
    if heavy:
        lines += _search_table(heavy)
    lines += _extra_sections(results, extra)
    return "".join(lines)


def _build_table(results: list[SizeResult], title: str) -> list[str]:
    head, row = _table(results)

    def fig(key: str) -> Callable[[SizeResult], Figure | None]:
        return lambda r: r.figures.get(key)

    def seconds(key: str) -> Callable[[SizeResult], str]:
        return lambda r: _s(r.figures[key].median) if key in r.figures else "—"

    full = fig("full")
    return [
        f"### HTML build, {title} (`cjmgen build --no-pdf`, a subprocess: start-up included)\n\n", head,
        row("full build (no site, no cache)", seconds("full")),
        row("per map", lambda r: f"{figure.median / r.maps * 1000:.2f} ms" if (figure := full(r)) else "—"),
        row("peak memory (RSS of the build process)",
            lambda r: f"{figure.peak_rss:.0f} MiB" if (figure := full(r)) else "—"),
        row("no-change rebuild", seconds("nochange")),
        row("one map changed", seconds("onechange")),
        row("`cjmgen check` (after a build: files it parsed are loaded)", seconds("check")),
        row("`cjmgen check` without a parse cache (a clean CI runner)", seconds("check_cold")),
        row("Python floor (YAML + Markdown + one Jinja template)", seconds("floor")),
        row("MkDocs 1.6, fastest set-up (one-page nav, no plugins)", seconds("mkdocs")),
        row("MkDocs 1.6, stock set-up (full nav on every page, search)", seconds("mkdocs_stock")),
        row("Hugo (minimal layout)", seconds("hugo")),
        row("MkDocs fastest ÷ cjmgen (target ≥ 4.5)", lambda r: _x(_ratio(r.figures.get("mkdocs"), full(r)))
            + _ok(_ratio(r.figures.get("mkdocs"), full(r)) >= 4.5 if "mkdocs" in r.figures else None)),
        row("MkDocs stock ÷ cjmgen (target ≥ 4.5)", lambda r: _x(_ratio(r.figures.get("mkdocs_stock"), full(r)))
            + _ok(_ratio(r.figures.get("mkdocs_stock"), full(r)) >= 4.5 if "mkdocs_stock" in r.figures else None)),
        row("cjmgen ÷ floor (target ≤ 2)", lambda r: _x(_ratio(full(r), r.figures.get("floor")))
            + _ok(_ratio(full(r), r.figures.get("floor")) <= 2 if "floor" in r.figures else None)),
        row("cjmgen ÷ Hugo (ambition ≤ 1.5)", lambda r: _x(_ratio(full(r), r.figures.get("hugo")))
            + _ok(_ratio(full(r), r.figures.get("hugo")) <= 1.5 if "hugo" in r.figures else None)),
        row("no-change ÷ full (target < 0.1)", lambda r: _x(_ratio(r.figures.get("nochange"), full(r)))
            + _ok(_ratio(r.figures.get("nochange"), full(r)) < 0.1)),
        row("one changed ÷ full (target < 0.1)", lambda r: _x(_ratio(r.figures.get("onechange"), full(r)))
            + _ok(_ratio(r.figures.get("onechange"), full(r)) < 0.1)),
        row("check ÷ full (target < 0.33)", lambda r: _x(_ratio(r.figures.get("check"), full(r)))
            + _ok(_ratio(r.figures.get("check"), full(r)) < 1 / 3)),
        row("check without cache ÷ full (target < 0.33)", lambda r: _x(_ratio(r.figures.get("check_cold"), full(r)))
            + _ok(_ratio(r.figures.get("check_cold"), full(r)) < 1 / 3)),
        "\n",
    ]


def _search_table(results: list[SizeResult]) -> list[str]:
    head, row = _table(results)
    def kb(key: str) -> Callable[[SizeResult], str]:
        return lambda r: f"{r.search[key] / 1024:,.0f} KB" if r.search else "—"

    lines = [
        "### Search (bytes the browser loads, before compression)\n\n", head,
        row("first keypress: the index's head and the stemmer", kb("first_keypress")),
        row("a one-word query at most (its term part, the entry parts of 8 results)",
            lambda r: kb("one_word_query_at_most")(r) + _ok(r.search["one_word_query_at_most"] <= 1024 * 1024
                                                          if r.search else None)),
        row("largest term part", kb("largest_term_part")),
        row("largest entry part", kb("largest_entry_part")),
        row("the whole index (never loaded at once)", kb("whole_index")),
    ]
    by_size = {r.maps: r for r in results}
    if 1000 in by_size and 5000 in by_size:
        growth = _ratio(by_size[5000].figures["full"], by_size[1000].figures["full"])
        rss = by_size[5000].figures["full"].peak_rss
        lines.append(f"\nGrowth: 5,000 maps take {_x(growth)} the time of 1,000 (target ≤ 5.5){_ok(growth <= 5.5)}; "
                     f"peak memory at 5,000 maps {rss:.0f} MiB (target < 1,024){_ok(rss < 1024)}.\n")
    return lines


def _extra_sections(results: list[SizeResult], extra: dict[str, Any]) -> list[str]:
    lines: list[str] = [f"\n{r.maps:,} {r.corpus} maps: {note}\n" for r in results for note in r.notes]
    if "help" in extra:
        median = extra["help"].median
        lines.append(f"\nStart-up: `cjmgen --help` {_s(median)} (target well under 0.5 s){_ok(median < 0.3)}.\n")
    pdf = extra.get("pdf")
    if pdf:
        lines.append("\n### PDF (`--no-pdf` off)\n\n")
        if "skipped" in pdf:
            lines.append(f"PDF skipped: {pdf['skipped']}\n")
        else:
            n = pdf["maps"]
            floor, serial, parallel, cached = pdf["floor"], pdf["serial"], pdf["parallel"], pdf["cached"]
            over = serial.median / floor.median - 1
            speed = serial.median / parallel.median
            lines += [
                f"{n} maps, A3 landscape infographics; per map:\n\n| | per map |\n|---|---:|\n",
                f"| bare WeasyPrint render of the same (final) HTML: the floor | {_s(floor.median / n)} |\n",
                f"| cjmgen, one core, no cache ({pdf['attempts']} layouts for {n} maps) | {_s(serial.median / n)} |\n",
                f"| cjmgen, {pdf['cores']} cores, no cache | {_s(parallel.median / n)} |\n",
                f"| cjmgen, from the cache | {_s(cached.median / n)} |\n\n",
                (f"Over the floor: {over * 100:+.0f}% (target ≤ +15%){_ok(over <= 0.15)}; "
                f"parallel speed-up {_x(speed)} on {pdf['cores']} cores (target ≈ 2){_ok(speed >= 1.7)}.\n\n"),
                (f"`cjmgen build` with PDFs, {n} maps and the handout: {_s(pdf['build_seconds'])}, "
                f"peak RSS {pdf['build_rss']:.0f} MiB: `{pdf['build_line']}`; a no-change rebuild: "
                f"{_s(pdf['rebuild_seconds'])}: `{pdf['rebuild_line']}`; after one map changed (its PDF and "
                f"the handout render again): {_s(pdf['edited_seconds'])}: `{pdf['edited_line']}`.\n"),
            ]
    serve = extra.get("serve")
    if serve:
        lat = serve["latency"]
        lines += [
            f"\n### Live preview (`cjmgen serve`, {extra.get('serve_maps', 1000):,} maps)\n\n",
            (f"Save → the browser has the rebuilt page: {_s(lat.median)} (median of {len(lat.values)}; "
            f"target ≤ 0.5 s){_ok(lat.median <= 0.5)}. Measured end to end in-process: a DevServer on "
            f"127.0.0.1, its stat-polling watcher ({serve['poll'] * 1000:.0f} ms poll, one more poll to see "
            "the burst is over), the incremental rebuild, writing the changed files, the long-poll answer "
            f"and an HTTP GET of the page. The rebuild alone: {_s(serve['rebuild'].median)}; the initial build "
            f"{_s(serve['initial'])}. A save that changes nothing in the model: {_s(serve['nochange'].median)}, "
            "nothing rendered, no reload.\n"),
        ]
    measured = extra.get("measured")
    if measured:
        over = measured["with"].median / measured["without"].median - 1
        lines.append(
            f"\n### Measured KPIs ({measured['maps']:,} maps, a data file each, 12 months: "
            f"{measured['rows']:,} rows)\n\n"
            f"A first `cjmgen build --no-pdf` with the data files {_s(measured['with'].median)}, without "
            f"{_s(measured['without'].median)}: {over * 100:+.1f}% (target within 10%){_ok(over <= 0.10)}. "
            f"After editing one map: {_s(measured['edited with'].median)} with the data files, "
            f"{_s(measured['edited without'].median)} without.\n")
    diff = extra.get("diff")
    if diff:
        maps = extra.get("diff_maps", 1000)
        lines.append(
            f"\n### Review (`cjmgen diff`, {maps:,} maps, {min(20, maps)} changed)\n\n"
            f"Reading both revisions from git {_s(diff['read_seconds'])}; the semantic diff "
            f"{_s(diff['diff_seconds'])} (target well under 1 s){_ok(diff['diff_seconds'] < 1)}; "
            f"the model comparison with every map changed {_s(diff['compare_all_changed_seconds'])}.\n")
    history = extra.get("history")
    if history:
        lines.append(
            f"\n### KPI history (typed values over git, {extra.get('history_maps', 1000):,} maps, "
            f"every KPI changed in each of 4 commits)\n\n"
            f"The build's one `git log` {_s(history['log_seconds'])}; the KPI values of every past version, "
            f"first build {_s(history['cold_seconds'])}, every later build (kept by blob id) "
            f"{_s(history['warm_seconds'])}.\n")
    return lines


def _tool_versions() -> str:
    parts = []
    hugo = shutil.which("hugo")
    if hugo:
        out = subprocess.run([hugo, "version"], check=False, capture_output=True, text=True).stdout.split()
        parts.append(f"Hugo {out[1].split('+')[0] if len(out) > 1 else '?'}")
    mk = BENCH_VENV / "bin" / "mkdocs"
    if mk.exists():
        out = subprocess.run([str(mk), "--version"], check=False, capture_output=True, text=True).stdout.split()
        parts.append(f"MkDocs {out[2] if len(out) > 2 else '?'}")
    return ", ".join(parts) or "no comparison tools"


def compile_bytecode() -> None:
    """Compile cjmgen's modules as `pip install` does. Where Python may not write bytecode
    (PYTHONDONTWRITEBYTECODE, as on the benchmark's machine; a read-only checkout) every
    timed command compiled cjmgen's sources again: 0.05-0.07 s of each start that a
    user's installation never spends."""
    import compileall

    compileall.compile_dir(str(Path(cjmgen.__file__).resolve().parent), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="map counts, comma-separated")
    parser.add_argument("--corpus", default=",".join(CORPORA),
                        help=f"which generated maps, comma-separated: {', '.join(CORPORA)} (default: both)")
    parser.add_argument("--baseline", type=Path, default=None, metavar="CHECKOUT",
                        help="time this checkout and another side by side (cold build, one-map edit, serve)")
    parser.add_argument("--against", type=Path, default=REPO_ROOT, metavar="CHECKOUT",
                        help="with --baseline: the checkout compared with it (default: this one)")
    parser.add_argument("--serve-saves", type=int, default=SERVE_SAVES,
                        help="with --baseline: saves timed per side and size in serve (0: no serve)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--big-runs", type=int, default=None, help="runs at sizes above 1,000 (default: --runs)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the repositories (default: a temp folder)")
    parser.add_argument("--no-compare", action="store_true", help="skip MkDocs, Hugo and the Python floor")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF figures")
    parser.add_argument("--pdf-maps", type=int, default=8)
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview latency")
    parser.add_argument("--serve-maps", type=int, default=1000)
    parser.add_argument("--no-diff", action="store_true", help="skip the diff of two revisions")
    parser.add_argument("--diff-maps", type=int, default=1000)
    parser.add_argument("--no-history", action="store_true", help="skip the KPI history of typed values")
    parser.add_argument("--history-maps", type=int, default=1000)
    parser.add_argument("--no-measured", action="store_true", help="skip the build with measured KPIs' data files")
    parser.add_argument("--measured-maps", type=int, default=None,
                        help="maps of the measured-KPIs build (default: the largest size, at most 1000)")
    parser.add_argument("--write", type=Path, default=None, help="also write the Markdown report here")
    parser.add_argument("--json", type=Path, default=None, help="also write every run as JSON here")
    parser.add_argument("--generate", type=Path, default=None, help="only generate a repository here (with --sizes N)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    corpora = [c.strip() for c in args.corpus.split(",") if c.strip()]
    unknown = sorted(set(corpora) - set(CORPORA))
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}: one of {', '.join(CORPORA)}")
    def log(line: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    if args.generate is not None:
        generate(args.generate, sizes[0], corpus=corpora[0])
        log(f"wrote {sizes[0]} {corpora[0]} maps to {args.generate}")
        return 0
    temp = None
    if args.work is None:
        temp = tempfile.mkdtemp(prefix="cjmgen-bench-")
        work = Path(temp)
    else:
        work = args.work.resolve()
        work.mkdir(parents=True, exist_ok=True)
    env_epoch = os.environ.pop("SOURCE_DATE_EPOCH", None)  # the repositories' commit date is "as of"
    if args.baseline is not None:
        try:
            write = (lambda text: args.write.write_text(text, encoding="utf-8")) if args.write else None
            text = side_by_side(work, args.baseline.resolve(), args.against.resolve(), sizes, corpora, args.runs, log,
                                args.serve_saves, write)
        except BenchError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
        print(text)
        if args.write:
            args.write.write_text(text, encoding="utf-8")
        return 0
    compile_bytecode()
    try:
        results = []
        for corpus in corpora:
            for maps in sizes:
                runs = args.runs if maps <= 1000 or args.big_runs is None else args.big_runs
                results.append(bench_size(work, maps, runs, not args.no_compare, log, corpus))
        extra: dict[str, Any] = {"help": bench_help(args.runs)}
        failed: list[str] = []

        def section(name: str, measure: Callable[[], Any]) -> None:
            try:
                extra[name] = measure()
            except Exception as exc:
                log(f"{name} failed: {exc!r}")
                failed.append(f"{name}: {exc!r}")

        if not args.no_pdf:
            section("pdf", lambda: bench_pdf(work, args.pdf_maps, args.runs, log))
        if not args.no_serve:
            extra["serve_maps"] = args.serve_maps
            section("serve", lambda: bench_serve(work, args.serve_maps, max(args.runs, 3), log))
        if not args.no_diff:
            log(f"diff of two revisions of {args.diff_maps} maps")
            extra["diff_maps"] = args.diff_maps
            section("diff", lambda: bench_diff(work, args.diff_maps))
        if not args.no_history:
            log(f"KPI history of {args.history_maps} maps")
            extra["history_maps"] = args.history_maps
            section("history", lambda: bench_kpi_history(work, args.history_maps))
        if not args.no_measured:
            measured_maps = args.measured_maps or min(1000, max(sizes))
            plain = corpus_repo(work, "heavy", measured_maps, log)
            section("measured", lambda: bench_measured(work, plain, measured_maps, args.runs, cjmgen_command(), log))
        extra["failed"] = failed
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if env_epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = env_epoch
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    text = report(results, extra, args.runs)
    print(text)
    if extra.get("failed"):
        print("Sections that failed: " + "; ".join(extra["failed"]), file=sys.stderr)
    if args.write:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.write.write_text(
            f"# Benchmark results\n\nWritten by `python -m tools.bench {' '.join(argv or sys.argv[1:])}` "
            f"on {stamp}. What the figures mean, how to reproduce them and what was tried: "
            f"[benchmarks.md](benchmarks.md).\n\n{text}", encoding="utf-8")
    if args.json:
        payload = {
            "sizes": {r.maps: {k: f.as_dict() for k, f in r.figures.items()} for r in results if r.corpus == "heavy"},
            "light": {r.maps: {k: f.as_dict() for k, f in r.figures.items()} for r in results if r.corpus == "light"},
            "extra": json.loads(json.dumps(extra, default=lambda o: o.as_dict() if isinstance(o, Figure) else str(o))),
            "search": {r.maps: r.search for r in results if r.corpus == "heavy"},
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
