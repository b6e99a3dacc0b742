"""``zoo schema``: the JSON Schema of specs; every catalogue spec validates against it."""

from __future__ import annotations

import jsonschema
import pytest

from zoo.schema import catalogue, json_schema, read_document


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_catalogue_specs_validate_against_the_json_schema(validator, entry):
    data, _ = read_document(entry.path)
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, errors[0].message


def test_schema_rejects_unknown_keys(validator):
    assert list(validator.iter_errors({"name": "x", "model": {"kind": "comet"}, "colour": 1}))


def test_committed_schema_file_is_current():
    import json
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "zoo.schema.json"
    assert json.loads(committed.read_text()) == json_schema(), "run: zoo schema --out zoo.schema.json"
