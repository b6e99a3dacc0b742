"""The cache shared by processes: concurrent pulls with a corrupted response all succeed (one lock per
repository), a revision that moved is reported, and a progress bar shows only for a real download."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from tests.support.hub_state import SHA
from zoo.cli import main
from zoo.hub import load_bank
from zoo.hub.cache import last_resolved, repo_storage

ROOT = Path(__file__).resolve().parents[2]


PULLS = 4
CHILD = """
import sys, time
from pathlib import Path
from zoo.cli import main
import zoo.banks.bank, zoo.hub.remote  # imported before the start, so that the pulls overlap
ready = Path(sys.argv[1])
(ready / sys.argv[2]).touch()
end = time.monotonic() + 120
while len(list(ready.iterdir())) < int(sys.argv[3]) and time.monotonic() < end:
    time.sleep(0.01)
main(["pull", "org/bank"])
"""


def test_concurrent_pulls_all_succeed_when_one_response_is_corrupted(faulty_hub, tmp_path):
    faulty_hub.faults["model.safetensors"] = ["garble"]
    ready = tmp_path / "ready"
    ready.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(ready), str(i), str(PULLS)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(PULLS)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for out, err, code in results:
        assert code == 0 and out.startswith(f"hf://org/bank@{SHA}: bank 'bank'"), err
    assert ("model.safetensors", "garble") in faulty_hub.served
    assert not list(faulty_hub.cache.rglob("*.incomplete"))


def _move(hub, seed: int) -> str:
    """Point every revision at a new commit with other weights; returns it."""
    from zoo import compile_spec
    from zoo.hub import save_bank
    from zoo.schema import loads_spec

    from small_bank import SMALL_BANK

    torch.manual_seed(seed)
    src = save_bank(compile_spec(loads_spec(SMALL_BANK)), "bank", hub.cache.parent / f"moved-{seed}")
    hub.files = {p.name: p.read_bytes() for p in src.iterdir()}
    hub.commit = f"{seed:040x}"
    return hub.commit


def test_a_tag_that_moved_is_reported(faulty_hub, caplog):
    first = load_bank("hf://org/bank@v1")
    assert last_resolved(repo_storage("org/bank", None), "v1") == SHA
    with caplog.at_level(logging.WARNING, logger="zoo.hub"):
        load_bank("hf://org/bank@v1")
        assert not caplog.records  # same commit: nothing to say
        moved = _move(faulty_hub, 5)
        second = load_bank("hf://org/bank@v1")
    assert second.origin == f"hf://org/bank@{moved}" and first.origin == f"hf://org/bank@{SHA}"
    (record,) = caplog.records
    assert f"'v1' now resolves to commit {moved} (it was {SHA} at the last download here)" in record.getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="zoo.hub"):
        load_bank(f"hf://org/bank@{moved}")  # a commit never moves
    assert not caplog.records


def test_the_cli_says_when_a_tag_moved(faulty_hub):
    assert CliRunner().invoke(main, ["pull", "org/bank@v1"]).exit_code == 0
    moved = _move(faulty_hub, 6)
    r = CliRunner().invoke(main, ["pull", "org/bank@v1"])
    assert r.exit_code == 0 and f"now resolves to commit {moved}" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture
def bars():
    """Progress bars on, whatever the environment says."""
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    was = are_progress_bars_disabled()
    enable_progress_bars()
    yield
    if was:
        disable_progress_bars()


def test_one_progress_bar_per_download_and_none_when_cached(faulty_hub, bars, tmp_path):
    spec = tmp_path / "uses-hub.yaml"
    spec.write_text("zoo: 2\nname: uses-hub\nmodel: {kind: comet}\nslots: {count: 3, dim: 4}\nmechanisms:\n"
                    "  - {name: bank, kind: pretrained, source: 'hf://org/bank'}\ninteractions: {kind: complete}\n")
    first = CliRunner().invoke(main, ["compile", str(spec)])  # resolves and loads the bank several times
    assert first.exit_code == 0, first.output
    assert first.stderr.count("Fetching 3 files: 100%") == 1
    again = CliRunner().invoke(main, ["pull", "org/bank"])
    assert again.exit_code == 0 and "Fetching" not in again.stderr


HOLDER = "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); sys.stdin.read()"


def test_a_lock_held_too_long_by_another_process_is_a_clear_error(faulty_hub, monkeypatch):
    from zoo.hub.cache import LOCK_NAME

    monkeypatch.setenv("ZOO_HUB_DEADLINE", "1")
    storage = repo_storage("org/bank", None)
    (storage.parent / ".locks" / storage.name).mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(storage.parent / ".locks" / storage.name / LOCK_NAME)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = CliRunner().invoke(main, ["pull", "org/bank"])
    finally:
        holder.communicate("", timeout=60)
    assert r.exit_code == 2 and "another process is downloading this repository" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and faulty_hub.requests == []
    assert load_bank("hf://org/bank").spec.count == 2  # free again
