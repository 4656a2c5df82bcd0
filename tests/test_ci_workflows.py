"""`cjmgen init --ci github|gitlab`: the workflows run as the CI would run them.

A wheel is built from this checkout and installed through the workflow's own install
step (its `--install` spec) into a fresh virtual environment; the steps run in order, in
a real clone with a base branch and a pull-request branch. What only the code host
provides is stood in for: actions (checkout is the clone, the cache is a folder kept
between runs), `sudo apt-get` (recorded, not run) and the code host's API (`gh api`,
`curl`: a fake that keeps the comments in a JSON file, so the marker logic runs for real).
The files also validate against check-jsonschema's bundled schemas and pass zizmor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from cjmgen.scaffold import ci as ci_templates
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT
from tests.helpers.sitecheck import parse

MARKER = ci_templates.MARKER
GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


# -- the fresh environment: a wheel of this checkout, a new venv, fakes of the code host ----


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(PROJECT)], check=True, capture_output=True)
    [built] = dist.glob("cjmgen-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment without cjmgen. Its dependencies are this environment's
    (a .pth line), so the install works offline; cjmgen itself comes from the wheel."""
    venv = tmp_path_factory.mktemp("runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    purelib = Path(subprocess.run([str(venv / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = subprocess.run([str(venv / "bin/python"), "-c", "import cjmgen.cli.main"], capture_output=True, cwd=venv)
    assert probe.returncode != 0  # no cjmgen before the workflow's install step
    return venv


FAKE_GH = '''\
#!{python}
"""gh api as the workflow calls it: comments kept in $FAKE_HOST/comments.json."""
import json, os, re, shutil, subprocess, sys
state = os.path.join(os.environ["FAKE_HOST"], "comments.json")
comments = json.load(open(state)) if os.path.exists(state) else []
args = sys.argv[1:]
open(os.path.join(os.environ["FAKE_HOST"], "calls.log"), "a").write("gh " + " ".join(args) + "\\n")
assert args[0] == "api", args
method = args[args.index("--method") + 1] if "--method" in args else "GET"
path = [a for a in args[1:] if a.startswith("repos/")][0]
if method == "GET":
    jq = args[args.index("--jq") + 1]
    out = subprocess.run(["jq", "-r", jq], input=json.dumps(comments), capture_output=True, text=True, check=True).stdout
    sys.stdout.write(out)
else:
    body = open(args[args.index("-F") + 1].split("=@", 1)[1]).read()
    if method == "POST":
        comments.append({{"id": 100 + len(comments), "user": {{"login": "github-actions[bot]"}}, "body": body}})
    else:
        wanted = int(path.rsplit("/", 1)[1])
        [comment] = [c for c in comments if c["id"] == wanted]
        comment["body"] = body
    json.dump(comments, open(state, "w"))
'''

FAKE_CURL = '''\
#!{python}
"""curl against GitLab's notes API: notes kept in $FAKE_HOST/comments.json."""
import json, os, sys, urllib.parse
state = os.path.join(os.environ["FAKE_HOST"], "comments.json")
notes = json.load(open(state)) if os.path.exists(state) else []
args = sys.argv[1:]
open(os.path.join(os.environ["FAKE_HOST"], "calls.log"), "a").write("curl " + " ".join(args) + "\\n")
assert "PRIVATE-TOKEN: secret" in args
method = args[args.index("--request") + 1] if "--request" in args else "GET"
url = [a for a in args if a.startswith("https://")][0]
if method == "GET":
    sys.stdout.write(json.dumps(notes))
else:
    body = open(args[args.index("--data-urlencode") + 1].split("@", 1)[1]).read()
    if method == "POST":
        notes.append({{"id": 200 + len(notes), "body": body, "author": {{"username": "bot"}}}})
    else:
        wanted = int(urllib.parse.urlsplit(url).path.rsplit("/", 1)[1])
        [note] = [n for n in notes if n["id"] == wanted]
        note["body"] = body
    json.dump(notes, open(state, "w"))
'''

RECORD = '#!/bin/sh\necho "$(basename "$0") $*" >> "$FAKE_HOST/calls.log"\n'


@dataclass
class Runner:
    """A CI runner's machine: the fresh venv first on PATH, then the fakes."""

    root: Path
    venv: Path
    host: Path = field(init=False)
    fakes: Path = field(init=False)

    def __post_init__(self) -> None:
        self.host = self.root / "host"
        self.fakes = self.root / "fakes"
        self.host.mkdir(parents=True)
        self.fakes.mkdir()
        for name, text in (("gh", FAKE_GH), ("curl", FAKE_CURL), ("sudo", RECORD), ("apt-get", RECORD)):
            path = self.fakes / name
            path.write_text(text.format(python=sys.executable) if name in ("gh", "curl") else text)
            path.chmod(0o755)

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("CJMGEN", "PIP_", "VIRTUAL_ENV"))}
        return {**base, **GIT_ENV, "HOME": str(self.root / "home"), "XDG_CACHE_HOME": str(self.root / "home/.cache"),
                "PATH": f"{self.venv / 'bin'}:{self.fakes}:{os.environ['PATH']}", "FAKE_HOST": str(self.host),
                "PIP_NO_INDEX": "1", **extra}

    def sh(self, script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                                env=self.env(env), capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"{script}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        return result

    def calls(self) -> list[str]:
        path = self.host / "calls.log"
        return path.read_text().splitlines() if path.exists() else []

    def comments(self) -> list[dict]:
        path = self.host / "comments.json"
        return json.loads(path.read_text()) if path.exists() else []


def map_repository(tmp_path: Path, kind: str, install: str) -> tuple[Path, Path]:
    """`cjmgen init --ci KIND` committed on main, a branch that changes a KPI; the runner's clone."""
    source = tmp_path / "source"
    result = run(["init", str(source), "--ci", kind, "--install", install])
    assert result.exit_code == 0, result.output
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "maps")
    git(source, "checkout", "-q", "-b", "feature")
    bump_kpi(source / "maps/example.md")
    git(source, "commit", "-q", "-am", "a better KPI")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(origin)], check=True)
    clone = tmp_path / "runner/work"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    return source, clone


