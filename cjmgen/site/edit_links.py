""""Edit" and "suggest a change" links to the repository's web host, as MkDocs has them.

`repo_url`, `edit_uri` and `edit_uri_template` in cjmgen.yml mean what they mean in
MkDocs: the edit address of a file is `repo_url` joined with `edit_uri` and the file's
path (relative to cjmgen.yml), or `repo_url` joined with the template filled with that
path. Two differences, because a map's file is more than a page: a stage's "edit" opens
the file's blob view at the stage's line where the host shows lines (`#L42` on GitHub and
GitLab; their edit view has no line anchor), and "suggest a change" opens a new issue with
a title and a body that name the map, the stage and file:line, for people who never open
git.
"""

from __future__ import annotations

import posixpath
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

from cjmgen.content.model import Map, Persona
from cjmgen.site.urls import stage_anchor

#: Hosts whose URL layout cjmgen knows: the default `edit_uri`, the blob view and the
#: new-issue form. The default branch of both has been `main` since 2020/2021, so the
#: default is `edit/main/` where MkDocs (older) still says `edit/master/docs/`.
GITHUB = "github"
GITLAB = "gitlab"
_HOSTS = {"github.com": GITHUB, "gitlab.com": GITLAB}
DEFAULT_EDIT_URI = {GITHUB: "edit/main/", GITLAB: "-/edit/main/"}
#: The edit view's prefix and the blob view's, for each host (GitLab also takes the old `edit/`).
_EDIT_TO_BLOB = {GITHUB: (("edit/", "blob/"),), GITLAB: (("-/edit/", "-/blob/"), ("edit/", "-/blob/"))}
#: The new-issue form and its title/body fields.
_NEW_ISSUE = {GITHUB: ("issues/new", "title", "body"),
              GITLAB: ("-/issues/new", "issue[title]", "issue[description]")}
TEMPLATE_FIELDS = ("path", "path_noext")


def host_kind(repo_url: str) -> str | None:
    """github, gitlab, or None for a host whose layout cjmgen does not know."""
    return _HOSTS.get(urlsplit(repo_url).netloc.lower().removeprefix("www."))


def normalise_repo_url(url: str) -> str | None:
    """`https://github.com/team/cjm` as written, with one trailing slash; None unless an
    absolute http(s) address (a `javascript:` or `file:` link must never reach a page)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        return None
    return url.rstrip("/") + "/"


def template_problem(template: str) -> str | None:
    """Why `edit_uri_template` cannot be filled, or None: MkDocs' fields only."""
    try:
        _Formatter().format(template, path="", path_noext="")
    except KeyError as exc:
        return f"unknown field {{{exc.args[0]}}}; the fields are {{path}} and {{path_noext}}"
    except (ValueError, IndexError) as exc:
        return str(exc)
    return None


class _Formatter(string.Formatter):
    """MkDocs' `{path!q}`: the path quoted as one URL component."""

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "q":
            return quote(value, safe="")
        return super().convert_field(value, conversion)


