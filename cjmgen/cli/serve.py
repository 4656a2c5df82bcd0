"""`cjmgen serve`: the live preview command."""

from __future__ import annotations

import ipaddress
import signal
import webbrowser
from pathlib import Path

import click


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` (MkDocs' --dev-addr): `127.0.0.1:8000`, `0.0.0.0:8080`, `[::1]:8000`, `:8000`."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or int(port) > 65535:
        raise click.BadParameter(f"expected HOST:PORT like 127.0.0.1:8000, got '{text}'", param_hint="'-a'")
    bracketed = host.startswith("[") and host.endswith("]")
    host = host[1:-1] if bracketed else host
    if ":" in host and not (bracketed and _is_ip(host)):
        raise click.BadParameter(f"expected HOST:PORT (an IPv6 host in brackets: [::1]:8000), got '{text}'",
                                 param_hint="'-a'")
    return host or "127.0.0.1", int(port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def register(group: click.Group) -> None:
    from cjmgen.cli.main import EXIT_OK, Session, _root_option, _session, _verbosity_options, print_diagnostics

    @group.command()
    @_root_option
    @_verbosity_options
    @click.option("-a", "--dev-addr", "dev_addr", metavar="HOST:PORT", default=None,
                  help="Address and port to serve on, as MkDocs' (default 127.0.0.1:8000); "
                       "other than loopback is shared on the network.")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; other than loopback is shared on the network.")
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
        from cjmgen.build.pipeline import BuildOptions
        from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
        from cjmgen.incremental.store import Caches
        from cjmgen.serve.server import DevServer

        session: Session = _session(ctx, directory)
        if dev_addr is not None:
            given = [name for name in ("host", "port")
                     if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT]
            if given:
                raise click.UsageError(f"-a HOST:PORT and --{given[0]} both say where to listen: give one")
            host, port = split_address(dev_addr)
        root = session.root.resolve()
        # PDF links; rendered on demand. -v: each rebuild's stages with their times.
        builder = SiteBuilder(root, BuildOptions(drafts=drafts, pdf=True, stages=session.detail),
                              Caches.for_run(root, no_cache))
        builds = PreviewBuilds(builder, printer=lambda diags: print_diagnostics(session, diags), eager_pdf=pdf)

        found: dict[object, list[Path]] = {}

        def watched() -> list[Path]:
            """The folders to watch: asked every 50 ms, worked out again when cjmgen.yml changes."""
            config_file = root / "cjmgen.yml"
            try:
                info = config_file.stat()
                stamp: object = (info.st_mtime_ns, info.st_size)
            except OSError:
                stamp = None
            if stamp not in found:
                found.clear()
                found[stamp] = watched_paths()
            return found[stamp]

        def watched_paths() -> list[Path]:
            from cjmgen.config import load_config
            from cjmgen.diagnostics import Diagnostics
            from cjmgen.site.theme import ThemeError, load_theme
            from cjmgen.site.urls import extra_files

            config = load_config(root, Diagnostics())
            paths = [root / "cjmgen.yml", config.content_path, *extra_files(config).values()]
            try:
                theme = load_theme(config)
                paths += [theme.folder] + ([theme.custom_dir] if theme.custom_dir else [])
            except ThemeError:
                if config.theme_custom_dir:
                    paths.append(root / config.theme_custom_dir)
            return paths

        if not _is_loopback(host):
            click.echo(session.style(f"warning: serving on {host}: anyone on the network can read the maps", "warning"), err=True)
        from urllib.parse import urlsplit

        from cjmgen.config import load_config
        from cjmgen.diagnostics import Diagnostics

        base_path = urlsplit(load_config(root, Diagnostics()).base_url).path or "/"
        server = DevServer(builds, watched, host, port, base_path, on_demand=builds.on_demand, idle=builds.idle,
                           log=session.say)
        try:
            url = server.start()
        except OSError as exc:
            server.close()
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` cleans up as Ctrl-C does
        try:  # from here on, Ctrl-C at any moment ends in close(): no folder is left behind
            session.say(f"Watching {', '.join(str(p) for p in watched())}. Ctrl-C stops.")
            click.echo(session.style(f"Serving {url}", "ok"), err=True)
            if open_browser:
                webbrowser.open(url)
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        finally:
            server.close()
        ctx.exit(EXIT_OK)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
