"""``--threads`` and the run's record of where it ran (``run.json``)."""

from __future__ import annotations

import copy
import json

import pytest
import torch
import yaml
from click.testing import CliRunner

from tests.support.specbases import REGRESSION
from zoo.cli import main
from zoo.errors import ZooError
from zoo.train.runinfo import set_threads


@pytest.fixture
def one_thread_after():
    yield
    torch.set_num_threads(1)  # the suite's setting (tests/conftest.py)


def test_threads_are_used_and_recorded_for_each_start(tmp_path, one_thread_after):
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=4, checkpoint_every=2, eval_every=0)
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(doc))
    args = ["train", str(tmp_path / "spec.yaml"), "--run-dir", str(tmp_path / "run"), "--no-progress"]
    assert CliRunner().invoke(main, [*args, "--threads", "2"]).exit_code == 0
    assert torch.get_num_threads() == 2
    r = CliRunner().invoke(main, [*args, "--threads", "3", "--resume", "--set", "train.steps=6"])
    assert r.exit_code == 0, r.output
    sessions = json.loads((tmp_path / "run" / "run.json").read_text())["sessions"]
    assert [(s["threads"], s["from_step"], s["device"]) for s in sessions] == [(2, 0, "cpu"), (3, 4, "cpu")]
    assert all(s["processes"] == 1 and s["torch"] == torch.__version__ and s["interop_threads"] >= 1 for s in sessions)


def test_bad_thread_counts_are_refused():
    r = CliRunner().invoke(main, ["train", "comet-particles", "--threads", "0"])
    assert r.exit_code == 2 and "--threads" in r.output
    with pytest.raises(ZooError, match="at least 1"):
        set_threads(0)
