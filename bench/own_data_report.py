"""The markdown report of bench/own_data.py: how it was produced, the headline figures against their goals,
what each figure means and how it was measured."""

from __future__ import annotations

TARGETS = [  # key, comparison, goal (None: reported, no goal), what it is
    ("roundtrip_max_abs_diff", "<=", 1e-6, "largest metric difference, exported file vs generated world, every kind"),
    ("own_world_nmi", ">=", None, "COMET NMI on the predator-prey world (catalogue comet-particles settings)"),
    ("own_world_compose_ratio_1pct", "<=", None, "1% of a fresh draw: composed / fine-tuned one-step error"),
    ("predict_peak_rss_mb_2gb", "<", 1024.0, "peak RSS of `zoo predict` on a 2 GB trajectories file (MiB)"),
]

NOTES = """\
How each figure is measured:

- **Round trips** (`roundtrip_*`): for every generated world the catalogue uses ({kinds}), its catalogue spec at
  catalogue data sizes, trained {short} on the world and on `zoo data export`'s file with the same seed; every
  metric both runs report is compared (`roundtrip_metrics_<kind>` of them). The hyperteacher draws new tasks at
  every step, so its export is a finite sample (512 tasks per split, each with its support and query shots); its
  generated side is trained on that same sample (`FiniteHyperteacher`), so the comparison is like for like. Its
  `template_alignment` needs the teacher's templates, which the file does not hold: it is reported only on the
  generated side and not compared. `tests/envs/files/test_export_roundtrip.py` checks every kind at tiny sizes.
- **Own world** (`own_world_*`): `examples/_predator_prey.py` (NumPy only, written without zoo/envs): 320
  trajectories of 30 steps, six animals (a predator, three prey, two wanderers), four behaviours (chase, flee,
  graze, drift); 20% held out by the run's seed. COMET is `comet-particles` as in the catalogue (4 mechanisms,
  kNN contexts with k=2, horizon, warm start, steps, learning rate) with only `slots: {{count: 6, dim: 7}}` set to
  the file's animals and features. No setting was tuned for this world.
- **Compose** (`own_world_1pct_*`, `own_world_compose_ratio_1pct*`): the bank just trained (frozen) is composed for
  a fresh draw of the same world (seed 1, 1024 training and 64 test trajectories; 1% = 11 trajectories) with
  `comet-particles-compose` (only the selector is trained; it reads the roles, features 4-6, as the catalogue
  selector reads the species, and the offsets), against `interaction-network-particles` pre-trained on the own
  world and fine-tuned on the same 1% (best of the learning rates of bench/comet.py; each is in
  `own_world_adapt_1pct_finetune_error_lr*`), and against that network trained from scratch on the 1%
  (`own_world_1pct_scratch_error`). All for the compose spec's 1000 steps; one-step error on the fresh draw's
  test split (units: each changing feature's mean squared one-step change).
- **Predict memory** (`predict_*`): a trajectories file of the own world's shape, written chunk by chunk in a
  temporary directory (deleted afterwards), and `zoo predict` with the own world's run, as a child process; its
  peak resident set size is its own `VmHWM` (/proc/self/status) as it exits (not `ru_maxrss`, which on Linux also
  counts the memory of the parent that forked it). `predict_tiny_*` is the
  same on a 1 MiB file: the fixed cost of Python, torch and the model.
"""


