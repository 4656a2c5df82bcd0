"""What every command shares: the session, the options it sets, printing, exit statuses.

A command module holds one command (or a small group): it parses its options,
calls the API and prints through the `Session`, so that `-q` and `-v` mean the
same everywhere and map text never reaches the terminal unescaped.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cjmgen.checks.levels import blocks
from cjmgen.checks.report import Style, format_json, format_text
from cjmgen.diagnostics import Diagnostic, Severity
from cjmgen.terminal import printable

if TYPE_CHECKING:
    from cjmgen.config import SiteConfig

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])


class RequestError(click.ClickException):
    """A problem with the request (git, paths, files), not with the maps: exit 2."""

    exit_code = EXIT_USAGE


@dataclass
class Session:
    """What the group's options decide for every command."""

    root: Path
    debug: bool
    style: Style
    verbosity: int = 0  # -1 with -q (errors and the verdict only), 1 with -v (each stage, timed)

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    def say(self, line: str) -> None:
        """A line of progress or a note: hidden by -q."""
        if self.verbosity >= 0:
            click.echo(printable(line), err=True)  # notes may quote map text (cjmgen.terminal)

    def tell(self, line: str) -> None:
        """A line of progress on standard output (what `init` and `new` created): hidden by -q."""
        if self.verbosity >= 0:
            click.echo(printable(line))

    def detail(self, line: str) -> None:
        """A line for -v only (each stage of the run and its time)."""
        if self.verbosity > 0:
            click.echo(printable(line), err=True)


def wants_colour(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def root_option(command: Command) -> Command:
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


def verbosity_options(command: Command) -> Command:
    """`-q` and `-v`, before or after the command name (as MkDocs' and git's)."""
    command = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity(1),
                           help="Say what each stage did and how long it took.")(command)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_verbosity(-1),
                        help="Print only errors and the final verdict.")(command)


def open_session(ctx: click.Context, directory: Path | None) -> Session:
    """The group's session, moved to `-C DIR` when the command was given one."""
    session: Session = ctx.obj
    if directory is not None:
        session.root = directory
    if not session.root.is_dir():
        raise click.UsageError(f"no such directory: {session.root}")
    return session


def site_config(root: Path) -> SiteConfig:
    """cjmgen.yml of `root`; its problems are `check`'s to report."""
    from cjmgen.config import load_config
    from cjmgen.diagnostics import Diagnostics

    return load_config(root.resolve(), Diagnostics())


def print_diagnostics(session: Session, diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    """Every diagnostic (JSON: always all of them); with -q, the errors only."""
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    if session.quiet:
        diagnostics = [d for d in diagnostics if d.severity == Severity.ERROR]
    if diagnostics:
        click.echo(format_text(diagnostics, session.root, session.style), err=True)


def verdict(diagnostics: list[Diagnostic], strict: bool) -> int:
    return EXIT_PROBLEMS if blocks(diagnostics, strict) else EXIT_OK


def say_missing_libraries(session: Session, keys: list[str]) -> None:
    """Once per command, not once per PDF: which optional library to install, and how."""
    if keys:
        from cjmgen.pdf.libraries import notices

        for line in notices(keys):
            session.say(line)


def shown_path(path: Path) -> str:
    """`path` relative to the working folder when it lies inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_command(group: click.Group, debug: bool) -> int:
    """Run the command line; the exit status. User errors exit 1 or 2 with a message;
    a bug is one line, with its traceback only under --debug."""
    from cjmgen.build.termination import EXIT_TERMINATED, Terminated, end_cleanly_on_sigterm

    end_cleanly_on_sigterm()
    try:
        code = group.main(prog_name="cjmgen", standalone_mode=False)
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
                printable(f"cjmgen: internal error: {type(exc).__name__}: {exc}") + "\n"
                "This is a bug in cjmgen, not in your maps. Run again with --debug for the "
                "traceback and report it.",
                err=True,
            )
        return EXIT_PROBLEMS


def hard_exit(code: int) -> None:
    """Exit without tearing the heap down object by object.

    After a large build the interpreter's shutdown would free the model's small
    objects one by one (docs/benchmarks.md). Every file cjmgen writes is closed
    and every worker pool joined by now, so only the standard streams need
    flushing (mypy ends the same way).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
