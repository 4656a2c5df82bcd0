"""The command line: the only module that imports click, prints, and picks exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cjmgen import __version__
from cjmgen.checks.levels import blocks
from cjmgen.checks.report import Style, counts, format_json, format_text, plural, summary
from cjmgen.diagnostics import Diagnostic, Severity
from cjmgen.terminal import printable

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@dataclass
class Session:
    """What the group's options decide for every command."""

    root: Path
    debug: bool
    style: Style
    verbosity: int = 0  # -1 with -q (errors and the verdict only), 1 with -v (each stage, timed)

    def say(self, line: str) -> None:
        """A line of progress or a note: hidden by -q."""
        if self.verbosity >= 0:
            click.echo(printable(line), err=True)  # notes may quote map text (cjmgen.terminal)

    def detail(self, line: str) -> None:
        """A line for -v only (each stage of the run and its time)."""
        if self.verbosity > 0:
            click.echo(line, err=True)


def _wants_colour(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _root_option(command: Callable) -> Callable:
    """`-C DIR` works before or after the command name, as with git."""
    return click.option(
        "-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Run as if cjmgen was started in DIR.",
    )(command)


def _set_verbosity(level: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def store(ctx: click.Context, param: click.Parameter, given: bool) -> None:
        if given:
            session = ctx.find_object(Session)
            if session is not None:
                session.verbosity = level
    return store


def _verbosity_options(command: Callable) -> Callable:
    """`-q` and `-v`, before or after the command name (as MkDocs' and git's)."""
    command = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity(1),
                           help="Say what each stage did and how long it took.")(command)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_verbosity(-1),
                        help="Print only errors and the final verdict.")(command)


def _session(ctx: click.Context, directory: Path | None) -> Session:
    session: Session = ctx.obj
    if directory is not None:
        session.root = directory
    if not session.root.is_dir():
        raise click.UsageError(f"no such directory: {session.root}")
    return session


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
    ctx.obj = Session(directory, debug, Style(_wants_colour(sys.stderr)), -1 if quiet else int(verbose))


def print_diagnostics(session: Session, diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    """Every diagnostic (JSON: always all of them); with -q, the errors only."""
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    if session.verbosity < 0:
        diagnostics = [d for d in diagnostics if d.severity == Severity.ERROR]
    if diagnostics:
        click.echo(format_text(diagnostics, session.root, session.style), err=True)


def verdict(diagnostics: list[Diagnostic], strict: bool) -> int:
    return EXIT_PROBLEMS if blocks(diagnostics, strict) else EXIT_OK


@cli.command()
@_root_option
@_verbosity_options
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (as `strict: true` in cjmgen.yml).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for CI tools.")
@click.pass_context
def check(ctx: click.Context, directory: Path | None, strict: bool, fmt: str) -> None:
    """Validate the map repository without writing anything."""
    from cjmgen.checks.parallel import check_project

    session = _session(ctx, directory)
    outcome = check_project(session.root, stages=session.detail)
    diagnostics = outcome.diagnostics.sorted()
    print_diagnostics(session, diagnostics, fmt)
    if outcome.note:
        click.echo(outcome.note, err=True)
    if fmt == "text":
        scope = f"{plural(outcome.maps, 'map', 'maps')}, {plural(outcome.personas, 'persona', 'personas')}"
        click.echo(f"checked {scope}: {summary(diagnostics, session.style)}", err=True)
    ctx.exit(verdict(diagnostics, strict or outcome.strict))


def _check_site_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from cjmgen.config import normalise_site_url

    if value is not None and normalise_site_url(value) is None:
        raise click.BadParameter(f"expected an absolute http(s) address such as https://team.github.io/maps/, "
                                 f"got '{value}'")
    return value


@cli.command()
@_root_option
@_verbosity_options
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
    from cjmgen.build.pipeline import BuildOptions
    from cjmgen.build.pipeline import build as run_build

    session = _session(ctx, directory)
    options = BuildOptions(
        output=(output if output is None or output.is_absolute() else Path.cwd() / output),
        base_url=base_url, site_url=site_url, drafts=drafts, strict=strict, pdf=not no_pdf, compare=compare,
        progress=session.say, stages=session.detail,
    )
    result = run_build(session.root, options, no_cache=no_cache)
    print_diagnostics(session, result.diagnostics)
    for note in result.notes:
        session.say(note)
    _say_missing_libraries(session, result.fallbacks)
    found = counts(result.diagnostics)
    errors, warnings = found[Severity.ERROR], found[Severity.WARNING]
    if result.written:
        pdfs = f" ({plural(result.pdfs, 'PDF', 'PDFs')}, {result.pdfs_rendered} rendered)" if result.pdfs else ""
        line = (f"wrote {plural(result.pages, 'page', 'pages')}{pdfs} for {plural(result.maps, 'map', 'maps')} "
                f"to {_shown(result.output)} in {result.seconds:.2f} s, {plural(warnings, 'warning', 'warnings')}")
        click.echo(session.style(line, "ok"), err=True)
    else:
        reason = plural(errors, "error", "errors") if errors else f"{plural(warnings, 'warning', 'warnings')} (--strict)"
        click.echo(session.style(f"build failed: {reason}; the published site was not changed", "error"), err=True)
    ctx.exit(EXIT_OK if result.written else EXIT_PROBLEMS)


def _say_missing_libraries(session: Session, keys: list[str]) -> None:
    """Once per command, not once per PDF: which optional library to install, and how."""
    if keys:
        from cjmgen.pdf.libraries import notices

        for line in notices(keys):
            session.say(line)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", default=None, help="The site's title.  [default: Customer journey maps, "
              "in Russian Карты пути клиента]")
