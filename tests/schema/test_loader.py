"""Loading YAML/JSON: located errors, all at once, overrides, catalogue lookup, hostile input."""

from __future__ import annotations

import json

import pytest

import zoo
from zoo.errors import SpecError
from zoo.schema import catalogue, load_spec, loads_spec
from zoo.schema.loader import parse_override


def _issues(text: str, file: str = "s.yaml") -> list[str]:
    with pytest.raises(SpecError) as e:
        loads_spec(text, file)
    return str(e.value).splitlines()


def test_every_error_at_once_with_line_and_column(comet_yaml):
    text = comet_yaml.replace("count: 3", "count: x").replace("hidden: [8]}", "hidden: [8], activation: swish}")
    text = text.replace("name: tiny-comet", "name: tiny-comet\ncolour: blue")
    lines = _issues(text)
    assert "s.yaml:3:1: colour: unknown key 'colour'" in lines[0] or any(l.startswith("s.yaml:3:1: colour") for l in lines)
    assert any(l.startswith("s.yaml:7:") and "mechanisms[0].count" in l and "'x'" in l for l in lines)
    assert any(l.startswith("s.yaml:9:") and "router.activation" in l for l in lines)
    assert len(lines) == 3


def test_json_specs_report_lines_too(comet_yaml):
    data = loads_spec(comet_yaml).model_dump(mode="json")
    data["mechanisms"][0]["count"] = -1
    text = json.dumps(data, indent=2)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if '"count": -1' in l)
    (issue,) = _issues(text, "s.json")
    assert issue.startswith(f"s.json:{line}:") and "mechanisms[0].count" in issue


def test_json_syntax_error_is_located():
    (issue,) = _issues('{"name": "x",\n  "model": }', "s.json")
    assert issue.startswith("s.json:2:") and "JSON syntax error" in issue


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the spec is empty"),
        ("- 1\n- 2\n", "a spec is a mapping"),
        ("name: a\nname: b\n", "duplicate key 'name'"),
        ("name: [unclosed\n", "YAML syntax error"),
        ("1: x\n", "keys must be strings"),
        ("name: !!python/object:os.system x\n", "the tag !!python/object:os.system is not allowed"),
        ("a: " + "[" * 200 + "]" * 200 + "\n", "nested deeper"),
        ("a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
         "more than"),
    ],
)
def test_hostile_documents_give_spec_errors(text, message):
    assert any(message in l for l in _issues(text))


TAGGED = {
    "python tag on a list": ("hidden: !!python/object/apply:os.system [5]", "1:9", "hidden", "!!python/object/apply:os.system"),
    "python tag on a mapping": ("train: !!python/object/new:dict {a: 1}", "1:8", "train", "!!python/object/new:dict"),
    "python tag on a scalar": ("description: !!python/str x", "1:14", "description", "!!python/str"),
    "python tag on a key": ("!!python/str description: x", "1:1", "", "!!python/str"),
    "custom tag on a list": ("hidden: !mine [5]", "1:9", "hidden", "!mine"),
    "custom tag on a scalar": ("description: !mine x", "1:14", "description", "!mine"),
    "set": ("hidden: !!set {a: null}", "1:9", "hidden", "!!set"),
    "ordered map": ("hidden: !!omap [a: 1]", "1:9", "hidden", "!!omap"),
    "nested deep": ("train: {a: [1, {b: !!python/name:os.system x}]}", "1:20", "train.a[1].b", "!!python/name:os.system"),
}


@pytest.mark.parametrize("name", TAGGED)
def test_tags_beyond_plain_data_are_refused_on_every_kind_of_node(name):
    line, where, path, tag = TAGGED[name]
    (issue,) = _issues(line + "\n", "s.yaml")
    prefix = f"s.yaml:{where}: " + (f"{path}: " if path else "")
    assert issue == f"{prefix}the tag {tag} is not allowed: a spec holds plain data (mappings, lists, strings, " \
                    "numbers, booleans, null)"


@pytest.mark.parametrize("line", ["description: !!str x", "description: ! x", "train: !!map {}", "hidden: !!seq []",
                                  "description: !!binary aGVsbG8=", "zoo: !!int 2"])
def test_standard_tags_on_plain_data_are_read(line):
    assert not any("is not allowed" in issue for issue in _issues(line + "\n", "s.yaml"))


def test_non_utf8_bytes_are_located(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_bytes(b"name: ok\nmodel: \xff\n")
    with pytest.raises(SpecError, match=r"bad.yaml:2:8: not UTF-8 text \(byte 0xff\)"):
        load_spec(p)


def test_overrides_revalidate_and_are_named(tmp_path, comet_yaml):
    p = tmp_path / "s.yaml"
    p.write_text(comet_yaml)
    spec = load_spec(p, ["mechanisms[0].count=5", "router.hidden=[4, 4]", "interactions.kind=none"])
    assert spec.mechanisms[0].count == 5 and spec.router.hidden == (4, 4) and spec.interactions.kind == "none"
    with pytest.raises(SpecError, match=r"--set mechanisms.0.count=0: mechanisms\[0\]\.count: Input should be greater"):
        load_spec(p, ["mechanisms.0.count=0"])


@pytest.mark.parametrize("text,path,value", [("train.steps=200", ("train", "steps"), 200),
                                             ("a[1].b=x y", ("a", 1, "b"), "x y"), ("lr=1e-3", ("lr",), "1e-3")])
def test_parse_override(text, path, value):
    assert parse_override(text) == (path, value)


def test_bad_override_syntax():
    with pytest.raises(SpecError, match="expected PATH=VALUE"):
        parse_override("train.steps")


def test_catalogue_names_resolve():
    entries = catalogue()
    assert entries, "the catalogue is empty"
    for entry in entries:
        assert zoo.load_spec(entry.name).name


def test_unknown_catalogue_name_lists_the_catalogue():
    with pytest.raises(SpecError, match="neither a spec file nor a catalogue spec; the catalogue has: "):
        load_spec("no-such-spec")


def test_missing_file():
    with pytest.raises(SpecError, match="no such file: missing.yaml"):
        load_spec("missing.yaml")
