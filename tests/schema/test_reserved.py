"""Reserved names are refused by ``validate`` with a located message naming the word, wherever a name
becomes a Python identifier; the static list covers what torch and the compiled model really use."""

from __future__ import annotations

import copy
import keyword

import pytest
import torch

from tests.support.specbases import COMET, REGRESSION
from zoo.compiler import compile_spec
from zoo.errors import SpecError
from zoo.schema import loads_spec, validate
from zoo.schema.reserved import ARGUMENTS, COMPILED_ATTRIBUTES, MODULE_ATTRIBUTES, reserved_reason

RESERVED = sorted(set(keyword.kwlist) | MODULE_ATTRIBUTES | COMPILED_ATTRIBUTES | ARGUMENTS
                  | {"_modules", "_parameters", "__init__", "__class__", "_code", "_graph"})


def test_static_list_covers_torch_modules_and_the_compiled_model():
    model = compile_spec(validate(REGRESSION))
    nodes = {name for name, _ in model.named_children()}
    attributes = (set(dir(torch.nn.Module)) | set(dir(model)) | set(vars(model))) - nodes
    assert {"net"} == nodes and "forward" in attributes  # the comparison below sees real attributes
    assert sorted(a for a in attributes if reserved_reason(a) is None) == []


def _place(doc_name: str, where: str) -> tuple[dict, tuple]:
    """REGRESSION (or COMET) with ``doc_name`` written at ``where``; the path where it must be refused."""
    doc = copy.deepcopy(COMET if where == "bank" else REGRESSION)
    if where == "node":
        doc["model"]["nodes"][1]["name"] = doc_name
        doc["model"]["edges"], doc["model"]["outputs"] = [f"x -> {doc_name}"], {"y": doc_name}
        return doc, ("model", "nodes", 1, "name")
    if where == "input":
        doc["model"]["nodes"][0]["name"] = doc_name
        doc["model"]["edges"] = [f"{doc_name} -> net"]
        return doc, ("model", "nodes", 0, "name")
    if where == "output":
        doc["model"]["outputs"] = {doc_name: "net"}
        doc["train"]["output"] = "y"
        return doc, ("model", "outputs", doc_name)
    doc["mechanisms"][0]["name"] = doc["model"]["bank"] = doc_name
    return doc, ("mechanisms", 0, "name")


@pytest.mark.parametrize("where", ["node", "input", "output", "bank"])
@pytest.mark.parametrize("name", RESERVED)
def test_each_reserved_name_is_refused_where_it_would_become_an_identifier(name, where):
    doc, path = _place(name, where)
    with pytest.raises(SpecError) as e:
        validate(doc)
    issues = [i for i in e.value.issues if i.path == path]
    assert issues and f"{name!r} cannot be used as a name: it is" in issues[0].message, str(e.value)


def test_the_message_is_located_in_the_file_and_says_why():
    text = "name: g\nmodel:\n  kind: graph\n  nodes:\n    - {name: self, kind: input, shape: [2]}\n" \
           "    - {name: lambda, kind: linear, out: 1}\n  edges: [self -> lambda]\n  outputs: {y: lambda}\n"
    with pytest.raises(SpecError) as e:
        loads_spec(text, "s.yaml")
    lines = str(e.value).splitlines()
    assert lines[0].startswith("s.yaml:5:") and "'self' cannot be used as a name: it is the compiled forward's" in lines[0]
    assert lines[1].startswith("s.yaml:6:") and "'lambda' cannot be used as a name: it is a Python keyword" in lines[1]


@pytest.mark.parametrize("name", ["a-b", "1x", "a b", "ü", "x.y", "", "a" * 65])
def test_names_that_are_not_identifiers_are_refused(name):
    doc, path = _place(name, "bank")
    with pytest.raises(SpecError) as e:
        validate(doc)
    assert any(i.path == path for i in e.value.issues), str(e.value)


@pytest.mark.parametrize("name", ["forward_", "self_", "train2", "print", "torch", "inf", "match", "None_", "Module"])
def test_names_near_reserved_ones_compile_and_run(name):
    doc, _ = _place(name, "node")
    model = compile_spec(validate(doc))
    out = model(x=torch.randn(2, 4))["y"]
    assert out.shape == (2, 1) and hasattr(model, name) and name in dict(model.named_children())
