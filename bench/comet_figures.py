"""The flat figures of bench/results/comet.json from the COMET sweeps' rows (bench/comet.py): rows are grouped by
their spec and seed (disentanglement) or by their point's fields (adaptation), never by parsing key strings.
"""

from __future__ import annotations

from pathlib import Path

from comet_plans import ONE_PCT, Adapt  # bench/comet_plans.py
from machine import pct  # bench/machine.py
from zoo.schema import load_spec
from zoo.sweep import RunRow

METRIC = "one_step_mse"  # the adaptation error: one-step error on the new world's test split


def finished(rows: list[RunRow], where: Path) -> dict[tuple[str, int], RunRow]:
    """The ``ok`` rows by (spec, seed).

    Raises:
        SystemExit: two finished runs of one spec and seed (``where`` names the table).
    """
    out: dict[tuple[str, int], RunRow] = {}
    for r in (r for r in rows if r.status == "ok"):
        if (r.spec, r.seed) in out:
            raise SystemExit(f"{where}: two finished runs of {r.spec} at seed {r.seed} ({out[(r.spec, r.seed)].run}, {r.run})")
        out[(r.spec, r.seed)] = r
    return out


def disentanglement_figures(rows: list[RunRow], where: Path) -> dict[str, float]:
    """Particles (M=4 and the over-complete M=6) at seed 0; traffic and sports at seed 0 (``<world>_nmi``,
    ``_purity``, ``_seconds``) and over every seed recorded (``<world>_nmi_mean``, ``_nmi_min``).

    Raises:
        SystemExit: a run the figures need is not in the table.
    """
    ok = finished(rows, where)

    def run(spec: str) -> RunRow:
        if (spec, 0) not in ok:
            raise SystemExit(f"{where}: no finished run of {spec} at seed 0; run the benchmark first")
        return ok[(spec, 0)]

    p, o = run("comet-particles"), run("comet-particles-overcomplete")
    m = p.metrics
    out = {"particles_nmi": m["nmi"], "particles_purity": m["purity"], "particles_context_accuracy": m["context_accuracy"],
           "particles_one_step_mse": m[METRIC], "particles_rollout_mse": m["rollout_mse"],
           "train_seconds": m["train_seconds"],
           "particles_overcomplete_nmi": o.metrics["nmi"], "particles_overcomplete_purity": o.metrics["purity"],
           "particles_overcomplete_unused": load_spec(o.spec, o.overrides).mechanisms[0].count - o.metrics["mechanisms_used"],
           "particles_overcomplete_seconds": o.metrics["train_seconds"]}
    for world in ("traffic", "sports"):
        first = run(f"comet-{world}")
        nmis = [r.metrics["nmi"] for (spec, _), r in sorted(ok.items()) if spec == first.spec]
        out.update({f"{world}_nmi": first.metrics["nmi"], f"{world}_purity": first.metrics["purity"],
                    f"{world}_nmi_mean": sum(nmis) / len(nmis), f"{world}_nmi_min": min(nmis),
                    f"{world}_seconds": first.metrics["train_seconds"]})
    return out


