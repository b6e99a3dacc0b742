"""Slot VAE benchmark: the interaction regulariser (alpha > 0) against the same model with alpha = 0.

A sweep (``zoo sweep``, in ``bench/sweeps/slotvae``) of the catalogue specs ``slotvae-sprites`` and
``slotvae-sprites-noreg`` (identical but for ``train.alpha``: same sizes, data and steps) over seeds, on
32x32 sprites, one CPU thread per run. The sweep skips the runs it has recorded with today's specs, so
running this again only trains what is new or changed. Then it writes

* ``bench/results/slotvae.json``: jari_reg, jari_noreg, jis_reg, jis_noreg, attention ARI, reconstruction
  error and training seconds of both models, each the mean over the seeds (``seeds`` of them; per seed:
  ``<key>_seed<S>``); the further settings of ``bench/slot_vae_parts.py`` (compositional generalisation,
  a harder scene) as ``<part>_<key>``. These keys are written, never read back: the figures and the report
  come from the sweeps' rows (``bench/slot_vae_figures.py``);
* ``bench/records/slotvae-compgen-seen.json``: compgen's seen-scene figures of each run, measured on its run
  directory when the run is new (run directories are not kept; ``bench/slot_vae_seen.py``);
* ``bench/RESULTS-slotvae.md``: per setting the command, machine, a table and whether each target was met;
* ``bench/results/slotvae-reg.png`` / ``slotvae-noreg.png``: images, reconstructions, Jacobian maps (of the
  first seed, when its run directory is here).

Run: ``PYTHONPATH=. python bench/slotvae.py [--parts main,compgen,hard] [--seeds 0-2] [--jobs 2]``; ``--set
path=value`` overrides both specs (a smoke run: ``--set train.steps=50 --out runs/slotvae-smoke``); ``--report-only`` rewrites the JSON
and the report from the recorded sweep.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

import torch

torch.set_num_threads(1)

from machine import machine_line, recorded_command, recorded_line, run_dir, sweep_bench  # noqa: E402  (bench/machine.py)
import slot_vae_parts as parts  # noqa: E402  (bench/slot_vae_parts.py)
from slot_vae_figures import SettingFigures, flat, setting_figures  # noqa: E402
from slot_vae_seen import RECORD, seen_by_run  # noqa: E402
from zoo.io import write_json, write_text  # noqa: E402
from zoo.schema import load_spec  # noqa: E402
from zoo.sweep import RunRow, read_table  # noqa: E402

HERE = Path(__file__).resolve().parent
SPECS = {"reg": "slotvae-sprites", "noreg": "slotvae-sprites-noreg"}
TAG_OF = {name: tag for tag, name in SPECS.items()}
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
    return flat(setting_figures(rows, TAG_OF, METRICS))


def targets(main: SettingFigures) -> list[tuple[str, bool]]:
    """The issue's targets and whether each was met."""
    reg, noreg = main.means["reg"], main.means["noreg"]
    return [
        ("J-ARI with alpha > 0 is at least 0.8", reg["jari"] >= 0.8),
        ("JIS with alpha > 0 is at least 0.1 above alpha = 0", reg["jis"] - noreg["jis"] >= 0.1),
        ("J-ARI with alpha > 0 is at most 0.01 below alpha = 0 (not worse)", reg["jari"] - noreg["jari"] >= -0.01),
    ]


def markdown(main: SettingFigures, command: str, spec, machine: str) -> str:
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
    reg, noreg = main.means["reg"], main.means["noreg"]
    table = "\n".join(f"| {label} | {reg[k]:.4g} | {noreg[k]:.4g} |" for label, k in rows)
    met = "\n".join(f"- [{'x' if ok else ' '}] {text}" for text, ok in targets(main))
    t, seeds, per = spec.train, main.paired_seeds(), ""
    for s in seeds:
        a, b = main.runs[s]["reg"], main.runs[s]["noreg"]
        per += f"\n- seed {s}: J-ARI {a['jari']:.4g} / {b['jari']:.4g}, JIS {a['jis']:.4g} / {b['jis']:.4g}"
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
        png = run_dir(folder, first.run) / "plots" / "slotvae.png" if first else None
        if png is not None and png.exists():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(png, out / f"slotvae-{tag}.png")


