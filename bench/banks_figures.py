"""The flat figures of bench/results/banks.json from the banks sweeps' rows (bench/banks.py): rows are grouped by
their point's fields (method, fraction), never by parsing key strings; the catalogue's banks are counted by
family."""

from __future__ import annotations

from pathlib import Path

from banks_plans import (RIMS_BANK, RIMS_SOURCE_SPLIT, RIMS_SPLIT, Design, Fields,  # bench/banks_plans.py
                         slot_vae_images)
from machine import pct  # bench/machine.py
from zoo.banks.catalogue import catalogue_bank, catalogue_banks
from zoo.banks.format import read_config
from zoo.hub.pretrained import from_pretrained
from zoo.sweep import RunRow


def by_fields(rows: list[RunRow], fields_of: dict[str, Fields]) -> dict[Fields, list[RunRow]]:
    """The ``ok`` rows of the points ``fields_of`` knows, grouped by their fields (in the table's order)."""
    out: dict[Fields, list[RunRow]] = {}
    for r in rows:
        if r.status == "ok" and r.setting in fields_of:
            out.setdefault(fields_of[r.setting], []).append(r)
    return out


def mean_of(groups: dict[Fields, list[RunRow]], fields: Fields, metric: str, where: Path) -> float:
    """The mean of ``metric`` over the runs of ``fields``.

    Raises:
        SystemExit: no finished run of those fields (``where`` names the table).
    """
    runs = groups.get(fields)
    if not runs:
        raise SystemExit(f"{where}: no finished {fields.method} run"
                         + (f" at fraction {fields.fraction:g}" if fields.fraction is not None else "")
                         + "; run the benchmark first")
    return sum(float(r.metrics[metric]) for r in runs) / len(runs)


def seconds(rows: list[RunRow]) -> float:
    """The runs' wall-clock seconds, one after another."""
    return round(sum(r.wall_s or 0.0 for r in rows), 1)


def rims_figures(rows: list[RunRow], fields_of: dict[str, Fields], source: RunRow, design: Design,
                 where: Path) -> dict[str, float]:
    """Each method's mean error on the 10x10 test images at each fraction and the two ratios (compose over
    scratch, compose over the fine-tuned LSTM), the seeds, steps and seconds, and both models' source accuracy."""
    groups = by_fields(rows, fields_of)
    out: dict[str, float] = {}
    for f in design.fractions:
        error = {m: mean_of(groups, Fields(m, f), f"{RIMS_SPLIT}_error", where)
                 for m in ("compose", "scratch", "lstm_finetune")}
        out.update({f"rims_{m}_error_{pct(f)}": v for m, v in error.items()})
        out[f"rims_compose_vs_scratch_{pct(f)}"] = error["compose"] / max(error["scratch"], 1e-9)
        out[f"rims_compose_vs_lstm_finetune_{pct(f)}"] = error["compose"] / max(error["lstm_finetune"], 1e-9)
    runs = [r for group in groups.values() for r in group]
    return {**out, "rims_seeds": len({r.seed for r in runs}), "rims_steps": design.rims_steps,
            "rims_seconds": seconds(runs + [source]),
            "rims_source_acc_bank": read_config(catalogue_bank(RIMS_BANK))["metrics"][f"{RIMS_SOURCE_SPLIT}_acc"],
            "rims_source_acc_lstm": float(source.metrics[f"{RIMS_SOURCE_SPLIT}_acc"])}


def hypernetwork_figures(row: RunRow, recorded: dict, design: Design, bank_steps: int) -> dict[str, float]:
    """The composed bank's OOD and in-distribution accuracy against ANIL's and MAML's ``recorded`` ones
    (bench/results/hypernet.json)."""
    bank = float(row.metrics["ood_acc"])
    anil, maml = recorded["connected_ood_acc_anil"], recorded["connected_ood_acc_maml"]
    return {"hypernet_bank_ood_acc": bank, "hypernet_bank_id_acc": float(row.metrics["test_acc"]),
            "hypernet_anil_ood_acc": anil, "hypernet_maml_ood_acc": maml,
            "hypernet_bank_vs_maml_ood": bank / maml, "hypernet_bank_vs_anil_ood": bank / anil,
            "hypernetwork_compose_steps": design.compose_steps, "hypernetwork_bank_steps": bank_steps,
            "hypernetwork_seconds": seconds([row])}


def slot_vae_figures(rows: list[RunRow], fields_of: dict[str, Fields], design: Design,
                     where: Path) -> dict[str, float]:
    """Each method's mean J-ARI on the new test images, the images, steps, seeds and seconds."""
    groups = by_fields(rows, fields_of)
    f = design.slot_vae_fraction
    runs = [r for group in groups.values() for r in group]
    return {"slotvae_bank_jari_new": mean_of(groups, Fields("bank", f), "jari", where),
            "slotvae_scratch_1pct_jari": mean_of(groups, Fields("scratch", f), "jari", where),
            "slotvae_frozen_bank_jari_new": mean_of(groups, Fields("frozen"), "jari", where),
            "slot_vae_seeds": len({r.seed for r in runs}), "slot_vae_steps": design.slot_vae_steps,
            "slot_vae_images_1pct": slot_vae_images(design), "slot_vae_seconds": seconds(runs)}


def catalogue_banks_by_family() -> dict[str, list[str]]:
    """The catalogue's banks by the family their provenance names."""
    families: dict[str, list[str]] = {}
    for entry in catalogue_banks():
        family = (from_pretrained(entry.path).meta.get("provenance") or {}).get("family")
        families.setdefault(str(family), []).append(entry.name)
    return families


def catalogue_figures(families: dict[str, list[str]]) -> dict[str, float]:
    """How many catalogue banks there are, the families that have one, the largest bank's and all banks' bytes."""
    sizes = [sum(f.stat().st_size for f in e.path.iterdir()) for e in catalogue_banks()]
    return {"banks": sum(len(v) for v in families.values()), "families_with_banks": len(families),
            "largest_bank_bytes": max(sizes), "banks_total_bytes": sum(sizes)}
