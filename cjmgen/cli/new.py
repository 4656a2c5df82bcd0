"""`cjmgen init` and `cjmgen new map|persona`: files to start from, every field present and commented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cjmgen.cli.common import EXIT_PROBLEMS, Session, open_session, root_option, site_config, verbosity_options
from cjmgen.terminal import printable


@click.command()
@verbosity_options
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
    from cjmgen.content.jsonschema import SCHEMAS, render_schema
    from cjmgen.scaffold.files import init_files, setup_textconv, write_new

    session: Session = ctx.obj  # not open_session: DIRECTORY, not -C, is where the files go
    if (install or no_pdf) and not ci:
        raise click.UsageError("--install and --no-pdf go with --ci github|gitlab")
    files = init_files(title, language, dt.date.today())  # noqa: DTZ011 - the user's own calendar date
    files.update({f".cjmgen/{kind}.schema.json": render_schema(kind) for kind in SCHEMAS})
    if ci:
        from cjmgen.scaffold.ci import ci_files, default_install

        files.update(ci_files(ci, install, pdf=not no_pdf))
        note = None if install else default_install(not no_pdf).note
        if note:
            session.say(f"note: {note}")
    written, skipped = write_new(directory, files, force)
    for name in written:
        session.tell(f"  created {name}")
    for name in skipped:
        session.tell(f"  kept    {name} (exists; --force overwrites)")
    for line in setup_textconv(directory).splitlines():
        session.tell(line)
    session.tell(f"Next: cd {directory} && cjmgen check && cjmgen build")


@click.group()
def new() -> None:
    """Scaffold a map or a persona with every field present and commented."""


@new.command("map")
@root_option
@verbosity_options
@click.argument("path")
@click.option("--title", default=None, help="The map's title.  [default: New journey map]")
@click.option("--persona", default="anna", show_default=True, help="A persona id.")
@click.pass_context
def new_map(ctx: click.Context, directory: Path | None, path: str, title: str | None, persona: str) -> None:
    """Create maps/PATH.md (PATH like b2c/sofa-online)."""
    from cjmgen.scaffold.files import map_text

    session = open_session(ctx, directory)
    config = site_config(session.root)
    relative = path.removesuffix(".md").strip("/")
    if not relative or ".." in Path(relative).parts:
        raise click.UsageError(f"not a map path inside {config.content_dir}/: {path}")
    target = f"{config.content_dir}/{relative}.md"
    depth = target.count("/")
    schema = "../" * depth + ".cjmgen/map.schema.json"
    title = title or ("Новая карта пути" if config.language == "ru" else "New journey map")
    text = map_text(title, persona, dt.date.today(), schema,  # noqa: DTZ011 - the user's own calendar date
                    language=config.language)
    _create(ctx, session, target, text)


@new.command("persona")
@root_option
@verbosity_options
@click.argument("persona_id")
@click.option("--name", default=None, help="The persona's name (default: the id).")
@click.pass_context
def new_persona(ctx: click.Context, directory: Path | None, persona_id: str, name: str | None) -> None:
    """Create maps/personas/PERSONA_ID.md (in the site's language)."""
    from cjmgen.scaffold.files import persona_text

    session = open_session(ctx, directory)
    if not persona_id or "/" in persona_id or persona_id.startswith("."):
        raise click.UsageError(f"not a persona id: {persona_id!r}")
    config = site_config(session.root)
    target = f"{config.content_dir}/personas/{persona_id}.md"
    photo = (config.content_path / "assets" / f"{persona_id}.svg").is_file()  # else the line is a comment
    text = persona_text(persona_id, name or persona_id.title(), config.language, photo=photo)
    _create(ctx, session, target, text)


def _create(ctx: click.Context, session: Session, target: str, text: str) -> None:
    """Write a new file into the repository; an existing one is an error, never overwritten."""
    from cjmgen.scaffold.files import write_new

    written, _ = write_new(session.root, {target: text})
    if not written:
        click.echo(printable(f"{target} exists; not overwritten"), err=True)
        ctx.exit(EXIT_PROBLEMS)
    session.tell(f"created {target}")