@click.option("--language", type=click.Choice(["en", "ru"]), default="en", show_default=True,
              help="The site's language, and the language of the example map, persona and channels.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--ci", type=click.Choice(["github", "gitlab"]), default=None,
              help="Also write a CI workflow: check on push, diff as a PR comment, publish.")
@click.option("--install", "install", metavar="SPEC", default=None,
              help="What the CI's pip installs, e.g. 'cjmgen[pdf] @ git+https://...'  "
                   "[default: this cjmgen, exactly]")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="The CI publishes the site without PDFs.")
@click.pass_context
def init(ctx: click.Context, directory: Path, title: str | None, language: str, force: bool,
         ci: str | None, install: str | None, no_pdf: bool) -> None:
    """Create a new map repository in DIRECTORY (default: here)."""
    import datetime as dt

    from cjmgen.content.jsonschema import SCHEMAS, render_schema
    from cjmgen.scaffold.files import init_files, write_new

    files = init_files(title, language, dt.date.today())
    files.update({f".cjmgen/{kind}.schema.json": render_schema(kind) for kind in SCHEMAS})
    if (install or no_pdf) and not ci:
        raise click.UsageError("--install and --no-pdf go with --ci github|gitlab")
    if ci:
        from cjmgen.scaffold.ci import ci_files, default_install

        files.update(ci_files(ci, install, pdf=not no_pdf))
        note = None if install else default_install(not no_pdf).note
        if note:
            click.echo(f"note: {note}", err=True)
    written, skipped = write_new(directory, files, force)
    for name in written:
        click.echo(f"  created {name}")
    for name in skipped:
        click.echo(f"  kept    {name} (exists; --force overwrites)")
    from cjmgen.scaffold.files import setup_textconv

    click.echo(setup_textconv(directory))
    click.echo(f"Next: cd {directory} && cjmgen check && cjmgen build")


@cli.group()
def new() -> None:
    """Scaffold a map or a persona with every field present and commented."""


@new.command("map")
@_root_option
@click.argument("path")
@click.option("--title", default=None, help="The map's title.  [default: New journey map]")
@click.option("--persona", default="anna", show_default=True, help="A persona id.")
@click.pass_context
def new_map(ctx: click.Context, directory: Path | None, path: str, title: str | None, persona: str) -> None:
    """Create maps/PATH.md (PATH like b2c/sofa-online)."""
    import datetime as dt

    from cjmgen.config import load_config
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.scaffold.files import map_text, write_new

    session = _session(ctx, directory)
    config = load_config(session.root.resolve(), Diagnostics())
    relative = path.removesuffix(".md").strip("/")
    if not relative or ".." in Path(relative).parts:
        raise click.UsageError(f"not a map path inside {config.content_dir}/: {path}")
    target = f"{config.content_dir}/{relative}.md"
    depth = target.count("/")
    schema = "../" * depth + ".cjmgen/map.schema.json"
    title = title or ("Новая карта пути" if config.language == "ru" else "New journey map")
    text = map_text(title, persona, dt.date.today(), schema, language=config.language)
    written, _ = write_new(session.root, {target: text})
    if not written:
        click.echo(f"{target} exists; not overwritten", err=True)
        ctx.exit(EXIT_PROBLEMS)
    click.echo(f"created {target}")


