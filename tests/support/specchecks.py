"""The property every generated spec file must satisfy, as ``zoo validate`` sees it.

:func:`problems` loads a :class:`Case` the way ``zoo validate`` does (read, parse, override, validate,
build and check the graph) and lists every broken promise: anything raised but a SpecError, an issue
without a file, an issue without line and column although the document has content, an unprintable
message. :func:`cli_problems` runs ``zoo validate`` in-process: exit code 0 or 2, no traceback.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One generated spec file."""

    raw: bytes
    suffix: str = ".yaml"
    overrides: tuple[str, ...] = ()
    family: str = field(default="raw", compare=False)



def _has_content(raw: bytes, file: str) -> bool:
    from zoo.errors import SpecError
    from zoo.schema.document import decode, parse_text

    try:
        data, _ = parse_text(decode(raw, file), file)
    except SpecError:
        return True
    return data is not None


def issue_problems(error, raw: bytes, file: str) -> list[str]:
    """What is wrong with a SpecError's issues (empty when each is located and printable)."""
    out = []
    if not error.issues:
        out.append("a SpecError without issues")
    for issue in error.issues:
        text = str(issue)
        if issue.file is None:
            out.append(f"issue without a file: {text[:200]}")
        elif issue.line is None and not issue.file.startswith("--set") and _has_content(raw, file):
            out.append(f"issue without a line: {text[:200]}")
        if not all(c.isprintable() or c == "\n" for c in text):
            out.append(f"unprintable message: {text[:200]!r}")
        if not issue.message:
            out.append("an issue with an empty message")
    return out


def write(case: Case, directory: Path) -> Path:
    """The case as a file in ``directory``."""
    path = Path(directory) / f"spec{case.suffix}"
    path.write_bytes(case.raw)
    return path


def problems(case: Case, directory: Path) -> list[str]:
    """Every broken promise when ``zoo validate`` would load this case (empty: the property holds)."""
    from zoo.compiler import checked_graph
    from zoo.errors import SpecError
    from zoo.schema import load_spec

    path = write(case, directory)
    try:
        checked_graph(load_spec(path, case.overrides))
    except SpecError as e:
        return issue_problems(e, case.raw, str(path))
    except Exception as e:  # noqa: BLE001 - anything else is exactly what we look for
        return [f"{type(e).__name__}: {str(e)[:300]}\n{traceback.format_exc(limit=-3)}"]
    return []


def cli_args(path: Path, case: Case) -> list[str]:
    """``zoo validate`` arguments for the case."""
    args = ["validate", str(path)]
    for o in case.overrides:
        args += ["--set", o]
    return args


def cli_problems(case: Case, directory: Path) -> list[str]:
    """``zoo validate`` in-process: exit code 0 or 2, an ``error:`` message, never a traceback."""
    from click.testing import CliRunner

    from zoo.cli import main

    r = CliRunner().invoke(main, cli_args(write(case, directory), case))
    out = []
    if r.exit_code not in (0, 2):
        out.append(f"exit code {r.exit_code}: {r.exception!r}")
    if r.exit_code == 2 and "error:" not in r.output:
        out.append(f"exit code 2 without a message: {r.output[:200]!r}")
    if "Traceback" in r.output or (r.exception is not None and not isinstance(r.exception, SystemExit)):
        out.append(f"traceback: {r.exception!r}")
    return out
