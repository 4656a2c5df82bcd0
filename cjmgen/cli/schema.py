"""`cjmgen schema`: the JSON Schema of map, persona and channel files, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from cjmgen.cli.common import open_session, root_option, site_config, verbosity_options


@click.command()
@root_option
@verbosity_options
@click.argument("kind", type=click.Choice(["map", "persona", "channels"]), default="map")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write all three schemas into this folder instead of printing one.")
@click.pass_context
def schema(ctx: click.Context, directory: Path | None, kind: str, output: Path | None) -> None:
    """Print the JSON Schema of map, persona or channel files (for editors)."""
    from cjmgen.content.jsonschema import SCHEMAS, render_schema

    session = open_session(ctx, directory)
    config = site_config(session.root)
    lanes, scale = dict(config.lanes), config.emotion_scale
    if output is None:
        click.echo(render_schema(kind, lanes, scale), nl=False)
        return
    output.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        (output / f"{name}.schema.json").write_text(render_schema(name, lanes, scale), encoding="utf-8")
        session.tell(f"wrote {output / f'{name}.schema.json'}")
