"""`cjmgen diff`: what changed in the journeys between revisions, folders or files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cjmgen.checks.report import plural
from cjmgen.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    RequestError,
    open_session,
    root_option,
    site_config,
    verbosity_options,
    wants_colour,
)

if TYPE_CHECKING:
    from cjmgen.config import SiteConfig
    from cjmgen.review.diff import RepoDiff


@click.command()
@root_option
@verbosity_options
@click.argument("revisions", nargs=-1, metavar="[BASE [HEAD]]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default="text",
              show_default=True,
              help="text for a terminal, markdown for a PR comment, json for tools, html to look at.")
@click.option("--fail-on", type=click.Choice(["warning", "error"]), default=None,
              help="Exit 1 when a change is at least this severe (for CI).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--max-chars", type=click.IntRange(min=2000), default=None, metavar="N",
              help="markdown: the code host's comment limit (default 60000, for GitHub's 65,536).")
@click.option("--full-report", default=None, metavar="URL",
              help="markdown: where the whole report is (a job's artifacts, a preview's \"What changed\" page), "
                   "named when the comment must leave details out.")
@click.option("--textconv", is_flag=True,
              help="Print one map file in a normalised, line-per-fact form (git's diff.cjmgen.textconv).")
@click.pass_context
def diff(ctx: click.Context, directory: Path | None, revisions: tuple[str, ...], fmt: str,
         fail_on: str | None, output: Path | None, max_chars: int | None, full_report: str | None,
         textconv: bool) -> None:
    """Show what changed in the journeys between two versions.

    \b
    cjmgen diff                 merge base with the default branch -> working tree
    cjmgen diff main            main -> working tree
    cjmgen diff main feature    two revisions
    cjmgen diff old.md new.md   two map files (or two folders), no git needed
    """
    from cjmgen.build.stageclock import StageClock
    from cjmgen.content.gitio import GitError

    session = open_session(ctx, directory)
    if textconv:
        if len(revisions) != 1:
            raise click.UsageError("--textconv takes exactly one file")
        _textconv(Path(revisions[0]), session.root)
        return
    if len(revisions) > 2:
        raise click.UsageError("give at most two revisions (BASE and HEAD) or two paths")
    clock = StageClock(session.detail)
    config = site_config(session.root)
    clock.lap("read cjmgen.yml")
    paths = [Path(r) for r in revisions]
    try:
        if len(revisions) == 2 and all(_exists(p) for p in paths):
            from cjmgen.review.history import compare_paths

            result = compare_paths(paths[0], paths[1], config)
        else:
            if len(revisions) == 2 and any(_exists(p) for p in paths):
                missing = next(r for r, p in zip(revisions, paths, strict=True) if not _exists(p))
                if missing.endswith(".md"):
                    raise RequestError(f"no such file or folder: {missing}")
            from cjmgen.review.history import compare_revisions

            base = revisions[0] if revisions else None
            head = revisions[1] if len(revisions) == 2 else None
            result = compare_revisions(session.root, config, base, head)
    except GitError as exc:
        raise RequestError(str(exc)) from exc
    clock.lap(f"compared {result.base} with {result.head}: "
              f"{plural(len(result.maps), 'map', 'maps')} changed, {plural(len(result.changes), 'change', 'changes')}")
    text = _render(result, fmt, config, output is None and wants_colour(sys.stdout), max_chars, full_report)
    clock.lap(f"wrote the {fmt} report")
    if output is not None:
        output.write_text(text, encoding="utf-8")
        session.say(f"wrote {output}")
    else:
        click.echo(text, nl=False)
    ctx.exit(EXIT_PROBLEMS if result.fails(fail_on) else EXIT_OK)


def _exists(path: Path) -> bool:
    """Whether a BASE/HEAD argument names a file or folder; a name the system cannot even
    look up (too long, a NUL) is not one, and is then tried as a revision."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _render(result: RepoDiff, fmt: str, config: SiteConfig, colour: bool, max_chars: int | None = None,
            full_report: str | None = None) -> str:
    from cjmgen.review import formats as diff_format
    if fmt == "json":
        return diff_format.format_json(result)
    if fmt == "markdown":
        from cjmgen.site.theme import site_locale

        # The PR comment is read with the site: in its language (the terminal and JSON stay English).
        return diff_format.format_markdown(result, max_chars or diff_format.COMMENT_LIMIT,
                                           locale=site_locale(config), full_report=full_report)
    if fmt == "html":
        from cjmgen.review.page import render_standalone

        return render_standalone(result, config)
    return diff_format.format_text(result, colour)


def _textconv(path: Path, root: Path) -> None:
    """git runs this with a temporary copy of one side; print its normalised form."""
    from cjmgen.review.formats import textconv

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RequestError(f"cannot read {path}: {exc.strerror}") from exc
    config = site_config(root)
    sys.stdout.flush()
    click.echo(textconv(path.name, data, config), nl=False)
