"""A bank's files: regular files only (no links, pipes or directories), each checked against the sha256
that spec.json records, so swapped weights are refused; older banks without the record still load."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
import torch
from click.testing import CliRunner

from zoo.cli import main
from zoo import compile_spec
from zoo.errors import BankError
from zoo.hub import from_pretrained, load_bank, push, save_bank
from zoo.hub import Bank
from zoo.schema import loads_spec

REPO = "zoo-org/checked-bank"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_spec_json_records_the_sha256_of_the_other_files(tiny_bank, tmp_path):
    path, _ = tiny_bank
    meta = json.loads((path / "spec.json").read_text())
    assert meta["files"] == {"model.safetensors": _sha(path / "model.safetensors"), "README.md": _sha(path / "README.md")}
    again = Bank.from_pretrained(path).save_pretrained(tmp_path / "again")
    assert (again / "spec.json").read_bytes() == (path / "spec.json").read_bytes()


@pytest.mark.parametrize("name", ["README.md", "spec.json", "model.safetensors"])
def test_a_linked_file_is_refused_on_load_and_push(tiny_bank, tmp_path, name):
    path, _ = tiny_bank
    secret = tmp_path / "secret"
    shutil.copyfile(path / name, secret)  # the same content: only the link itself is wrong
    (path / name).unlink()
    (path / name).symlink_to(secret)
    with pytest.raises(BankError, match=rf"{name}: is a symbolic link; a bank's files must be regular files"):
        load_bank(path)
    with pytest.raises(BankError, match=rf"{name}: is a symbolic link"):
        push(path, REPO)
    r = CliRunner().invoke(main, ["push", str(path), REPO])
    assert r.exit_code == 2 and f"{name}: is a symbolic link" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("name", ["README.md", "spec.json", "model.safetensors"])
def test_a_link_loop_is_refused_clearly(tiny_bank, name):
    path, _ = tiny_bank
    (path / name).unlink()
    (path / name).symlink_to(name)  # a link to itself
    with pytest.raises(BankError, match=rf"{name}: is a symbolic link that leads nowhere"):
        load_bank(path)
    r = CliRunner().invoke(main, ["info", str(path)])
    assert r.exit_code == 2 and f"{name}: is a symbolic link" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("make", ["fifo", "directory"])
def test_files_that_are_not_regular_are_refused(tiny_bank, make):
    path, _ = tiny_bank
    (path / "model.safetensors").unlink()
    if make == "fifo":
        os.mkfifo(path / "model.safetensors")  # reading it would block forever
    else:
        (path / "model.safetensors").mkdir()
    with pytest.raises(BankError, match=r"model\.safetensors: not a regular file"):
        load_bank(path)


def test_swapped_weights_of_the_same_shape_are_refused(tiny_bank, tmp_path, comet_yaml):
    path, _ = tiny_bank
    torch.manual_seed(7)
    other = save_bank(compile_spec(loads_spec(comet_yaml)), "bank", tmp_path / "other")
    shutil.copyfile(other / "model.safetensors", path / "model.safetensors")  # sealed, same names and shapes
    with pytest.raises(BankError, match=r"model\.safetensors: its sha256 [0-9a-f]{16}… is not the [0-9a-f]{16}… "
                                        r"that spec\.json records.*does not belong to this spec\.json"):
        load_bank(path)
    r = CliRunner().invoke(main, ["info", str(path)])
    assert r.exit_code == 2 and "does not belong to this spec.json" in r.output and "Traceback" not in r.output


def test_banks_saved_before_the_record_still_load(tiny_bank):
    path, _ = tiny_bank
    meta = json.loads((path / "spec.json").read_text())
    del meta["files"]
    (path / "spec.json").write_text(json.dumps(meta))
    assert load_bank(path).spec.count == 3
    catalogue = load_bank("comet-traffic")  # committed before the record existed
    assert "files" not in catalogue.meta and catalogue.tensors


@pytest.mark.parametrize("files", [["x"], {"model.safetensors": "abc"}, {"other.bin": "0" * 64}])
def test_a_malformed_record_is_refused(tiny_bank, files):
    path, _ = tiny_bank
    meta = json.loads((path / "spec.json").read_text())
    (path / "spec.json").write_text(json.dumps({**meta, "files": files}))
    with pytest.raises(BankError, match=r"spec\.json: malformed 'files'"):
        load_bank(path)


def test_a_card_edited_by_hand_loads_and_is_published_with_its_new_sha256(hub, tiny_bank):
    path, _ = tiny_bank
    (path / "README.md").write_text("# my bank\n\nNotes of my own.\n")
    assert load_bank(path).spec.count == 3
    published = push(path, REPO, tag="v1")
    files = hub.repos[REPO].commits[published.commit].files
    assert files["README.md"] == (path / "README.md").read_bytes()
    assert json.loads(files["spec.json"])["files"]["README.md"] == _sha(path / "README.md")
    assert from_pretrained(f"{REPO}@v1").path.joinpath("README.md").read_text().startswith("# my bank")
