"""``zoo info`` on hostile banks: a malformed spec.json exits 2 with a clear message (never a
traceback), strings from the file never reach the terminal as control codes, tensors are listed by
name, error messages stay short, and a Bank's repr is one line."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import save

from zoo.cli import main
from zoo.hub import load_bank
from zoo.hub.info import tensor_order


def info(*args):
    return CliRunner().invoke(main, ["info", *map(str, args)], catch_exceptions=False)


def _edit(path, change) -> None:
    """Rewrite the bank's spec.json: ``change`` is a (key, value) pair or a function of the JSON text."""
    config = path / "spec.json"
    if callable(change):
        config.write_text(change(config.read_text()))
    else:
        meta = json.loads(config.read_text())
        meta[change[0]] = change[1]
        config.write_text(json.dumps(meta))


def _deep(n: int) -> str:
    return "[" * n + "]" * n


MALFORMED = {
    "deeply nested provenance": (lambda t: t.replace('"provenance": {', f'"provenance": {{"x": {_deep(100_000)}, ', 1),
                                 "spec.json: nested deeper than 64 levels"),
    "nesting just past the limit": (lambda t: t.replace('"metrics": {', f'"metrics": {{"x": {_deep(70)}, ', 1),
                                    "spec.json: nested deeper than 64 levels"),
    "a 100,000-digit integer": (lambda t: t.replace('"seed": null', '"seed": ' + "9" * 100_000),
                                "spec.json: an integer with 100000 digits (at most 100 are read)"),
    "metrics as a list": (("metrics", [1, 2]), "'metrics' must map metric names to numbers, got a list"),
    "metrics as a string": (("metrics", "good"), "'metrics' must map metric names to numbers, got a string"),
    "a metric as a string": (("metrics", {"nmi": "high"}), "metric 'nmi' must be a number, got a string"),
    "a metric as null": (("metrics", {"nmi": None}), "metric 'nmi' must be a number, got null"),
    "a metric as a mapping": (("metrics", {"nmi": {"a": 1}}), "metric 'nmi' must be a number, got a mapping"),
    "provenance as a list": (("provenance", [1]), "'provenance' must be a mapping, got a list"),
    "provenance as a string": (("provenance", "xy"), "'provenance' must be a mapping, got a string"),
    "environment as a string": (("provenance", {"environment": "particles"}),
                                "provenance.environment must be a mapping or null, got a string"),
    "seed as a string": (("provenance", {"seed": "0"}), "provenance.seed must be an integer or null, got a string"),
    "name as a mapping": (("name", {"a": 1}), "'name' must be a string, got a mapping"),
    "schema version true": (("schema_version", True), "the spec schema version must be an integer (1 to 2), got true"),
    "schema version 0": (("schema_version", 0), "spec schema version 0 does not exist; this library reads versions 1 to 2"),
    "schema version -1": (("schema_version", -1), "spec schema version -1 does not exist"),
    "format version as a string": (("format_version", "1"), "the bank format version must be an integer (1), got '1'"),
    "not JSON": (lambda t: t[:-3], "spec.json: not valid JSON: "),
    "not a mapping": (lambda t: "[1]", "a bank's spec.json is a mapping, got a list"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_spec_json_exits_2_with_a_clear_message(tiny_bank, name):
    path, _ = tiny_bank
    change, message = MALFORMED[name]
    _edit(path, change)
    r = info(path)
    assert r.exit_code == 2 and r.output.startswith("error: ") and message in r.output, r.output
    assert "Traceback" not in r.output and len(r.output) < 500


def test_terminal_control_codes_from_the_file_are_escaped(tiny_bank):
    path, _ = tiny_bank
    osc, csi = "\x1b]0;pwned\x07", "\x1b[2J"
    _edit(path, ("provenance", {"procedure": osc + "compete", "spec_name": csi + "x\nfake line", "source_revision": "\r"}))
    _edit(path, ("metrics", {osc + "nmi": 0.5}))
    _edit(path, ("name", csi + "bank"))
    r = info(path)
    assert r.exit_code == 0, r.output
    assert not any(c in r.output for c in "\x1b\x07\r") and "fake line" not in r.output.splitlines()[5:]
    assert "\\x1b]0;pwned\\x07compete" in r.output and "\\x1b]0;pwned\\x07nmi" in r.output
    assert "(spec \\x1b[2Jx\\nfake line," in r.output


def test_tensors_are_listed_by_name_with_numbers_in_order(tmp_path, comet_yaml):
    from zoo.compiler import compile_spec
    from zoo.hub import save_bank
    from zoo.schema import loads_spec

    model = compile_spec(loads_spec(comet_yaml.replace("hidden: [8]", "hidden: [" + ", ".join(["2"] * 11) + "]")))
    path = save_bank(model, "bank", tmp_path / "bank")
    expected = [f"mechanisms.{kind}.{i}" for kind in ("biases", "weights") for i in range(12)]
    text = info(path).output
    assert [line.split()[0] for line in text.splitlines() if line.startswith("    mechanisms.")] == expected
    assert list(json.loads(info(path, "--json").output)["tensors"]) == expected
    assert sorted(["w.10", "w.2", "b.1", "w.1"], key=tensor_order) == ["b.1", "w.1", "w.2", "w.10"]


def test_a_weights_file_with_thousands_of_tensors_gives_a_short_message(tiny_bank):
    path, _ = tiny_bank
    (path / "model.safetensors").write_bytes(save({f"t{i}": torch.zeros(1) for i in range(20_000)}))
    r = info(path)
    assert r.exit_code == 2 and "weights do not match the bank spec" in r.output
    assert "unexpected tensor 't0'" in r.output and "... and 19984 more" in r.output and len(r.output) < 2000


def test_bank_repr_is_one_summary_line(tiny_bank):
    path, _ = tiny_bank
    bank = load_bank(path)
    text = repr(bank)
    assert "\n" not in text and len(text) < 200, text
    assert text.startswith("Bank('bank': comet mlp x 3, 3") and "parameters in 4 tensors" in text and str(path) in text
