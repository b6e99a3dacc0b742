"""Sequential digits' data.source: the accepted sources and the image limit of each, with located errors."""

from __future__ import annotations

from zoo.errors import SpecError
from zoo.schema import load_spec


def problems(name: str, *overrides: str) -> list[str]:
    """``path: message`` of every issue ``load_spec`` reports (empty when the spec is valid)."""
    try:
        load_spec(name, overrides)
    except SpecError as e:
        return [f"{'.'.join(map(str, i.path))}: {i.message}" for i in e.issues]
    return []


def test_the_source_must_be_a_known_one():
    assert problems("rims-digits", "data.source=emnist") == [
        "data.source: Input should be 'sklearn' or 'mnist' (got 'emnist')"]
    assert load_spec("rims-digits").data.source == "sklearn"  # the default install's data
    assert load_spec("rims-mnist").data.source == "mnist"


def test_the_limit_is_at_most_the_source_images():
    assert problems("rims-digits", "data.limit=2000") == [
        "data.limit: Value error, limit=2000 exceeds the 1,797 images of source 'sklearn'"]
    assert problems("rims-mnist", "data.limit=2000") == []
    assert problems("rims-mnist", "data.limit=5001") == ["data.limit: Input should be less than or equal to 5000"]
