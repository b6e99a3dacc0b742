"""Hub composition demo: two catalogue banks composed for a new particle world vs fine-tuning.

Each bank was trained on a particle world with two interaction types (spring + attraction; repulsion
+ none); composed for a third world with all four types, only the selector is trained. Compared with fine-tuning a monolithic interaction network pre-trained on the
same two worlds, with 1%, 10% and 100% of the new world's data.

    PYTHONPATH=. python bench/hub.py                 # the committed catalogue banks (a few minutes)
    PYTHONPATH=. python bench/hub.py --train-banks   # train the two banks again first

The composition is what ``zoo compose comet-particles-compose --bank comet-particles-spring-attraction
--bank comet-particles-repulsion-none`` runs. Writes bench/results/hub.json, bench/RESULTS-hub.md and
bench/results/hub-adaptation.png. Runs go to runs/bench-hub/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import torch

torch.set_num_threads(1)

from adaptation import FINETUNE_LRS, FRACTIONS, methods_curves, plot_adaptation_curve, record  # noqa: E402  (bench/)
from comet_type_errors import type_errors  # noqa: E402
from machine import environment  # noqa: E402

from zoo import compile_spec  # noqa: E402
from zoo.banks.catalogue import catalogue_bank, catalogue_banks  # noqa: E402
from zoo.hub.catalogue_build import build  # noqa: E402
from zoo.hub.compose import compose_spec, trainable_split  # noqa: E402
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.train import train  # noqa: E402

HERE = Path(__file__).resolve().parent
COMMAND = "PYTHONPATH=. python bench/hub.py"
TARGET = "comet-particles-compose"
SOURCES = ("comet-particles-spring-attraction", "comet-particles-repulsion-none")


def banks(root: Path, retrain: bool) -> list[Path]:
    """The two source banks: the committed catalogue ones, or trained again into ``root/banks``."""
    if not retrain and all(catalogue_bank(s) for s in SOURCES):
        return [catalogue_bank(s) for s in SOURCES]
    return build(list(SOURCES), root / "banks", root / "bank-runs", echo=print)


def monolithic(root: Path, compose) -> Path:
    """An interaction network pre-trained on the two source worlds only (as many steps as both banks
    together), with the target's object count; returns its run directory."""
    target = json.dumps(compose.data.model_dump(mode="json"))
    sources, steps = [], 0
    for name in SOURCES:
        spec = load_spec(name)
        data = spec.data.model_dump(mode="json") | {"objects": compose.data.objects}
        sources.append(json.dumps(data))
        steps += spec.train.steps
    pre = train(load_spec("interaction-network-particles", [
        f"data={target}", f"slots.count={compose.slots.count}", f"train.sources=[{', '.join(sources)}]",
        f"train.pretrain_steps={steps}", f"train.steps={steps}", "train.eval_every=0"]),
        run_dir=root / "interaction-network-sources", progress=False)
    print(f"[interaction network, source worlds] {pre.seconds:.0f}s: zero-shot one_step_mse on the new world "
          f"{pre.metrics['one_step_mse']:.4g}", flush=True)
    return pre.run_dir


