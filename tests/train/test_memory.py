"""The overall memory budget: refused from the spec alone, in milliseconds, before anything is allocated."""

from __future__ import annotations

import resource
import time

import pytest
import torch
from click.testing import CliRunner

from zoo.cli import main
from zoo.envs import make_env
from zoo.envs.footprint import data_footprint
from zoo.errors import SpecError
from zoo.schema import catalogue, load_spec
from zoo.train import train
from zoo.train.memory import check_memory, estimate


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_ten_million_trajectories_are_refused_at_once_without_allocating(tmp_path):
    spec = load_spec("comet-particles", ["data.trajectories=10000000"])
    check_memory(load_spec("comet-particles"))  # warm up (imports), as a real start has done by then
    rss, start = _max_rss_mib(), time.perf_counter()
    with pytest.raises(SpecError, match=r"data\.trajectories: the run would need at least 137\.\d GiB") as e:
        train(spec, run_dir=tmp_path / "run", progress=False)
    assert time.perf_counter() - start < 2.0 and _max_rss_mib() - rss < 100
    assert "10,000,000 + 64 trajectories" in str(e.value) and "--max-memory" in str(e.value)
    assert not (tmp_path / "run").exists()


def test_many_wide_mechanisms_are_refused_by_their_parameters_and_optimiser_state():
    spec = load_spec("comet-particles", ["mechanisms[0].count=60", "mechanisms[0].hidden=[8192, 8192]"])
    with pytest.raises(SpecError, match=r"comet-particles.yaml:\d+:\d+: mechanisms\[0\]: .*parameters 60\.1 GiB "
                                        r"\(4,033,910,589 with gradients and adam state\)"):
        check_memory(spec)
    assert check_memory(spec, max_gib=0) is None and check_memory(spec, max_gib=None) is None


def test_a_large_batch_is_refused_by_its_activations():
    spec = load_spec("comet-particles", ["train.batch=1000000"])
    with pytest.raises(SpecError, match=r"train\.batch: .*activations .* \(24,000,000 examples per step\)"):
        check_memory(spec)


def test_activations_grow_with_the_batch_and_the_sequence():
    small, big = (estimate(load_spec("lstm-copying", [f"train.batch={b}"]))["activations"] for b in (8, 16))
    assert big == pytest.approx(2 * small, rel=0.05)
    short, long = (estimate(load_spec("lstm-copying", [f"data.delay={d}"]))["activations"] for d in (50, 100))
    assert long > 1.5 * short


def test_meta_activations_scale_with_the_task_chunk():
    whole, chunk, bigger = (estimate(load_spec("maml-connected", extra))["activations"]
                            for extra in ([], ["train.task_chunk=8"], ["train.task_chunk=64"]))
    assert chunk == pytest.approx(whole / 4, rel=0.05) and bigger == whole  # batch 32


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_every_catalogue_spec_fits_the_default_budget(entry):
    est = check_memory(load_spec(entry.path))
    assert est is not None and est["parameters"] > 0 and est["activations"] > 0


@pytest.mark.parametrize("name,sets", [
    ("comet-particles", ["data.trajectories=16", "data.test_trajectories=8"]),
    ("comet-traffic", ["data.trajectories=16", "data.test_trajectories=8"]),
    ("comet-sports", ["data.trajectories=16", "data.test_trajectories=8"]),
    ("lstm-copying", ["data.train_sequences=64", "data.test_sequences=16"]),
    ("lstm-digits", ["data.limit=40"]),
    ("lstm-balls", ["data.train_sequences=16", "data.test_sequences=8"]),
    ("slotvae-sprites", ["data.images=16", "data.test_images=8"]),
])
def test_the_data_estimate_covers_what_the_environment_holds(name, sets):
    spec = load_spec(name, sets)
    env = make_env(spec.data, 0)
    splits = env.splits.values()
    held = sum(t.nbytes for s in splits for t in (vars(s).values() if hasattr(s, "states") else s.values())
               if isinstance(t, torch.Tensor))
    assert 0 < held <= data_footprint(spec.data).bytes <= 4 * held


def test_the_cli_refuses_with_exit_2_naming_the_override(tmp_path):
    r = CliRunner().invoke(main, ["train", "comet-particles", "--set", "data.trajectories=10000000",
                                  "--run-dir", str(tmp_path / "run")])
    assert r.exit_code == 2 and r.output.startswith("error: --set data.trajectories=10000000: data.trajectories:")
    assert "Traceback" not in r.output