class AdaptationRuns:
    """The finished adaptation runs by their fields: (method, fraction, fine-tuning rate, draw of the new world)."""

    def __init__(self, rows: list[RunRow], fields_of: dict[str, Adapt], where: Path):
        self.where = where
        self.runs: dict[tuple[str, float, float | None, int], RunRow] = {}
        for r in (r for r in rows if r.status == "ok" and r.setting in fields_of):
            f = fields_of[r.setting]
            self.runs[(f.method, f.fraction, f.lr, r.seed)] = r

    def row(self, method: str, fraction: float, draw: int = 0, lr: float | None = None) -> RunRow:
        """The run of these fields.

        Raises:
            SystemExit: it is not in the table.
        """
        if (method, fraction, lr, draw) not in self.runs:
            raise SystemExit(f"{self.where}: no finished {method} run at {fraction:g} of the data, draw {draw}"
                             + (f", lr {lr:g}" if lr is not None else "") + "; run the benchmark first")
        return self.runs[(method, fraction, lr, draw)]

    def fractions(self) -> list[float]:
        """The fractions compose ran at on the first draw."""
        return sorted({f for m, f, _, d in self.runs if m == "compose" and d == 0})

    def draws(self) -> list[int]:
        """The draws of the new world compose ran at with 1% of the data."""
        return sorted({d for m, f, _, d in self.runs if m == "compose" and f == ONE_PCT})

    def finetune(self, fraction: float, draw: int = 0) -> dict[float, RunRow]:
        """Fine-tuning's runs at one fraction and draw, by learning rate (in increasing order)."""
        found = {lr: r for (m, f, lr, d), r in self.runs.items() if m == "finetune" and f == fraction and d == draw}
        if not found:
            self.row("finetune", fraction, draw)  # says what is missing
        return dict(sorted(found.items()))

    def best(self, fraction: float, draw: int = 0) -> tuple[float, RunRow]:
        """Fine-tuning's learning rate with the lowest error at one fraction and draw, and its run (the lower rate
        on a tie)."""
        return min(self.finetune(fraction, draw).items(), key=lambda item: item[1].metrics[METRIC])

    def curves(self) -> dict[str, dict[float, float]]:
        """Compose's and fine-tuning's (best rate) error at each fraction, on the first draw."""
        return {"compose": {f: self.row("compose", f).metrics[METRIC] for f in self.fractions()},
                "finetune": {f: self.best(f)[1].metrics[METRIC] for f in self.fractions()}}

    def breakdown_rows(self) -> list[RunRow]:
        """The runs whose per-type errors the report shows (or may show): 1%, first draw, compose and every rate."""
        return [self.row("compose", ONE_PCT), *self.finetune(ONE_PCT).values()]


def draw_figures(runs: AdaptationRuns, fraction: float, draw: int, prefix: str) -> dict[str, float]:
    """Compose's error, fine-tuning's at each rate and its best rate, and their ratio, at one fraction and draw."""
    compose = runs.row("compose", fraction, draw).metrics[METRIC]
    lr, best = runs.best(fraction, draw)
    out = {f"{prefix}_compose_error": compose, f"{prefix}_finetune_best_lr": lr,
           f"{prefix}_error_ratio": compose / best.metrics[METRIC]}
    out.update({f"{prefix}_finetune_error_lr{rate:g}": r.metrics[METRIC] for rate, r in runs.finetune(fraction, draw).items()})
    return out


def adaptation_figures(runs: AdaptationRuns, errors_by_run: dict[str, dict[str, float]]) -> dict[str, float]:
    """Every ``adapt_*`` figure: each fraction's errors and ratio on the first draw, the 1% ones on the other
    draws (``adapt_seed<draw>_1pct_*``) with the mean and highest 1% ratio over all draws, the ablation, and
    where the 1% errors come from (per ground-truth type, from ``errors_by_run``)."""
    out: dict[str, float] = {}
    for f in runs.fractions():
        out.update(draw_figures(runs, f, 0, f"adapt_{pct(f)}"))
        out[f"adapt_{pct(f)}_finetune_error"] = runs.best(f)[1].metrics[METRIC]
    one = f"adapt_{pct(ONE_PCT)}"
    ratios = [out[f"{one}_error_ratio"]]
    for draw in (d for d in runs.draws() if d != 0):
        figures = draw_figures(runs, ONE_PCT, draw, f"adapt_seed{draw}_{pct(ONE_PCT)}")
        ratios.append(figures[f"adapt_seed{draw}_{pct(ONE_PCT)}_error_ratio"])
        out.update(figures)
    out[f"{one}_error_ratio_mean"], out[f"{one}_error_ratio_max"] = sum(ratios) / len(ratios), max(ratios)
    every = runs.row("compose_all_features", ONE_PCT).metrics[METRIC]
    out[f"{one}_compose_all_features_error"] = every
    out[f"{one}_all_features_error_ratio"] = every / runs.best(ONE_PCT)[1].metrics[METRIC]
    for method, row in (("compose", runs.row("compose", ONE_PCT)), ("finetune", runs.best(ONE_PCT)[1])):
        out.update({f"{one}_{method}_error_{name}": err for name, err in errors_by_run.get(row.run, {}).items()})
    return out
