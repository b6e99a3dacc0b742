"""The spec models: frozen, strict about keys, discriminated unions, migrations, no torch."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from zoo.errors import SpecError
from zoo.schema import CURRENT_VERSION, ModelSpec, loads_spec
from zoo.schema.migrate import migrate


def test_schema_package_imports_no_torch():
    code = "import sys, zoo.schema, zoo.schema.loader; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_specs_are_frozen(comet_yaml):
    spec = loads_spec(comet_yaml)
    with pytest.raises(ValidationError):
        spec.name = "other"
    with pytest.raises(ValidationError):
        spec.slots.count = 9


def test_unknown_keys_are_errors(comet_yaml):
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.hiden: unknown key 'hiden'; did you mean 'hidden'"):
        loads_spec(comet_yaml.replace("hidden: [8], inputs", "hiden: [8], inputs"))


def test_unions_are_discriminated_on_kind(comet_yaml):
    spec = loads_spec(comet_yaml)
    assert type(spec.mechanisms[0]).__name__ == "MLPBankSpec"
    assert type(spec.interactions).__name__ == "CompleteGraphSpec"
    with pytest.raises(SpecError, match="interactions.kind: .*'complete', 'knn', 'edges', 'none'"):
        loads_spec(comet_yaml.replace("{kind: complete}", "{kind: dense}"))


def test_missing_kind_says_so(comet_yaml):
    with pytest.raises(SpecError, match="interactions: missing the tag"):
        loads_spec(comet_yaml.replace("{kind: complete}", "{k: 2}"))


def test_version_1_migrates():
    old = {"zoo": 1, "name": "old", "family": "interaction_network", "slots": {"count": 3, "dim": 2},
           "interactions": {"kind": "complete"}}
    spec = ModelSpec.model_validate(old)
    assert spec.zoo == CURRENT_VERSION and spec.model.kind == "interaction_network"
    assert migrate({"zoo": 1, "name": "x", "family": "comet", "train": {"optimiser": "sgd"}})["train"] == {"optimizer": "sgd"}


@pytest.mark.parametrize("version,message", [
    ("99", "zoo: schema version 99 is newer than this library understands (up to 2)"),
    ("0", "zoo: schema version 0 does not exist; this library reads versions 1 to 2"),
    ("-1", "zoo: schema version -1 does not exist; this library reads versions 1 to 2"),
    ("true", "zoo: the schema version must be an integer (1 to 2), got true (a boolean)"),
    ("false", "zoo: the schema version must be an integer (1 to 2), got false (a boolean)"),
    ("2.0", "zoo: the schema version must be an integer (1 to 2), got 2.0 (a number with a fraction)"),
    ("'2'", "zoo: the schema version must be an integer (1 to 2), got '2' (a string)"),
    ("null", "zoo: the schema version must be an integer (1 to 2), got null"),
    ("[2]", "zoo: the schema version must be an integer (1 to 2), got a list"),
])
def test_bad_versions_are_refused(comet_yaml, version, message):
    with pytest.raises(SpecError) as e:
        loads_spec(comet_yaml.replace("zoo: 2", f"zoo: {version}"), "s.yaml")
    assert str(e.value) == f"s.yaml:1:1: {message}" or str(e.value).startswith(f"s.yaml:1:1: {message};")


def test_cross_field_checks_keep_their_location(comet_yaml):
    text = comet_yaml.replace("{kind: complete}", "{kind: knn, k: 5}")
    text += "  \n"
    text = text.replace("mechanisms:\n", "mechanisms:\n  - {name: bank, kind: linear, count: 2}\n")
    with pytest.raises(SpecError) as e:
        loads_spec(text, "spec.yaml")
    lines = str(e.value).splitlines()
    assert any(l.startswith("spec.yaml:") and "mechanisms[1].name: name 'bank' is already used" in l for l in lines)
    assert any("interactions.k: k=5 exceeds the 3 candidate slots" in l for l in lines)


def test_explicit_edges_are_bounded(comet_yaml):
    with pytest.raises(SpecError, match=r"interactions.edges\[0\]\[1\]: slot 7 >= slots.count=4"):
        loads_spec(comet_yaml.replace("{kind: complete}", "{kind: edges, edges: [[0, 7]]}"))


def test_huge_numbers_are_refused(comet_yaml):
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.count: Input should be less than or equal to 4096"):
        loads_spec(comet_yaml.replace("count: 3", "count: 1000000000000"))


@pytest.mark.parametrize("name", ["lstm-copying", "rims-copying"])
def test_chrono_horizon_is_checked_where_it_is_written(name):
    from zoo.schema import load_spec

    assert load_spec("lstm-copying").model.chrono == 61 and load_spec("lstm-digits").model.chrono is None
    assert load_spec(name, ["model.chrono=7"]).model.chrono == 7
    with pytest.raises(SpecError, match=r"model\.chrono: Input should be greater than or equal to 3"):
        load_spec(name, ["model.chrono=2"])