def bump_kpi(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    changed = re.sub(r"(value: )(\d+)%", lambda m: f"{m[1]}{int(m[2]) + 3}%", text, count=1)
    assert changed != text
    example.write_text(changed, encoding="utf-8")


def install_spec(wheel: Path) -> str:
    return f"cjmgen[pdf] @ {wheel.as_uri()}"


EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def expand(value: object, context: dict[str, str]) -> str:
    def known(match: re.Match[str]) -> str:
        assert match[1] in context, f"unexpected expression {match[0]}"
        return context[match[1]]

    return EXPRESSION.sub(known, str(value))


@dataclass
class GitHubRun:
    """Runs one job of the workflow: its `run:` steps in bash, its actions stood in for."""

    runner: Runner
    workflow: dict
    clone: Path
    context: dict[str, str]
    cache: Path  # what actions/cache keeps between runs
    uploaded: list[Path] = field(default_factory=list)
    output: str = ""

    def job(self, name: str) -> None:
        job = self.workflow["jobs"][name]
        summary = self.runner.root / f"summary-{name}.md"
        summary.write_text("")
        cached: list[str] = []
        for step in job["steps"]:
            if "uses" in step:
                self.action(step, cached)
                continue
            if "if" in step:
                assert step["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
            assert "${{" not in step["run"], step["run"]  # expressions reach scripts only through env
            env = {k: expand(v, self.context) for k, v in
                   {**self.workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}.items()}
            env["GITHUB_STEP_SUMMARY"] = str(summary)
            result = self.runner.sh(step["run"], self.clone, env)
            self.output += result.stdout + result.stderr
        for path in cached:  # the cache is saved when the job ends
            shutil.rmtree(self.cache / path, ignore_errors=True)
            if (self.clone / path).is_dir():
                shutil.copytree(self.clone / path, self.cache / path)

    def action(self, step: dict, cached: list[str]) -> None:
        name, _, rest = step["uses"].partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", rest), step["uses"]
        inputs = step.get("with", {})
        if name == "actions/checkout":
            assert inputs.get("persist-credentials") is False
        elif name == "actions/setup-python":
            assert inputs["cache"] == "pip" and (self.clone / inputs["cache-dependency-path"]).is_file()
        elif name == "actions/cache":
            path = inputs["path"]
            if (self.cache / path).is_dir():
                shutil.copytree(self.cache / path, self.clone / path, dirs_exist_ok=True)
            cached.append(path)
        elif name == "actions/configure-pages":
            self.context["steps.pages.outputs.base_url"] = "https://team.github.io/maps"
        elif name in ("actions/upload-pages-artifact", "actions/upload-artifact"):
            assert (self.clone / inputs["path"]).exists(), inputs
            self.uploaded.append(self.clone / inputs["path"])
        elif name != "actions/deploy-pages":
            raise AssertionError(f"an action the test does not know: {name}")


def assert_published(site: Path, site_url: str, base: str) -> None:
    """The site as Pages serves it: under the project's sub-path, absolute sitemap, PDFs."""
    assert parse(site / "404.html").base == base
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{site_url}maps/example.html</loc>" in sitemap
    assert f'<link rel="canonical" href="{site_url}maps/example.html">' in (site / "maps/example.html").read_text()
    for pdf in ("maps/example.pdf", "handout.pdf"):
        assert (site / pdf).read_bytes().startswith(b"%PDF-"), pdf


needs_pdf_tools = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@needs_pdf_tools
def test_the_github_workflow_runs_as_github_would(tmp_path: Path, wheel: Path, fresh_venv: Path) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq (gh api --jq) is not installed: apt-get install jq")
    _, clone = map_repository(tmp_path, "github", install_spec(wheel))
    workflow = yaml.safe_load((clone / ci_templates.GITHUB_PATH).read_text())
    runner = Runner(tmp_path / "runner", fresh_venv)
    # Someone else's comment that quotes the marker, and the bot's own other comment: left alone.
    (runner.host / "comments.json").write_text(json.dumps([
        {"id": 1, "user": {"login": "mallory"}, "body": f"{MARKER}\nnot the bot"},
        {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "another workflow"},
    ]))
    context = {"github.base_ref": "main", "github.token": "secret", "github.event.pull_request.number": "7",
               "github.repository": "team/maps", "github.sha": "0" * 40,
               "github.server_url": "https://github.com", "github.run_id": "99", "github.ref": "refs/pull/7/merge"}
    cache = tmp_path / "actions-cache"
    cache.mkdir()

    git(clone, "checkout", "-q", "feature")
    pull_request = GitHubRun(runner, workflow, clone, dict(context), cache)
    pull_request.job("check")
    pull_request.job("diff")
    assert (fresh_venv / "bin/cjmgen").exists()
    probe = subprocess.run([str(fresh_venv / "bin/python"), "-c", "import cjmgen; print(cjmgen.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert probe.stdout.startswith(str(fresh_venv))  # cjmgen from the wheel, not this checkout
    [bot] = [c for c in runner.comments() if c["body"].startswith(MARKER) and c["user"]["login"] != "mallory"]
    assert "KPI" in bot["body"] and "%" in bot["body"]
    assert (runner.root / "summary-diff.md").read_text().strip() in bot["body"]
    # The next push updates the same comment instead of adding one.
    bump_kpi(clone / "maps/example.md")
    git(clone, "commit", "-q", "-am", "another change")
    GitHubRun(runner, workflow, clone, dict(context), cache).job("diff")
    comments = runner.comments()
    assert [c["id"] for c in comments] == [1, 2, bot["id"]]
    assert comments[2]["body"] != bot["body"] and comments[0]["body"] == f"{MARKER}\nnot the bot"
    assert any(f"--method PATCH repos/team/maps/issues/comments/{bot['id']}" in c for c in runner.calls())

    git(clone, "checkout", "-q", "main")
    first = GitHubRun(runner, workflow, clone, dict(context), cache)
    first.job("publish")
    assert [p.name for p in first.uploaded] == ["site"]
    assert [p.name for p in pull_request.uploaded] == ["cjmgen-diff.html"]
    assert_published(clone / "site", "https://team.github.io/maps/", "/maps/")
    assert any("apt-get install" in c and "libharfbuzz-subset0" in c and "libpango-1.0-0" in c for c in runner.calls())
    assert "(2 PDFs, 2 rendered)" in first.output
    shutil.rmtree(clone / ".cjmgen-cache")  # a new runner: only what actions/cache restores
    shutil.rmtree(clone / "site")
    again = GitHubRun(runner, workflow, clone, dict(context), cache)
    again.job("publish")
    assert "(2 PDFs, 0 rendered)" in again.output, again.output


@needs_pdf_tools
def test_the_gitlab_pipeline_runs_as_gitlab_would(tmp_path: Path, wheel: Path, fresh_venv: Path) -> None:
    _, clone = map_repository(tmp_path, "gitlab", install_spec(wheel))
    pipeline = yaml.safe_load((clone / ci_templates.GITLAB_PATH).read_text())
    runner = Runner(tmp_path / "runner", fresh_venv)
    predefined = {"CI_PROJECT_DIR": str(clone), "CI_API_V4_URL": "https://gitlab.example.com/api/v4",
                  "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
                  "CI_PAGES_URL": "https://team.gitlab.io/maps", "CJMGEN_BOT_TOKEN": "secret"}
    cache = tmp_path / "gitlab-cache"

    def job(name: str) -> str:
        spec = pipeline[name]
        variables = {**pipeline.get("variables", {}), **spec.get("variables", {})}
        env = dict(predefined)
        for key, value in variables.items():
            env[key] = re.sub(r"\$(\w+)", lambda m: env.get(m[1], os.environ.get(m[1], "")), str(value))
        caches = [c["paths"][0] for c in spec.get("cache", pipeline["default"].get("cache", []))]
        for path in caches:
            if (cache / path).is_dir():
                shutil.copytree(cache / path, clone / path, dirs_exist_ok=True)
        script = "\n".join([*pipeline["default"]["before_script"], *spec["script"]])
        result = runner.sh(script, clone, env)
        for path in caches:
            shutil.rmtree(cache / path, ignore_errors=True)
            if (clone / path).is_dir():
                shutil.copytree(clone / path, cache / path)
        return result.stdout + result.stderr

    git(clone, "checkout", "-q", "feature")
    job("check")
    job("diff")
    [note] = runner.comments()
    assert note["body"].startswith(MARKER) and "KPI" in note["body"]
    assert (clone / "cjmgen-diff.html").is_file()
    job("diff")  # the next push: the same note, updated
    assert [n["id"] for n in runner.comments()] == [note["id"]]
    assert any(c.startswith("curl") and "--request PUT" in c and c.endswith(f"/notes/{note['id']}")
               for c in runner.calls())
    # pip's downloads land in a cached folder inside the project (GitLab caches nothing outside it)
    assert pipeline["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert {"key": "pip", "paths": [".cache/pip"]} in pipeline["pages"]["cache"]

    git(clone, "checkout", "-q", "main")
    first = job("pages")
    assert_published(clone / "public", "https://team.gitlab.io/maps/", "/maps/")
    assert any(c.startswith("apt-get install") and "libharfbuzz-subset0" in c for c in runner.calls())
    assert "(2 PDFs, 2 rendered)" in first
    shutil.rmtree(clone / ".cjmgen-cache")
    shutil.rmtree(clone / "public")
    assert "(2 PDFs, 0 rendered)" in job("pages")


def test_gitlab_runs_one_pipeline_per_change() -> None:
    """workflow: rules: merge request pipelines; branch pipelines only without an open MR."""
    pipeline = yaml.safe_load(ci_templates.gitlab_pipeline("cjmgen[pdf]==1.0"))
    rules = pipeline["workflow"]["rules"]
    assert rules[0] == {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    assert rules[1] == {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"}
    assert rules[2] == {"if": "$CI_COMMIT_BRANCH"}
    assert pipeline["pages"]["resource_group"] == "pages"


@pytest.mark.parametrize("pdf", [True, False], ids=["pdf", "no-pdf"])
@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_the_files_validate_and_pass_zizmor(tmp_path: Path, kind: str, pdf: bool) -> None:
    args = ["init", str(tmp_path / "repo"), "--ci", kind] + ([] if pdf else ["--no-pdf"])
    result = run(args)
    assert result.exit_code == 0, result.output
    path = tmp_path / "repo" / (ci_templates.GITHUB_PATH if kind == "github" else ci_templates.GITLAB_PATH)
    text = path.read_text()
    assert ("libharfbuzz-subset0" in text) == pdf and ("--no-pdf" in text) == (not pdf)
    assert f'CJMGEN_INSTALL: "cjmgen{"[pdf]" if pdf else ""}==' in text
    bin_dir = Path(sys.executable).parent
    for tool in ("check-jsonschema", "zizmor"):
        if not (bin_dir / tool).exists():
            pytest.skip(f"{tool} is not installed: pip install -e '.[test]'")
    schema = "vendor.github-workflows" if kind == "github" else "vendor.gitlab-ci"
    checked = subprocess.run([str(bin_dir / "check-jsonschema"), "--builtin-schema", schema, str(path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if kind == "github":  # zizmor audits GitHub Actions only
        audit = subprocess.run([str(bin_dir / "zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(path)],
                               capture_output=True, text=True)
        assert audit.returncode == 0 and "No findings" in audit.stdout + audit.stderr, audit.stdout + audit.stderr


def test_actions_are_pinned_by_commit_with_the_release_in_a_comment() -> None:
    text = ci_templates.github_workflow("cjmgen[pdf]==1.0")
    uses = re.findall(r"uses: (\S+)@(\S+)  # (\S+)", text)
    assert len(uses) == text.count("uses:") and uses
    for _name, commit, version in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", commit) and re.fullmatch(r"v\d+\.\d+\.\d+", version)


def test_the_default_spec_is_this_version_or_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmgen import __version__
    class Dist:
        def __init__(self, direct: dict | None) -> None:
            self.direct = direct

        def read_text(self, name: str) -> str | None:
            return json.dumps(self.direct) if self.direct is not None else None

    cases = [
        (None, f"cjmgen[pdf]=={__version__}", False),
        ({"url": "https://git.example.com/tools/cjmgen.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
         "cjmgen[pdf] @ git+https://git.example.com/tools/cjmgen.git@abc123", False),
        ({"url": "https://files.example.com/cjmgen-1.0-py3-none-any.whl", "archive_info": {}},
         "cjmgen[pdf] @ https://files.example.com/cjmgen-1.0-py3-none-any.whl", False),
        ({"url": "file:///home/me/cjmgen", "dir_info": {"editable": True}}, f"cjmgen[pdf]=={__version__}", True),
    ]
    for direct, spec, noted in cases:
        monkeypatch.setattr(metadata, "distribution", lambda name, d=direct: Dist(d))  # what scaffold/ci.py asks
        found = ci_templates.default_install()
        assert found.spec == spec and (found.note is not None) == noted
    assert ci_templates.default_install(pdf=False).spec.startswith("cjmgen==")


def test_install_and_no_pdf_need_ci(tmp_path: Path) -> None:
    result = run(["init", str(tmp_path / "repo"), "--install", "cjmgen"])
    assert result.exit_code == 2 and "--ci" in result.output


def test_the_workflow_text_is_what_the_docs_show() -> None:
    """No `${{` inside a GitHub `run:` block anywhere in the template (zizmor checks it too)."""
    workflow = yaml.safe_load(ci_templates.github_workflow("x"))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")
    assert textwrap.dedent(ci_templates.MARKER).startswith("<!--")
