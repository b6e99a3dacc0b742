"""Slot VAE benchmark: the interaction regulariser (alpha > 0) against the same model with alpha = 0.

Trains the catalogue specs ``slotvae-sprites`` and ``slotvae-sprites-noreg`` (identical but for
``train.alpha``: same seed, sizes, data and steps) on 32x32 sprites on one CPU thread, then writes

* ``bench/results/slotvae.json``: jari_reg, jari_noreg, jis_reg, jis_noreg, attention ARI, reconstruction
  error and training seconds of both runs;
* ``bench/RESULTS-slotvae.md``: the command, machine, a table and whether each target was met;
* ``bench/results/slotvae-reg.png`` / ``slotvae-noreg.png``: images, reconstructions, Jacobian maps.

Run: ``PYTHONPATH=. python bench/slotvae.py`` (``--parallel`` trains the two side by side, one process each;
``--set path=value`` overrides both specs, e.g. for a smoke run: ``--set train.steps=50 --out runs/slotvae-smoke``).

``--seeds 0 1`` trains both models once per seed (``train.seed``). Every figure is kept per seed
(``<key>_seed<S>``); the plain key is the mean over the seeds recorded (``seeds`` of them), and the targets
are checked on those means. ``--merge`` keeps the per-seed figures of other seeds from the existing
slotvae.json when they were measured with the same spec and settings (``SETTINGS``); a file written before
figures were kept per seed holds one run of the spec's own seed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import torch

torch.set_num_threads(1)

from machine import cpu_model, per_seed, seed_means, side_by_side, spec_fingerprint  # noqa: E402  (bench/machine.py)
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


# per-seed figures only merge when these match ("spec": bench/machine.py's spec_fingerprint)
SETTINGS = ("alpha_reg", "steps", "batch", "jacobian_images", "spec")


def run(overrides: list[str], work: Path, parallel: bool = False,
        seeds: list[int] | None = None) -> tuple[dict[str, float], dict[str, object]]:
    """Train both specs once per seed (every job side by side, one process each, if ``parallel``); the
    per-seed figures (``<key>_seed<S>``), the run's settings, and the specs' shared settings."""
    specs = {tag: load_spec(name, overrides) for tag, name in SPECS.items()}
    a, b = (s.model_dump(exclude={"name", "description", "train"}) for s in specs.values())
    ta, tb = (s.train.model_dump(exclude={"alpha", "alpha_ramp", "alpha_start"}) for s in specs.values())
    if a != b or ta != tb:
        raise SystemExit("the two specs must differ only in the regulariser (train.alpha*)")
    seeds = seeds or [specs["reg"].train.seed]
    runs = [(seed, tag) for seed in seeds for tag in SPECS]
    jobs = [(tag, [*overrides, f"train.seed={seed}"], work / f"seed{seed}") for seed, tag in runs]
    parts = side_by_side(train_one, jobs) if parallel else [train_one(*job) for job in jobs]
    results = {f"{k}_seed{seed}": v for (seed, _), part in zip(runs, parts) for k, v in part.items()}
    t = specs["reg"].train
    results.update(alpha_reg=t.alpha, steps=t.steps, batch=t.batch, jacobian_images=t.jacobian_images,
                   spec=spec_fingerprint(specs["reg"]))
    return results, {"spec": specs["reg"], "pngs": work / f"seed{seeds[0]}"}


def merged(old: dict[str, float], new: dict[str, float], spec_seed: int) -> dict[str, float]:
    """``new`` plus the per-seed figures of other seeds from ``old`` (measured with the same settings), with
    the means over all of them: every plain figure, ``train_seconds`` (both models) and ``seeds``."""
    if old and not any(per_seed(k) for k in old):  # written before per-seed figures: one run of the spec's seed
        old = {**{k: v for k, v in old.items() if k in SETTINGS},
               **{f"{k}_seed{spec_seed}": v for k, v in old.items() if k not in SETTINGS + ("train_seconds",)}}
    same = all(old.get(k) == new[k] for k in SETTINGS)
    ran = {seeded[1] for k in new if (seeded := per_seed(k))}
    results = {k: v for k, v in old.items() if same and (seeded := per_seed(k)) and seeded[1] not in ran}
    results.update(new)
    means, seeds = seed_means(results)
    results.update(means, seeds=float(seeds))
    results["train_seconds"] = results["train_seconds_reg"] + results["train_seconds_noreg"]
    return results


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
    seeds = sorted({seeded[1] for k in r if (seeded := per_seed(k))})
    per = "".join(f"\n- seed {s}: J-ARI {r[f'jari_reg_seed{s}']:.4g} / {r[f'jari_noreg_seed{s}']:.4g}, "
                  f"JIS {r[f'jis_reg_seed{s}']:.4g} / {r[f'jis_noreg_seed{s}']:.4g}" for s in seeds)
    return f"""## Slot VAE with the interaction regulariser (sprites, 32x32, CPU)

Command: `{command}`

Machine: {cpu_model()}, {torch.get_num_threads()} torch thread (of {__import__('os').cpu_count()} cores),
torch {torch.__version__}, Python {platform.python_version()}, {datetime.date.today().isoformat()}.
Wall-clock times were measured on a shared, loaded machine.

Setting: `slotvae-sprites` (alpha = {t.alpha}, ramped from step {t.alpha_start} over {t.alpha_ramp} steps)
against `slotvae-sprites-noreg` (alpha = 0), otherwise identical: {t.steps} steps of batch
{t.batch}, beta = {t.beta} (ramped over {t.beta_ramp} steps), sigma = {t.sigma}, {spec.slots.count} slots of
dimension {spec.slots.dim}. JIS and J-ARI on the first {t.jacobian_images} test images, the other metrics on
{t.eval_images} test images. Each figure is the mean over {len(seeds)} seed(s): {", ".join(map(str, seeds))}.

| metric | alpha > 0 | alpha = 0 |
|---|---|---|
{table}

Per seed (alpha > 0 / alpha = 0):
{per}

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
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="train both models once per seed (train.seed); default: the spec's own seed")
    parser.add_argument("--merge", action="store_true",
                        help="keep the per-seed figures of other seeds from the existing slotvae.json (same "
                             "settings); the plain figures become the means over all recorded seeds")
    args = parser.parse_args(argv)
    command = ("PYTHONPATH=. python bench/slotvae.py" + " --parallel" * args.parallel
               + "".join(f" --set {o}" for o in args.overrides)
               + (" --seeds " + " ".join(map(str, args.seeds)) if args.seeds else "") + " --merge" * args.merge)
    path = args.out / "results" / "slotvae.json"
    old = json.loads(path.read_text()) if args.merge and path.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="slotvae-bench-") as tmp:
        new, extra = run(args.overrides, Path(tmp), args.parallel, args.seeds)
        for tag in SPECS:
            png = extra["pngs"] / tag / "plots" / "slotvae.png"
            if png.exists():
                (args.out / "results").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(png, args.out / "results" / f"slotvae-{tag}.png")
    results = merged(old, new, extra["spec"].train.seed)
    write_json(args.out / "results" / "slotvae.json", results)
    write_text(args.out / "RESULTS-slotvae.md", markdown(results, command, extra["spec"]))
    for text, ok in targets(results):
        print(f"{'met' if ok else 'MISSED'}: {text}")
    print(f"wrote {args.out / 'results' / 'slotvae.json'} and {args.out / 'RESULTS-slotvae.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])
