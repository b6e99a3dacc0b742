"""``zoo sweep`` and ``zoo sweep report`` from the command line: exit codes, messages, resuming."""

from __future__ import annotations

from click.testing import CliRunner

import zoo.sweep.job as job_module
from zoo.cli import main
from zoo.sweep import read_table

TINY = ["train.steps=2", "train.eval_every=0", "data.trajectories=8", "data.test_trajectories=4", "slots.count=3",
        "data.objects=3", "mechanisms[0].hidden=[8]", "router.hidden=[8]"]


def zoo(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def sweep(out, *args):
    sets = [x for s in TINY for x in ("--set", s)]
    return zoo("sweep", "comet-particles", "--out", out, "--executor", "inline", *sets, *args)


def test_bad_input_exits_2_before_anything_runs(tmp_path):
    r = sweep(tmp_path / "s", "--grid", "train.lr=0.001,-1", "--grid", "model.nope=1")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--grid train.lr=0.001,-1: train.lr: Input should be greater than 0" in r.output
    assert "--grid model.nope=1: model.nope: unknown key 'nope'" in r.output
    assert not (tmp_path / "s").exists()
    r = sweep(tmp_path / "s", "--seeds", "2-0")
    assert r.exit_code == 2 and "--seeds 2-0: seeds: the range '2-0' runs backwards; write 0-2" in r.output
    r = zoo("sweep", "comet-particles", "--jobs", "0")
    assert r.exit_code == 2 and "--jobs" in r.output


def test_a_sweep_with_a_failed_run_exits_1_and_reports(tmp_path):
    out = tmp_path / "s"
    r = sweep(out, "--grid", "train.lr=1e-3,1e6", "--seeds", "0-1")
    assert r.exit_code == 1, r.output
    assert "2 of 4 runs failed; their errors are in" in r.output and f"report: zoo sweep report {out}" in r.output
    assert [row.status for row in read_table(out)] == ["ok", "ok", "failed", "failed"]
    r = zoo("sweep", "report", out)
    assert r.exit_code == 0 and (out / "report" / "report.md").is_file()
    listed = sweep(out, "--grid", "train.lr=1e-3,1e6", "--seeds", "0-2", "--dry-run")
    assert listed.exit_code == 0 and "6 run(s) checked; 2 done already, 4 to run:" in listed.output
    assert listed.output.count("(failed)") == 2 and listed.output.count("(new)") == 2


def test_ctrl_c_exits_130_and_says_how_to_continue(tmp_path, monkeypatch):
    def interrupted(job):
        raise KeyboardInterrupt

    monkeypatch.setattr(job_module, "_train", interrupted)
    r = sweep(tmp_path / "s", "--seeds", "0-1")
    assert r.exit_code == 130 and "Traceback" not in r.output
    assert "interrupted: finished runs are in" in r.output and "run the same command to continue" in r.output
    assert read_table(tmp_path / "s") == []


def test_report_of_a_folder_without_a_sweep_exits_2(tmp_path):
    r = zoo("sweep", "report", tmp_path)
    assert r.exit_code == 2 and "no sweep results here" in r.output and "Traceback" not in r.output
