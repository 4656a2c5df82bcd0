"""`cjmgen pdf`: one map's infographic or poster, or the training handout, to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cjmgen.checks.report import plural
from cjmgen.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    open_session,
    print_diagnostics,
    root_option,
    say_missing_libraries,
    verbosity_options,
)
from cjmgen.diagnostics import Severity
from cjmgen.terminal import printable

if TYPE_CHECKING:
    from cjmgen.content.model import Map
    from cjmgen.pdf.document import PrintRenderer
    from cjmgen.site.render import SiteRenderer


@click.command()
@root_option
@verbosity_options
@click.argument("maps", nargs=-1)
@click.option("--poster", type=click.Choice(["A2", "A1", "A0"], case_sensitive=False),
              help="Render MAP as a wall poster of this size (type for reading at two metres).")
@click.option("--page-size", help="Page size of the infographic, e.g. 'A3 landscape' (default: pdf.page_size).")
@click.option("--handout", is_flag=True, help="Render the A4 training handout instead of maps.")
@click.option("--segment", help="Handout: only maps of this segment.")
@click.option("--persona", help="Handout: only maps of this persona (id).")
@click.option("--tag", help="Handout: only maps with this tag.")
@click.option("--open-opportunities", is_flag=True,
              help="Handout: each stage page lists only its open opportunities (idea, planned, in progress).")
@click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path),
              help="Output file (one PDF) or folder (several).")
@click.option("--pdf-variant", type=click.Choice(["pdf/ua-1"]), default=None,
              help="Tagged, accessible PDF (PDF/UA-1); default: pdf.variant in cjmgen.yml.")
@click.option("--drafts", is_flag=True, help="Allow maps with status: draft.")
@click.option("--no-cache", is_flag=True, help="Render even if .cjmgen-cache has the PDF, and keep nothing there "
              "(as CJMGEN_NO_CACHE=1).")
@click.pass_context
def pdf(ctx: click.Context, directory: Path | None, maps: tuple[str, ...], poster: str | None,
        page_size: str | None, handout: bool, segment: str | None, persona: str | None, tag: str | None,
        open_opportunities: bool,
        output: Path | None, pdf_variant: str | None, drafts: bool, no_cache: bool) -> None:
    """Print MAP (an id like mobile/sofa-search, or its file) as a PDF, or the --handout.

    \b
    cjmgen pdf mobile/sofa-search                 # A3 infographic -> mobile-sofa-search.pdf
    cjmgen pdf --poster A1 mobile/sofa-search     # wall poster
    cjmgen pdf --handout --segment "Мобильные"    # A4 booklet -> handout.pdf
    (more maps than pdf.handout_maps: volumes handout-1.pdf, handout-2.pdf, ...)
    """
    from cjmgen.build.checking import leveled
    from cjmgen.content.project import load_project
    from cjmgen.incremental.store import Caches
    from cjmgen.pdf import PdfError
    from cjmgen.pdf.layout import PageSizeError, PageSpec
    from cjmgen.pdf.publish import plan_handout, plan_maps, printer_for, produce
    from cjmgen.site.render import SiteRenderer
    from cjmgen.site.theme import ThemeError, load_theme, make_environment

    session = open_session(ctx, directory)
    if handout and (maps or poster):
        raise click.UsageError("--handout takes no MAP and no --poster")
    if not handout and not maps:
        raise click.UsageError("name a MAP (e.g. mobile/sofa-search) or use --handout")
    if (segment or persona or tag) and not handout:
        raise click.UsageError("--segment, --persona and --tag select maps for --handout")
    if open_opportunities and not handout:
        raise click.UsageError("--open-opportunities is for --handout")
    project = load_project(session.root)
    diagnostics = project.diagnostics
    diagnostics.items = leveled(diagnostics, project.repo.config)  # cjmgen.yml's validation: levels
    if diagnostics.has_errors:
        print_diagnostics(session, diagnostics.sorted())
        click.echo("pdf: the repository has errors; fix them first (cjmgen check)", err=True)
        ctx.exit(EXIT_PROBLEMS)
    repo = project.repo
    try:
        theme = load_theme(repo.config)
        renderer = SiteRenderer(repo, theme, make_environment(theme), project.markdown, project.as_of, drafts=drafts)
    except ThemeError as exc:
        raise click.ClickException(str(exc)) from exc
    printer = printer_for(renderer, pdf_variant)
    printer.open_opportunities = open_opportunities
    if handout:
        chosen = [m for m in renderer.catalog.maps
                  if (segment is None or (m.segment or "") == segment)
                  and (persona is None or m.persona == persona)
                  and (tag is None or tag in m.tags)]
        if not chosen:
            raise click.UsageError("no published map matches the selection")
        persona_name = repo.personas[persona].name if persona is not None and persona in repo.personas else persona
        what = ", ".join(x for x in (segment, persona and persona_name, tag and f"#{tag}") if x)
        planned = plan_handout(printer, chosen, what)
        names = [str(_volume_target(output, plan.job.name, len(planned))) for plan in planned]
    else:
        try:
            page = PageSpec.parse(poster) if poster else PageSpec.parse(page_size or repo.config.pdf.page_size)
        except PageSizeError as exc:
            raise click.UsageError(str(exc)) from exc
        chosen = []
        for wanted in maps:
            found = _find_map(renderer, wanted)
            if found is None:
                raise click.UsageError(printable(
                    f"no published map '{wanted}' (ids: {', '.join(m.id for m in renderer.catalog.maps)})"))
            chosen.append(found)
        suffix = f"-{page.display}" if poster else ""
        names = [str(_target(output, f"{m.id.replace('/', '-')}{suffix}.pdf", len(chosen))) for m in chosen]
        sources = [f"maps/{m.id}{suffix}.pdf" for m in chosen]  # the site's names: same bytes, shared cache
        planned = plan_maps(printer, chosen, page, poster=bool(poster), names=sources)
    try:
        outcome = produce(planned, repo.config, printer, known=diagnostics.items,
                          cache=Caches.for_run(repo.config.root, no_cache).pdf_cache(), progress=session.say)
    except PdfError as exc:
        click.echo(printable(f"error: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")), err=True)
        ctx.exit(EXIT_PROBLEMS)
    shown = [d for d in [*diagnostics.items, *leveled(outcome.diagnostics, repo.config)]
             if d.severity in (Severity.WARNING, Severity.INFO)]
    print_diagnostics(session, sorted(dict.fromkeys(shown), key=lambda d: d.sort_key()))
    for note in outcome.notes:
        session.say(note)
    say_missing_libraries(session, outcome.fallbacks)
    for index, (result, target) in enumerate(zip(outcome.results, names, strict=True)):
        path = Path(target)
        if not path.is_absolute():
            path = Path.cwd() / path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.pdf)
        state = "rendered" if result.name in outcome.rendered and result.attempts else "from cache"
        font = f", type {result.font:.1f} pt" if result.font else ""
        click.echo(printable(f"wrote {target} ({plural(result.pages, 'page', 'pages')}{font}, {state})"), err=True)
        if not handout and not poster and result.pages > 1:
            _say_one_sheet(printer, chosen[index], result.pages)
    ctx.exit(EXIT_OK)


def _say_one_sheet(printer: PrintRenderer, journey_map: Map, pages: int) -> None:
    """A map split over several sheets (type kept at 6.5 pt or more): name the poster that holds it whole."""
    poster = printer.one_sheet_poster(journey_map)
    if poster is not None:
        click.echo(printable(
            f"  hint: {journey_map.id} takes {pages} pages to keep its type legible; on one sheet: "
            f"cjmgen pdf --poster {poster.display} {journey_map.id}"), err=True)


def _find_map(renderer: SiteRenderer, wanted: str) -> Map | None:
    key = wanted.strip().removesuffix(".md")
    content = renderer.repo.config.content_dir.strip("/") + "/"
    for m in renderer.catalog.maps:
        if m.id == key or m.path.removesuffix(".md") == key or m.id == key.removeprefix(content):
            return m
    return None


def _volume_target(output: Path | None, name: str, count: int) -> Path:
    """Where a handout file goes: `-o anna.pdf` names the one file, or the volumes
    `anna-1.pdf`, `anna-2.pdf`; without `-o`, handout.pdf or handout-<n>.pdf here."""
    if count == 1 or output is None or output.is_dir() or str(output).endswith("/"):
        return _target(output, name, 1)
    return output.with_name(f"{output.stem}-{name.removeprefix('handout-')}")


def _target(output: Path | None, default: str, count: int) -> Path:
    if output is None:
        return Path(default)
    if count > 1 or output.is_dir() or str(output).endswith("/"):
        return output / default
    return output
