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


def undescribed(node, where: str = "") -> list[str]:
    """Every property anywhere in a JSON Schema that has no description, as 'Model.field'."""
    found = []
    if isinstance(node, dict):
        title = node.get("title", where)
        for name, prop in node.get("properties", {}).items():
            if not (isinstance(prop, dict) and prop.get("description")):
                found.append(f"{title}.{name}")
        for key, value in node.items():
            found += undescribed(value, key if where == "$defs" else title)
    elif isinstance(node, list):
        for value in node:
            found += undescribed(value, where)
    return found


def test_every_property_is_described():
    schema = json_schema()
    assert sum(len(d.get("properties", {})) for d in schema["$defs"].values()) > 300  # the walk sees them
    assert undescribed({"properties": {"x": {}}}) == [".x"]
    assert undescribed(schema) == []
