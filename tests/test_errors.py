"""Error helpers: control characters escaped, long lists and messages bounded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zoo.errors import MAX_LISTED, Issue, SpecError, bounded, listing, printable


def test_printable_escapes_every_control_code():
    text = "ok \x1b]0;title\x07 \x1b[2J \r \t \u202e \x00 ü Ω"
    shown = printable(text + "\nnext")
    assert shown == "ok \\x1b]0;title\\x07 \\x1b[2J \\r \\t \\u202e \\x00 ü Ω\nnext"
    assert printable("a\nb", newlines=False) == "a\\nb" and printable("plain") == "plain"


def test_listing_shows_the_first_problems_and_counts_the_rest():
    assert listing(["a", "b"]) == "\n  a\n  b"
    text = listing([f"p{i}" for i in range(1000)], limit=3)
    assert text == "\n  p0\n  p1\n  p2\n  ... and 997 more"


def test_bounded_cuts_long_messages_and_says_how_much():
    assert bounded("short", 10) == "short"
    assert bounded("x" * 25, 10) == "x" * 10 + "... (15 more characters)"


def test_a_spec_error_with_thousands_of_issues_stays_short():
    error = SpecError([Issue(("model", "edges", i), "no node named 'ghost'") for i in range(5000)])
    lines = str(error).splitlines()
    assert len(lines) == MAX_LISTED + 1 and lines[-1] == f"... and {5000 - MAX_LISTED} more problems"
    assert len(error.issues) == 5000  # every issue is kept for programs
    assert len(str(Issue((), "x" * 100_000))) < 1100


def test_the_cli_bounds_any_message(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("zoo: 2\nname: s\nmodel: {kind: graph, nodes: [{name: x, kind: input, shape: [2]}], "
                    "outputs: {y: x}, edges: [" + ", ".join(f"'x -> g{i}'" for i in range(3000)) + "]}\n")
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run([sys.executable, "-m", "zoo", "validate", str(spec)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 2 and "no node named 'g0'" in r.stderr and "more problems" in r.stderr
    assert len(r.stderr) < 5000 and "Traceback" not in r.stderr
