"""Slot VAE benchmark: the interaction regulariser (alpha > 0) against the same model with alpha = 0.

Trains the catalogue specs ``slotvae-sprites`` and ``slotvae-sprites-noreg`` (identical but for
``train.alpha``: same seed, sizes, data and steps) on 32x32 sprites on one CPU thread, then writes

* ``bench/results/slotvae.json``: jari_reg, jari_noreg, jis_reg, jis_noreg, attention ARI, reconstruction
  error and training seconds of both runs;
* ``bench/RESULTS-slotvae.md``: the command, machine, a table and whether each target was met;
* ``bench/results/slotvae-reg.png`` / ``slotvae-noreg.png``: images, reconstructions, Jacobian maps.

Run: ``PYTHONPATH=. python bench/slotvae.py`` (``--parallel`` trains the two side by side, one process each;
``--set path=value`` overrides both specs, e.g. for a smoke run: ``--set train.steps=50 --out runs/slotvae-smoke``).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import torch

torch.set_num_threads(1)

from machine import cpu_model, side_by_side  # noqa: E402  (bench/machine.py, beside this file)
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.train import train  # noqa: E402

HERE = Path(__file__).resolve().parent
SPECS = {"reg": "slotvae-sprites", "noreg": "slotvae-sprites-noreg"}
METRICS = ("jari", "jis", "attention_ari", "mse", "rec", "kl", "interaction")


def train_one(tag: str, overrides: list[str], work: Path) -> dict[str, float]:
    """Train one tagged spec (in this process or a worker); its flat results."""
    spec = load_spec(SPECS[tag], overrides)
    print(f"== training {spec.name} (alpha={spec.train.alpha}) for {spec.train.steps} steps", flush=True)
    result = train(spec, run_dir=work / tag, progress=False)
    out = {f"{key}_{tag}": result.metrics[key] for key in METRICS}
    out[f"train_seconds_{tag}"] = result.seconds
    print({k: round(v, 4) for k, v in out.items()}, flush=True)
    return out


def run(overrides: list[str], work: Path, parallel: bool = False) -> tuple[dict[str, float], dict[str, object]]:
    """Train both specs (side by side, one process each, if ``parallel``); the flat results and the specs'
    shared settings."""
    specs = {tag: load_spec(name, overrides) for tag, name in SPECS.items()}
    a, b = (s.model_dump(exclude={"name", "description", "train"}) for s in specs.values())
    ta, tb = (s.train.model_dump(exclude={"alpha", "alpha_ramp", "alpha_start"}) for s in specs.values())
    if a != b or ta != tb:
        raise SystemExit("the two specs must differ only in the regulariser (train.alpha*)")
    jobs = [(tag, overrides, work) for tag in SPECS]
    parts = side_by_side(train_one, jobs) if parallel else [train_one(*job) for job in jobs]
    results: dict[str, float] = {k: v for part in parts for k, v in part.items()}
    results["train_seconds"] = results["train_seconds_reg"] + results["train_seconds_noreg"]
    results["alpha_reg"] = specs["reg"].train.alpha
    results["steps"] = specs["reg"].train.steps
    results["batch"] = specs["reg"].train.batch
    results["jacobian_images"] = specs["reg"].train.jacobian_images
    return results, {"spec": specs["reg"]}


def targets(r: dict[str, float]) -> list[tuple[str, bool]]:
    """The issue's targets and whether each was met."""
    return [
        ("J-ARI with alpha > 0 is at least 0.8", r["jari_reg"] >= 0.8),
        ("J-ARI with alpha > 0 is at least 0.1 above alpha = 0", r["jari_reg"] - r["jari_noreg"] >= 0.1),
        ("JIS with alpha > 0 is higher than with alpha = 0", r["jis_reg"] > r["jis_noreg"]),
    ]


def markdown(r: dict[str, float], command: str, spec) -> str:
    """The RESULTS-slotvae.md section."""
    rows = [
        ("J-ARI (decoder Jacobian argmax vs true masks, foreground)", "jari"),
        ("JIS (Jacobian interaction score)", "jis"),
        ("ARI of decoder attention masks (foreground)", "attention_ari"),
        ("reconstruction MSE per pixel and channel", "mse"),
        ("reconstruction error sum (x - x_hat)^2 per image", "rec"),
        ("KL per image (nats)", "kl"),
        ("L_int on test images", "interaction"),
        ("training seconds", "train_seconds"),
    ]
    table = "\n".join(f"| {label} | {r[f'{k}_reg']:.4g} | {r[f'{k}_noreg']:.4g} |" for label, k in rows)
    met = "\n".join(f"- [{'x' if ok else ' '}] {text}" for text, ok in targets(r))
    t = spec.train
    return f"""## Slot VAE with the interaction regulariser (sprites, 32x32, CPU)

Command: `{command}`

Machine: {cpu_model()}, {torch.get_num_threads()} torch thread (of {__import__('os').cpu_count()} cores),
torch {torch.__version__}, Python {platform.python_version()}, {datetime.date.today().isoformat()}.
Wall-clock times were measured on a shared, loaded machine.

Setting: `slotvae-sprites` (alpha = {t.alpha}, ramped from step {t.alpha_start} over {t.alpha_ramp} steps)
against `slotvae-sprites-noreg` (alpha = 0), otherwise identical: seed {t.seed}, {t.steps} steps of batch
{t.batch}, beta = {t.beta} (ramped over {t.beta_ramp} steps), sigma = {t.sigma}, {spec.slots.count} slots of
dimension {spec.slots.dim}. JIS and J-ARI on the first {t.jacobian_images} test images, the other metrics on
{t.eval_images} test images.

| metric | alpha > 0 | alpha = 0 |
|---|---|---|
{table}

Targets:
{met}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")
    parser.add_argument("--out", type=Path, default=HERE, help="Directory for results/ and RESULTS-slotvae.md.")
    parser.add_argument("--parallel", action="store_true",
                        help="train the two models side by side, one process (and core) each; their wall-clock "
                             "times then include sharing the machine")
    args = parser.parse_args(argv)
    command = ("PYTHONPATH=. python bench/slotvae.py" + " --parallel" * args.parallel
               + "".join(f" --set {o}" for o in args.overrides))
    with tempfile.TemporaryDirectory(prefix="slotvae-bench-") as tmp:
        results, extra = run(args.overrides, Path(tmp), args.parallel)
        for tag in SPECS:
            png = Path(tmp) / tag / "plots" / "slotvae.png"
            if png.exists():
                (args.out / "results").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(png, args.out / "results" / f"slotvae-{tag}.png")
    write_json(args.out / "results" / "slotvae.json", results)
    write_text(args.out / "RESULTS-slotvae.md", markdown(results, command, extra["spec"]))
    for text, ok in targets(results):
        print(f"{'met' if ok else 'MISSED'}: {text}")
    print(f"wrote {args.out / 'results' / 'slotvae.json'} and {args.out / 'RESULTS-slotvae.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])
