"""Optional TensorBoard logging: scalars reach a SummaryWriter when one imports; nothing happens otherwise."""

from __future__ import annotations

import sys
import types

from zoo.schema import load_spec
from zoo.train import train
from zoo.train.tblog import TensorBoardLog

TINY = ["train.steps=4", "train.log_every=2", "train.eval_every=2", "data.trajectories=8",
        "data.test_trajectories=4", "slots.count=3", "data.objects=3"]


class FakeWriter:
    """Records what the loop logs (stands in for torch.utils.tensorboard.SummaryWriter)."""

    made: list["FakeWriter"] = []

    def __init__(self, log_dir: str):
        self.log_dir, self.scalars, self.closed = log_dir, [], False
        FakeWriter.made.append(self)

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        self.scalars.append((tag, step, value))

    def close(self) -> None:
        self.closed = True


def test_training_logs_scalars_when_tensorboard_imports(tmp_path, monkeypatch):
    module = types.ModuleType("torch.utils.tensorboard")
    module.SummaryWriter = FakeWriter
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", module)
    FakeWriter.made.clear()
    train(load_spec("comet-particles", TINY), run_dir=tmp_path / "run", progress=False)
    (w,) = FakeWriter.made
    assert w.log_dir == str(tmp_path / "run" / "tensorboard") and w.closed
    tags = {(tag, step) for tag, step, _ in w.scalars}
    assert {("train/loss", 2), ("train/loss", 4), ("train/lr", 4), ("eval/nmi", 2), ("eval/nmi", 4)} <= tags
    assert not any(tag.endswith("/step") for tag, _ in tags)


def test_without_tensorboard_it_is_a_no_op(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # import fails
    log = TensorBoardLog(tmp_path)
    log.scalars("train", 1, {"loss": 1.0})
    log.close()
    assert log.writer is None and not (tmp_path / "tensorboard").exists()
