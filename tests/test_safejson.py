"""JSON from files and the Hub: syntax, nesting, huge integers and unreadable files are one clear error."""

from __future__ import annotations

import pytest

from zoo import safejson
from zoo.errors import BankError, ZooError


def test_plain_json_is_read():
    assert safejson.loads('{"a": [1, 2.5, null, true, NaN], "b": -12}', "f.json")["b"] == -12


@pytest.mark.parametrize("text,message", [
    ("[" * 100_000 + "]" * 100_000, "f.json: nested deeper than 64 levels"),
    ("[" * 65 + "]" * 65, "f.json: nested deeper than 64 levels"),
    ('{"a": ' + "9" * 5000 + "}", "f.json: an integer with 5000 digits (at most 100 are read)"),
    ("-" + "9" * 101, "f.json: an integer with 101 digits"),
    ('{"a": 1,}', "f.json: not valid JSON: Expecting property name enclosed in double quotes at line 1, column 9"),
])
def test_hostile_json_is_refused_clearly(text, message):
    with pytest.raises(ZooError) as e:
        safejson.loads(text, "f.json")
    assert str(e.value).startswith(message)


def test_the_limit_is_inclusive():
    assert safejson.depth(safejson.loads("[" * 64 + "]" * 64, "f.json")) == 64
    assert safejson.loads("9" * 100, "f.json") == int("9" * 100)


def test_files_are_bounded_and_errors_take_the_callers_type(tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(b'{"\xff": 1}')
    with pytest.raises(BankError, match=r"m.json: not UTF-8 text \(byte 0xff at offset 2\)"):
        safejson.read(path, BankError)
    path.write_text("[" + "1, " * 100 + "1]")
    with pytest.raises(ZooError, match="larger than 100 bytes"):
        safejson.read(path, max_bytes=100)
    with pytest.raises(ZooError, match="cannot read"):
        safejson.read(tmp_path / "missing.json")
