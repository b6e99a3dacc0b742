"""``zoo sweep report``: for each setting of a sweep, every metric's mean over seeds with its 95% confidence
interval, as ``summary.csv``, a Markdown report (``report.md``) and one plot per metric (PNG)."""

from __future__ import annotations

import math
from pathlib import Path

from zoo.errors import ZooError
from zoo.io import write_text
from zoo.sweep.plots import write_plots
from zoo.sweep.stats import LEVEL, Estimate
from zoo.sweep.summary import SettingSummary, summarize, summary_csv
from zoo.sweep.table import RunRow, read_table


def markdown(title: str, summaries: list[SettingSummary], rows: list[RunRow], plots: dict[str, str]) -> str:
    """The report: a table per setting (mean and 95% CI of each metric), failed runs, the plots."""
    ok = sum(r.status == "ok" for r in rows)
    lines = [f"# Sweep {title}", "",
             f"{len(rows)} run(s): {ok} ok, {len(rows) - ok} failed. Each figure is the mean over the seeds of "
             f"its setting with its {LEVEL:.0%} confidence interval (Student t, n - 1 degrees of freedom; "
             "none for one seed).", ""]
    for s in summaries:
        lines += [f"## {s.label}", "", f"Seeds: {', '.join(map(str, s.seeds)) or 'none finished'}"
                  + (f"; {s.failed} run(s) failed." if s.failed else "."), ""]
        if s.metrics:
            lines += ["| metric | n | mean | 95% CI |", "|---|---|---|---|"]
            lines += [f"| {name} | {e.n} | {e.mean:.4g} | {_interval(e)} |" for name, e in s.metrics.items()]
            lines.append("")
    failed = [r for r in rows if r.status != "ok"]
    if failed:
        lines += ["## Failed runs", ""] + [f"- {r.run} ({r.spec} {r.setting}, seed {r.seed}): {r.error}"
                                           for r in failed] + [""]
    if plots:
        lines += ["## Plots", ""] + [f"![{name}]({file})" for name, file in plots.items()] + [""]
    return "\n".join(lines)


def _interval(e: Estimate) -> str:
    return "-" if math.isnan(e.half_width) else f"[{e.low:.4g}, {e.high:.4g}] (± {e.half_width:.3g})"


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write ``summary.csv``, ``report.md`` and one PNG per metric for the sweep in ``folder`` (into
    ``folder/report`` unless ``out``); returns the Markdown file.

    Raises:
        ZooError: the folder holds no sweep results.
    """
    folder = Path(folder)
    rows = read_table(folder)
    if not rows:
        raise ZooError(f"{folder}: no sweep results here (no results.csv with a run); run `zoo sweep` first")
    out = Path(out) if out else folder / "report"
    summaries = summarize(rows)
    write_text(out / "summary.csv", summary_csv(summaries))
    plots = write_plots(summaries, out)
    path = out / "report.md"
    write_text(path, markdown(folder.name, summaries, rows, plots))
    return path
