"""Named adversarial checks of spec validation and of what zoo prints: reserved and non-identifier
names, YAML tags, schema versions, hostile bank ``spec.json`` and run files, terminal escapes,
unbounded messages, and generated valid specs trained for two steps.

:func:`spec_cases` returns :class:`Check` items; each ``run()`` is self-contained (its own temporary
files) and returns True when zoo handled the case cleanly: a clear :class:`~zoo.errors.ZooError` (CLI:
exit 2, an ``error:`` line, no traceback, no control codes) where the input is bad, the promised
result where it is good. Run: ``PYTHONPATH=. python bench/reliability_spec_cases.py``.
"""

from __future__ import annotations

import copy
import functools
import json
import keyword
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.specbases import COMET, GRAPH, REGRESSION  # noqa: E402
from zoo.errors import ZooError  # noqa: E402
from zoo.schema import loads_spec, validate  # noqa: E402
from zoo.schema.reserved import ARGUMENTS, COMPILED_ATTRIBUTES, MODULE_ATTRIBUTES  # noqa: E402

RESERVED = sorted(set(keyword.kwlist) | MODULE_ATTRIBUTES | COMPILED_ATTRIBUTES | ARGUMENTS
                  | {"_modules", "_parameters", "_buffers", "__init__", "__class__", "__dict__", "_code", "_graph"})


class Check(NamedTuple):
    """One adversarial case: ``run()`` is True when zoo handled it cleanly."""

    name: str
    run: Callable[[], bool]


def _refused(make: Callable[[], Any], *fragments: str) -> bool:
    """True when ``make()`` raises a ZooError whose message holds every fragment and no control code."""
    try:
        make()
    except ZooError as e:
        text = str(e)
        return all(f in text for f in fragments) and all(c.isprintable() or c == "\n" for c in text)
    except Exception:  # noqa: BLE001 - any other exception is the failure being counted
        return False
    return False


def cli(*args: str) -> tuple[int, str]:
    """``zoo ARGS`` in-process: (exit code, output); -1 when it raised anything but SystemExit."""
    from click.testing import CliRunner

    from zoo.cli import main

    r = CliRunner().invoke(main, list(args))
    clean = r.exception is None or isinstance(r.exception, SystemExit)
    return (r.exit_code if clean else -1), r.output


def cli_refused(args: list[str], fragment: str) -> bool:
    """True when ``zoo ARGS`` exits 2 with an ``error:`` message holding ``fragment``, no traceback, no escapes."""
    code, out = cli(*args)
    return code == 2 and out.startswith("error:") and fragment in out and "\x1b" not in out and "Traceback" not in out


# -- names -------------------------------------------------------------------------------------
def _named(name: str, where: str) -> dict:
    """A valid document with ``name`` written as a node, input, output, bank or hypernetwork name."""
    doc = copy.deepcopy({"bank": COMET, "hypernetwork": GRAPH}.get(where, REGRESSION))
    model = doc["model"]
    if where == "node":
        model["nodes"][1]["name"] = name
        model["edges"], model["outputs"] = [f"x -> {name}"], {"y": name}
    elif where == "input":
        model["nodes"][0]["name"], model["edges"] = name, [f"{name} -> net"]
    elif where == "output":
        model["outputs"], doc["train"]["output"] = {name: "net"}, name
    elif where == "bank":
        doc["mechanisms"][0]["name"] = model["bank"] = name
    else:
        doc["hypernetworks"][0]["name"] = model["nodes"][8]["hypernetwork"] = name
    return doc


def _reserved_refused(name: str, where: str) -> bool:
    return _refused(lambda: validate(_named(name, where)), f"{name!r} cannot be used as a name: it is")


def _legal_name_runs(name: str) -> bool:
    import torch

    from zoo import compile_spec

    model = compile_spec(validate(_named(name, "node")))
    return model(x=torch.randn(2, 4))["y"].shape == (2, 1)


def name_checks() -> list[Check]:
    out = [Check(f"reserved node name {n!r}", functools.partial(_reserved_refused, n, "node")) for n in RESERVED]
    for where, names in {"input": ["self", "None", "forward", "class", "spec", "_x"],
                         "output": ["lambda", "self", "state_dict"],
                         "bank": ["forward", "spec", "None", "train", "__init__"],
                         "hypernetwork": ["import", "graph"]}.items():
        out += [Check(f"reserved {where} name {n!r}", functools.partial(_reserved_refused, n, where)) for n in names]
    for bad in ["a-b", "1x", "a b", "ü", "x.y", "", "a" * 65, "x\x1b[2J"]:
        out.append(Check(f"non-identifier node name {bad[:12]!r}", functools.partial(
            _refused, functools.partial(validate, _named(bad, "node")), "model.nodes[1].name")))
    for ok in ["forward_", "self_", "train2", "print", "torch", "inf", "match", "None_", "Module", "getattr"]:
        out.append(Check(f"legal name {ok!r} compiles and runs", functools.partial(_legal_name_runs, ok)))
    return out


