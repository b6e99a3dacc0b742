"""``zoo list``: the catalogue as an aligned table, one line per spec, fitted to the terminal."""

from __future__ import annotations

import shutil

from zoo.errors import ZooError, printable
from zoo.schema import catalogue, load_spec

MIN_DESCRIPTION = 30  # characters of description shown however narrow the terminal


def shorten(text: str, width: int) -> str:
    """``text`` on one line in at most ``width`` characters: whole if it fits, else up to the end of its
    last sentence that fits (when that keeps at least half the room), else cut at a word with '...'."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    room = text[: width + 1]
    end = room.rfind(". ")
    if end + 1 >= width // 2:
        return text[: end + 1]
    cut = text.rfind(" ", 0, width - 2)
    return (text[:cut] if cut > 0 else text[: width - 3]).rstrip(",;:(- ") + "..."


def catalogue_lines(width: int | None = None) -> list[str]:
    """One line per catalogue spec: name, model kind and description, in aligned columns."""
    rows = []
    for entry in catalogue():
        try:
            spec = load_spec(entry.path)
            rows.append((entry.name, spec.model.kind, spec.description))
        except ZooError:
            rows.append((entry.name, "(invalid spec)", ""))
    if not rows:
        return []
    width = width or shutil.get_terminal_size((120, 24)).columns
    name_w, kind_w = (max(len(r[i]) for r in rows) for i in (0, 1))
    room = max(MIN_DESCRIPTION, width - name_w - kind_w - 4)
    lines = [f"{name:{name_w}s}  {kind:{kind_w}s}  {shorten(text, room)}".rstrip() for name, kind, text in rows]
    return [printable(line, newlines=False) for line in lines]
