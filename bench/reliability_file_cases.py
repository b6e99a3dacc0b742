"""The file sections of :mod:`bench.reliability_spec_cases`: ``zoo info`` on a bank whose ``spec.json``
or weights are hostile, and ``zoo report`` on a run whose files are."""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from bench.reliability_spec_cases import Check, cli, cli_refused
from tests.support.specbases import COMET
from zoo.schema import validate


# -- banks: zoo info on a hostile spec.json, what it prints, message sizes ---------------------------
@functools.lru_cache(maxsize=1)
def _base_bank() -> Path:
    """A saved tiny COMET bank (built once, copied by every check)."""
    import torch

    from zoo import compile_spec
    from zoo.hub import save_bank

    torch.manual_seed(0)
    return save_bank(compile_spec(validate(COMET)), "rules", Path(tempfile.mkdtemp(prefix="zoo-spec-cases-")) / "bank",
                     metrics={"nmi": 0.5})


def _bank_copy(change: Callable[[dict], Any] | None = None, text: Callable[[str], str] | None = None) -> Path:
    d = Path(tempfile.mkdtemp(prefix="zoo-spec-case-")) / "bank"
    shutil.copytree(_base_bank(), d)
    config = d / "spec.json"
    if change is not None:
        meta = json.loads(config.read_text())
        change(meta)
        config.write_text(json.dumps(meta))
    if text is not None:
        config.write_text(text(config.read_text()))
    return d


def _info_refused(fragment: str, change=None, text=None) -> bool:
    return cli_refused(["info", str(_bank_copy(change, text))], fragment)


def _setter(key: str, value: Any) -> Callable[[dict], None]:
    return lambda meta: meta.__setitem__(key, value)


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def bank_checks() -> list[Check]:
    texts = {"provenance nested 100,000 deep": (lambda t: t.replace('"provenance": {', f'"provenance": {{"x": {_deep(100_000)}, ', 1), "nested deeper"),
             "metrics nested 70 deep": (lambda t: t.replace('"metrics": {', f'"metrics": {{"x": {_deep(70)}, ', 1), "nested deeper"),
             "100,000-digit integer": (lambda t: t.replace('"seed": null', '"seed": ' + "9" * 100_000), "100000 digits"),
             "truncated JSON": (lambda t: t[:-3], "not valid JSON"), "a list": (lambda t: "[1]", "is a mapping, got a list")}
    out = [Check(f"zoo info: spec.json {k}", functools.partial(_info_refused, f, None, t)) for k, (t, f) in texts.items()]
    fields = {"metrics a list": ("metrics", [1, 2]), "metrics a string": ("metrics", "good"),
              "a metric a string": ("metrics", {"nmi": "high"}), "a metric null": ("metrics", {"nmi": None}),
              "a metric a mapping": ("metrics", {"nmi": {}}), "provenance a list": ("provenance", [1]),
              "provenance a string": ("provenance", "xy"), "environment a string": ("provenance", {"environment": "p"}),
              "environment a list": ("provenance", {"environment": [1]}), "seed a string": ("provenance", {"seed": "0"}),
              "steps a boolean": ("provenance", {"steps": True}), "name a mapping": ("name", {}),
              "schema version true": ("schema_version", True), "schema version 0": ("schema_version", 0),
              "schema version -1": ("schema_version", -1), "schema version 99": ("schema_version", 99),
              "format version '1'": ("format_version", "1"), "format version 0": ("format_version", 0),
              "format version true": ("format_version", True), "another format": ("format", "other")}
    out += [Check(f"zoo info: spec.json {k}", functools.partial(_info_refused, "spec.json: ", _setter(*kv)))
            for k, kv in fields.items()]
    out += [Check("zoo info: control codes escaped", _info_escapes), Check("zoo info: tensors by name", _info_order),
            Check("zoo info: 200,000 tensors give a short message", _many_tensors),
            Check("Bank repr is one line", _bank_repr)]
    return out


def _info_escapes() -> bool:
    def change(meta: dict) -> None:
        meta["provenance"].update(procedure="\x1b]0;pwned\x07x", spec_name="\x1b[2J\nfake", source_revision="\r")
        meta["metrics"] = {"\x1b]8;;http://x\x07nmi": 0.5}
    code, out = cli("info", str(_bank_copy(change)))
    return code == 0 and not any(c in out for c in "\x1b\x07\r") and "\\x1b]0;pwned\\x07x" in out and "\nfake" not in out


def _info_order() -> bool:
    code, out = cli("info", str(_base_bank()))
    names = [line.split()[0] for line in out.splitlines() if line.startswith("    mechanisms.")]
    return code == 0 and names == ["mechanisms.biases.0", "mechanisms.biases.1", "mechanisms.weights.0", "mechanisms.weights.1"]


def _many_tensors(count: int = 200_000) -> bool:
    import struct

    header = {f"t{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]} for i in range(count)}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    d = _bank_copy()
    (d / "model.safetensors").write_bytes(struct.pack("<Q", len(encoded)) + encoded + bytes(4 * count))
    code, out = cli("info", str(d))
    return code == 2 and "more" in out and len(out) < 3000


def _bank_repr() -> bool:
    from zoo.hub import load_bank

    text = repr(load_bank(_base_bank()))
    return "\n" not in text and len(text) < 200 and "rules" in text and "4 tensors" in text


# -- runs: zoo report on hostile files ----------------------------------------------------------------
def _report_refused(file: str, raw: bytes, fragment: str) -> bool:
    run = Path(tempfile.mkdtemp(prefix="zoo-spec-case-")) / "run"
    run.mkdir()
    (run / "spec.yaml").write_text("zoo: 2\nname: r\n")
    (run / "metrics.json").write_text('{"nmi": 0.5}')
    (run / "train.csv").write_text("step,loss\n1,0.5\n")
    (run / file).write_bytes(raw)
    return cli_refused(["report", str(run)], fragment) and not (run / "report").exists()


def report_checks() -> list[Check]:
    files = {"metrics.json a list": ("metrics.json", b"[1, 2]", "expected a mapping"),
             "metrics.json a number": ("metrics.json", b"3", "expected a mapping"),
             "metrics.json a string": ("metrics.json", b'"x"', "expected a mapping"),
             "metrics.json a 100,000-digit integer": ("metrics.json", b'{"a": ' + b"9" * 100_000 + b"}", "100000 digits"),
             "metrics.json nested 100,000 deep": ("metrics.json", f'{{"a": {_deep(100_000)}}}'.encode(), "nested deeper"),
             "metrics.json not UTF-8": ("metrics.json", b'{"\xe9": 1}', "not UTF-8"),
             "metrics.json bad syntax": ("metrics.json", b'{"a": }', "not valid JSON"),
             "train.csv not UTF-8": ("train.csv", b"step,loss\n1,\xe9\n", "not a readable CSV log"),
             "train.csv a 200,000-character field": ("train.csv", b"step,loss\n1," + b"x" * 200_000 + b"\n", "CSV"),
             "spec.yaml not UTF-8": ("spec.yaml", b"name: \xe9\n", "not UTF-8")}
    return [Check(f"zoo report: {k}", functools.partial(_report_refused, *v)) for k, v in files.items()]
