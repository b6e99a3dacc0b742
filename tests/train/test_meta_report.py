"""The hypernetwork accuracy plot: accuracy at every evaluation against chance and the ANIL/MAML baselines."""

import pytest

from zoo.schema import load_spec
from zoo.train import train
from zoo.families.hypernetwork import meta_report

ROWS = [{"step": 10.0, "test_acc": 0.5, "ood_acc": 0.4}, {"step": 20.0, "test_acc": 0.8, "ood_acc": 0.7}]


def lines_of(fig) -> dict[str, list[float]]:
    return {line.get_label(): list(line.get_ydata()) for line in fig.axes[0].get_lines()}


def test_the_figure_has_chance_and_baseline_lines():
    fig = meta_report.eval_figure(ROWS, "t", True, chance=0.125, baselines={"ANIL OOD": 0.52, "MAML OOD": 0.54})
    lines = lines_of(fig)
    assert lines["in-distribution"] == [0.5, 0.8] and lines["OOD (unseen combinations)"] == [0.4, 0.7]
    assert lines["chance (0.125)"] == [0.125, 0.125]
    assert lines["ANIL OOD"] == [0.52, 0.52] and lines["MAML OOD"] == [0.54, 0.54]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(lines)


def test_without_chance_or_baselines_only_the_curves():
    assert list(lines_of(meta_report.eval_figure(ROWS, "t", True))) == ["in-distribution", "OOD (unseen combinations)"]
    assert meta_report.eval_figure([], "t", True) is None


def test_a_classification_run_draws_chance_at_one_over_the_classes(tmp_path, monkeypatch):
    drawn = {}
    plot = meta_report.plot_eval
    monkeypatch.setattr(meta_report, "plot_eval", lambda *a, **k: drawn.update(k) or plot(*a, **k))
    sets = ["data.support_shots=8", "data.query_shots=8", "train.batch=4", "train.eval_tasks=8", "train.inner.steps=2",
            "train.steps=2", "data.output=5", "hypernetworks[0].target.output=5"]
    train(load_spec("hypernet-linear-connected", sets), run_dir=tmp_path, progress=False)
    assert drawn["chance"] == pytest.approx(1 / 5) and (tmp_path / "plots" / "eval.png").stat().st_size > 0
