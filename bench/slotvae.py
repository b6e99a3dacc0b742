"""Slot VAE benchmark: the interaction regulariser (alpha > 0) against the same model with alpha = 0.

A sweep (``zoo sweep``, in ``bench/sweeps/slotvae``) of the catalogue specs ``slotvae-sprites`` and
``slotvae-sprites-noreg`` (identical but for ``train.alpha``: same sizes, data and steps) over seeds, on
32x32 sprites, one CPU thread per run. The sweep skips the runs it has recorded with today's specs, so
running this again only trains what is new or changed. Then it writes

* ``bench/results/slotvae.json``: jari_reg, jari_noreg, jis_reg, jis_noreg, attention ARI, reconstruction
  error and training seconds of both models, each the mean over the seeds (``seeds`` of them; per seed:
  ``<key>_seed<S>``); the further settings of ``bench/slot_vae_parts.py`` (compositional generalisation,
  a harder scene) as ``<part>_<key>``;
* ``bench/RESULTS-slotvae.md``: per setting the command, machine, a table and whether each target was met;
* ``bench/results/slotvae-reg.png`` / ``slotvae-noreg.png``: images, reconstructions, Jacobian maps (of the
  first seed, when its run directory is here).

Run: ``PYTHONPATH=. python bench/slotvae.py [--parts main,compgen,hard] [--seeds 0-2] [--jobs 2]``; ``--set
path=value`` overrides both specs (a smoke run: ``--set train.steps=50 --out runs/slotvae-smoke``); ``--report-only`` rewrites the JSON
and the report from the recorded sweep.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)

from machine import cpu_model, recorded_line, sweep_bench  # noqa: E402  (bench/machine.py)
import slot_vae_parts as parts  # noqa: E402  (bench/slot_vae_parts.py)
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import RunRow, read_table  # noqa: E402
from zoo.sweep.stats import estimate  # noqa: E402

HERE = Path(__file__).resolve().parent
SPECS = {"reg": "slotvae-sprites", "noreg": "slotvae-sprites-noreg"}
METRICS = ("jari", "jis", "attention_ari", "mse", "rec", "kl", "interaction", "train_seconds")
SEEDS = "0-2"  # the seeds of the recorded sweep
PARTS = ("main", *parts.PARTS)


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
    if "train_seconds_reg" in out and "train_seconds_noreg" in out:
        out["train_seconds"] = out["train_seconds_reg"] + out["train_seconds_noreg"]
    return out


def targets(r: dict[str, float]) -> list[tuple[str, bool]]:
    """The issue's targets and whether each was met."""
    return [
        ("J-ARI with alpha > 0 is at least 0.8", r["jari_reg"] >= 0.8),
        ("JIS with alpha > 0 is at least 0.1 above alpha = 0", r["jis_reg"] - r["jis_noreg"] >= 0.1),
        ("J-ARI with alpha > 0 is at most 0.01 below alpha = 0 (not worse)", r["jari_reg"] - r["jari_noreg"] >= -0.01),
    ]


def machine_line(prefix: str) -> str:
    """``prefix`` and this machine, today."""
    return (f"{prefix}{cpu_model()}, {torch.get_num_threads()} torch thread (of {__import__('os').cpu_count()} cores), "
            f"torch {torch.__version__}, Python {platform.python_version()}, {datetime.date.today().isoformat()}.")


def markdown(r: dict[str, float], command: str, spec, seeds: list[int], machine: str) -> str:
    """The RESULTS-slotvae.md section of the main setting; ``machine``: its machine line."""
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


