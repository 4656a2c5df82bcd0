"""`cjmgen build`: check, then publish the site (all or nothing)."""

from __future__ import annotations

from pathlib import Path

import click

from cjmgen.checks.report import counts, plural
from cjmgen.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    open_session,
    print_diagnostics,
    root_option,
    say_missing_libraries,
    shown_path,
    verbosity_options,
)
from cjmgen.diagnostics import Severity


def _check_site_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from cjmgen.config import normalise_site_url

    if value is not None and normalise_site_url(value) is None:
        raise click.BadParameter(f"expected an absolute http(s) address such as https://team.github.io/maps/, "
                                 f"got '{value}'")
    return value


@click.command()
@root_option
@verbosity_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write the site here instead of output_dir.")
@click.option("--base-url", help="Serve-from path for this build, e.g. /preview/ (overrides cjmgen.yml).")
@click.option("--site-url", metavar="URL", callback=_check_site_url,
              help="Where the site is published, e.g. https://team.github.io/maps/ (overrides cjmgen.yml): "
                   "sitemap.xml, canonical links; its path is the base URL unless --base-url is given.")
@click.option("--drafts", is_flag=True, help="Include maps with status: draft.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: nothing is written (as `strict: true`).")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="HTML only; skip the PDF infographics.")
@click.option("--compare", metavar="REV", default=None,
              help="Add a 'What changed' page: every map that differs from git revision REV.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Read and keep nothing in .cjmgen-cache: build every page and PDF (as CJMGEN_NO_CACHE=1).")
@click.pass_context
def build(ctx: click.Context, directory: Path | None, output: Path | None, base_url: str | None,
          site_url: str | None, drafts: bool, strict: bool, no_pdf: bool, compare: str | None,
          no_cache: bool) -> None:
    """Check the maps, then publish the site (atomically: all or nothing)."""
    from cjmgen.build.options import BuildOptions
    from cjmgen.build.pipeline import build as run_build

    session = open_session(ctx, directory)
    options = BuildOptions(
        output=(output if output is None or output.is_absolute() else Path.cwd() / output),
        base_url=base_url, site_url=site_url, drafts=drafts, strict=strict, pdf=not no_pdf, compare=compare,
        progress=session.say, stages=session.detail,
    )
    result = run_build(session.root, options, no_cache=no_cache)
    print_diagnostics(session, result.diagnostics)
    for note in result.notes:
        session.say(note)
    say_missing_libraries(session, result.fallbacks)
    found = counts(result.diagnostics)
    errors, warnings = found[Severity.ERROR], found[Severity.WARNING]
    if result.written:
        pdfs = f" ({plural(result.pdfs, 'PDF', 'PDFs')}, {result.pdfs_rendered} rendered)" if result.pdfs else ""
        line = (f"wrote {plural(result.pages, 'page', 'pages')}{pdfs} for {plural(result.maps, 'map', 'maps')} "
                f"to {shown_path(result.output)} in {result.seconds:.2f} s, {plural(warnings, 'warning', 'warnings')}")
        click.echo(session.style(line, "ok"), err=True)
    else:
        reason = (plural(errors, "error", "errors") if errors
                  else f"{plural(warnings, 'warning', 'warnings')} (--strict)")
        click.echo(session.style(f"build failed: {reason}; the published site was not changed", "error"), err=True)
    ctx.exit(EXIT_OK if result.written else EXIT_PROBLEMS)
