"""Ready-made CI for a map repository (`cjmgen init --ci github|gitlab`).

Each workflow checks the maps once per change, posts `cjmgen diff --format markdown`
on a pull (merge) request as one comment that later pushes update in place (found by
a hidden marker), and publishes `cjmgen build` from the default branch to Pages with
the Pages address as site_url (so the base URL is the project's sub-path). They
install cjmgen from one spec (`--install`; by default this very version), cache pip's
downloads and the rendered PDFs (`.cjmgen-cache/pdf`), and fetch the full history:
the diff needs the merge base, the map pages show each map's history.

GitHub: actions pinned by commit (the version in a comment), every `${{ }}` expression
passed to scripts through `env:` (never expanded inside `run:`), least permissions,
one Pages deployment at a time. GitLab: `workflow: rules` so that a branch with an open
merge request runs one pipeline, not two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata

from cjmgen import __version__

GITHUB_PATH = ".github/workflows/cjmgen.yml"
GITLAB_PATH = ".gitlab-ci.yml"

#: The comment's first line: how the workflow finds its own comment again.
MARKER = "<!-- cjmgen-diff -->"

#: Debian/Ubuntu packages for PDF output (WeasyPrint): Pango, HarfBuzz-Subset, fonts.
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"


@dataclass(frozen=True)
class Action:
    """A GitHub action pinned by the commit of a release tag (looked up in the action's repository)."""

    name: str
    commit: str
    version: str

    def __str__(self) -> str:
        return f"{self.name}@{self.commit}  # {self.version}"


CHECKOUT = Action("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1")
SETUP_PYTHON = Action("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0")
CACHE = Action("actions/cache", "27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5")
CONFIGURE_PAGES = Action("actions/configure-pages", "983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0")
UPLOAD_PAGES = Action("actions/upload-pages-artifact", "fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0")
UPLOAD_ARTIFACT = Action("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0")
DEPLOY_PAGES = Action("actions/deploy-pages", "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0")


@dataclass(frozen=True)
class InstallSpec:
    """What `pip install` gets in CI, and a note for the user when the default may not be installable."""

    spec: str
    note: str | None = None


def default_install(pdf: bool = True) -> InstallSpec:
    """This cjmgen, exactly: the git commit or URL it was installed from, else this version."""
    name = "cjmgen[pdf]" if pdf else "cjmgen"
    try:
        direct = json.loads(metadata.distribution("cjmgen").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if isinstance(direct, dict):
        url = str(direct.get("url", ""))
        vcs = direct.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") == "git" and url.startswith("https://"):
            return InstallSpec(f"{name} @ git+{url}@{vcs.get('commit_id')}")
        if url.startswith("https://") and "archive_info" in direct:
            return InstallSpec(f"{name} @ {url}")
        if url.startswith("file:"):
            return InstallSpec(f"{name}=={__version__}", (
                f"this cjmgen was installed from a local folder or file: the workflow installs "
                f"{name}=={__version__} from your package index; if it is not there, pass "
                f"--install SPEC (a git URL, or your own index: see docs/publishing.md)"))
    return InstallSpec(f"{name}=={__version__}")


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


GITHUB = """\
# cjmgen: check the maps once per change, comment the semantic diff on pull requests,
# publish the site from the default branch to GitHub Pages (Settings > Pages > Source:
# GitHub Actions). Written by cjmgen @@VERSION@@ (`cjmgen init --ci github`); edit freely.
# Actions are pinned by commit (the release in the comment); expressions reach scripts
# only through env:.
name: cjmgen

on:
  push:
  pull_request:

permissions: {}

env:
  # What pip installs (a requirement, e.g. "cjmgen[pdf] @ git+https://..."); for an internal
  # package index add PIP_INDEX_URL here. See docs/publishing.md.
  CJMGEN_INSTALL: @@INSTALL@@
  PIP_DISABLE_PIP_VERSION_CHECK: "1"

jobs:
  check:
    name: Check the maps
    # Once per change: on push for this repository's branches, on the pull request for forks.
    if: github.event_name == 'push' || github.event.pull_request.head.repo.full_name != github.repository
    runs-on: ubuntu-latest
    permissions:
      contents: read
    concurrency:               # a newer push to the same branch replaces this run
      group: cjmgen-check-${{ github.ref }}
      cancel-in-progress: true
    steps:
      - uses: @@CHECKOUT@@
        with:
          persist-credentials: false
      - uses: @@SETUP_PYTHON@@
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: .github/workflows/cjmgen.yml
      - name: Install cjmgen
        run: python -m pip install "$CJMGEN_INSTALL"
      - name: Check the maps
        run: cjmgen check

  diff:
    name: Diff as a pull request comment
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write     # to write and update the diff comment
    concurrency:
      group: cjmgen-diff-${{ github.event.pull_request.number }}
      cancel-in-progress: true
    steps:
      - uses: @@CHECKOUT@@
        with:
          fetch-depth: 0          # the diff needs the merge base with the target branch
          persist-credentials: false
      - uses: @@SETUP_PYTHON@@
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: .github/workflows/cjmgen.yml
      - name: Install cjmgen
        run: python -m pip install "$CJMGEN_INSTALL"
      - name: Semantic diff of the maps
        env:
          BASE_REF: ${{ github.base_ref }}
          RUN_URL: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}
        run: |
          # A comment over GitHub's size limit names this run's artifact for the whole report.
          cjmgen diff "origin/$BASE_REF" HEAD --format markdown --output cjmgen-diff.md \
            --full-report "$RUN_URL"
          cjmgen diff "origin/$BASE_REF" HEAD --format html --output cjmgen-diff.html
          { echo '@@MARKER@@'; cat cjmgen-diff.md; } > cjmgen-comment.md
          cat cjmgen-diff.md >> "$GITHUB_STEP_SUMMARY"
      - uses: @@UPLOAD_ARTIFACT@@
        with:
          name: cjmgen-diff
          path: cjmgen-diff.html
      - name: Comment on the pull request (one comment, updated on every push)
        # Pull requests from forks get a read-only token: the diff is in the job summary.
        if: github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
          REPO: ${{ github.repository }}
        run: |
          comment=$(gh api --paginate "repos/$REPO/issues/$PR/comments" \\
            --jq '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("@@MARKER@@"))) | .id' \\
            | sed -n 1p)             # (sed reads to the end: no SIGPIPE under pipefail)
          if [ -n "$comment" ]; then
            gh api --method PATCH "repos/$REPO/issues/comments/$comment" -F body=@cjmgen-comment.md > /dev/null
          else
            gh api --method POST "repos/$REPO/issues/$PR/comments" -F body=@cjmgen-comment.md > /dev/null
          fi
      - name: Fail when a changed map does not parse (--fail-on warning is stricter)
        env:
          BASE_REF: ${{ github.base_ref }}
        run: cjmgen diff "origin/$BASE_REF" HEAD --fail-on error > /dev/null

  publish:
    name: Publish to GitHub Pages
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    needs: check
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write             # to deploy to GitHub Pages
      id-token: write          # to prove to Pages that the deployment comes from this workflow
    concurrency:               # one deployment at a time; a running one is not cut short
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: @@CHECKOUT@@
        with:
          fetch-depth: 0          # map pages show each map's git history
          persist-credentials: false
      - uses: @@SETUP_PYTHON@@
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: .github/workflows/cjmgen.yml
@@SYSTEM_PACKAGES@@      - name: Install cjmgen
        run: python -m pip install "$CJMGEN_INSTALL"
      - name: Rendered PDFs of earlier runs (an unchanged map's PDF is not rendered again)
        uses: @@CACHE@@
        with:
          path: .cjmgen-cache/pdf
          key: cjmgen-pdf-${{ github.sha }}
          restore-keys: cjmgen-pdf-
      - id: pages
        uses: @@CONFIGURE_PAGES@@
      - name: Build the site
        env:
          SITE_URL: ${{ steps.pages.outputs.base_url }}
        run: cjmgen build --output site --site-url "$SITE_URL/"@@NO_PDF@@
      - uses: @@UPLOAD_PAGES@@
        with:
          path: site
      - id: deployment
        uses: @@DEPLOY_PAGES@@
"""

GITHUB_SYSTEM_PACKAGES = """\
      - name: System libraries for PDF output (Pango, HarfBuzz-Subset, fonts)
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends @@PACKAGES@@
"""

GITLAB = """\
# cjmgen: check the maps once per change, comment the semantic diff on merge requests,
# publish the site from the default branch with GitLab Pages.
# Written by cjmgen @@VERSION@@ (`cjmgen init --ci gitlab`); edit freely. The comment needs
# a project access token with the `api` scope in the masked CI/CD variable CJMGEN_BOT_TOKEN.

workflow:
  rules:                      # one pipeline per change: a branch with an open merge request
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"   # runs the merge request's pipeline only
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - if: $CI_COMMIT_BRANCH

variables:
  # What pip installs (a requirement, e.g. "cjmgen[pdf] @ git+https://..."); an internal
  # package index: set PIP_INDEX_URL in Settings > CI/CD > Variables. See docs/publishing.md.
  CJMGEN_INSTALL: @@INSTALL@@
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"
  PIP_DISABLE_PIP_VERSION_CHECK: "1"

default:
  image: python:3.12-slim
  cache:
    - key: pip
      paths: [.cache/pip]
  before_script:
    - apt-get update -qq
    - apt-get install -y -qq --no-install-recommends git curl@@GITLAB_PACKAGES@@ > /dev/null
    - python -m pip install "$CJMGEN_INSTALL"

stages: [check, review, publish]

check:
  stage: check
  script:
    - cjmgen check

diff:
  stage: review
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  variables:
    GIT_DEPTH: "0"          # the diff needs the merge base with the target branch
  script:
    - git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - cjmgen diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" HEAD --format markdown --output cjmgen-diff.md
        --full-report "$CI_JOB_URL/artifacts/file/cjmgen-diff.html"
    - cjmgen diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" HEAD --format html --output cjmgen-diff.html
    - "{ echo '@@MARKER@@'; cat cjmgen-diff.md; } > cjmgen-comment.md"
    - |
      # One note per merge request, updated on every push: found by its first line.
      if [ -z "$CJMGEN_BOT_TOKEN" ]; then
        echo "CJMGEN_BOT_TOKEN is not set: the diff is in the job artifacts only"
        exit 0
      fi
      notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
      curl --silent --show-error --fail --header "PRIVATE-TOKEN: $CJMGEN_BOT_TOKEN" \\
        "$notes?per_page=100&sort=asc&order_by=created_at" > cjmgen-notes.json
      note=$(python -c 'import json, sys
      print(next((str(n["id"]) for n in json.load(open("cjmgen-notes.json"))
                  if n.get("body", "").startswith(sys.argv[1])), ""))' '@@MARKER@@')
      if [ -n "$note" ]; then
        curl --silent --show-error --fail --request PUT --header "PRIVATE-TOKEN: $CJMGEN_BOT_TOKEN" \\
          --data-urlencode "body@cjmgen-comment.md" "$notes/$note" > /dev/null
      else
        curl --silent --show-error --fail --request POST --header "PRIVATE-TOKEN: $CJMGEN_BOT_TOKEN" \\
          --data-urlencode "body@cjmgen-comment.md" "$notes" > /dev/null
      fi
    - cjmgen diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" HEAD --fail-on error > /dev/null
  artifacts:
    expose_as: "journey map changes"
    paths: [cjmgen-diff.md, cjmgen-diff.html]

pages:
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  resource_group: pages       # one deployment at a time
  variables:
    GIT_DEPTH: "0"          # map pages show each map's git history
  cache:
    - key: pip
      paths: [.cache/pip]
    - key: cjmgen-pdf         # rendered PDFs: an unchanged map's PDF is not rendered again
      paths: [.cjmgen-cache/pdf]
  script:
    - cjmgen build --output public --site-url "$CI_PAGES_URL/"@@NO_PDF@@
  artifacts:
    paths: [public]
"""


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(f"@@{key}@@", value)
    assert "@@" not in template, template
    return template


def github_workflow(install: str | None = None, pdf: bool = True) -> str:
    install = install or default_install(pdf).spec
    packages = _fill(GITHUB_SYSTEM_PACKAGES, {"PACKAGES": PDF_PACKAGES}) if pdf else ""
    return _fill(GITHUB, {
        "SYSTEM_PACKAGES": packages, "VERSION": __version__, "INSTALL": _yaml_string(install),
        "MARKER": MARKER, "NO_PDF": "" if pdf else " --no-pdf",
        "CHECKOUT": str(CHECKOUT), "SETUP_PYTHON": str(SETUP_PYTHON), "CACHE": str(CACHE),
        "CONFIGURE_PAGES": str(CONFIGURE_PAGES), "UPLOAD_PAGES": str(UPLOAD_PAGES),
        "DEPLOY_PAGES": str(DEPLOY_PAGES), "UPLOAD_ARTIFACT": str(UPLOAD_ARTIFACT),
    })


def gitlab_pipeline(install: str | None = None, pdf: bool = True) -> str:
    install = install or default_install(pdf).spec
    return _fill(GITLAB, {
        "VERSION": __version__, "INSTALL": _yaml_string(install), "MARKER": MARKER,
        "GITLAB_PACKAGES": f" {PDF_PACKAGES}" if pdf else "", "NO_PDF": "" if pdf else " --no-pdf",
    })


def ci_files(kind: str, install: str | None = None, pdf: bool = True) -> dict[str, str]:
    """The workflow file for `kind` (github | gitlab), by repository-relative path."""
    spec = install or default_install(pdf).spec
    if kind == "github":
        return {GITHUB_PATH: github_workflow(spec, pdf)}
    if kind == "gitlab":
        return {GITLAB_PATH: gitlab_pipeline(spec, pdf)}
    raise ValueError(f"unknown CI: {kind} (github or gitlab)")