def findings(out: dict) -> list[str]:
    """What the measured figures say, for the parts that were measured."""
    lines = []
    if "own_world_nmi" in out:
        lines += [f"- Own world: NMI {out['own_world_nmi']:.3f}, purity {out['own_world_purity']:.3f}, "
                  f"{out['own_world_mechanisms_used']:g} of 4 mechanisms used, one-step error "
                  f"{out['own_world_one_step_mse']:.3g} (the interaction network on the same data: "
                  f"{out.get('own_world_source_in_one_step_mse', float('nan')):.3g}). For comparison: the same "
                  "settings on the catalogue's particles, `particles_nmi` in bench/RESULTS-comet.md."]
    if "own_world_compose_ratio_1pct" in out:
        types = sorted({k.rsplit("_", 1)[1] for k in out if k.startswith("own_world_1pct_compose_error_")
                        and not k.endswith("_share")})
        per_type = "; ".join(f"{t} {out[f'own_world_1pct_compose_error_{t}']:.3g} vs "
                             f"{out[f'own_world_1pct_finetune_error_{t}']:.3g} "
                             f"({out[f'own_world_1pct_compose_error_{t}_share']:.0%} of the composed error)"
                             for t in types)
        lines += [f"- Compose with 1%: composed {out['own_world_1pct_compose_error']:.3g}, fine-tuned "
                  f"{out['own_world_1pct_finetune_error']:.3g} (ratio {out['own_world_compose_ratio_1pct']:.2f}), "
                  f"from scratch {out['own_world_1pct_scratch_error']:.3g} (ratio "
                  f"{out['own_world_compose_ratio_1pct_vs_scratch']:.2f}); the selector reading every feature: "
                  f"{out['own_world_1pct_compose_all_features_error']:.3g}. Per behaviour, composed vs fine-tuned: "
                  f"{per_type}."]
    if "predict_large_peak_rss_mb" in out:
        lines += [f"- Predict: peak RSS {out['predict_large_peak_rss_mb']:.0f} MiB on a "
                  f"{out['predict_large_file_mb'] / 1024:.2f} GiB file ({out['predict_large_trajectories']:,.0f} "
                  f"trajectories, {out['predict_large_seconds'] / 60:.0f} min), {out['predict_tiny_peak_rss_mb']:.0f} MiB "
                  "on a 1 MiB file. Before the fix that came with this benchmark (`zoo/trained/predict.py`: at most 2048 states per "
                  "model call, at most 256 trajectories per chunk), a 51 MB file peaked at 7.6 GB: a whole 32 MB "
                  "chunk went through COMET at once, every mechanism for every candidate context."]
    return ["Findings:", "", *lines, ""] if lines else []


def _row(out: dict, key: str, op: str, goal: float | None, what: str) -> str:
    value = out.get(key)
    if value is None:
        return f"| {what} (`{key}`) | not measured | {op} {goal:g} |  |" if goal is not None else \
            f"| {what} (`{key}`) | not measured | (none) |  |"
    if goal is None:
        return f"| {what} (`{key}`) | {value:.4g} | (none) |  |"
    met = value <= goal if op == "<=" else value < goal if op == "<" else value >= goal
    return f"| {what} (`{key}`) | {value:.4g} | {op} {goal:g} | {'yes' if met else 'no'} |"


def report(out: dict, env: dict, made: dict[str, str | None], quick: bool) -> str:
    """The whole markdown report for the figures ``out`` measured on machine ``env``; ``made``: for each part, the
    line saying which command measured it and when (None: not measured)."""
    from tests.support.roundtrip import KINDS

    lines = ["## Your own data", "", "Produced by (each part's command and date):", "",
             *(line or f"- `{part}`: not measured" for part, line in made.items()), "",
             f"Machine: {env['cpu']} ({env['cores']} cores shared with other work, one torch thread), torch "
             f"{env['torch']}, Python {env['python']}.", ""]
    if quick:
        lines += ["**Quick mode: tiny sizes, a smoke run; these numbers mean nothing.**", ""]
    lines += ["| figure | measured | goal | met |", "|---|---|---|---|"]
    lines += [_row(out, *t) for t in TARGETS]
    shown = {t[0] for t in TARGETS}
    lines += ["", *findings(out), NOTES.format(kinds=", ".join(KINDS), short="for 20 steps")]
    lines += ["| more measurements | value |", "|---|---|"]
    lines += [f"| `{k}` | {v:.4g} |" for k, v in sorted(out.items()) if k not in shown]
    return "\n".join(lines) + "\n"
