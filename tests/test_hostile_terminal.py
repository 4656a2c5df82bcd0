"""Map text and file names never reach the terminal raw: no retitled terminal, no forged line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.repos import simple_map

FORGED = "maps/forged.md:1:1: error: injected line"


def _hostile_repo(make_repo) -> Path:
    return make_repo({
        # a persona id with OSC (retitle the terminal) and BEL, written as YAML escapes
        "maps/a.md": simple_map(persona='"anna\\e]0;pwned\\a\\e[2J"'),
        # a key with a newline that would start a forged diagnostic line; a C1 CSI; a bidi override
        "maps/b.md": simple_map(header=f'"x\\n{FORGED}\\x9b31m\\u202e": 1\n'),
        # a file name with ESC and BEL
        "maps/evil\x1b]0;title\x07.md": simple_map(persona="nobody"),
        # a file name with a newline that would forge a line of its own
        f"maps/n\n{FORGED}.md": simple_map(persona="nobody"),
    })


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cjmgen", "-C", str(root), *args],
                          capture_output=True, timeout=120)


def _assert_harmless(output: bytes) -> str:
    text = output.decode("utf-8")
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert char not in text, repr(char)
    assert not any(line.startswith(FORGED) for line in text.splitlines())
    return text


def test_control_characters_are_escaped_in_check_and_build(make_repo) -> None:
    root = _hostile_repo(make_repo)
    for args in (["check"], ["build", "--no-pdf"]):
        result = _run(root, *args)
        assert result.returncode == 1
        text = _assert_harmless(result.stderr + result.stdout)
        assert "anna\\x1b]0;pwned\\x07\\x1b[2J" in text  # shown, escaped
        assert f"x\\n{FORGED}\\x9b31m\\u202e" in text
        assert "maps/evil\\x1b]0;title\\x07.md:" in text
        assert f"maps/n\\n{FORGED}.md:" in text
        assert "Traceback" not in text


def test_the_caret_still_points_at_the_character_after_escapes(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map().replace("segment: Mobile", "segment: \x01\x02Mob\x1bile")})
    text = _assert_harmless(_run(root, "check").stderr)
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if "segment:" in line and " | " in line)
    shown, caret = lines[row], lines[row + 1]
    assert "segment: \\x01\\x02Mob\\x1bile" in shown
    assert caret.index("^") in (shown.index("\\x01"), shown.index("\\x1b"))  # under the escape


def test_json_keeps_the_exact_text(make_repo) -> None:
    root = _hostile_repo(make_repo)
    result = _run(root, "check", "--format", "json")
    raw = _assert_harmless(result.stdout)  # C1 and bidi controls are JSON escapes there
    report = json.loads(raw)
    messages = " ".join(d["message"] for d in report["diagnostics"])
    paths = {d["path"] for d in report["diagnostics"]}
    assert "anna\x1b]0;pwned\x07\x1b[2J" in messages
    assert f"x\n{FORGED}\x9b31m\u202e" in messages
    assert "maps/evil\x1b]0;title\x07.md" in paths


def test_pdf_names_of_maps_are_escaped_too(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    result = _run(root, "pdf", "evil\x1b]0;title\x07")
    text = _assert_harmless(result.stderr + result.stdout)
    assert result.returncode == 2 and "no published map 'evil\\x1b]0;title\\x07'" in text
