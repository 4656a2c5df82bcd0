"""The `cjmgen` command group: its own options, and the map of every command's module.

The only code that imports click, prints and picks exit statuses is in this
package; each command lives in its own module and imports its heavy parts only
when it runs, so that `cjmgen --help` and `cjmgen check` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cjmgen import __version__
from cjmgen.checks.report import Style
from cjmgen.cli import build, check, diff, interchange, new, pdf, schema, serve
from cjmgen.cli.common import Session, hard_exit, run_command, wants_colour


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="cjmgen")
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Run as if cjmgen was started in DIR (like git -C).")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an internal error.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final verdict.")
@click.option("-v", "--verbose", is_flag=True, help="Say what each stage did and how long it took.")
@click.option("--allow-outside-content", is_flag=True,
              help="Read a content folder outside the repository (content_dir elsewhere, maps/ a link).")
@click.pass_context
def cli(ctx: click.Context, directory: Path, debug: bool, quiet: bool, verbose: bool,
        allow_outside_content: bool) -> None:
    """Customer Journey Maps kept as text in git: check, publish, print, review."""
    from cjmgen.config import ALLOW_OUTSIDE_CONTENT

    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other: give one")
    if allow_outside_content:  # the setting itself, so that every command and worker of this run sees it
        os.environ[ALLOW_OUTSIDE_CONTENT] = "1"
    ctx.obj = Session(directory, debug, Style(wants_colour(sys.stderr)), -1 if quiet else int(verbose))


cli.add_command(new.init)  # a new repository
cli.add_command(new.new)  # a new map or persona in it
cli.add_command(check.check)
cli.add_command(build.build)
cli.add_command(schema.schema)  # JSON Schemas for editors
cli.add_command(serve.serve)  # the live preview
cli.add_command(pdf.pdf)  # infographics, posters, the training handout
cli.add_command(diff.diff)  # reviewing maps in git
cli.add_command(interchange.export)  # to other tools
cli.add_command(interchange.import_group)  # from other tools


def main() -> None:
    """Entry point: user errors exit 1 or 2 with a message; a traceback only with --debug."""
    debug = "--debug" in sys.argv[1:] or bool(os.environ.get("CJMGEN_DEBUG"))
    hard_exit(run_command(cli, debug))
