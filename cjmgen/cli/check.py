"""`cjmgen check`: validate the repository, write nothing."""

from __future__ import annotations

from pathlib import Path

import click

from cjmgen.checks.report import plural, summary
from cjmgen.cli.common import open_session, print_diagnostics, root_option, verbosity_options, verdict


@click.command()
@root_option
@verbosity_options
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (as `strict: true` in cjmgen.yml).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for CI tools.")
@click.pass_context
def check(ctx: click.Context, directory: Path | None, strict: bool, fmt: str) -> None:
    """Validate the map repository without writing anything."""
    from cjmgen.checks.parallel import check_project

    session = open_session(ctx, directory)
    outcome = check_project(session.root, stages=session.detail)
    diagnostics = outcome.diagnostics.sorted()
    print_diagnostics(session, diagnostics, fmt)
    if outcome.note:
        click.echo(outcome.note, err=True)
    if fmt == "text":
        scope = f"{plural(outcome.maps, 'map', 'maps')}, {plural(outcome.personas, 'persona', 'personas')}"
        click.echo(f"checked {scope}: {summary(diagnostics, session.style)}", err=True)
    ctx.exit(verdict(diagnostics, strict or outcome.strict))
