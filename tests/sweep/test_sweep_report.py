"""The sweep report: means over seeds with Student-t 95% intervals, checked by hand; tables and plots."""

from __future__ import annotations

import math

import pytest

from zoo.errors import ZooError
from zoo.sweep import RunRow, read_table, write_report
from zoo.sweep.stats import estimate, t_quantile
from zoo.sweep.summary import summarize
from zoo.sweep.table import write_table


def row(seed: int, setting: str, acc: float | None, status: str = "ok", **extra: float) -> RunRow:
    metrics = {} if acc is None else {"acc": acc, **extra}
    return RunRow(f"r-{setting}-{seed}", "spec", setting, (setting,), seed, status,
                  "" if status == "ok" else "boom", 1.0 + seed, "f", metrics)


def test_interval_by_hand():
    # mean 2.5; sample sd sqrt(((1.5^2 + 0.5^2) * 2) / 3) = sqrt(5/3); t(0.975, 3) = 3.182446305 (tables)
    e = estimate([1.0, 2.0, 3.0, 4.0])
    assert e.n == 4 and e.mean == 2.5
    assert math.isclose(e.half_width, 3.182446305 * math.sqrt(5 / 3) / 2, rel_tol=1e-9)
    assert math.isclose(e.low, 2.5 - 2.0542603, abs_tol=1e-6) and math.isclose(e.high, 4.5542603, abs_tol=1e-6)
    assert math.isclose(t_quantile(0.975, 1), 12.7062047, rel_tol=1e-8)  # two seeds: a wide interval
    one = estimate([7.0])
    assert one.mean == 7.0 and math.isnan(one.half_width)


def test_settings_are_summarised_over_their_ok_seeds():
    rows = [row(0, "lr=1", 0.5), row(1, "lr=1", 0.7), row(2, "lr=1", None, "failed"), row(0, "lr=2", 0.9, loss=3.0)]
    summaries = summarize(rows)
    assert [(s.setting, s.seeds, s.failed) for s in summaries] == [("lr=1", (0, 1), 1), ("lr=2", (0,), 0)]
    first = summaries[0]
    assert first.metrics["acc"].mean == pytest.approx(0.6) and first.metrics["wall_s"].mean == 1.5
    assert first.metrics["acc"].half_width == pytest.approx(12.7062047 * 0.1 * math.sqrt(2) / math.sqrt(2))
    assert set(summaries[1].metrics) == {"acc", "loss", "wall_s"} and first.values["acc"] == [(0, 0.5), (1, 0.7)]


def test_report_files(tmp_path):
    rows = [row(0, "lr=1", 0.5), row(1, "lr=1", 0.7), row(2, "lr=1", None, "failed"), row(0, "lr=2", 0.9)]
    write_table(tmp_path, rows)
    assert read_table(tmp_path) == rows  # the table reads back exactly
    md = write_report(tmp_path).read_text()
    assert "| acc | 2 | 0.6 | [-0.6706, 1.871] (± 1.27) |" in md and "| acc | 1 | 0.9 | - |" in md
    assert "- r-lr=1-2 (spec lr=1, seed 2): boom" in md
    summary = (tmp_path / "report" / "summary.csv").read_text().splitlines()
    assert summary[0] == "spec,setting,metric,n,mean,ci95_low,ci95_high" and "spec,lr=2,acc,1,0.9,," in summary
    plots = sorted(p.name for p in (tmp_path / "report").glob("*.png"))
    assert plots == ["00-acc.png", "01-wall_s.png"] and f"![acc](00-acc.png)" in md
    assert (tmp_path / "report" / "00-acc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_folder_without_results_is_an_error(tmp_path):
    with pytest.raises(ZooError, match="no sweep results here"):
        write_report(tmp_path)
    (tmp_path / "results.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ZooError, match="not a sweep's results table"):
        write_report(tmp_path)
