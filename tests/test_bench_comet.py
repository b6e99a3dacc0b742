"""bench/comet.py: three sweeps and a report from their tables. Its smoke run goes through every sweep at tiny
sizes; its figures come from rows grouped by fields; the recorded figures are its recorded sweeps' of today's specs."""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

from tests.support.bench import ROOT, bench_module, run_bench

ISSUE_KEYS = ("particles_nmi", "particles_purity", "particles_overcomplete_nmi", "traffic_nmi", "sports_nmi",
              "adapt_1pct_error_ratio", "train_seconds")


def test_comet_quick_runs_through_the_sweeps(tmp_path, monkeypatch):
    """--quick: the disentanglement, the source and the adaptation sweeps at tiny sizes; comet.json holds each
    figure of its run's row (fine-tuning's best rate the one of lowest error), the 1% runs' per-type errors are
    recorded by run and fingerprint; --report-only writes the same figures from the tables and keeps the
    report's Measured line and hand-written notes."""
    from zoo.sweep import read_table

    out = run_bench("comet.py", "--quick", "--out", str(tmp_path))
    assert "sweep " in out.stdout and "4 run(s); 0 done already, 4 to run" in out.stdout
    path, md = tmp_path / "results" / "comet.json", tmp_path / "RESULTS-comet.md"
    nums = json.loads(path.read_text())
    assert all(type(v) in (int, float) for v in nums.values()) and set(ISSUE_KEYS) <= set(nums)
    rows = {(r.spec, r.seed, r.setting): r for r in read_table(tmp_path / "sweeps" / "comet-disentanglement")}
    assert nums["particles_nmi"] == rows[("comet-particles", 0, "-")].metrics["nmi"]
    assert nums["traffic_nmi_mean"] == rows[("comet-traffic", 0, "-")].metrics["nmi"]  # one seed in quick mode
    adapt = read_table(tmp_path / "sweeps" / "comet-adaptation")
    pins = {t for r in adapt if r.spec == "comet-particles-compose" for t in r.setting.split() if "sha256=" in t}
    digest = hashlib.sha256((ROOT / "banks" / "comet-particles" / "model.safetensors").read_bytes()).hexdigest()
    assert pins == {f"mechanisms[0].sha256={digest}"}  # the catalogue bank, pinned: a rebuilt one runs again
    compose = {(r.seed, " ".join(t for t in r.setting.split() if "sha256=" not in t)): r.metrics["one_step_mse"]
               for r in adapt if r.spec == "comet-particles-compose"}
    assert nums["adapt_1pct_compose_error"] == compose[(0, "train.fraction=0.01")]
    assert nums["adapt_seed1_1pct_compose_error"] == compose[(1, "train.fraction=0.01")]
    assert nums["adapt_1pct_compose_all_features_error"] == compose[(0, "train.fraction=0.01 router.features=null")]
    rates = {lr: nums[f"adapt_1pct_finetune_error_lr{lr:g}"] for lr in (0.0002, 0.0005)}
    assert nums["adapt_1pct_finetune_best_lr"] == min(rates, key=rates.get)
    assert nums["adapt_1pct_finetune_error"] == min(rates.values())
    assert nums["adapt_1pct_error_ratio"] == nums["adapt_1pct_compose_error"] / nums["adapt_1pct_finetune_error"]
    assert len(adapt) == 10 and "adapt_10pct_compose_error" not in nums  # quick: 1% and 100%, two rates, two draws
    record = json.loads((tmp_path / "records" / "comet-type-errors.json").read_text())
    assert len(record) == 3 and {r.run: r.fingerprint for r in adapt if r.run in record} == {
        run: e["fingerprint"] for run, e in record.items()}
    assert nums["adapt_1pct_compose_error_spring"] > 0 and (tmp_path / "results" / "comet-adaptation-one-bank.png").is_file()
    assert (tmp_path / "results" / "comet-sports-mechanisms.png").is_file()
    text = md.read_text().replace("Measured on ", "Measured on recorded, ") + "\n### Notes\n\nkept\n"
    path.unlink(), md.write_text(text)
    bench_module("comet", monkeypatch).main(["--quick", "--report-only", "--out", str(tmp_path)])
    assert json.loads(path.read_text()) == nums and md.read_text() == text


