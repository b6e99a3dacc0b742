"""Optional TensorBoard logging: used when ``torch.utils.tensorboard`` imports, silently skipped otherwise."""

from __future__ import annotations

from pathlib import Path


class TensorBoardLog:
    """Scalars to ``run_dir/tensorboard`` (``train/<name>`` and ``eval/<name>``); a no-op without TensorBoard."""

    def __init__(self, run_dir: Path, enabled: bool = True):
        self.writer = None
        if not enabled:
            return
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:  # tensorboard is an optional extra
            return
        self.writer = SummaryWriter(log_dir=str(Path(run_dir) / "tensorboard"))

    def scalars(self, prefix: str, step: int, values: dict[str, float]) -> None:
        """Log every value as ``prefix/name`` at ``step``."""
        if self.writer is None:
            return
        for name, value in values.items():
            if name != "step":
                self.writer.add_scalar(f"{prefix}/{name}", float(value), step)

    def close(self) -> None:
        """Flush and close the event file."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