def report(out: dict, env: dict, sizes: dict[str, int], fractions: tuple[float, ...]) -> str:
    """The markdown section: how to re-run, where, the measured numbers."""
    met = out["compose_vs_finetune_1pct"] <= 0.5
    lines = ["## Hub: composing two catalogue banks for a new world", "", f"Re-run: `{COMMAND}`", "",
             f"Measured on {env['cpu']} ({env['cores']} cores, one torch thread), torch {env['torch']}, "
             f"Python {env['python']}, {env['date']}. Wall-clock times were measured on a loaded, shared machine.",
             "", f"Banks `{SOURCES[0]}` (spring, attraction) and `{SOURCES[1]}` (repulsion, none), each two "
             f"mechanisms trained by competition on its own particle world, are composed for `{TARGET}`'s world "
             "(six particles, all four types) with `zoo compose " + TARGET + " --bank " + " --bank ".join(SOURCES)
             + f"`: {sizes['frozen']:,} frozen bank parameters, {sizes['trainable']:,} trained (the selector). "
             "The baseline is an interaction network pre-trained on the same two worlds (as many steps as "
             f"both banks), then fine-tuned ({sizes['finetune']:,} parameters, all trained) at each learning rate of "
             + ", ".join(f"{lr:g}" for lr in FINETUNE_LRS) + ", its best error per fraction being the baseline. Both train "
             f"{sizes['steps']} steps on the first " + ", ".join(f"{f * 100:g}%" for f in fractions)
             + " of the new world's training trajectories (1024 of them); "
             "the one-step error is measured on its test split.", "",
             "| data | compose error | fine-tuning error | compose / fine-tuning |", "|---|---|---|---|"]
    for f in fractions:
        pct = f"{f * 100:g}pct"
        lines.append(f"| {f * 100:g}% | {out[f'hub_{pct}_compose_error']:.4g} | {out[f'hub_{pct}_finetune_error']:.4g} "
                     f"| {out[f'hub_{pct}_error_ratio']:.3f} |")
    lines += ["", "| measurement | value |", "|---|---|"]
    lines += [f"| `{k}` | {v:.4g} |" for k, v in sorted(out.items()) if not k.startswith("hub_")]
    lines += ["", f"With 1% of the data the composed model's error is {out['compose_vs_finetune_1pct']:.3f} times "
              f"fine-tuning's ({'within' if met else 'above'} the target of at most half). Errors are in units of "
              "each changing feature's mean squared one-step change (predicting no change scores about 1). "
              "Figure: `bench/results/hub-adaptation.png`. `banks` counts the committed catalogue banks."]
    if "hub_1pct_compose_error_spring" in out:
        lines += ["", "Mean one-step error per ground-truth type with 1% of the data (share of the total): " + "; ".join(
            f"{m}: " + ", ".join(f"{t} {out[f'hub_1pct_{m}_error_{t}']:.3g} ({out[f'hub_1pct_{m}_error_{t}_share']:.0%})"
                                 for t in ("spring", "attraction", "repulsion", "none"))
            for m in ("compose", "finetune")) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=Path("runs/bench-hub"))
    parser.add_argument("--train-banks", action="store_true", help="Train the two source banks again.")
    parser.add_argument("--fractions", type=float, nargs="+", default=list(FRACTIONS),
                        help="Fractions of the new world's data to adapt with.")
    args = parser.parse_args()
    fractions = tuple(args.fractions)
    root, results = args.runs, HERE / "results"
    shutil.rmtree(root, ignore_errors=True)
    start = time.perf_counter()
    sources = banks(root, args.train_banks)
    compose = compose_spec(load_spec(TARGET), sources)
    trainable, frozen = trainable_split(compose)
    finetune = load_spec("interaction-network-particles", [
        f"data={json.dumps(compose.data.model_dump(mode='json'))}", f"slots.count={compose.slots.count}",
        f"train.pretrained={monolithic(root, compose)}", f"train.steps={compose.train.steps}", "train.eval_every=0"])
    out: dict[str, float] = {}
    curves = methods_curves(compose, finetune, fractions, root / "adapt", out, "hub")
    record(out, "hub", curves, fractions)
    if 0.01 in fractions:  # where the 1% error comes from
        for method in curves:
            for name, err in type_errors(root / "adapt" / f"{method}-1pct").items():
                out[f"hub_1pct_{method}_error_{name}"] = err
    out.update(compose_vs_finetune_1pct=out["hub_1pct_error_ratio"], banks=float(len(catalogue_banks())),
               bench_seconds=time.perf_counter() - start)
    write_json(results / "hub.json", out)
    plot_adaptation_curve({"compose (two banks)": curves["compose"], "fine-tuning": curves["finetune"]},
               results / "hub-adaptation.png", "Two composed banks vs a fine-tuned interaction network")
    sizes = {"trainable": trainable, "frozen": frozen, "steps": compose.train.steps,
             "finetune": sum(p.numel() for p in compile_spec(finetune).parameters())}
    write_text(HERE / "RESULTS-hub.md", report(out, environment(), sizes, fractions))
    print(json.dumps(out, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
