"""``zoo report RUN``: a self-contained Markdown report with curves and the run's figures."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from zoo.cli import main
from zoo.report import read_csv


def _fake_run(path):
    """A run directory as ``zoo train`` leaves it (without weights: the report does not read them)."""
    (path / "plots").mkdir(parents=True)
    (path / "spec.yaml").write_text("zoo: 2\nname: tiny-run\nmodel: {kind: comet}\n")
    (path / "metrics.json").write_text(json.dumps({"nmi": 0.5, "one_step_mse": 0.0125}))
    (path / "train.csv").write_text("step,loss,wta,lr\n1,2.0,1.5,0.01\n2,1.0,0.5,0.01\n3,0.5,,0.01\n")
    (path / "eval.csv").write_text("step,nmi\n3,0.5\n")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    fig.savefig(path / "plots" / "mechanisms.png")
    plt.close(fig)
    return path


def test_read_csv_keeps_numbers_and_marks_gaps(tmp_path):
    cols = read_csv(_fake_run(tmp_path / "run") / "train.csv")
    assert cols["step"] == [1.0, 2.0, 3.0] and cols["loss"] == [2.0, 1.0, 0.5]
    assert cols["wta"][:2] == [1.5, 0.5] and cols["wta"][2] != cols["wta"][2]  # NaN for the empty cell


def test_report_is_self_contained(tmp_path):
    run = _fake_run(tmp_path / "run")
    r = CliRunner().invoke(main, ["report", str(run)])
    assert r.exit_code == 0, r.output
    out = run / "report"
    text = (out / "report.md").read_text()
    assert text.startswith("# Run report: tiny-run")
    assert "| nmi | 0.5 |" in text and "| one_step_mse | 0.0125 |" in text
    assert "name: tiny-run" in text and "Mechanism x ground-truth" in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(images) == ["eval_curves.png", "mechanisms.png", "train_curves.png"]
    for name in images:  # every picture lies beside the report and is a PNG
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_of_a_missing_or_wrong_directory_exits_2(tmp_path):
    r = CliRunner().invoke(main, ["report", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "no such run directory" in r.output and "Traceback" not in r.output
    (tmp_path / "empty").mkdir()
    r = CliRunner().invoke(main, ["report", str(tmp_path / "empty")])
    assert r.exit_code == 2 and "not a run directory; expected spec.yaml" in r.output


MALFORMED = {
    "metrics.json a list": ("metrics.json", b"[1, 2]", "metrics.json: expected a mapping of metric names to values, got list"),
    "metrics.json a number": ("metrics.json", b"3", "metrics.json: expected a mapping of metric names to values, got int"),
    "metrics.json a huge integer": ("metrics.json", b'{"a": ' + b"9" * 100_000 + b"}",
                                    "metrics.json: an integer with 100000 digits (at most 100 are read)"),
    "metrics.json deeply nested": ("metrics.json", b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                                   "metrics.json: nested deeper than 64 levels"),
    "metrics.json not UTF-8": ("metrics.json", b'{"\xe9": 1}', "metrics.json: not UTF-8 text (byte 0xe9 at offset 2)"),
    "metrics.json bad syntax": ("metrics.json", b'{"a": }', "metrics.json: not valid JSON: Expecting value at line 1, column 7"),
    "train.csv not UTF-8": ("train.csv", b"step,loss\n1,\xe9\n", "train.csv: not a readable CSV log"),
    "train.csv huge field": ("train.csv", b"step,loss\n1," + b"x" * 200_000 + b"\n", "train.csv: not a readable CSV log"),
    "spec.yaml not UTF-8": ("spec.yaml", b"name: \xe9\n", "spec.yaml: not UTF-8 text (byte offset 6)"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_exits_2_before_anything_is_written(tmp_path, name):
    run = _fake_run(tmp_path / "run")
    file, raw, message = MALFORMED[name]
    (run / file).write_bytes(raw)
    r = CliRunner().invoke(main, ["report", str(run)], catch_exceptions=False)
    assert r.exit_code == 2 and r.output.startswith("error: ") and message in r.output, r.output
    assert not (run / "report").exists()


def test_a_metrics_json_link_loop_is_refused_not_skipped(tmp_path):
    run = _fake_run(tmp_path / "run")
    (run / "metrics.json").unlink()
    (run / "metrics.json").symlink_to("metrics.json")
    r = CliRunner().invoke(main, ["report", str(run)], catch_exceptions=False)
    assert r.exit_code == 2 and "metrics.json: cannot read" in r.output and not (run / "report").exists()


def test_metric_names_and_values_cannot_break_the_table_or_the_terminal(tmp_path):
    run = _fake_run(tmp_path / "run")
    (run / "metrics.json").write_text(json.dumps({"\x1b]0;x\x07a|b": {"n": [1, "\x1b[2J"]}, "b": "t|x\ny", "c": 2}))
    r = CliRunner().invoke(main, ["report", str(run)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    text = (run / "report" / "report.md").read_text()
    assert "| \\x1b]0;x\\x07a\\|b | {\"n\": [1, \"\\u001b[2J\"]} |" in text
    assert "| b | t\\|x\\ny |" in text and "| c | 2 |" in text and "\x1b" not in text


def test_report_warns_of_slot_collapse_above_the_metrics_only_when_collapsed(tmp_path):
    from zoo.report import write_report

    texts = {}
    for collapsed, share in ((1.0, 0.97), (0.0, 0.55)):
        run = _fake_run(tmp_path / f"run{int(collapsed)}")
        metrics = {"jis": 0.99, "jari": 0.02, "max_slot_fg_share": share, "collapsed": collapsed}
        (run / "metrics.json").write_text(json.dumps(metrics))
        texts[collapsed] = write_report(run).read_text()
    head = texts[1.0].split("## Final metrics")[0]
    assert "> **WARNING: slot collapse: one slot takes 97% of the foreground pixels" in head
    assert "jis 0.99, jari 0.02" in head
    assert "slot collapse" not in texts[0.0] and "| max_slot_fg_share | 0.55 |" in texts[0.0]
