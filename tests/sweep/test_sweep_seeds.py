"""Seed lists as users write them."""

from __future__ import annotations

import pytest

from zoo.sweep.seeds import parse_seeds


@pytest.mark.parametrize("text, seeds", [
    ("0-4", (0, 1, 2, 3, 4)), ("0,2,5", (0, 2, 5)), ("0-2,7", (0, 1, 2, 7)), (" 3 ", (3,)), (3, (3,)),
    ([1, 0, 1], (1, 0)), ("4-4", (4,)), ("2,0-1", (2, 0, 1)),
])
def test_ranges_and_lists(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text, message", [
    ("4-0", "runs backwards; write 0-4"), ("", "no seeds given"), ("a", "'a' is not a seed"), (-1, "between 0"),
    ("0-99999", "more than 10000 seeds"), (True, "must be integers"), ([0, "x"], "'x' is not a seed"),
    (1.5, "a range like 0-4"),
])
def test_bad_seeds_say_what_is_accepted(text, message):
    with pytest.raises(ValueError, match=message):
        parse_seeds(text)
