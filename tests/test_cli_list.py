"""``zoo list``: columns aligned to the longest name, descriptions shortened at a sentence or a word."""

from __future__ import annotations

import pytest

from zoo.cli_list import catalogue_lines, shorten
from zoo.schema import catalogue


@pytest.mark.parametrize("text,width,expected", [
    ("Short.", 40, "Short."),
    ("Two lines\n  joined   into one.", 40, "Two lines joined into one."),
    ("First sentence here. Second sentence is much longer than the room.", 40, "First sentence here."),
    ("A tiny one. Then a sentence that does not fit at all", 40, "A tiny one. Then a sentence that does..."),
    ("No sentence end but many words to cut somewhere", 20, "No sentence end..."),
    ("Cut after a comma, not inside it", 22, "Cut after a comma..."),
    ("Averyveryverylongwordwithoutspaces", 12, "Averyvery..."),
])
def test_shorten_cuts_at_a_sentence_or_word(text, width, expected):
    got = shorten(text, width)
    assert got == expected and len(got) <= width


def test_columns_align_to_the_longest_name_and_fit_the_width():
    lines = catalogue_lines(width=100)
    names = [e.name for e in catalogue()]
    assert len(lines) == len(names) and max(len(n) for n in names) > 32  # longer than the old fixed column
    kind_at = max(len(n) for n in names) + 2
    kinds = [line[kind_at:].split()[0] for line in lines]
    text_at = kind_at + max(len(k) for k in kinds) + 2
    for line, name, kind in zip(lines, names, kinds):
        assert line[:kind_at].rstrip() == name and line[kind_at:text_at].rstrip() == kind and line[text_at] != " "
        assert len(line) <= 100 and line.endswith((".", "...", ")")), line
