"""COMET's robustness benchmark: its suite at tiny sizes, its worlds' ground truth, and the report from recorded variants."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.support.bench import ROOT, bench_module, run_bench


def test_comet_robustness_quick(tmp_path, monkeypatch):
    """The robustness suite is a sweep of two worker processes: the catalogue's COMET spec on two suite worlds
    (drawn from the run's seed) and the catalogue world, each run's mechanism table recorded; run again, it
    trains nothing and measures nothing."""
    import numpy as np
    import torch

    from zoo.families.comet.metrics import nmi
    from zoo.sweep import read_table

    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    worlds = importlib.import_module("comet_worlds")  # a dataclass module needs its name in sys.modules
    args = ("comet_robustness.py", "--quick", "--jobs", "2", "--out", str(tmp_path))
    out = run_bench(*args)
    assert "3 run(s); 0 done already, 3 to run, 2 at a time" in out.stdout and '"suite_worlds": 2' in out.stdout
    folder, path = tmp_path / "sweeps" / "comet_robustness-default", tmp_path / "records" / "comet_robustness-default.json"
    rows, record = read_table(folder), json.loads(path.read_text())
    assert {r.run: r.fingerprint for r in rows} == {run: e["fingerprint"] for run, e in record["runs"].items()}
    entries = {e["entry"]: e for e in record["runs"].values()}
    assert sorted(entries) == ["catalogue", "overcomplete", "predator-prey"]
    assert len(entries["overcomplete"]["table"]) == 6 and len(entries["overcomplete"]["types"]) == 4  # M = types + 2
    for r in rows:  # the recorded table is the run's: it gives the NMI of the run's final metrics
        assert abs(nmi(torch.tensor(record["runs"][r.run]["table"])) - r.metrics["nmi"]) < 1e-6
    drawn = worlds.write("predator-prey", tmp_path / "again.npz", 0, trajectories=16, test=8, length=10)
    with np.load(drawn) as a, np.load(folder / "worlds" / "predator-prey-seed0.npz") as b:
        assert np.array_equal(a["states"], b["states"])
    again = run_bench(*args)
    assert "3 run(s); 3 done already, 0 to run" in again.stdout and '"suite_worlds": 2' in again.stdout
    assert json.loads(path.read_text()) == record and read_table(folder) == rows
    assert not (tmp_path / "results").exists()  # a smoke run writes no results


def test_comet_worlds_ground_truth_explains_every_transition(monkeypatch, tmp_path):
    """Each labelled transition of a suite world is its type's law with its labelled partner."""
    import numpy as np

    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    worlds = importlib.import_module("comet_worlds")  # a dataclass module needs its name in sys.modules

    for name in ("close-laws", "radius"):
        world = worlds.WORLDS[name]
        a = np.load(worlds.write(name, tmp_path / f"{name}.npz", seed=1, trajectories=4, test=2, length=6))
        s, types, partners = a["states"].astype(np.float64), a["types"], a["partners"]
        acc = (s[:, 1:, :, 2:4] - s[:, :-1, :, 2:4]) / worlds.DT  # (S, T, N, 2)
        pos = s[:, :-1, :, :2]
        other = np.take_along_axis(pos, np.maximum(partners, 0)[..., None].repeat(2, -1), 2)
        laws = world.accelerations((pos - other).reshape(-1, pos.shape[2], 2)).reshape(4, *pos.shape)
        law = np.array([worlds.LAWS.index(t) for t in world.type_names])[types]
        expected = np.take_along_axis(laws, law[None, ..., None].repeat(2, -1), 0)[0]
        assert np.allclose(acc, expected, atol=1e-3), name
        assert ((types == world.type_names.index("none")) == (partners < 0)).all()



def test_true_law_bound_of_predator_prey(monkeypatch):
    """bench/comet_bound.py scores predator-prey's laws: with the partner each role picks, the law of a
    transition's type predicts it exactly (every path winner is its type); among the 2 nearest candidates a
    chase or flee transition may lack its partner, so that law's error there is at least as large."""
    import numpy as np
    import torch

    bound = bench_module("comet_bound", monkeypatch)
    worlds = importlib.import_module("comet_worlds")
    world = worlds.WORLDS["predator-prey"]
    a = worlds.draw("predator-prey", 1, trajectories=6, test=0, length=8)
    states, types = a["states"].astype(np.float64), torch.from_numpy(a["types"])
    partner = bound.role_law_errors(world, states, partner=True)  # (S, T, N, 4)
    own = partner.gather(-1, types.unsqueeze(-1)).squeeze(-1)
    assert own.max() < 1e-9 and partner.min(-1).values.max() < 1e-9
    assert (types == 3).any() and (types == 2).any()  # drift and graze both occur: the test separates them
    assert (partner[..., 2:].argmin(-1) + 2 == types)[types >= 2].all()  # graze and drift never tie
    nearest_two = bound.role_law_errors(world, states)
    assert torch.equal(nearest_two[..., 2:], partner[..., 2:])
    pos = states[:, :-1, :, :2]
    d = np.linalg.norm(pos[..., :, None, :] - pos[..., None, :, :], axis=-1) + np.eye(pos.shape[2]) * 1e9
    among = (np.argsort(d, -1)[..., :2] == a["partners"][..., None]).any(-1)  # partner among the 2 nearest
    own_two = nearest_two.gather(-1, types.unsqueeze(-1)).squeeze(-1)
    interacting = torch.from_numpy(a["partners"] >= 0)
    assert own_two[interacting & torch.from_numpy(among)].max() < 1e-9
    assert own_two[interacting & torch.from_numpy(~among)].min() > 1e-6  # a missing partner is seen

def robustness_variant(root: Path, tag: str, nmi: float) -> None:
    """A variant's sweep table and record under ``root`` (sweeps/, records/): entries w1, w2 and the catalogue,
    seeds 0 and 1, NMI ``nmi`` + 0.01 x seed; a failed run, and a run the record lacks, which do not count."""
    from zoo.sweep import RunRow
    from zoo.sweep.table import write_table

    metrics = {"purity": 0.8, "one_step_mse": 0.1, "rollout_mse": 0.01}
    points = [(e, s) for e in ("w1", "w2", "catalogue") for s in (0, 1)]
    rows = [RunRow(f"{e}-{s}", "comet-particles", "-", (), s, "ok", "", 1.0, f"f{s}", {"nmi": nmi + 0.01 * s, **metrics})
            for e, s in points]
    rows += [RunRow("w1-2", "comet-particles", "-", (), 2, "failed", "boom", 1.0, "f2", {}),
             RunRow("w1-3", "comet-particles", "-", (), 3, "ok", "", 1.0, "f3", {"nmi": 0.0, **metrics})]
    runs = {f"{e}-{s}": {"fingerprint": f"f{s}", "entry": e, "merged": ["a+b"] if e == "w1" else [], "table": [[1.0]],
                         "types": ["a"], "train_wta": 0.5} for e, s in points}
    (root / "sweeps" / f"comet_robustness-{tag}").mkdir(parents=True)
    write_table(root / "sweeps" / f"comet_robustness-{tag}", rows)
    (root / "records").mkdir(exist_ok=True)
    machine = {"cpu": "test-cpu", "cores": "2", "torch": "2", "date": "2026-01-01"}
    (root / "records" / f"comet_robustness-{tag}.json").write_text(
        json.dumps({"tag": tag, "sets": [f"x={tag}"], "machine": machine, "runs": runs}))


def test_comet_robustness_report_from_recorded_variants(tmp_path, monkeypatch):
    """The report tables every entry of the reference variant (its sweep's ok rows with their recorded entries)
    and compares the variants (every sweep folder) on the same seed."""
    import pytest

    report = bench_module("comet_robustness_report", monkeypatch)
    for tag, nmi in (("ref", 0.5), ("other", 0.9)):
        robustness_variant(tmp_path, tag, nmi)
    results = tmp_path / "results"
    report.write_report(tmp_path / "sweeps", tmp_path / "records", results, tmp_path, "ref")
    flat = json.loads((results / "comet_robustness.json").read_text())
    assert flat["suite_worlds"] == 2 and flat["suite_nmi_min"] == 0.5 and flat["w1_nmi_mean"] == 0.505
    assert flat["seeds"] == 2 and flat["catalogue_nmi"] == 0.5
    assert all(type(v) in (int, float) for v in flat.values())  # flat: keys to numbers
    md = (tmp_path / "RESULTS-comet-robustness.md").read_text()
    assert "| w1 | 0.500 (0.505) |" in md and "a+b" in md and "Measured on test-cpu" in md
    assert "| `other` | `x=other` | 0.900 |" in md  # seed 0 of each variant
    with pytest.raises(SystemExit, match="no recorded runs of the variant 'none'"):
        report.write_report(tmp_path / "sweeps", tmp_path / "records", results, tmp_path, "none")


def test_recorded_robustness_variants_are_sweeps_of_todays_spec(monkeypatch):
    """Every recorded robustness variant's table holds runs of its points as resolved today (spec, overrides, world
    file), each with its record's entry of the same fingerprint, and bench/results/comet_robustness.json is what
    the report gives for one of them."""
    from zoo.sweep import read_table, resolve_points

    monkeypatch.chdir(ROOT)  # the points name their world files relative to the repository root
    bench = bench_module("comet_robustness", monkeypatch)
    report = bench_module("comet_robustness_report", monkeypatch)
    found = report.variants(ROOT / "bench" / "sweeps", ROOT / "bench" / "records")
    assert "base-1k" in found
    for tag, data in found.items():
        rows = read_table(data["folder"])
        plan, _ = bench.robustness_plan(list(bench.ENTRIES), sorted({r.seed for r in rows}), data["sets"], False,
                                        bench.HERE / "sweeps" / f"comet_robustness-{tag}")
        today = {p.key: p.fingerprint for p in resolve_points(plan)}
        assert all(r.status == "ok" and today.get(r.run) == r.fingerprint for r in rows), tag
        assert len(data["runs"]) == len(rows), tag  # every row has its record entry
    recorded = json.loads((ROOT / "bench" / "results" / "comet_robustness.json").read_text())
    assert any(report.flat_figures(data) == recorded for data in found.values())
