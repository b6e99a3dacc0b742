"""``zoo report RUN``: a self-contained Markdown report with curves and the run's figures."""

from __future__ import annotations

import json
import re

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