def sweep_part(name: str, args: argparse.Namespace, md: Path) -> tuple[Path, list[RunRow], str, str]:
    """Sweep one setting (``--report-only``: read its table): its folder, rows, and the command and machine line
    of its figures (the report's recorded ones when nothing new ran)."""
    folder = args.out / "sweeps" / ("slotvae" if name == "main" else f"slot_vae-{name}")
    sets = [*(parts.PARTS[name].sets if name != "main" else ()), *args.overrides]
    seeds = args.seeds or (parts.PARTS[name].seeds if name != "main" else SEEDS)
    before = {(r.run, r.fingerprint, r.status) for r in read_table(folder)}
    if args.report_only:
        rows = read_table(folder)
    else:
        rows = sweep_bench(list(SPECS.values()), folder, seeds, sets, args.jobs)
    label = "" if name == "main" else f" ({name})"
    command = (f"PYTHONPATH=. python bench/slotvae.py --parts {name}" + "".join(f" --set {o}" for o in args.overrides)
               + f" --seeds {seeds}" + f" --jobs {args.jobs}" * (args.jobs > 1))
    line = recorded_line(md, f"Command{label}: ") if args.report_only else None  # a rewrite keeps the command
    command = line.split("`")[1] if line and line.count("`") >= 2 else command
    if {(r.run, r.fingerprint, r.status) for r in rows} <= before:  # nothing new: keep where it was measured
        return folder, rows, command, recorded_line(md, f"Machine{label}: ") or machine_line(f"Machine{label}: ")
    return folder, rows, command, machine_line(f"Machine{label}: ")


def part_figures(name: str, rows: list[RunRow], folder: Path, fresh: bool, old: dict) -> dict[str, float]:
    """One further setting's figures, ``<name>_<key>``; compgen's seen-scene figures from its run directories
    (the recorded ones when its runs are not new or not here)."""
    out = {f"{name}_{k}": v for k, v in figures(rows).items()}
    if name == "compgen":
        tag_of = {spec: tag for tag, spec in SPECS.items()}
        seen = parts.seen_figures(rows, folder, tag_of) if fresh or not any("compgen_seen" in k for k in old) else {}
        out.update(seen or {k: v for k, v in old.items() if k.startswith("compgen_seen_")})
        seeds = sorted({r.seed for r in rows if r.status == "ok"})
        out.update(parts.mean_over_seeds(out, "compgen_seen", parts.SEEN_METRICS, SPECS, seeds))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")
    parser.add_argument("--out", type=Path, default=HERE, help="Folder of sweeps/, results/ and RESULTS-slotvae.md.")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"settings to sweep, of {', '.join(PARTS)} (default all)")
    parser.add_argument("--seeds", help=f"seeds of both models (default: each setting's recorded ones, {SEEDS} for main)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the JSON and report from the sweeps")
    args = parser.parse_args(argv)
    chosen = [p for p in args.parts.split(",") if p]
    if unknown := sorted(set(chosen) - set(PARTS)):
        parser.error(f"--parts: unknown setting(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    spec, md, out = reg_spec(args.overrides), args.out / "RESULTS-slotvae.md", args.out / "results" / "slotvae.json"
    old = json.loads(out.read_text()) if out.is_file() else {}  # only compgen's seen figures are carried over
    results, lines = {}, {}
    for name in PARTS:
        folder, rows, command, machine = sweep_part(name, args if name in chosen else _report_only(args), md)
        if not any(r.status == "ok" for r in rows):
            continue
        lines[name] = (command, machine)
        if name == "main":
            results.update({**figures(rows), "alpha_reg": spec.train.alpha, "steps": spec.train.steps,
                            "batch": spec.train.batch, "jacobian_images": spec.train.jacobian_images})
            copy_pngs(rows, folder, args.out / "results")
        else:
            results.update(part_figures(name, rows, folder, name in chosen and not args.report_only, old))
    write_json(out, results)
    write_text(md, report(results, spec, lines))
    for text, ok in [*(targets(results) if "main" in lines else ()), *parts.targets(results)]:
        print(f"{'met' if ok else 'MISSED'}: {text}")
    print(f"wrote {out} and {md}")


def _report_only(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "report_only": True})


def report(results: dict[str, float], spec, lines: dict[str, tuple[str, str]]) -> str:
    """RESULTS-slotvae.md: the main setting's section, then each further setting's."""
    def seeds(prefix: str) -> list[int]:  # the seeds with both models' figures
        return sorted(int(k.rsplit("seed", 1)[1]) for k in results if k.startswith(f"{prefix}jari_reg_seed")
                      and k.replace("_reg_", "_noreg_") in results)

    sections = [markdown(results, lines["main"][0], spec, seeds(""), lines["main"][1])] if "main" in lines else []
    sections += [parts.markdown(name, results, *lines[name], seeds(f"{name}_")) for name in parts.PARTS if name in lines]
    return "\n".join(sections)


if __name__ == "__main__":
    main(sys.argv[1:])
