"""The report of bench/comet_robustness.py: the suite table, the three worst worlds' mechanism figures,
the ablation table across variants, and bench/results/comet_robustness.json.

A variant is a sweep ``sweeps/comet_robustness-<tag>`` (``default`` is the catalogue's settings as shipped):
its ``ok`` rows with their entries in ``records/comet_robustness-<tag>.json`` are its runs. The diagnosis
section is kept from the existing report (it is written by hand from the runs' tables).
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

from comet_robustness_record import read_record  # bench/, beside this file
from comet_worlds import SUITE
from machine import run_dir
from zoo.io import write_json, write_text
from zoo.sweep import RunRow, read_table

COMMAND = "PYTHONPATH=. python bench/comet_robustness.py"
MARK = "<!-- diagnosis: kept by --report -->"
PREFIX = "comet_robustness-"  # a variant's sweep folder and record: <PREFIX><tag>
METRICS = ("nmi", "purity", "one_step_mse", "rollout_mse", "context_accuracy", "mechanisms_used", "selector_accuracy")
EXTRAS = ("entry", "table", "types", "merged", "coverage", "train_wta")


def variant_runs(rows: list[RunRow], record: dict) -> list[dict]:
    """The variant's runs: each ``ok`` row with an entry in its record (``run``, ``seed``, its metrics and its
    record's extras); a row without one is said and left out."""
    runs = []
    for r in (r for r in rows if r.status == "ok"):
        entry = record.get("runs", {}).get(r.run)
        if entry is None or entry["fingerprint"] != r.fingerprint:
            print(f"{record.get('tag')}: run {r.run} has no recorded mechanism table of its fingerprint; left out")
            continue
        runs.append({"run": r.run, "seed": r.seed, **{m: r.metrics[m] for m in METRICS if m in r.metrics},
                     **{k: entry[k] for k in EXTRAS if k in entry}})
    return runs


def summarise(rows: list[dict]) -> dict:
    """Per entry the minimum and mean over seeds of every metric; the suite's minimum and mean NMI."""
    out: dict = {}
    entries = sorted({r["entry"] for r in rows if r["entry"] != "catalogue"})
    for e in entries:
        mine = [r for r in rows if r["entry"] == e]
        for m in (*METRICS, "coverage", "train_wta"):
            vals = [r[m] for r in mine if m in r]
            if vals:
                out[f"{e}_{m}_min"], out[f"{e}_{m}_mean"], out[f"{e}_{m}_max"] = min(vals), statistics.fmean(vals), max(vals)
    out["suite_worlds"] = len(entries)
    if entries:
        out["suite_nmi_min"] = min(out[f"{e}_nmi_min"] for e in entries)
        out["suite_nmi_mean"] = statistics.fmean(out[f"{e}_nmi_mean"] for e in entries)
        out["suite_purity_min"] = min(out[f"{e}_purity_min"] for e in entries)
    cat = [r["nmi"] for r in rows if r["entry"] == "catalogue"]
    if cat:
        out["catalogue_nmi"], out["catalogue_nmi_mean"] = min(cat), statistics.fmean(cat)
    return out


def variants(sweeps: Path, records: Path) -> dict[str, dict]:
    """Every variant with a sweep table, by tag: its overrides, machine, seeds, summary, runs and folder."""
    out = {}
    for folder in sorted(f for f in sweeps.glob(PREFIX + "*") if (f / "results.csv").is_file()):
        tag = folder.name.removeprefix(PREFIX)
        record = read_record(records / f"{PREFIX}{tag}.json")
        if not record:
            print(f"{folder}: no record {records / (PREFIX + tag)}.json; left out")
            continue
        runs = variant_runs(read_table(folder), record)
        out[tag] = {"tag": tag, "sets": record["sets"], "machine": record["machine"], "folder": folder,
                    "seeds": len({r["seed"] for r in runs}), "summary": summarise(runs), "runs": runs}
    return out


