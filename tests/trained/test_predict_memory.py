"""``predict_file`` keeps memory bounded: the model sees at most ``STATES_PER_CALL`` states per call and a chunk
at most its family's number of samples, so the peak memory does not grow with the file (the activations of every
mechanism for every candidate context outgrow the input many times over)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from zoo.schema import load_spec
from zoo.train import train
from zoo.trained import load_run
from zoo.trained import predict as predict_module
from zoo.trained.predict import predict_file

ROOT = Path(__file__).resolve().parents[2]
# The peak is this process's own (VmHWM), not ru_maxrss: that also counts the parent's memory at the fork.
MEASURE = """
import sys
from zoo.trained import load_run
from zoo.trained.predict import predict_file
run = load_run(sys.argv[1])
peaks = []
for data in sys.argv[2:]:
    predict_file(run, data, data + ".pred.npz", progress=False)
    peaks += [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(*peaks)
"""


def comet_run(tmp_path: Path, *sets: str) -> Path:
    spec = load_spec("comet-particles", ["data.trajectories=8", "data.test_trajectories=4", "data.length=4",
                                         "train.horizon=2", "train.steps=1", "train.eval_every=0", *sets])
    return train(spec, run_dir=tmp_path / "run", progress=False).run_dir


def states_file(path: Path, trajectories: int, steps: int = 4) -> str:
    rng = np.random.default_rng(0)
    np.savez(path, states=rng.normal(size=(trajectories, steps + 1, 5, 8)).astype(np.float32))
    return str(path)


def test_the_model_sees_bounded_batches_and_predicts_as_a_whole(tmp_path, monkeypatch):
    run = load_run(comet_run(tmp_path, "mechanisms[0].hidden=[8]", "router.hidden=[8]"))
    data = states_file(tmp_path / "s.npz", 7)
    sizes: list[int] = []
    run.model.register_forward_pre_hook(lambda _, args, kwargs: sizes.append(len(next(iter(kwargs.values())))),
                                        with_kwargs=True)
    monkeypatch.setattr(predict_module, "STATES_PER_CALL", 5)
    with np.load(predict_file(run, data, tmp_path / "p.npz", progress=False)) as p:
        got = p["prediction"]
    assert sizes and max(sizes) == 5 and sum(sizes) == 7 * 4
    whole = run.predict(torch.from_numpy(np.load(data)["states"][:, :-1].reshape(-1, 5, 8)))["prediction"]
    assert np.allclose(got.reshape(-1, 5, 8), whole.numpy(), atol=1e-6)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads the peak memory from /proc")
def test_peak_memory_does_not_grow_with_the_file(tmp_path):
    """A catalogue-width COMET on 16,000 states: in one call its activations would add about 300 MiB."""
    run_dir = comet_run(tmp_path)
    small, large = states_file(tmp_path / "small.npz", 10), states_file(tmp_path / "large.npz", 4000)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(run_dir), small, large], capture_output=True,
                         text=True, timeout=300, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = (int(v) / 1024 for v in out.stdout.split())  # MiB
    assert after - before < 150, f"peak memory grew by {after - before:.0f} MiB (from {before:.0f} MiB)"
