"""Slot VAE benchmark: the interaction regulariser (alpha > 0) against the same model with alpha = 0.

A sweep (``zoo sweep``, in ``bench/sweeps/slotvae``) of the catalogue specs ``slotvae-sprites`` and
``slotvae-sprites-noreg`` (identical but for ``train.alpha``: same sizes, data and steps) over seeds, on
32x32 sprites, one CPU thread per run. The sweep skips the runs it has recorded with today's specs, so
running this again only trains what is new or changed. Then it writes

* ``bench/results/slotvae.json``: jari_reg, jari_noreg, jis_reg, jis_noreg, attention ARI, reconstruction
  error and training seconds of both models, each the mean over the seeds (``seeds`` of them; per seed:
  ``<key>_seed<S>``);
* ``bench/RESULTS-slotvae.md``: the command, machine, a table and whether each target was met;
* ``bench/results/slotvae-reg.png`` / ``slotvae-noreg.png``: images, reconstructions, Jacobian maps (of the
  first seed, when its run directory is here).

Run: ``PYTHONPATH=. python bench/slotvae.py [--seeds 0-2] [--jobs 2]``; ``--set path=value`` overrides both
specs (a smoke run: ``--set train.steps=50 --out runs/slotvae-smoke``); ``--report-only`` rewrites the JSON
and the report from the recorded sweep.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import shutil
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)

from machine import cpu_model, recorded_line, sweep_bench  # noqa: E402  (bench/machine.py)
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import RunRow, read_table  # noqa: E402
from zoo.sweep.stats import estimate  # noqa: E402

HERE = Path(__file__).resolve().parent
SPECS = {"reg": "slotvae-sprites", "noreg": "slotvae-sprites-noreg"}
METRICS = ("jari", "jis", "attention_ari", "mse", "rec", "kl", "interaction", "train_seconds")
SEEDS = "0-2"  # the seeds of the recorded sweep


def reg_spec(overrides: list[str]):
    """The regularised spec with ``overrides``, after checking the two specs differ only in train.alpha*."""
    specs = {tag: load_spec(name, overrides) for tag, name in SPECS.items()}
    a, b = (s.model_dump(exclude={"name", "description", "train"}) for s in specs.values())
    ta, tb = (s.train.model_dump(exclude={"alpha", "alpha_ramp", "alpha_start", "seed"}) for s in specs.values())
    if a != b or ta != tb:
        raise SystemExit("the two specs must differ only in the regulariser (train.alpha*)")
    return specs["reg"]


def figures(rows: list[RunRow]) -> dict[str, float]:
    """The bench's figures from the sweep's table: each run's (``<metric>_<tag>_seed<S>``), their means over the
    seeds, ``seeds``, and ``train_seconds`` (both models' mean training seconds together)."""
    tag_of = {name: tag for tag, name in SPECS.items()}
    ok = sorted((r for r in rows if r.status == "ok" and r.spec in tag_of), key=lambda r: r.seed)
    out: dict[str, float] = {}
    per_key: dict[str, list[float]] = {}
    for r in ok:
        for metric in METRICS:
            key = f"{metric}_{tag_of[r.spec]}"
            out[f"{key}_seed{r.seed}"] = r.metrics[metric]
            per_key.setdefault(key, []).append(r.metrics[metric])
    out.update({key: estimate(values).mean for key, values in per_key.items()})
    out["seeds"] = float(len({r.seed for r in ok}))
    out["train_seconds"] = out["train_seconds_reg"] + out["train_seconds_noreg"]
    return out


def targets(r: dict[str, float]) -> list[tuple[str, bool]]:
    """The issue's targets and whether each was met."""
    return [
        ("J-ARI with alpha > 0 is at least 0.8", r["jari_reg"] >= 0.8),
        ("J-ARI with alpha > 0 is at least 0.1 above alpha = 0", r["jari_reg"] - r["jari_noreg"] >= 0.1),
        ("JIS with alpha > 0 is higher than with alpha = 0", r["jis_reg"] > r["jis_noreg"]),
    ]


def markdown(r: dict[str, float], command: str, spec, seeds: list[int], machine: str | None = None) -> str:
    """The RESULTS-slotvae.md section; ``machine``: its machine line (default: this machine, today)."""
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
    per = "".join(f"\n- seed {s}: J-ARI {r[f'jari_reg_seed{s}']:.4g} / {r[f'jari_noreg_seed{s}']:.4g}, "
                  f"JIS {r[f'jis_reg_seed{s}']:.4g} / {r[f'jis_noreg_seed{s}']:.4g}" for s in seeds)
    machine = machine or (f"Machine: {cpu_model()}, {torch.get_num_threads()} torch thread (of "
                          f"{__import__('os').cpu_count()} cores), torch {torch.__version__}, Python "
                          f"{platform.python_version()}, {datetime.date.today().isoformat()}.")
    return f"""## Slot VAE with the interaction regulariser (sprites, 32x32, CPU)

Command: `{command}` (a sweep in `bench/sweeps/slotvae`: both specs over the seeds; `zoo sweep report` works on it)

{machine}
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


def copy_pngs(rows: list[RunRow], folder: Path, out: Path) -> None:
    """Each model's figure of its first seed into ``out``, when its run directory is in the sweep folder."""
    for tag, name in SPECS.items():
        first = min((r for r in rows if r.spec == name and r.status == "ok"), key=lambda r: r.seed, default=None)
        png = folder / "runs" / first.run / "plots" / "slotvae.png" if first else None
        if png is not None and png.exists():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(png, out / f"slotvae-{tag}.png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")
    parser.add_argument("--out", type=Path, default=HERE, help="Folder of sweeps/, results/ and RESULTS-slotvae.md.")
    parser.add_argument("--seeds", default=SEEDS, help=f"seeds of both models (default {SEEDS})")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the JSON and report from the sweep")
    args = parser.parse_args(argv)
    command = ("PYTHONPATH=. python bench/slotvae.py" + "".join(f" --set {o}" for o in args.overrides)
               + f" --seeds {args.seeds}" + f" --jobs {args.jobs}" * (args.jobs > 1))
    spec, folder, md = reg_spec(args.overrides), args.out / "sweeps" / "slotvae", args.out / "RESULTS-slotvae.md"
    if args.report_only:
        rows = read_table(folder)
    else:
        rows = sweep_bench(list(SPECS.values()), folder, args.seeds, args.overrides, args.jobs)
    results = {**figures(rows), "alpha_reg": spec.train.alpha, "steps": spec.train.steps, "batch": spec.train.batch,
               "jacobian_images": spec.train.jacobian_images}
    copy_pngs(rows, folder, args.out / "results")
    write_json(args.out / "results" / "slotvae.json", results)
    seeds = sorted({r.seed for r in rows if r.status == "ok"})
    machine = recorded_line(md, "Machine: ") if args.report_only else None
    write_text(md, markdown(results, command, spec, seeds, machine))
    for text, ok in targets(results):
        print(f"{'met' if ok else 'MISSED'}: {text}")
    print(f"wrote {args.out / 'results' / 'slotvae.json'} and {md}")


if __name__ == "__main__":
    main(sys.argv[1:])
