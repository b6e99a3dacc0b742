"""``zoo schema --markdown``: the spec reference covers every model and field, and the committed copy is current."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from zoo.cli import main
from zoo.schema import json_schema
from zoo.schema.reference import reference_markdown, type_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "spec-reference.md"


def test_committed_reference_is_current():
    assert COMMITTED.read_text() == reference_markdown(), "run: zoo schema --markdown --out docs/spec-reference.md"


def test_every_model_and_field_has_its_row_and_every_link_a_target():
    text = reference_markdown()
    for name, model in json_schema()["$defs"].items():
        section = text.split(f'<a id="{name.lower()}"></a>', 1)[1].split("<a id=", 1)[0]
        fields = model.get("properties") or next(f["properties"] for f in model["anyOf"] if "properties" in f)
        for field in fields:
            assert f"| `{field}` |" in section, (name, field)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert set(re.findall(r"\]\(#([^)]+)\)", text)) <= anchors


def test_types_read_as_written_in_yaml():
    assert type_text({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}) == "*integer* (≥ 1) or null"
    assert type_text({"type": "array", "items": {"$ref": "#/$defs/EdgeSpec"}}) == "list of [EdgeSpec](#edgespec)"
    assert type_text({"enum": ["a", "b"]}) == '`"a"` | `"b"`'


def test_cli_prints_the_reference(tmp_path):
    r = CliRunner().invoke(main, ["schema", "--markdown"])
    assert r.exit_code == 0 and r.output == reference_markdown()
