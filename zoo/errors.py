"""Errors a user can act on: what was wrong, where, and what is accepted.

Every error raised for bad input is a :class:`ZooError`. Spec problems are collected into one
:class:`SpecError` holding every :class:`Issue` found, each with its spec path and, when the spec came
from a file, the file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

PathPart = str | int


class ZooError(Exception):
    """Base class for every error caused by the user's input (CLI exit code 2)."""


class BankError(ZooError):
    """A mechanism bank or weight file that cannot be used (wrong names, shapes, dtypes, format)."""


class DataError(ZooError):
    """A data file that cannot be used: missing array, wrong shape or dtype, non-finite values, too big."""


class TrainingError(Exception):
    """Training stopped for a reason that is not bad input (e.g. a NaN loss); CLI exit code 1."""


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def printable(text: str) -> str:
    """``text`` with every unprintable character but newlines escaped (no terminal control codes)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)


def format_path(path: Sequence[PathPart]) -> str:
    """Render a spec path the way users write it: ``mechanisms[0].hidden``.

    A key that is not a plain word is quoted (``model['a b']``), so control characters or dots in a
    document's keys can neither garble the message nor the terminal.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.match(str(part)):
            out += f"[{str(part)[:80]!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<root>"


@dataclass(frozen=True)
class Issue:
    """One problem in a spec."""

    path: tuple[PathPart, ...]
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}:{self.column or 1}"
            where += ": "
        where += f"{format_path(self.path)}: " if self.path else ""
        return printable(f"{where}{self.message}")


class SpecError(ZooError):
    """One or more problems in a spec; ``str()`` lists every one, one per line."""

    def __init__(self, issues: Iterable[Issue] | str, path: Sequence[PathPart] = ()):
        if isinstance(issues, str):
            issues = [Issue(tuple(path), issues)]
        self.issues: list[Issue] = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def relocated(self, prefix: Sequence[PathPart]) -> "SpecError":
        """The same issues with ``prefix`` put before each path (for nested specs)."""
        return SpecError(replace(i, path=tuple(prefix) + i.path) for i in self.issues)
