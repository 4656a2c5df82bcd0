"""`cjmgen serve`: the live preview (the server itself lives in cjmgen/serve/)."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from cjmgen.cli.common import EXIT_OK, open_session, print_diagnostics, root_option, verbosity_options


@click.command()
@root_option
@verbosity_options
@click.option("-a", "--dev-addr", "dev_addr", metavar="HOST:PORT", default=None,
              help="Address and port to serve on, as MkDocs' (default 127.0.0.1:8000); "
                   "other than loopback is shared on the network.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; other than loopback is shared on the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the browser.")
@click.option("--pdf", is_flag=True, help="Render PDFs on every save (default: when their URL is requested).")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Show maps with status: draft.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Keep nothing between rebuilds and nothing in .cjmgen-cache (as CJMGEN_NO_CACHE=1).")
@click.pass_context
def serve(ctx: click.Context, directory: Path | None, dev_addr: str | None, host: str, port: int,
          open_browser: bool, pdf: bool, drafts: bool, no_cache: bool) -> None:
    """Preview the site while you write: rebuilds on save and reloads the page."""
    from cjmgen.serve.address import AddressError, is_loopback, split_address
    from cjmgen.serve.preview import interrupt_on_sigterm, open_preview

    session = open_session(ctx, directory)
    if dev_addr is not None:
        given = [name for name in ("host", "port")
                 if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT]
        if given:
            raise click.UsageError(f"-a HOST:PORT and --{given[0]} both say where to listen: give one")
        try:
            host, port = split_address(dev_addr)
        except AddressError as exc:
            raise click.BadParameter(str(exc), param_hint="'-a'") from None
    server = open_preview(session.root, host, port, drafts=drafts, eager_pdf=pdf, no_cache=no_cache,
                          log=session.say, stages=session.detail,
                          show_problems=lambda found: print_diagnostics(session, found))
    if not is_loopback(host):
        warning = f"warning: serving on {host}: anyone on the network can read the maps"
        click.echo(session.style(warning, "warning"), err=True)
    try:
        url = server.start()
    except OSError as exc:
        server.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    interrupt_on_sigterm()
    try:  # from here on, Ctrl-C at any moment ends in close(): no folder is left behind
        session.say(f"Watching {', '.join(str(p) for p in server.watched())}. Ctrl-C stops.")
        click.echo(session.style(f"Serving {url}", "ok"), err=True)
        if open_browser:
            webbrowser.open(url)
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()
    ctx.exit(EXIT_OK)