def entries(summary: dict) -> list[str]:
    """The suite entries of a summary, in a stable order."""
    return sorted(k[: -len("_nmi_min")] for k in summary if k.endswith("_nmi_min") and not k.startswith("suite"))


def true_law_bound(bound: dict, entry: str) -> str:
    """The cell of bench/comet_bound.py's figures for a suite entry: the true laws' NMI, minimum over its
    seeds, with a window of 6 steps and on a path ("-" where the world was not bounded)."""
    seeds = bound.get(SUITE.get(entry, (entry,))[0])
    if not seeds:
        return "-"
    return " / ".join(f"{min(r[key] for r in seeds.values()):.3f}" for key in ("window_6", "path"))


def suite_table(data: dict, bound: dict) -> list[str]:
    """World x NMI, purity, one-step and rollout error: minimum (mean) over the seeds; and what the world's
    true laws reach (``bound``: bench/comet_bound.py's record)."""
    s = data["summary"]
    rows = ["| world | NMI min (mean) | purity min (mean) | one-step error max (mean) | rollout error max (mean) "
            "| partner among the 2 nearest | types merged (any seed) | true laws' NMI: window 6 / path |",
            "|---|---|---|---|---|---|---|---|"]
    for e in entries(s):
        merged = sorted({m for r in data["runs"] if r["entry"] == e for m in r["merged"]})
        rows.append(f"| {e} | {s[f'{e}_nmi_min']:.3f} ({s[f'{e}_nmi_mean']:.3f}) | {s[f'{e}_purity_min']:.3f} "
                    f"({s[f'{e}_purity_mean']:.3f}) | {s[f'{e}_one_step_mse_max']:.4f} ({s[f'{e}_one_step_mse_mean']:.4f}) "
                    f"| {s[f'{e}_rollout_mse_max']:.4f} ({s[f'{e}_rollout_mse_mean']:.4f}) "
                    f"| {s.get(f'{e}_coverage_min', 1.0):.3f} | {', '.join(merged) or '-'} | {true_law_bound(bound, e)} |")
    if "catalogue_nmi" in s:
        rows.append(f"| catalogue particle world | {s['catalogue_nmi']:.3f} ({s['catalogue_nmi_mean']:.3f}) | | | | | | |")
    return rows


def ablation_table(found: dict[str, dict], seed: int = 0) -> list[str]:
    """One row per variant: its overrides and the NMI of its run with ``seed`` on every entry it ran
    (so variants run with different numbers of seeds compare on the same draws)."""
    names = sorted({r["entry"] for data in found.values() for r in data["runs"]} - {"catalogue"})
    rows = [f"| variant | overrides | NMI min, seed {seed} | NMI mean | catalogue NMI |" + "".join(f" {e} |" for e in names),
            "|---|---|---|---|---|" + "---|" * len(names)]
    for tag, data in found.items():
        nmi = {r["entry"]: r["nmi"] for r in data["runs"] if r["seed"] == seed}
        suite = [v for e, v in nmi.items() if e != "catalogue"]
        cells = "".join(f" {nmi[e]:.2f} |" if e in nmi else " |" for e in names)
        low, mean = (f"{min(suite):.3f}", f"{statistics.fmean(suite):.3f}") if suite else ("-", "-")
        rows.append(f"| `{tag}` | {' '.join(f'`{x}`' for x in data['sets']) or '(as shipped)'} | {low} "
                    f"| {mean} | {nmi.get('catalogue', float('nan')):.3f} |{cells}")
    return rows


def worst_figures(data: dict, results: Path) -> list[str]:
    """Copy the mechanism x type figure of the three worst worlds (lowest NMI run each) into results/, where
    its run directory is here."""
    s = data["summary"]
    worst = sorted(entries(s), key=lambda e: s[f"{e}_nmi_min"])[:3]
    lines = []
    for e in worst:
        run = min((r for r in data["runs"] if r["entry"] == e), key=lambda r: r["nmi"])
        target = results / f"comet-robustness-{e}-mechanisms.png"
        plot = run_dir(data["folder"], run["run"]) / "plots" / "mechanisms.png"
        if plot.is_file():
            shutil.copyfile(plot, target)
        lines.append(f"![{e}](results/{target.name}) `{e}` seed {run['seed']}: NMI {run['nmi']:.3f}; table "
                     f"(rows: mechanisms, columns: {', '.join(run['types'])}): {run['table']}")
    return lines


