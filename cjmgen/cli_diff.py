"""Review commands: `diff` (semantic, between revisions, folders or files), `export`, `import`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cjmgen.report import plural

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class ReviewError(click.ClickException):
    """A problem with the request (git, paths), not with the maps: exit 2."""

    exit_code = EXIT_USAGE


def _config(root: Path):  # type: ignore[no-untyped-def]
    from cjmgen.config import load_config
    from cjmgen.diagnostics import Diagnostics

    return load_config(root.resolve(), Diagnostics())


def _colour(output: Path | None) -> bool:
    from cjmgen.cli import _wants_colour

    return output is None and _wants_colour(sys.stdout)


def register(group: click.Group) -> None:
    """Add the review commands to the `cjmgen` group."""
    from cjmgen.cli import _root_option, _session

    @group.command("diff")
    @_root_option
    @click.argument("revisions", nargs=-1, metavar="[BASE [HEAD]]")
    @click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default="text",
                  show_default=True, help="text for a terminal, markdown for a PR comment, json for tools, html to look at.")
    @click.option("--fail-on", type=click.Choice(["warning", "error"]), default=None,
                  help="Exit 1 when a change is at least this severe (for CI).")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write to this file instead of standard output.")
    @click.option("--textconv", is_flag=True,
                  help="Print one map file in a normalised, line-per-fact form (git's diff.cjmgen.textconv).")
    @click.pass_context
    def diff(ctx: click.Context, directory: Path | None, revisions: tuple[str, ...], fmt: str,
             fail_on: str | None, output: Path | None, textconv: bool) -> None:
        """Show what changed in the journeys between two versions.

        \b
        cjmgen diff                 merge base with the default branch -> working tree
        cjmgen diff main            main -> working tree
        cjmgen diff main feature    two revisions
        cjmgen diff old.md new.md   two map files (or two folders), no git needed
        """
        from cjmgen.gitio import GitError

        session = _session(ctx, directory)
        if textconv:
            if len(revisions) != 1:
                raise click.UsageError("--textconv takes exactly one file")
            _textconv(Path(revisions[0]), session.root)
            return
        if len(revisions) > 2:
            raise click.UsageError("give at most two revisions (BASE and HEAD) or two paths")
        config = _config(session.root)
        paths = [Path(r) for r in revisions]
        try:
            if len(revisions) == 2 and all(p.exists() for p in paths):
                from cjmgen.history import compare_paths

                result = compare_paths(paths[0], paths[1], config)
            else:
                if len(revisions) == 2 and any(p.exists() for p in paths):
                    missing = next(r for r, p in zip(revisions, paths) if not p.exists())
                    if missing.endswith(".md"):
                        raise ReviewError(f"no such file or folder: {missing}")
                from cjmgen.history import compare_revisions

                base = revisions[0] if revisions else None
                head = revisions[1] if len(revisions) == 2 else None
                result = compare_revisions(session.root, config, base, head)
        except GitError as exc:
            raise ReviewError(str(exc)) from exc
        text = _render(result, fmt, config, _colour(output))
        if output is not None:
            output.write_text(text, encoding="utf-8")
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
        ctx.exit(EXIT_PROBLEMS if result.fails(fail_on) else EXIT_OK)

    @group.command("export")
    @_root_option
    @click.argument("maps", nargs=-1, metavar="[MAP...]")
    @click.option("--format", "fmt", type=click.Choice(["mermaid", "json", "csv"]), required=True,
                  help="mermaid: a journey diagram; json: the full model; csv: KPIs and funnel.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write to this file instead of standard output.")
    @click.option("--excel", is_flag=True,
                  help="CSV for Excel in a Russian (decimal-comma) locale: BOM, ';' and decimal commas.")
    @click.pass_context
    def export(ctx: click.Context, directory: Path | None, maps: tuple[str, ...], fmt: str,
               output: Path | None, excel: bool) -> None:
        """Export maps (ids or files; default: all) as Mermaid, JSON or CSV."""
        from cjmgen.export import ExportError, export_maps, select_maps
        from cjmgen.project import load_project

        if excel and fmt != "csv":
            raise click.UsageError("--excel goes with --format csv")
        session = _session(ctx, directory)
        project = load_project(session.root)
        try:
            chosen = select_maps(project.repo, maps, session.root)
        except ExportError as exc:
            raise ReviewError(str(exc)) from exc
        text = export_maps(project.repo, chosen, fmt, excel)
        if output is not None:
            output.write_text(text, encoding="utf-8", newline="")
            click.echo(f"wrote {output} ({plural(len(chosen), 'map', 'maps')})", err=True)
        else:
            click.echo(text, nl=False)

    @group.group("import")
    def import_group() -> None:
        """Create maps from other tools' formats."""

    @import_group.command("mermaid")
    @_root_option
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("-o", "--output", default=None,
                  help="The map file to create (default: maps/<title>.md); - prints it.")
    @click.option("--persona", default=None, help="A persona id for the new map.")
    @click.option("--force", is_flag=True, help="Overwrite the map file if it exists.")
    @click.pass_context
    def import_mermaid(ctx: click.Context, directory: Path | None, file: Path, output: str | None,
                       persona: str | None, force: bool) -> None:
        """Turn a Mermaid journey diagram into a map (sections -> stages, scores -> emotions)."""
        from cjmgen.mermaid import MermaidError, journey_to_map, parse_mermaid
        from cjmgen.site import slugify

        session = _session(ctx, directory)
        source = file if file.is_absolute() or file.exists() else session.root / file
        if not source.is_file():
            raise ReviewError(f"no such file: {file}")
        try:
            journey = parse_mermaid(source.read_text(encoding="utf-8-sig"))
        except MermaidError as exc:
            raise ReviewError(f"{file}: {exc}") from exc
        text = journey_to_map(journey, persona)
        if output == "-":
            click.echo(text, nl=False)
            return
        config = _config(session.root)
        if output is None:
            target = session.root / config.content_dir / f"{slugify(journey.title or file.stem)}.md"
        else:
            target = Path(output) if Path(output).is_absolute() else Path.cwd() / output
        if target.exists() and not force:
            raise ReviewError(f"{target} exists; --force overwrites it")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"created {target} with {plural(len(journey.sections), 'stage', 'stages')}")


def _render(result, fmt: str, config, colour: bool) -> str:  # type: ignore[no-untyped-def]
    from cjmgen import diff_format

    if fmt == "json":
        return diff_format.format_json(result)
    if fmt == "markdown":
        from cjmgen.i18n import Locale

        # The PR comment is read with the site: in its language (the terminal and JSON stay English).
        return diff_format.format_markdown(result, locale=Locale(config.language))
    if fmt == "html":
        from cjmgen.diff_html import render_standalone

        return render_standalone(result, config)
    return diff_format.format_text(result, colour)


def _textconv(path: Path, root: Path) -> None:
    """git runs this with a temporary copy of one side; print its normalised form."""
    from cjmgen.diff_format import textconv

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewError(f"cannot read {path}: {exc.strerror}") from exc
    config = _config(root)
    sys.stdout.flush()
    click.echo(textconv(path.name, data, config), nl=False)
