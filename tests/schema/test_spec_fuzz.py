"""Generated malformed specs never raise anything but the library's SpecError."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoo.errors import SpecError
from zoo.schema import catalogue, read_document, validate
from zoo.schema.document import parse_yaml

BASES = [read_document(e.path)[0] for e in catalogue()]

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
                    st.floats(allow_nan=True), st.text(max_size=12))
junk = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                    st.dictionaries(st.text(max_size=6), kids, max_size=4)),
                    max_leaves=12)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated(draw):
    doc = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(junk)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(junk)
    return doc


def _only_spec_errors(data):
    try:
        validate(data)
    except SpecError as e:
        assert e.issues and all(str(i) for i in e.issues)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_catalogue_specs(data):
    _only_spec_errors(data)


@settings(max_examples=200, deadline=None)
@given(junk)
def test_arbitrary_documents(data):
    _only_spec_errors(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_yaml_text(text):
    try:
        data, source = parse_yaml(text, "fuzz.yaml")
        validate(data, source)
    except SpecError:
        pass