@dataclass(frozen=True)
class EditLinks:
    """Where a file of the repository is edited and where a change to it is suggested."""

    repo_url: str  # normalised: ends with /
    edit_uri: str | None = None  # ends with /; None: no edit link (unknown host, nothing set)
    edit_uri_template: str | None = None

    @property
    def host(self) -> str | None:
        return host_kind(self.repo_url)

    def edit(self, path: str) -> str | None:
        """The edit view of `path` (relative to cjmgen.yml), or None without an edit_uri."""
        if self.edit_uri_template is not None:
            relative = _Formatter().format(self.edit_uri_template, path=path,
                                           path_noext=posixpath.splitext(path)[0])
        elif self.edit_uri is not None:
            relative = self.edit_uri + quote(path)
        else:
            return None
        return urljoin(self.repo_url, relative)

    def at_line(self, path: str, line: int | None) -> str | None:
        """The file at `line`: the blob view's `#L42` on GitHub and GitLab when edit_uri has
        their edit view's form; else the edit view itself (no line: the host shows none)."""
        edit = self.edit(path)
        host = self.host
        if edit is None or line is None or host is None or self.edit_uri_template is not None:
            return edit
        uri = self.edit_uri or ""
        for edit_prefix, blob_prefix in _EDIT_TO_BLOB[host]:
            if uri.startswith(edit_prefix):
                return urljoin(self.repo_url, blob_prefix + uri[len(edit_prefix):] + quote(path)) + f"#L{line}"
        return edit

    def suggest(self, title: str, body: str) -> str | None:
        """A new issue with `title` and `body` filled in, on a host whose form cjmgen knows."""
        host = self.host
        if host is None:
            return None
        form, title_field, body_field = _NEW_ISSUE[host]
        return urljoin(self.repo_url, form) + "?" + urlencode({title_field: title, body_field: body}, quote_via=quote)


def edit_links(repo_url: str | None, edit_uri: str | None, edit_uri_template: str | None) -> EditLinks | None:
    """The links of a site whose cjmgen.yml says these; None without repo_url (no links at all)."""
    if repo_url is None:
        return None
    uri = edit_uri
    if uri is None and edit_uri_template is None:
        host = host_kind(repo_url)
        uri = DEFAULT_EDIT_URI[host] if host is not None else None
    if uri is not None and uri and not uri.endswith("/"):
        uri += "/"
    return EditLinks(repo_url, uri or None, edit_uri_template)


Label = Callable[..., str]  # Locale.label: a catalog text filled with values


@dataclass(frozen=True)
class EditView:
    """What a page shows for one file or stage: the two links and the edit link's tooltip."""

    edit: str | None
    suggest: str | None
    hint: str


def _body(label: Label, lines: list[str], file: str, page: str | None) -> str:
    lines = [*lines, label("suggest_file", file=file)]
    if page is not None:
        lines.append(label("suggest_page", page=page))
    return "\n".join([*lines, "", label("suggest_what"), ""])


def map_views(links: EditLinks, label: Label, journey_map: Map,
              page: str | None) -> tuple[EditView, dict[str, EditView]]:
    """The map's links and each stage's (by stage id). `page`: the map page's absolute
    address when the site's is known (site_url), so that the issue links back to it."""
    path = journey_map.path
    whole = EditView(
        links.edit(path),
        links.suggest(label("suggest_title_map", map=journey_map.title),
                      _body(label, [label("suggest_map", map=journey_map.title)], path, page)),
        label("edit_file_hint", file=path))
    stages = {}
    for stage in journey_map.stages:
        line = stage.location.line if stage.location is not None else None
        where = f"{path}:{line}" if line is not None else path
        anchor = f"{page}#{stage_anchor(stage.id)}" if page is not None else None
        stages[stage.id] = EditView(
            links.at_line(path, line),
            links.suggest(label("suggest_title_stage", stage=stage.name, map=journey_map.title),
                          _body(label, [label("suggest_map", map=journey_map.title),
                                        label("suggest_stage", stage=stage.name)], where, anchor)),
            label("edit_stage_hint", file=path, line=line) if line is not None else label("edit_file_hint", file=path))
    return whole, stages


def persona_view(links: EditLinks, label: Label, persona: Persona, page: str | None) -> EditView:
    return EditView(
        links.edit(persona.path),
        links.suggest(label("suggest_title_persona", persona=persona.name),
                      _body(label, [label("suggest_persona", persona=persona.name)], persona.path, page)),
        label("edit_file_hint", file=persona.path))


def stage_lines(journey_map: Map) -> tuple[int | None, ...]:
    """The stages' lines, for a page's key: the model compares equal when only lines moved,
    and a kept page would link to the old line."""
    return tuple(s.location.line if s.location is not None else None for s in journey_map.stages)