@new.command("persona")
@_root_option
@click.argument("persona_id")
@click.option("--name", default=None, help="The persona's name (default: the id).")
@click.pass_context
def new_persona(ctx: click.Context, directory: Path | None, persona_id: str, name: str | None) -> None:
    """Create maps/personas/PERSONA_ID.md (in the site's language)."""
    from cjmgen.config import load_config
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.scaffold.files import persona_text, write_new

    session = _session(ctx, directory)
    if not persona_id or "/" in persona_id or persona_id.startswith("."):
        raise click.UsageError(f"not a persona id: {persona_id!r}")
    config = load_config(session.root.resolve(), Diagnostics())
    target = f"{config.content_dir}/personas/{persona_id}.md"
    photo = (config.content_path / "assets" / f"{persona_id}.svg").is_file()  # else the line is a comment
    text = persona_text(persona_id, name or persona_id.title(), config.language, photo=photo)
    written, _ = write_new(session.root, {target: text})
    if not written:
        click.echo(f"{target} exists; not overwritten", err=True)
        ctx.exit(EXIT_PROBLEMS)
    click.echo(f"created {target}")


@cli.command()
@_root_option
@click.argument("kind", type=click.Choice(["map", "persona", "channels"]), default="map")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write all three schemas into this folder instead of printing one.")
@click.pass_context
def schema(ctx: click.Context, directory: Path | None, kind: str, output: Path | None) -> None:
    """Print the JSON Schema of map, persona or channel files (for editors)."""
    from cjmgen.config import load_config
    from cjmgen.content.jsonschema import SCHEMAS, render_schema
    from cjmgen.diagnostics import Diagnostics

    session = _session(ctx, directory)
    lanes = dict(load_config(session.root.resolve(), Diagnostics()).lanes)
    if output is None:
        click.echo(render_schema(kind, lanes), nl=False)
        return
    output.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        (output / f"{name}.schema.json").write_text(render_schema(name, lanes), encoding="utf-8")
        click.echo(f"wrote {output / f'{name}.schema.json'}")


# Command groups of other features live in their own modules and add themselves
# here, so that this file stays the map of the command line. Each `cli_*.py`
# exposes `register(group)` and imports its heavy parts only when a command runs.
def _register_commands() -> None:
    from cjmgen.cli import diff as cli_diff
    from cjmgen.cli import interchange as cli_interchange
    from cjmgen.cli import pdf as cli_pdf
    from cjmgen.cli import serve as cli_serve
    cli_diff.register(cli)  # diff: reviewing maps in git
    cli_interchange.register(cli)  # export, import: to and from other tools
    cli_pdf.register(cli)  # pdf: infographics, posters, the training handout
    cli_serve.register(cli)  # serve: the live preview


_register_commands()


def main() -> None:
    """Entry point: user errors exit 1 or 2 with a message; a traceback only with --debug."""
    debug = "--debug" in sys.argv[1:] or bool(os.environ.get("CJMGEN_DEBUG"))
    hard_exit(run_command(debug))


def run_command(debug: bool) -> int:
    """Run the command line; the exit status."""
    from cjmgen.build.termination import EXIT_TERMINATED, Terminated, end_cleanly_on_sigterm

    end_cleanly_on_sigterm()
    try:
        code = cli.main(prog_name="cjmgen", standalone_mode=False)
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        return 130
    except Terminated:
        click.echo("cjmgen: stopped (SIGTERM)", err=True)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the one place that turns bugs into a message
        if debug:
            traceback.print_exc()
        else:
            click.echo(
                f"cjmgen: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in cjmgen, not in your maps. Run again with --debug for the "
                "traceback and report it.",
                err=True,
            )
        return EXIT_PROBLEMS


def hard_exit(code: int) -> None:
    """Exit without tearing the heap down object by object.

    After a build of 1,000 maps the interpreter's shutdown freed the model, some
    260 MB of small objects, one by one: 1.1 s, a tenth of the build (measured).
    Every file cjmgen writes is closed and every worker pool joined by now, so
    only the standard streams need flushing (mypy ends the same way).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(code)
