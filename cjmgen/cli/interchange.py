"""`cjmgen export` (Mermaid, JSON, CSV, slides as SVG, PNG, pptx) and `cjmgen import mermaid`:
to and from other tools."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cjmgen.checks.report import plural
from cjmgen.cli.common import RequestError, Session, open_session, root_option, site_config, verbosity_options

if TYPE_CHECKING:
    from cjmgen.content.model import Map
    from cjmgen.content.repository import Repository
    from cjmgen.interchange.mermaid_import import MapFile

#: The export formats that are slides, written as files into --output-dir.
SLIDE_FORMATS = ("svg", "png", "pptx")


@click.command("export")
@root_option
@verbosity_options
@click.argument("maps", nargs=-1, metavar="[MAP...]")
@click.option("--format", "fmt",
              type=click.Choice(["mermaid", "json", "csv", "opportunities", "measures", "measures-json",
                                 *SLIDE_FORMATS]),
              required=True,
              help="mermaid: journey diagrams; json: the full model; csv: KPIs and funnel; "
                   "opportunities: tracked opportunities as CSV; measures, measures-json: every measured KPI "
                   "value and count, a row per period; "
                   "svg, png: 16:9 slides of the grid and each chart; pptx: a deck of them (--output-dir).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="mermaid: one diagram file a map, DIR/<map id>.mmd; svg, png: DIR/<map id>/<slide>.svg; "
                   "pptx: DIR/<map id>.pptx.")
@click.option("--excel", is_flag=True,
              help="CSV for Excel in a Russian (decimal-comma) locale: BOM, ';' and decimal commas.")
@click.pass_context
def export(ctx: click.Context, directory: Path | None, maps: tuple[str, ...], fmt: str,
           output: Path | None, output_dir: Path | None, excel: bool) -> None:
    """Export maps (ids or files; default: all) as Mermaid, JSON, CSV or slides.

    Mermaid: one map is one diagram; several are a Markdown document with a
    ```mermaid fence a map, or one .mmd file a map with --output-dir.
    Slides (svg, png, pptx) go into --output-dir: docs/reach.md.
    """
    from cjmgen.build.stageclock import StageClock
    from cjmgen.content.project import load_project
    from cjmgen.interchange.export import ExportError, export_maps, mermaid_diagram, select_maps
    from cjmgen.interchange.measures_export import export_measures

    if excel and fmt not in ("csv", "opportunities", "measures"):
        raise click.UsageError("--excel goes with --format csv, opportunities or measures")
    session = open_session(ctx, directory)
    clock = StageClock(session.detail)
    project = load_project(session.root)
    try:
        chosen = select_maps(project.repo, maps, session.root)
    except ExportError as exc:
        raise RequestError(str(exc)) from exc
    clock.lap(f"read {plural(len(project.repo.maps), 'map', 'maps')}, chose {len(chosen)}")
    if fmt in SLIDE_FORMATS:
        if output_dir is None or output is not None:
            raise click.UsageError(f"--format {fmt} writes files: give --output-dir DIR (and no --output)")
        written = _export_slides(project.repo, chosen, fmt, output_dir)
        clock.lap(f"wrote {plural(written, 'file', 'files')}")
        session.say(f"wrote {plural(written, 'file', 'files')} for {plural(len(chosen), 'map', 'maps')} "
                    f"into {output_dir}")
        return
    if output_dir is not None:
        if fmt != "mermaid" or output is not None:
            raise click.UsageError("--output-dir writes Mermaid diagrams only, and not with --output")
        for journey_map in chosen:
            target = output_dir / f"{journey_map.id}.mmd"
            if not _inside(target, output_dir):
                raise RequestError(f"map id '{journey_map.id}' would leave {output_dir}")
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_new(target, f"%% {journey_map.id}\n" + mermaid_diagram(project.repo, journey_map), True)
        clock.lap(f"wrote {plural(len(chosen), 'diagram', 'diagrams')}")
        session.say(f"wrote {plural(len(chosen), 'diagram', 'diagrams')} into {output_dir}")
        return
    if fmt.startswith("measures"):
        text = export_measures(project.repo, chosen, fmt, excel)
    else:
        text = export_maps(project.repo, chosen, fmt, excel)
    clock.lap(f"exported {plural(len(chosen), 'map', 'maps')} as {fmt}")
    if output is not None:
        output.write_text(text, encoding="utf-8", newline="")
        session.say(f"wrote {output} ({plural(len(chosen), 'map', 'maps')})")
    else:
        click.echo(text, nl=False)


def _export_slides(repo: Repository, chosen: list[Map], fmt: str, output_dir: Path) -> int:
    """Each map's slides into DIR/<map id>/ (svg, png) or DIR/<map id>.pptx; the number of files."""
    from cjmgen.i18n.labels import Locale
    from cjmgen.interchange.deck import map_deck
    from cjmgen.interchange.extras import MissingExtra
    from cjmgen.interchange.raster import slide_pngs
    from cjmgen.interchange.slides import map_slides

    locale = Locale(repo.config.language)
    names = {key: channel.name for key, channel in (repo.channels or {}).items()}
    written = 0
    for journey_map in chosen:
        slides = map_slides(journey_map, locale, names)
        folder = output_dir / journey_map.id
        if not _inside(folder, output_dir):
            raise RequestError(f"map id '{journey_map.id}' would leave {output_dir}")
        files: list[tuple[Path, bytes]]
        try:
            if fmt == "svg":
                files = [(folder / f"{s.name}.svg", s.svg.encode()) for s in slides]
            else:
                pngs = slide_pngs([s.svg for s in slides])
                if fmt == "png":
                    files = [(folder / f"{s.name}.png", png) for s, png in zip(slides, pngs, strict=True)]
                else:
                    own = locale.in_language(journey_map.language) if journey_map.language else locale
                    subtitle = own.label("slide_deck", stages=len(journey_map.stages),
                                         date=own.date(journey_map.reviewed) if journey_map.reviewed else "—")
                    deck = map_deck(journey_map, subtitle,
                                    [(s.title, png) for s, png in zip(slides, pngs, strict=True)])
                    files = [(output_dir / f"{journey_map.id}.pptx", deck)]
        except MissingExtra as exc:
            raise RequestError(str(exc)) from None
        for target, data in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_bytes(target, data)
        written += len(files)
    return written


@click.group("import")
def import_group() -> None:
    """Create maps from other tools' formats."""


@import_group.command("mermaid")
@root_option
@verbosity_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", default=None,
              help="The map file to create (default: maps/<title>.md); - prints it.")
@click.option("--all", "take_all", is_flag=True, help="Import every journey fence of a Markdown file.")
@click.option("--pick", type=click.IntRange(min=1), default=None, metavar="N",
              help="Import the N-th journey fence of a Markdown file.")
@click.option("--actors", type=click.Choice(["tags", "touchpoints", "personas"]), default="tags",
              show_default=True, help="Where the diagram's actors go besides each action's `actors`.")
@click.option("--persona", default=None, help="A persona id for the new map.")
@click.option("--force", is_flag=True, help="Overwrite the map file if it exists.")
@click.pass_context
def import_mermaid(ctx: click.Context, directory: Path | None, file: Path, output: str | None,
                   take_all: bool, pick: int | None, actors: str, persona: str | None, force: bool) -> None:
    """Turn Mermaid journey diagrams into maps (sections -> stages, tasks -> actions with their scores)."""
    from cjmgen.build.stageclock import StageClock
    from cjmgen.interchange.mermaid_import import MermaidImportError, file_name, journey_to_map, read_journeys

    session = open_session(ctx, directory)
    clock = StageClock(session.detail)
    source = file if file.is_absolute() or file.exists() else session.root / file
    if not source.is_file():
        raise RequestError(f"no such file: {file}")
    try:
        journeys = read_journeys(source, str(file))
    except MermaidImportError as exc:
        raise RequestError(str(exc)) from None
    if pick is not None:
        if pick > len(journeys):
            raise RequestError(f"{file} has {len(journeys)} journey diagrams; --pick {pick} is not one of them")
        journeys = [journeys[pick - 1]]
    elif len(journeys) > 1 and not take_all:
        lines = ", ".join(str(j.line) for j in journeys)
        raise RequestError(f"{file} has {len(journeys)} journey diagrams (at lines {lines}); "
                           "import them all with --all or one with --pick N")
    if len(journeys) > 1 and output is not None and output != "-":
        raise RequestError("several diagrams make several maps: leave out -o (each goes to maps/<title>.md)")
    config = site_config(session.root)
    content = session.root / config.content_dir
    catalog = _channel_ids(content) if actors == "touchpoints" else None
    known = {p.stem for p in (content / "personas").glob("*.md")} if (content / "personas").is_dir() else set()
    made = []
    for journey in journeys:
        try:
            made.append(journey_to_map(journey, file=str(file), persona=persona, actors=actors,
                                       channels=catalog, personas=known, language=config.language))
        except MermaidImportError as exc:
            raise RequestError(str(exc)) from None
    clock.lap(f"read {plural(len(journeys), 'journey diagram', 'journey diagrams')} and made "
              f"{plural(len(made), 'map', 'maps')}")
    if output == "-":
        for result in made:
            click.echo(result.text, nl=False)
        _warn(session, made)
        return
    targets: list[Path] = []
    for result in made:
        if output is not None:
            target = Path(output) if Path(output).is_absolute() else Path.cwd() / output
        else:
            stem = file_name(result.journey, file.stem)
            target = content / f"{stem}.md"
            number = 2
            while target in targets or (target.exists() and not force and len(made) > 1):
                target = content / f"{stem}-{number}.md"
                number += 1
            if target.is_symlink():
                raise RequestError(f"{target} is a symbolic link; cjmgen does not write through it")
            if not _inside(target, content):
                raise RequestError(f"{target} is outside {content}")
        targets.append(target)
    for target in targets:
        if target.exists() and not force:
            raise RequestError(f"{target} exists; --force overwrites it")
    content.mkdir(parents=True, exist_ok=True)
    for result, target in zip(made, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_new(target, result.text, force)
        for persona_id, text in result.personas.items():
            persona_file = content / "personas" / f"{persona_id}.md"
            persona_file.parent.mkdir(exist_ok=True)
            if not persona_file.exists():
                _write_new(persona_file, text, False)
                session.tell(f"created {persona_file}")
        session.tell(f"created {target} with {plural(len(result.journey.sections), 'stage', 'stages')}")
    clock.lap(f"wrote {plural(len(targets), 'map file', 'map files')}")
    _warn(session, made)


def _write_new(target: Path, text: str, force: bool) -> None:
    """Write a file cjmgen makes, never through a symlink; an existing file only with --force."""
    if target.is_symlink():
        raise RequestError(f"{target} is a symbolic link; cjmgen does not write through it")
    if target.exists() and not force:
        raise RequestError(f"{target} exists; --force overwrites it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(target, flags, 0o644)
    except OSError as exc:
        reason = "the name is too long" if exc.errno == errno.ENAMETOOLONG else exc.strerror
        raise RequestError(f"cannot write {target}: {reason}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _write_bytes(target: Path, data: bytes) -> None:
    """Write an exported file, never through a symlink (an earlier export's file is replaced)."""
    if target.is_symlink():
        raise RequestError(f"{target} is a symbolic link; cjmgen does not write through it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(target, flags, 0o644)
    except OSError as exc:
        raise RequestError(f"cannot write {target}: {exc.strerror}") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _channel_ids(content: Path) -> set[str] | None:
    """The ids of the channel catalog, or None when the repository has none (channels are free text)."""
    import yaml

    catalog = content / "channels.yml"
    if not catalog.is_file():
        return None
    try:
        data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return set()
    return {str(key) for key in data} if isinstance(data, dict) else set()


def _warn(session: Session, made: list[MapFile]) -> None:
    """What the import could not carry over, by line of the diagram: warnings, hidden by -q."""
    def line_of(warning: str) -> int:
        number = warning.partition(": ")[0].rpartition(":")[2]
        return int(number) if number.isdigit() else 0

    for result in made:
        for warning in sorted(result.warnings, key=line_of):
            where, _, message = warning.partition(": ")
            session.say(f"{where}: warning: {message}")
