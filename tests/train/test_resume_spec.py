"""``--resume`` continues a run with its own spec: other settings are refused with a diff, before any write."""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner

from tests.support.specbases import REGRESSION
from zoo.cli import main
from zoo.train.resume_spec import differences


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A spec file and a finished 4-step run of it."""
    root = tmp_path_factory.mktemp("resume")
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=4, checkpoint_every=2, eval_every=2)
    (root / "spec.yaml").write_text(yaml.safe_dump(doc))
    r = CliRunner().invoke(main, ["train", str(root / "spec.yaml"), "--run-dir", str(root / "run"), "--no-progress"])
    assert r.exit_code == 0, r.output
    return root


def _resume(root, *sets, run="run"):
    args = ["train", str(root / "spec.yaml"), "--run-dir", str(root / run), "--resume", "--no-progress"]
    for s in sets:
        args += ["--set", s]
    return CliRunner().invoke(main, args)


def _snapshot(run):
    return {p.name: p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("sets,line", [
    (["train.lr=0.5"], "train.lr: 0.01 -> 0.5"),
    (["train.optimizer=sgd"], 'train.optimizer: "adamw" -> "sgd"'),
    (["train.seed=7"], "train.seed: 0 -> 7"),
    (["data.samples=65"], "data.samples: 64 -> 65"),
    (["model.nodes[1].hidden=[8, 9]"], "model.nodes[1].hidden[1]: 8 -> 9"),
])
def test_a_changed_spec_is_refused_with_a_diff_and_nothing_is_written(trained, sets, line):
    before = _snapshot(trained / "run")
    r = _resume(trained, *sets)
    assert r.exit_code == 2 and r.output.startswith("error:") and "Traceback" not in r.output
    assert line in r.output and "may change on --resume" in r.output, r.output
    assert _snapshot(trained / "run") == before  # spec.yaml included


def test_steps_and_bookkeeping_may_change(trained, tmp_path):
    import shutil

    shutil.copytree(trained / "run", tmp_path / "run")
    r = _resume(trained, "train.steps=6", "train.eval_every=3", "train.log_every=1", "train.checkpoint_every=3",
                "description=longer", run=tmp_path / "run")
    assert r.exit_code == 0, r.output
    saved = yaml.safe_load((tmp_path / "run" / "spec.yaml").read_text())
    assert saved["train"]["steps"] == 6 and saved["train"]["eval_every"] == 3


def test_fewer_steps_than_already_trained_names_both_numbers(trained):
    before = _snapshot(trained / "run")
    r = _resume(trained, "train.steps=3")
    assert r.exit_code == 2 and "already trained 4 steps, more than the 3 train.steps asks for" in r.output
    assert _snapshot(trained / "run") == before


def test_differences_lists_every_leaf():
    old = {"a": 1, "b": {"c": [1, 2], "d": "x"}}
    new = {"a": 1, "b": {"c": [1, 3], "e": 2}}
    found = {(p, str(a), str(b)) for p, a, b in differences(old, new)}
    assert {p for p, _, _ in found} == {("b", "c", 1), ("b", "d"), ("b", "e")}
