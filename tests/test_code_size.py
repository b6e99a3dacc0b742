"""Small files and functions: at most 300 lines a file and 50 lines a function (from ``def`` to its last
line, nested functions included), in zoo/, bench/ and tests/."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FILE_LINES, MAX_FUNCTION_LINES = 300, 50

# Files or functions allowed over the limits, each with its reason; empty: everything fits. An entry that
# is no longer over fails the test below, so the list only shrinks.
ALLOWED: set[str] = set()


def oversized(path: Path, name: str) -> list[str]:
    """``name`` (a file over :data:`MAX_FILE_LINES`) and ``name:function`` for each function over
    :data:`MAX_FUNCTION_LINES`, with their sizes."""
    text = path.read_text(encoding="utf-8")
    found = [f"{name} ({len(text.splitlines())} lines)"] if len(text.splitlines()) > MAX_FILE_LINES else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            size = node.end_lineno - node.lineno + 1
            if size > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.name} ({size} lines, line {node.lineno})")
    return found


@functools.cache
def _everything() -> list[str]:
    return [entry for folder in ("zoo", "bench", "tests") for path in sorted((ROOT / folder).rglob("*.py"))
            for entry in oversized(path, path.relative_to(ROOT).as_posix())]


def test_files_and_functions_are_small():
    over = [entry for entry in _everything() if entry.split(" (")[0] not in ALLOWED]
    assert over == [], "split these (files at most 300 lines, functions at most 50):\n" + "\n".join(over)


def test_the_allowed_list_holds_only_what_is_still_over():
    still = {entry.split(" (")[0] for entry in _everything()}
    assert sorted(ALLOWED - still) == [], "these are small now: take them off ALLOWED"


def test_a_long_function_and_a_long_file_are_found(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "m.py").write_text(f"def f():\n{body}\n\n\ndef g():\n    return 1\n" + "\n" * MAX_FILE_LINES)
    assert [e.split(" (")[0] for e in oversized(tmp_path / "m.py", "m.py")] == ["m.py", "m.py:f"]
