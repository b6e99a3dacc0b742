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


MAX_LISTED = 20  # problems listed in one message; the rest are counted
MAX_MESSAGE = 20_000  # characters of one message, whatever it quotes


def printable(text: str, newlines: bool = True) -> str:
    """``text`` with every unprintable character escaped (no terminal control codes), so that a string
    from a file or the Hub can be shown safely; newlines are kept unless ``newlines`` is False."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or (newlines and c == "\n") else repr(c)[1:-1] for c in text)


def listing(problems: Sequence[str], limit: int = MAX_LISTED, indent: str = "\n  ") -> str:
    """The first ``limit`` problems, one per line after ``indent``, then "... and N more"."""
    shown = [indent + p for p in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"{indent}... and {len(problems) - limit} more")
    return "".join(shown)


def bounded(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return message[:limit] + f"... ({len(message) - limit} more characters)"


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
        return printable(bounded(f"{where}{self.message}", MAX_MESSAGE // MAX_LISTED))


class SpecError(ZooError):
    """One or more problems in a spec; ``str()`` lists every one, one per line."""

    def __init__(self, issues: Iterable[Issue] | str, path: Sequence[PathPart] = ()):
        if isinstance(issues, str):
            issues = [Issue(tuple(path), issues)]
        self.issues: list[Issue] = list(issues)
        lines = [str(i) for i in self.issues[:MAX_LISTED]]
        more = len(self.issues) - len(lines)
        super().__init__("\n".join(lines + ([f"... and {more} more problems"] if more > 0 else [])))

    def relocated(self, prefix: Sequence[PathPart]) -> "SpecError":
        """The same issues with ``prefix`` put before each path (for nested specs)."""
        return SpecError(replace(i, path=tuple(prefix) + i.path) for i in self.issues)
