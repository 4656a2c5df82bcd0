"""Odd input on the command line and in maps: clear messages, never an internal error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import check_json, run
from tests.helpers.repos import simple_map

LONG = "r" * 10_000


def _git_repo(make_repo) -> Path:
    root = make_repo({"maps/a.md": simple_map()})
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    return root


@pytest.mark.parametrize("args", [
    ["diff", LONG], ["diff", "HEAD", LONG], ["diff", LONG, "HEAD"], ["diff", LONG + ".md", "HEAD"],
    ["build", "--no-pdf", "--compare", LONG],
])
def test_a_ten_thousand_character_revision_is_a_clear_error(make_repo, args: list[str]) -> None:
    root = _git_repo(make_repo)
    result = run(args, root)
    assert result.exit_code in (1, 2)
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "characters (" in result.output or "no such file" in result.output, result.output[:500]
    assert len(result.output) < 2_000  # the name is shortened, not printed whole


def _diagnostics(root: Path, code: str) -> list[dict]:
    return [d for d in check_json(root)["diagnostics"] if d["code"] == code]


def test_map_ids_differing_only_in_case_or_unicode_form_clash(make_repo) -> None:
    root = make_repo({"maps/Sofa.md": simple_map(), "maps/sofa.md": simple_map(),
                      "maps/caf\u00e9.md": simple_map(), "maps/cafe\u0301.md": simple_map(),
                      "maps/chair.md": simple_map()})
    clashes = _diagnostics(root, "case-clash")
    assert len(clashes) == 2
    assert {d["path"] for d in clashes} == {"maps/sofa.md", "maps/caf\u00e9.md"}  # the later of each pair
    assert any("'Sofa'" in d["message"] and "macOS and Windows" in d["message"] for d in clashes)
    assert run(["build", "--no-pdf"], root).exit_code == 0  # a warning: Linux serves both


@pytest.mark.parametrize("name", ["CON", "aux", "nul", "b2c/COM1", "Lpt9", "prn"])
def test_windows_device_names_are_warned_about(make_repo, name: str) -> None:
    root = make_repo({f"maps/{name}.md": simple_map(), "maps/console.md": simple_map()})
    (found,) = _diagnostics(root, "reserved-name")
    assert found["path"] == f"maps/{name}.md" and "device name on Windows" in found["message"]


def test_a_persona_in_another_unicode_form_is_explained(make_repo) -> None:
    root = make_repo({"maps/personas/caf\u00e9.md": "---\nname: Café\n---\n",
                      "maps/a.md": simple_map(persona="cafe\u0301")})
    (found,) = _diagnostics(root, "persona-ref")
    assert "differs only in its Unicode form: NFD here, NFC there" in found["message"]
    assert "did you mean" not in found["message"]


BIG = "9" * 400


def _numbers_map(first: str = "", second: str = "", count: int | str = 1000) -> str:
    from tests.helpers.repos import complete_stage

    return ("---\ntitle: T\npersona: anna\nsegment: M\nreviewed: 2026-10-01\nstages:\n"
            + complete_stage("A", "a", count, 1, first) + complete_stage("B", "b", 50, -1, second) + "---\n")


@pytest.mark.parametrize("text, code, words", [
    (_numbers_map(count=BIG), "value", "count is too large (400 digits"),
    (_numbers_map(second=f"    conversion: {BIG}%"), "type", "no finite number"),
    (_numbers_map(second=f"    conversion: {BIG}"), "type", "no finite number"),
    (_numbers_map(second="    conversion: lots"), "type", "got 'lots'"),
    (_numbers_map(second="    conversion: -5%"), "value", "must not be negative, got -5%"),
    (_numbers_map(second="    conversion: .nan"), "type", "no finite number"),
    (_numbers_map(second="    conversion: .inf"), "type", "no finite number"),
    (_numbers_map(second="    conversion: inf%"), "type", "no finite number"),
    (_numbers_map(first=f"    kpis: [{{name: K, value: {BIG}, target: 5}}]"), "kpi-no-status", "gets no status"),
    (_numbers_map(first=f"    kpis: [{{name: K, value: 5%, target: '{BIG}%'}}]"), "kpi-no-status", "gets no status"),
])
def test_numbers_out_of_range_are_diagnostics_in_check_and_build(make_repo, text: str, code: str, words: str) -> None:
    text = text.replace("    kpis: [{name: KPI A, value: 5%, target: 7%}]\n", "", 1) if "name: K," in text else text
    root = make_repo({"maps/n.md": text})
    found = [d for d in check_json(root)["diagnostics"] if d["code"] == code and words in d["message"]]
    assert len(found) == 1, check_json(root)["diagnostics"]
    line = found[0]["line"]
    assert found[0]["path"] == "maps/n.md" and line > 1 and found[0]["column"] > 1
    built = run(["build", "--no-pdf"], root)
    assert "internal error" not in built.output and "OverflowError" not in built.output
    assert f"maps/n.md:{line}:" in built.output
    assert built.exit_code == (0 if code == "kpi-no-status" else 1)
    if code == "kpi-no-status":
        assert (root / "site" / "maps" / "n.html").is_file()


def test_a_huge_map_is_refused_by_size_not_by_memory(make_repo, tmp_path: Path) -> None:
    """A 20 MB body used to take 70 times its size in memory (50 MB: 3.6 GB, 7 minutes for
    `check`); now the file is refused by its size, named, and the peak stays small."""
    import json as json_module
    import sys

    para = "Customer called about the *sofa* delivery, see [notes](x.md) and **more** text.\n\n"
    root = make_repo({"maps/huge.md": simple_map(body="# Notes\n\n" + para * (20_000_000 // len(para))),
                      "maps/small.md": simple_map()})
    measure = ("import resource, subprocess, sys, json\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(json.dumps([done.returncode, done.stdout, done.stderr,"
               " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")
    for args in (["check", "--format", "json"], ["build", "--no-pdf"]):
        run_ = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "cjmgen", "-C", str(root), *args],
                              capture_output=True, text=True, timeout=300)
        code, out, err, peak_kb = json_module.loads(run_.stdout)
        assert code == 1 and peak_kb < 400_000, (peak_kb, err[-500:])
        assert "'maps/huge.md' is 19.1 MB; cjmgen reads content files of up to 8 MB" in out + err
        assert "[file-too-large]" in err or '"file-too-large"' in out