# -- YAML tags and schema versions ---------------------------------------------------------------
BASE_YAML = "zoo: 2\nname: t\nmodel: {kind: lstm, input: {features: 2}, out: 2, hidden: 4}\n"


def _yaml_refused(text: str, *fragments: str) -> bool:
    return _refused(lambda: loads_spec(text, "s.yaml"), *fragments)


def _yaml_accepted(text: str) -> bool:
    return loads_spec(text, "s.yaml").name == "t"


def tag_and_version_checks() -> list[Check]:
    tags = {"list": "description: !!python/object/apply:os.system [5]", "mapping": "description: !!python/object/new:dict {a: 1}",
            "scalar": "description: !!python/str x", "key": "!!python/str description: x", "custom": "description: !mine x",
            "custom list": "description: !mine [1]", "set": "description: !!set {a: null}",
            "omap": "description: !!omap [a: 1]", "nested": "train: {a: [1, {b: !!python/name:os.system x}]}"}
    out = [Check(f"yaml tag on a {k}", functools.partial(_yaml_refused, BASE_YAML + v + "\n", "s.yaml:4:", "is not allowed"))
           for k, v in tags.items()]
    out += [Check(f"standard yaml tag {t!r}", functools.partial(_yaml_accepted, BASE_YAML + f"description: {t} x\n"))
            for t in ("!!str", "!")]
    versions = {"0": "does not exist", "-1": "does not exist", "true": "got true (a boolean)", "false": "(a boolean)",
                "2.0": "(a number with a fraction)", "'2'": "(a string)", "null": "got null", "[2]": "got a list",
                "99": "newer than this library"}
    out += [Check(f"schema version {v}", functools.partial(
        _yaml_refused, BASE_YAML.replace("zoo: 2", f"zoo: {v}"), "s.yaml:1:1: zoo: ", fragment))
        for v, fragment in versions.items()]
    return out


# -- what zoo prints: escapes, message sizes, the catalogue listing ------------------------------------
def _spec_error_bounded() -> bool:
    edges = ", ".join(f"'x -> g{i}'" for i in range(4000))
    text = f"zoo: 2\nname: s\nmodel: {{kind: graph, nodes: [{{name: x, kind: input, shape: [2]}}], outputs: {{y: x}}, edges: [{edges}]}}\n"
    code, out = cli("validate", str(write("s.yaml", text)))
    return code == 2 and "more problems" in out and len(out) < 5000


def write(name: str, text: str) -> Path:
    """``text`` in a new temporary directory as ``name``."""
    path = Path(tempfile.mkdtemp(prefix="zoo-spec-case-")) / name
    path.write_text(text, encoding="utf-8")
    return path


def _escaped_in_error(key: str) -> bool:
    code, out = cli("validate", str(write("s.yaml", BASE_YAML + f'"{key}": 1\n')))
    return code == 2 and "unknown key" in out and all(c.isprintable() or c == "\n" for c in out)


def _list_aligned() -> bool:
    from zoo.cli_list import catalogue_lines

    lines = catalogue_lines(width=100)
    kind_at = max(len(line.split()[0]) for line in lines) + 2
    return all(len(line) <= 100 and line[kind_at - 1] == " " and line[kind_at] != " " and line.endswith((".", "...", ")"))
               for line in lines)


def output_checks() -> list[Check]:
    keys = {"OSC title": "\\e]0;pwned\\a", "CSI clear screen": "\\e[2J", "carriage return": "a\\rb", "bell": "\\a",
            "right-to-left override": "\\u202e", "backspace": "\\b", "NEL": "\\N"}
    out = [Check(f"validate error quoting a key with {k}", functools.partial(_escaped_in_error, v)) for k, v in keys.items()]
    return out + [Check("4,000 spec errors give a short message", _spec_error_bounded),
                  Check("zoo list aligned and cut at sentence or word", _list_aligned)]


# -- valid specs: compile and train two steps ------------------------------------------------------------
def _trains(seed: int) -> bool:
    from hypothesis import HealthCheck, given, seed as hseed, settings

    from tests.support.specvalid import train_problems, valid_specs

    found: list[str] = []

    @hseed(seed)
    @settings(max_examples=1, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid_specs)
    def one(doc: dict) -> None:
        validate(doc)
        found.extend(train_problems(doc))

    one()
    return not found


def spec_cases() -> list[Check]:
    """Every named adversarial check of this file."""
    from bench.reliability_file_cases import bank_checks, report_checks

    checks = name_checks() + tag_and_version_checks() + bank_checks() + report_checks() + output_checks()
    return checks + [Check(f"generated valid spec {i} compiles and trains", functools.partial(_trains, i)) for i in range(6)]


def main() -> None:
    checks = spec_cases()
    assert len({c.name for c in checks}) == len(checks), "check names must be distinct"
    failed = [c.name for c in checks if not c.run()]
    print(json.dumps({"cases": len(checks), "clean": len(checks) - len(failed), "failed": failed}, indent=1))


if __name__ == "__main__":
    main()
