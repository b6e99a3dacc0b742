"""One slot VAE bench setting's figures, from its sweep's rows: each finished run's metrics by seed and model tag
(``reg``: alpha > 0, ``noreg``: alpha = 0), and each tag's means over its seeds. The report is written from
these; ``flat`` gives the keys of ``bench/results/slotvae.json`` (written, never read back).
"""

from __future__ import annotations

from dataclasses import dataclass

from zoo.sweep import RunRow
from zoo.sweep.stats import estimate


@dataclass(frozen=True)
class SettingFigures:
    """A setting's figures: ``runs[seed][tag][metric]`` of its finished runs and ``means[tag][metric]``."""

    tags: tuple[str, ...]
    runs: dict[int, dict[str, dict[str, float]]]
    means: dict[str, dict[str, float]]

    def paired_seeds(self) -> list[int]:
        """The seeds with a finished run of every tag, in order."""
        return [seed for seed, by_tag in self.runs.items() if set(self.tags) <= set(by_tag)]


def setting_figures(rows: list[RunRow], tag_of: dict[str, str], metrics: tuple[str, ...],
                    extra: dict[str, dict[str, float]] | None = None) -> SettingFigures:
    """The figures of the ``ok`` rows of the specs in ``tag_of`` (spec name to tag): each row's ``metrics`` and
    ``extra[row.run]`` (figures of that run from elsewhere), and the means over the seeds, in seed order.

    Raises:
        ValueError: two finished runs of one tag with the same seed.
    """
    runs: dict[int, dict[str, dict[str, float]]] = {}
    for r in sorted((r for r in rows if r.status == "ok" and r.spec in tag_of), key=lambda r: r.seed):
        by_tag = runs.setdefault(r.seed, {})
        if tag_of[r.spec] in by_tag:
            raise ValueError(f"two finished runs of {r.spec} with seed {r.seed} (one is {r.run})")
        by_tag[tag_of[r.spec]] = {**{m: r.metrics[m] for m in metrics}, **(extra or {}).get(r.run, {})}
    values: dict[str, dict[str, list[float]]] = {}
    for by_tag in runs.values():
        for tag, figures in by_tag.items():
            for metric, value in figures.items():
                values.setdefault(tag, {}).setdefault(metric, []).append(value)
    means = {tag: {m: estimate(v).mean for m, v in by_metric.items()} for tag, by_metric in values.items()}
    return SettingFigures(tuple(dict.fromkeys(tag_of.values())), runs, means)


def flat(figures: SettingFigures, prefix: str = "") -> dict[str, float]:
    """The figures as flat keys: ``<prefix><metric>_<tag>_seed<S>`` per run, ``<prefix><metric>_<tag>`` (the
    means), ``<prefix>seeds`` and ``<prefix>train_seconds`` (every tag's mean training seconds together)."""
    out = {f"{prefix}{metric}_{tag}_seed{seed}": value for seed, by_tag in figures.runs.items()
           for tag, metrics in by_tag.items() for metric, value in metrics.items()}
    out.update({f"{prefix}{metric}_{tag}": value for tag, means in figures.means.items()
                for metric, value in means.items()})
    out[f"{prefix}seeds"] = float(len(figures.runs))
    seconds = [figures.means[t]["train_seconds"] for t in figures.tags if "train_seconds" in figures.means.get(t, {})]
    if seconds and len(seconds) == len(figures.tags):
        out[f"{prefix}train_seconds"] = sum(seconds)
    return out