def flat_figures(data: dict) -> dict[str, float]:
    """The results file: the suite's figures, and each world's as ``<world>_<figure>`` (numbers only)."""
    s = data["summary"]
    flat = {"seeds": data["seeds"]}
    flat |= {k: s[k] for k in ("suite_worlds", "suite_nmi_min", "suite_nmi_mean", "suite_purity_min", "catalogue_nmi") if k in s}
    for e in entries(s):
        flat |= {f"{e}_{m}": s[f"{e}_{m}"] for m in ("nmi_min", "nmi_mean", "purity_min", "purity_mean",
                                                    "one_step_mse_max", "one_step_mse_mean", "rollout_mse_max",
                                                    "rollout_mse_mean") if f"{e}_{m}" in s}
    return flat


def write_report(sweeps: Path, records: Path, results: Path, out: Path, reference: str) -> None:
    """Write bench/results/comet_robustness.json and bench/RESULTS-comet-robustness.md from the variant
    ``reference`` (its suite table and figures) and every recorded variant (the ablation table).

    Raises:
        SystemExit: ``reference`` has no recorded runs.
    """
    found = variants(sweeps, records)
    bound_file = records / "comet-bound.json"
    bound = json.loads(bound_file.read_text()) if bound_file.is_file() else {}
    if not found.get(reference, {}).get("runs"):
        raise SystemExit(f"no recorded runs of the variant {reference!r} in {sweeps / (PREFIX + reference)} "
                         f"(recorded: {', '.join(found) or 'none'})")
    data = found[reference]
    s = data["summary"]
    write_json(results / "comet_robustness.json", flat_figures(data))
    md = out / "RESULTS-comet-robustness.md"
    kept = md.read_text().split(MARK, 1)[1] if md.exists() and MARK in md.read_text() else "\n(no diagnosis yet)\n"
    env = data["machine"]
    sets = "".join(f" --set {x}" for x in data["sets"])
    again = f"{COMMAND} --jobs 2 --seeds {data['seeds']} --tag {reference}{sets} && {COMMAND} --report --tag {reference}"
    lines = ["## COMET robustness: worlds it was not designed for", "", f"Re-run: `{again}` (the suite as the goal "
             f"states it: `{COMMAND} --jobs 2 && {COMMAND} --report`)", "",
             f"Measured on {env['cpu']} ({env['cores']} cores, one torch thread per run), torch {env['torch']}, "
             f"{env['date']}, on a loaded, shared machine (the machine and date of the variant's latest runs; "
             "NMI and purity do not depend on the machine beyond rounding).", "",
             f"The catalogue's `comet-particles` settings ({'as shipped' if not data['sets'] else ' '.join(data['sets'])}), "
             f"{data['seeds']} seed(s) per world (world draw and training seed); minimum over seeds, mean in brackets. "
             "Errors: one-step in units of each feature's mean squared one-step change, rollouts (10 steps) in units "
             "of its variance. The last column is what a perfect bank could reach: the world's own laws competing "
             "as mechanisms, over 6-step windows and on a path (`train.switch_rate`), from `bench/comet_bound.py`.",
             "", *suite_table(data, bound), "",
             f"Suite: {s['suite_worlds']} entries, NMI min {s['suite_nmi_min']:.3f}, mean {s['suite_nmi_mean']:.3f}; "
             f"purity min {s['suite_purity_min']:.3f}. Goal: NMI >= 0.85 and purity >= 0.9 on every entry.", "",
             "### The three worst worlds", "", *worst_figures(data, results), "",
             "### Ablation", "", *ablation_table(found), "", MARK + kept.rstrip() + "\n"]
    write_text(md, "\n".join(lines))
