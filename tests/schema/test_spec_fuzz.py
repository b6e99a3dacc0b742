"""Generated malformed spec files: every one is a located SpecError, and the CLI exits 2 without a traceback;
generated valid specs compile and train a couple of steps, or are refused with a clean error.

The cases (``tests.support.specfuzz``) mutate valid documents that use every part and node kind (wrong
types, unknown and renamed keys, huge numbers, deep junk, future versions, cycles, dangling edges and
outputs, doubly fed ports), corrupt their text (truncation, stray bytes, NUL, tabs, non-UTF-8,
duplicated lines), or are raw junk (binary, empty files, 3,000-deep nesting, alias bombs), each with
``--set`` overrides. The whole ``zoo validate`` path runs: read, parse, override, validate, graph, check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.support.specbases import BASES
from tests.support.specchecks import Case, cli_problems, problems
from tests.support.specfuzz import cases
from tests.support.specvalid import train_problems, valid_specs
from zoo.compiler import checked_graph
from zoo.errors import SpecError
from zoo.schema import load_spec, validate

def fuzz(cases: int) -> settings:
    # derandomize: the same examples on every run, so a red build always reproduces
    return settings(max_examples=cases, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("doc", BASES, ids=lambda d: d["name"])
def test_fuzz_bases_are_valid_so_mutations_are_near_misses(doc):
    assert checked_graph(validate(doc)).number_of_nodes() >= 2


@fuzz(1500)
@given(case=cases())
def test_generated_spec_files_give_located_spec_errors(workdir, case):
    assert problems(case, workdir) == []


@fuzz(500)
@given(case=cases())
def test_generated_spec_files_through_the_cli(workdir, case):
    assert cli_problems(case, workdir) == []


@fuzz(6)
@given(doc=valid_specs)
def test_generated_valid_specs_compile_and_train(doc):
    assert validate(doc).name.startswith("fuzz-valid-")  # the generator writes valid specs only
    assert train_problems(doc) == []


GRAPH = """\
zoo: 2
name: g
model:
  kind: graph
  nodes:
    - {name: x, kind: input, shape: [6]}
    - {name: a, kind: mlp, hidden: [8], out: 4}
    - {name: b, kind: linear, out: 6}
  edges:
    - x -> a
    - a -> b
  outputs: {y: b}
"""

EXAMPLES = {
    "cycle": (GRAPH.replace("    - x -> a\n", "    - b -> a\n"), ".yaml", "s.yaml:11:7: model.edges[1]: the graph has a cycle: a -> b -> a"),
    "dangling edge": (GRAPH.replace("a -> b", "a -> ghost"), ".yaml", "s.yaml:11:7: model.edges[1].dst: no node named 'ghost'"),
    "dangling output": (GRAPH.replace("{y: b}", "{y: c}"), ".yaml", "s.yaml:12:13: model.outputs.y: no node named 'c'"),
    "wrong type": (GRAPH.replace("out: 4", "out: four"), ".yaml", "s.yaml:7:41: model.nodes[1].out: Input should be a valid integer"),
    "unknown key": (GRAPH.replace("out: 4}", "out: 4, colour: red}"), ".yaml", "s.yaml:7:49: model.nodes[1].colour: unknown key 'colour'"),
    "huge number": (GRAPH.replace("out: 4", "out: " + "9" * 5000), ".yaml", "s.yaml:7:46: model.nodes[1].out: cannot read this value"),
    "huge sexagesimal": (GRAPH.replace("out: 4", "out: " + "1:" * 1500 + "1"), ".yaml", "s.yaml:7:46: model.nodes[1].out: integer with more than"),
    "bad date": (GRAPH.replace("out: 4", "out: 2001-13-01"), ".yaml", "s.yaml:7:46: model.nodes[1].out: cannot read this value: month"),
    "empty tag": (GRAPH.replace("outputs: {y: b}", "outputs:\n    y: !!int"), ".yaml", "s.yaml:13:8: model.outputs.y: cannot read this value"),
    "NUL": (GRAPH.replace("out: 4", "out: \x00"), ".yaml", "s.yaml:7:46: YAML syntax error: character #x0000 is not allowed"),
    "deep junk": ("a: " + "[" * 500 + "]" * 500, ".yaml", "s.yaml:1:68: nested deeper than 64 levels"),
    "deep JSON": ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", ".json", "s.json:1:71: nested deeper than 64 levels"),
    "future version": (GRAPH.replace("zoo: 2", "zoo: 7"), ".yaml", "s.yaml:1:1: zoo: schema version 7 is newer"),
    "tab-indented JSON": ('{\n\t"name": "x",\n\t"model": {"kind": "graph", "nodes": [], "outputs": {"y": "x"}}\n}', ".json",
                          "s.json:3:29: model.nodes: Tuple should have at least 1 item"),
    "terminal codes in a key": (GRAPH.replace("outputs:", "\"\\e[2J\": 1\n  outputs:"), ".yaml", r"s.yaml:12:3: model['\x1b[2J']: unknown key"),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_kind_of_bad_input_is_located(tmp_path, name):
    text, suffix, expected = EXAMPLES[name]
    path = tmp_path / f"s{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as e:
        checked_graph(load_spec(path))
    assert any(str(i).replace(str(tmp_path) + "/", "").startswith(expected) for i in e.value.issues), str(e.value)
    assert problems(Case(path.read_bytes(), suffix), tmp_path) == []


def test_overrides_are_read_with_the_same_limits(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GRAPH)
    bomb = "[&a [1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b], " \
           "&d [*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d], [*e,*e,*e,*e,*e,*e,*e,*e]]"
    with pytest.raises(SpecError, match=r"--set description=\[&a .*: description: document has more than"):
        load_spec(path, [f"description={bomb}"])
    with pytest.raises(SpecError, match="nested deeper than 64"):
        load_spec(path, ["description=" + "[" * 100 + "]" * 100])


def test_unreadable_files_are_bounded(tmp_path):
    with pytest.raises(SpecError, match="is a character device, not a regular file"):
        load_spec("/dev/zero")
    with open(tmp_path / "huge.yaml", "wb") as f:
        f.truncate(8 * 1024**3)  # sparse
    with pytest.raises(SpecError, match="larger than"):
        load_spec(tmp_path / "huge.yaml")
    with pytest.raises(SpecError, match="is a directory"):
        load_spec(tmp_path)


@pytest.mark.parametrize("name", ["cycle", "huge number", "deep JSON", "terminal codes in a key"])
def test_real_cli_exits_2_with_located_message_and_no_traceback(tmp_path, name):
    text, suffix, expected = EXAMPLES[name]
    path = tmp_path / f"s{suffix}"
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-m", "zoo", "validate", str(path)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert expected in proc.stderr.replace(str(tmp_path) + "/", "") and "\x1b" not in proc.stderr