def test_comet_figures_are_every_recorded_key_from_rows(monkeypatch):
    """Rows of every point of today's sweeps give exactly the keys of bench/results/comet.json, each from the
    run of its fields: the best fine-tuning rate per fraction and draw, the ratios, the means over seeds."""
    from zoo.sweep import RunRow

    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    plans = importlib.import_module("comet_plans")  # a dataclass module needs its name in sys.modules
    figures = importlib.import_module("comet_figures")

    def rows_of(plan, error) -> list[RunRow]:
        return [RunRow(f"{p.spec}-{p.label}-{p.seed}", p.spec, p.label, (), p.seed or 0, "ok", "", 1.0, "f",
                       error(p)) for p in plan.points]

    def disentangled(p) -> dict[str, float]:
        return {"nmi": 0.5 + 0.1 * (p.seed or 0), "purity": 0.9, "context_accuracy": 0.8, "one_step_mse": 0.01,
                "rollout_mse": 0.02, "train_seconds": 3.0, "mechanisms_used": 4.0}

    rows = rows_of(plans.disentanglement_plan([0, 1, 2]), disentangled)
    out = figures.disentanglement_figures(rows, Path("t"))
    assert out["traffic_nmi"] == 0.5 and abs(out["sports_nmi_mean"] - 0.6) < 1e-12 and out["traffic_nmi_min"] == 0.5
    assert out["particles_overcomplete_unused"] == 2.0
    plan, fields_of = plans.adaptation_plan("source.safetensors", "bank", plans.Design())

    def adapted(p) -> dict[str, float]:
        f = fields_of[p.label]
        lr_cost = {None: 0.0, 0.0002: 3.0, 0.0005: 1.0, 0.002: 2.0}[f.lr]
        return {"one_step_mse": f.fraction + lr_cost + (p.seed or 0) + (f.method == "compose_all_features")}

    runs = figures.AdaptationRuns(rows_of(plan, adapted), fields_of, Path("t"))
    by_type = {k: 0.5 for t in ("spring", "attraction", "repulsion", "none") for k in (t, f"{t}_share")}
    errors = {runs.best(0.01)[1].run: by_type, runs.row("compose", 0.01).run: {**by_type, "spring": 0.25}}
    out.update(figures.adaptation_figures(runs, errors))
    assert out["adapt_10pct_finetune_best_lr"] == 0.0005 and out["adapt_10pct_finetune_error"] == 1.1
    assert out["adapt_seed2_1pct_error_ratio"] == 2.01 / 3.01 and out["adapt_1pct_compose_error_spring"] == 0.25
    assert out["adapt_1pct_error_ratio_max"] == 2.01 / 3.01 and out["adapt_1pct_all_features_error_ratio"] == 1.01 / 1.01
    recorded = json.loads((ROOT / "bench" / "results" / "comet.json").read_text())
    assert set(out) | {"bench_seconds"} == set(recorded)


def test_recorded_comet_figures_are_its_sweeps_of_todays_specs(monkeypatch):
    """Every recorded COMET run was measured with today's catalogue spec (its fingerprint), the bench's sweeps have
    nothing left to run, and bench/results/comet.json is what the recorded tables and record give."""
    from zoo.schema import load_spec
    from zoo.sweep import fingerprint, read_table, resolve_points
    from zoo.sweep.status import todo

    monkeypatch.chdir(ROOT)  # the fine-tuning points name the source's weights relative to the repository root
    comet = bench_module("comet", monkeypatch)
    machine = bench_module("machine", monkeypatch)
    bench, found = ROOT / "bench", comet.folders(ROOT / "bench")
    weights, _ = comet.source_weights(found["adaptation-source"], found["adaptation"])
    plans = {"disentanglement": comet.disentanglement_plan([0, 1, 2]), "adaptation-source": comet.source_plan(),
             "adaptation": comet.adaptation_plan(comet.spec_path(weights), comet.catalogue_bank_pin(comet.BANK),
                                                 comet.Design())[0]}
    for name, plan in plans.items():
        rows = read_table(found[name])
        for r in rows:
            assert r.status == "ok" and r.fingerprint == fingerprint(load_spec(r.spec, r.overrides)), (name, r.run)
        assert todo(resolve_points(plan), rows, found[name]) == [], name
    monkeypatch.setattr(comet, "errors_by_run", lambda rows, folder, record, new: {  # the record as it is: nothing measured
        run: e["errors"] for run, e in machine.read_json(record).items()})
    figures = comet.figures(bench, comet.Design(), {n: [] for n in comet.QUICK_SETS}, set())[0]
    assert figures == json.loads((bench / "results" / "comet.json").read_text())
