"""Weight files: every corruption is refused with a clear error, for banks and for checkpoints alike.

Structural corruptions are re-sealed before loading, so the checksum cannot be what catches them:
the name, shape, dtype, index and finiteness checks must. Nothing in a file is ever executed.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import time
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from tests.support.faults import CORRUPTIONS, future_metadata, pickle_payload
from tests.support.specbases import REGRESSION
from zoo.cli import main
from zoo.compiler import compile_spec
from zoo.errors import BankError
from zoo.hub import load_bank, save_bank
from zoo.io import write_bytes
from zoo.schema import loads_spec, validate
from zoo.train import train
from zoo.train.checkpoint import load_checkpoint
from zoo.train.loop import Trainer
from zoo.weights import read_weights, save_weights

ROOT = Path(__file__).resolve().parents[1]
BANK_SPEC = """\
zoo: 2
name: bank-owner
model: {kind: comet}
slots: {count: 3, dim: 4}
mechanisms:
  - {name: bank, kind: mlp, count: 2, hidden: [5], inputs: [self, context]}
interactions: {kind: complete}
"""

EXPECTED = {  # what the error says: the part of the loader that caught it
    "empty": "not a valid safetensors file", "truncated": "not a valid safetensors file",
    "truncated_last_byte": "not a valid safetensors file", "truncated_header": "not a valid safetensors file",
    "wrong_shape": "has shape", "wrong_dtype": "has dtype", "missing_key": "missing",
    "extra_key": "unexpected", "header_lies_about_offsets": "not a valid safetensors file",
    "header_lies_about_shape": "checksum does not match", "header_lies_about_dtype": "checksum does not match",
    "header_lies_about_shape_resealed": "has shape", "header_lies_about_dtype_resealed": "has dtype",
    "header_lies_about_its_length": "not a valid safetensors file", "flipped_bit": "checksum does not match",
    "pickle_renamed": "not a valid safetensors file", "torch_save_renamed": "not a valid safetensors file",
    "nan_weight": "contains NaN or infinite values", "inf_weight": "contains NaN or infinite values",
    "sparse_8gib": "8,589,934,592 bytes, larger than 4,294,967,296 bytes",
    "fifo": "not a regular file", "symlink_to_dev_zero": "is a character device, not a regular file",
}
BANK_EXPECTED = {**EXPECTED, "symlink_to_dev_zero": "is a symbolic link"}  # a bank directory holds no links


def _spec():
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=4, checkpoint_every=2, eval_every=0)
    return validate(doc)


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory):
    torch.manual_seed(0)
    return save_bank(compile_spec(loads_spec(BANK_SPEC)), "bank", tmp_path_factory.mktemp("b") / "bank")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    run = tmp_path_factory.mktemp("r") / "run"
    train(_spec(), run_dir=run, progress=False)
    return run


def test_expectations_cover_every_corruption():
    assert set(EXPECTED) == set(CORRUPTIONS)


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corrupt_bank_weights_are_refused(tmp_path, bank_dir, name):
    d = Path(shutil.copytree(bank_dir, tmp_path / "bank"))
    CORRUPTIONS[name](d / "model.safetensors")
    with pytest.raises(BankError, match=re.escape(BANK_EXPECTED[name])) as e:
        load_bank(d)
    assert "model.safetensors" in str(e.value)
    assert not list(tmp_path.rglob("*.EXECUTED"))


@pytest.mark.parametrize("key,value,message", [("schema_version", 99, r"newer than this library understands \(up to 2\)"),
                                               ("format_version", 99, "newer than this library"),
                                               ("ports", {"state": 10**12, "context": 5}, "port widths must be"),
                                               ("tensors", {"w": {"shape": [10**13, 10**13], "dtype": "float32"}}, "malformed shape")])
def test_bank_configs_from_the_future_or_lying_are_refused(tmp_path, bank_dir, key, value, message):
    d = Path(shutil.copytree(bank_dir, tmp_path / "bank"))
    meta = json.loads((d / "spec.json").read_text())
    meta[key] = value
    (d / "spec.json").write_text(json.dumps(meta))
    with pytest.raises(BankError, match=message):
        load_bank(d)


CHECKPOINT_CASES = {**CORRUPTIONS, "future_checkpoint_version": future_metadata(version="99"),
                    "future_spec_schema_version": future_metadata(schema_version="99")}


@pytest.mark.parametrize("name", CHECKPOINT_CASES)
def test_corrupt_checkpoints_are_refused_on_resume(tmp_path, run_dir, name):
    d = Path(shutil.copytree(run_dir, tmp_path / "run"))
    path = d / "checkpoints" / "last.safetensors"
    assert load_checkpoint(path).step == 4
    CHECKPOINT_CASES[name](path)
    trainer = Trainer(_spec(), d, torch.device("cpu"), False)
    fresh = {k: v.clone() for k, v in trainer.state_dict().items()}
    with pytest.raises(BankError, match=re.escape(EXPECTED.get(name, "newer than this library"))):
        trainer.resume()
    assert trainer.step == 0 and all(torch.equal(fresh[k], v) for k, v in trainer.state_dict().items())
    assert not list(tmp_path.rglob("*.EXECUTED"))


def test_cli_resume_from_a_corrupt_checkpoint_exits_2(tmp_path, run_dir):
    d = Path(shutil.copytree(run_dir, tmp_path / "run"))
    CORRUPTIONS["truncated"](d / "checkpoints" / "last.safetensors")
    (tmp_path / "s.json").write_text(json.dumps(_spec().model_dump(mode="json")))
    r = CliRunner().invoke(main, ["train", str(tmp_path / "s.json"), "--run-dir", str(d), "--resume", "--no-progress"])
    assert r.exit_code == 2 and "last.safetensors: not a valid safetensors file" in r.output
    assert "Traceback" not in r.output


def test_a_huge_file_is_refused_from_its_size_or_header_before_its_data_is_read(tmp_path):
    path = tmp_path / "model.safetensors"
    write_bytes(path, save_weights({"a": torch.zeros(3)}))
    with open(path, "r+b") as f:
        f.truncate(5 * 10**9)  # sparse
    start = time.perf_counter()
    with pytest.raises(BankError, match=r"model.safetensors: 5,000,000,000 bytes, larger than"):
        read_weights(path)
    with pytest.raises(BankError, match=r"its header describes \d+ bytes, the file has 5,000,000,000"):
        read_weights(path, max_bytes=10**10)  # allowed by size: the header gives it away
    with open(path, "wb") as f:
        f.truncate(5 * 10**9)
    with pytest.raises(BankError, match="bad header length"):
        read_weights(path, max_bytes=10**10)
    assert time.perf_counter() - start < 2  # nothing of the 5 GB was read


def test_seal_round_trip_and_flipped_bit(tmp_path):
    t = {"a": torch.randn(3, 4), "b": torch.arange(5)}
    write_bytes(tmp_path / "w.safetensors", save_weights(t, {"x": "y"}))
    got, meta = read_weights(tmp_path / "w.safetensors")
    assert all(torch.equal(got[k], t[k]) for k in t) and meta["x"] == "y" and len(meta["zoo.sha256"]) == 64
    CORRUPTIONS["flipped_bit"](tmp_path / "w.safetensors")
    with pytest.raises(BankError, match="checksum"):
        read_weights(tmp_path / "w.safetensors")


def test_the_pickle_payload_really_executes_when_unpickled(tmp_path):
    import pickle

    marker = tmp_path / "marker"
    pickle.loads(pickle_payload(marker))  # the payload works, so its absence above means something
    assert marker.exists()


def test_no_code_path_can_unpickle_or_evaluate():
    banned = re.compile(r"\b(torch\.load|pickle\.loads?|np\.load|numpy\.load|allow_pickle|yaml\.load|"
                        r"yaml\.unsafe_load|marshal\.loads?)\s*\(|(?<![.\w])(eval|exec)\s*\(")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "zoo").rglob("*.py")
                 for i, line in enumerate(p.read_text().splitlines(), 1) if banned.search(line)]
    assert offenders == []
