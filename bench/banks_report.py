"""bench/RESULTS-banks.md from the figures of bench/results/banks.json (bench/banks.py)."""

from __future__ import annotations

from pathlib import Path

from zoo.io import write_text


def _f(figures: dict, key: str, fmt: str = "{:.3f}") -> str:
    value = figures.get(key)
    return "not measured" if value is None else fmt.format(value)


def _rims(f: dict) -> list[str]:
    if "rims_compose_vs_scratch_1pct" not in f:
        return ["RIMs: not measured yet (`python bench/banks.py --parts rims`)."]
    rows = [f"| {tag} | {_f(f, f'rims_compose_error_{tag}')} | {_f(f, f'rims_scratch_error_{tag}')} | "
            f"{_f(f, f'rims_lstm_finetune_error_{tag}')} | {_f(f, f'rims_compose_vs_scratch_{tag}')} | "
            f"{_f(f, f'rims_compose_vs_lstm_finetune_{tag}')} |" for tag in ("1pct", "10pct")]
    return [
        "### RIMs: cells from 8x8 digits, composed for 10x10 digits",
        "",
        f"Test error on the held-out 10x10 images, mean over {f.get('rims_seeds')} seed(s), "
        "every model trained for the same steps on the same first part of its seed's training split "
        "(bench/banks_plans.py says how).",
        "",
        "| data | compose | scratch | LSTM fine-tuned | compose / scratch | compose / LSTM |",
        "|---|---|---|---|---|---|",
        *rows,
    ]


def _hypernetwork(f: dict) -> list[str]:
    if "hypernet_bank_ood_acc" not in f:
        return ["Hypernetwork: not measured yet (`python bench/banks.py --parts hypernetwork`)."]
    return [
        "### Hypernetwork: frozen templates on unseen expert combinations",
        "",
        "Accuracy on 256 tasks of unseen expert combinations of the connected teacher, after 10 inner steps "
        "on 128 support shots, scored on 128 query shots (bench/banks_plans.py says how).",
        "",
        "| model | meta-training | OOD accuracy |",
        "|---|---|---|",
        f"| bank composed (templates frozen, embedding adapted) | {f.get('hypernetwork_bank_steps')} steps of 16 "
        f"tasks, then {f.get('hypernetwork_compose_steps')} composing | {_f(f, 'hypernet_bank_ood_acc')} |",
        f"| ANIL (bench/results/hypernet.json) | 1500 steps of 32 tasks | {_f(f, 'hypernet_anil_ood_acc')} |",
        f"| MAML (bench/results/hypernet.json) | 1500 steps of 32 tasks | {_f(f, 'hypernet_maml_ood_acc')} |",
        "",
        f"`hypernet_bank_vs_maml_ood` (accuracy ratio) = {_f(f, 'hypernet_bank_vs_maml_ood')}.",
    ]


def _slot_vae(f: dict) -> list[str]:
    if "slotvae_bank_jari_new" not in f:
        return ["Slot VAE: not measured yet (`python bench/banks.py --parts slot_vae`)."]
    return [
        "### Slot VAE: encoder and decoder on sprites with a new shape (triangles)",
        "",
        f"J-ARI on the new test images; {f.get('slot_vae_images_1pct')} training images (1%), "
        f"{f.get('slot_vae_steps')} steps, mean over {f.get('slot_vae_seeds')} seed(s).",
        "",
        "| model | J-ARI |",
        "|---|---|",
        f"| bank, decoder frozen, encoder head trained | {_f(f, 'slotvae_bank_jari_new')} |",
        f"| bank frozen whole | {_f(f, 'slotvae_frozen_bank_jari_new')} |",
        f"| scratch on 1% | {_f(f, 'slotvae_scratch_1pct_jari')} |",
    ]


def _better(a: float | None, b: float | None, lower: bool) -> str:
    if a is None or b is None:
        return "not measured"
    return "better" if (a < b if lower else a > b) else "worse"


def findings(f: dict) -> list[str]:
    """One line per family: which way each comparison went, from the figures."""
    return [
        "Findings:",
        f"- RIMs at 1%: the composed cells are {_better(f.get('rims_compose_error_1pct'), f.get('rims_scratch_error_1pct'), True)} "
        f"than scratch and {_better(f.get('rims_compose_error_1pct'), f.get('rims_lstm_finetune_error_1pct'), True)} than "
        f"the fine-tuned LSTM; on the source task (8x8 digits, the same steps) the RIMs bank reached "
        f"{_f(f, 'rims_source_acc_bank')} test accuracy and the LSTM {_f(f, 'rims_source_acc_lstm')}.",
        f"- Hypernetwork: the frozen-template bank is {_better(f.get('hypernet_bank_ood_acc'), f.get('hypernet_maml_ood_acc'), False)} "
        "than the recorded MAML on unseen combinations; the linear hypernetwork trained at bench/hypernet.py's budget "
        "reaches 0.81 (bench/RESULTS-hypernet.md): the catalogue bank is trained at a CPU-minutes size.",
        f"- Slot VAE: the bank's J-ARI on the new distribution is "
        f"{_better(f.get('slotvae_bank_jari_new'), f.get('slotvae_scratch_1pct_jari'), False)} than a model trained from "
        "scratch on the same 1%.",
    ]


def write_markdown(f: dict, by_family: dict[str, list[str]], path: Path, measured: str, command: str,
                   notes: str = "") -> None:
    """Write the banks section: the catalogue, each family's table, the findings, then the kept ``notes``."""
    lines = [
        "## Pretrained banks for every family, composed into new tasks",
        "",
        f"The catalogue holds {f.get('banks')} banks of {len(by_family)} families "
        f"({', '.join(f'{k}: {len(v)}' for k, v in sorted(by_family.items()))}); the largest is "
        f"{f.get('largest_bank_bytes', 0) / 1e6:.2f} MB, all together {f.get('banks_total_bytes', 0) / 1e6:.2f} MB.",
        f"Run: `{command}` (four sweeps in bench/sweeps/banks-*; bench/banks.py says which).",
        measured,
        "",
        *_rims(f), "", *_hypernetwork(f), "", *_slot_vae(f), "", *findings(f), "",
        "COMET: as before (bench/RESULTS-comet.md, bench/RESULTS-hub.md). The particles and sports banks share",
        "one slot layout (state 4, context 5 wide), so `zoo compose` accepts both in one model; no generated",
        "world mixes particle and sports interactions, so that composition is not measured here.",
    ]
    text = "\n".join(lines) + "\n"
    write_text(path, text + ("\n" + notes.rstrip("\n") + "\n" if notes else ""))