class Swept(NamedTuple):
    """One setting's sweep: its folder, rows, the runs new since it was last read, and the command and machine
    line of its figures."""

    folder: Path
    rows: list[RunRow]
    new: set[str]
    command: str
    machine: str


def sweep_part(name: str, args: argparse.Namespace, md: Path) -> Swept:
    """Sweep one setting (``--report-only``: read its table and keep the report's command); the machine line is
    the report's when nothing new ran."""
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
    command = (recorded_command(md, f"Command{label}: ") if args.report_only else None) or command  # a rewrite keeps it
    new = {r.run for r in rows if (r.run, r.fingerprint, r.status) not in before}
    recorded = recorded_line(md, f"Machine{label}: ") if not new else None  # nothing new: where it was measured
    load = parts.PARTS[name].load if name in parts.PARTS else ""
    machine = recorded.removesuffix(load) if recorded else None  # the part's note follows its line
    return Swept(folder, rows, new, command, machine or machine_line(f"Machine{label}: "))


def part_figures(name: str, swept: Swept, records: Path) -> SettingFigures:
    """One further setting's figures; compgen's with each run's seen-scene figures (``seen_<metric>``), from its
    run directory or the record in ``records`` (``slot_vae_seen.seen_by_run``)."""
    seen = seen_by_run(swept.rows, swept.folder, records / RECORD, swept.new) if name == "compgen" else {}
    extra = {run: {f"seen_{k}": v for k, v in figures.items()} for run, figures in seen.items()}
    return setting_figures(swept.rows, TAG_OF, METRICS, extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="Folder of sweeps/, results/, records/ and RESULTS-slotvae.md.")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"settings to sweep, of {', '.join(PARTS)} (default all)")
    parser.add_argument("--seeds", help=f"seeds of both models (default: each setting's recorded ones, {SEEDS} for main)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one process and thread each)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the JSON and report from the sweeps")
    args = parser.parse_args(argv)
    chosen = [p for p in args.parts.split(",") if p]
    if unknown := sorted(set(chosen) - set(PARTS)):
        parser.error(f"--parts: unknown setting(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    spec, md, out = reg_spec(args.overrides), args.out / "RESULTS-slotvae.md", args.out / "results" / "slotvae.json"
    results, settings, lines = {}, {}, {}
    for name in PARTS:
        swept = sweep_part(name, args if name in chosen else _report_only(args), md)
        if not any(r.status == "ok" for r in swept.rows):
            continue
        lines[name] = (swept.command, swept.machine)
        if name == "main":
            settings[name] = setting_figures(swept.rows, TAG_OF, METRICS)
            results.update({**flat(settings[name]), "alpha_reg": spec.train.alpha, "steps": spec.train.steps,
                            "batch": spec.train.batch, "jacobian_images": spec.train.jacobian_images})
            copy_pngs(swept.rows, swept.folder, args.out / "results")
        else:
            settings[name] = part_figures(name, swept, args.out / "records")
            results.update(flat(settings[name], f"{name}_"))
    write_json(out, results)
    write_text(md, report(settings, spec, lines))
    met = [*(targets(settings["main"]) if "main" in settings else ()),
           *(parts.targets(settings["compgen"]) if "compgen" in settings else ())]
    for text, ok in met:
        print(f"{'met' if ok else 'MISSED'}: {text}")
    print(f"wrote {out} and {md}")


def _report_only(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "report_only": True})


def report(settings: dict[str, SettingFigures], spec, lines: dict[str, tuple[str, str]]) -> str:
    """RESULTS-slotvae.md: the main setting's section, then each further setting's."""
    sections = [markdown(settings["main"], lines["main"][0], spec, lines["main"][1])] if "main" in settings else []
    sections += [parts.markdown(name, settings[name], *lines[name]) for name in parts.PARTS if name in settings]
    return "\n".join(sections)


if __name__ == "__main__":
    main(sys.argv[1:])
