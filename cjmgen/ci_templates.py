"""Ready-made CI for a map repository (`cjmgen init --ci github|gitlab`).

Each workflow checks the maps on every push, posts `cjmgen diff --format
markdown` as a comment on a pull (merge) request, and publishes `cjmgen build`
from the default branch. Both fetch the full history: the diff needs the merge
base, and the map pages show each map's history.
"""

from __future__ import annotations

GITHUB_PATH = ".github/workflows/cjmgen.yml"
GITLAB_PATH = ".gitlab-ci.yml"

GITHUB = """\
# cjmgen: check the maps on every push, comment the semantic diff on pull requests,
# publish the site from the default branch to GitHub Pages (Settings > Pages >
# Source: GitHub Actions). Written by `cjmgen init --ci github`; edit freely.
name: cjmgen

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install {package}
      - run: cjmgen check

  diff:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0          # the diff needs the merge base with the target branch
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install {package}
      - name: Semantic diff of the maps
        env:
          RUN_URL: ${{{{ github.server_url }}}}/${{{{ github.repository }}}}/actions/runs/${{{{ github.run_id }}}}
        run: |
          # A comment over GitHub's size limit names this run's artifact for the whole report.
          cjmgen diff "origin/${{{{ github.base_ref }}}}" HEAD --format markdown --output cjmgen-diff.md \\
            --full-report "$RUN_URL"
          cjmgen diff "origin/${{{{ github.base_ref }}}}" HEAD --format html --output cjmgen-diff.html
          cat cjmgen-diff.md >> "$GITHUB_STEP_SUMMARY"
      - uses: actions/upload-artifact@v4
        with:
          name: cjmgen-diff
          path: cjmgen-diff.html
      - name: Comment on the pull request (updates the previous comment)
        # Pull requests from forks get a read-only token: the diff is still in the job summary.
        if: github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          gh pr comment "$PR" --edit-last --body-file cjmgen-diff.md \\
            || gh pr comment "$PR" --body-file cjmgen-diff.md
      - name: Fail when a changed map does not parse (--fail-on warning is stricter)
        run: cjmgen diff "origin/${{{{ github.base_ref }}}}" HEAD --fail-on error > /dev/null

  publish:
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    needs: check
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0          # map pages show each map's git history
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install {package}
      - run: cjmgen build --output {output}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: {output}
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITLAB = """\
# cjmgen: check the maps on every push, comment the semantic diff on merge requests,
# publish the site from the default branch with GitLab Pages.
# Written by `cjmgen init --ci gitlab`; edit freely. The comment needs a project
# access token with the `api` scope in the CI/CD variable CJMGEN_BOT_TOKEN.
default:
  image: python:3.12-slim
  before_script:
    - apt-get update -qq && apt-get install -y -qq git curl > /dev/null
    - pip install {package}

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
    - |
      if [ -n "$CJMGEN_BOT_TOKEN" ]; then
        curl --silent --show-error --fail --request POST \\
          --header "PRIVATE-TOKEN: $CJMGEN_BOT_TOKEN" \\
          --data-urlencode "body@cjmgen-diff.md" \\
          "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
      else
        echo "CJMGEN_BOT_TOKEN is not set: the diff is in the job artifacts only"
      fi
  artifacts:
    expose_as: "journey map changes"
    paths: [cjmgen-diff.md, cjmgen-diff.html]

pages:
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  variables:
    GIT_DEPTH: "0"          # map pages show each map's git history
  script:
    - cjmgen build --output public
  artifacts:
    paths: [public]
"""


def github_workflow(package: str = "cjmgen", output: str = "site") -> str:
    return GITHUB.format(package=package, output=output)


def gitlab_pipeline(package: str = "cjmgen") -> str:
    return GITLAB.format(package=package)


def ci_files(kind: str, package: str = "cjmgen") -> dict[str, str]:
    """The workflow file for `kind` (github | gitlab), by repository-relative path."""
    if kind == "github":
        return {GITHUB_PATH: github_workflow(package)}
    if kind == "gitlab":
        return {GITLAB_PATH: gitlab_pipeline(package)}
    raise ValueError(f"unknown CI: {kind} (github or gitlab)")
