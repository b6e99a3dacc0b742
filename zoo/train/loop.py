"""The training loop: one readable loop shared by every procedure.

It seeds everything, builds the model, environment and procedure from the spec, then runs
``steps`` optimiser steps with a progress bar, CSV logs, periodic evaluation and atomic checkpoints.
A run resumed from its last checkpoint ends bit-identical to an uninterrupted one (CPU). Under
``torchrun`` each rank trains on its slice of the global batch; gradients are averaged across ranks
and only rank 0 writes files.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo.errors import TrainingError
from zoo.io import write_json
from zoo.train import distributed as dist
from zoo.train.checkpoint import Checkpoint, load_checkpoint, rng_state, save_checkpoint, set_rng_state
from zoo.train.optim import make_optimizer, make_scheduler
from zoo.train.rundir import CsvLog, default_run_dir, write_spec


@dataclass
class RunResult:
    """What a finished run returns."""

    run_dir: Path
    metrics: dict[str, float]
    steps: int
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``"auto"``/None -> cuda when present, else cpu; asking for cuda without one is an error."""
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        from zoo.errors import ZooError

        raise ZooError("--device cuda was asked for, but no CUDA device is available")
    return dev


class Trainer:
    """Holds everything one run needs; :meth:`run` trains. Built by :func:`train`."""

    def __init__(self, spec, run_dir: Path | None, device: torch.device, progress: bool | None):
        from zoo.compiler import compile_spec
        from zoo.envs import make_env
        from zoo.train.procedures import make_procedure

        if spec.train is None or spec.data is None:
            from zoo.errors import SpecError

            raise SpecError("training needs both 'data' and 'train' sections", ("train",) if spec.train is None else ("data",))
        self.spec, self.cfg, self.device = spec, spec.train, device
        self.rank, self.world = dist.rank(), dist.world_size()
        self.run_dir = Path(run_dir) if run_dir else default_run_dir(spec)
        seed_everything(self.cfg.seed)
        self.env = make_env(spec.data, self.cfg.seed)
        model = compile_spec(spec).to(device)
        self.proc = make_procedure(spec, model, self.env, device)
        self.named = self._named_parameters()
        self.opt = make_optimizer(self.cfg, (p for _, p in self.named))
        self.sched = make_scheduler(self.cfg, self.opt)
        self.gen = torch.Generator().manual_seed(self.cfg.seed + 1)
        self.progress = progress
        self.step = 0

    def _named_parameters(self) -> list[tuple[str, torch.nn.Parameter]]:
        out, seen = [], set()
        for prefix, m in self.proc.modules().items():
            for name, p in m.named_parameters():
                if p.requires_grad and id(p) not in seen:
                    seen.add(id(p))
                    out.append((f"{prefix}.{name}", p))
        return out

    # -- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, torch.Tensor]:
        """Every trained module's state, keyed '<module>.<param>'."""
        return {f"{k}.{n}": t for k, m in self.proc.modules().items() for n, t in m.state_dict().items()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        """Inverse of :meth:`state_dict` (strict)."""
        for k, m in self.proc.modules().items():
            sub = {n[len(k) + 1 :]: t for n, t in state.items() if n.startswith(k + ".")}
            m.load_state_dict(sub, strict=True)

    def checkpoint(self) -> None:
        """Write checkpoints/last.safetensors atomically (rank 0 only)."""
        if self.rank != 0:
            return
        save_checkpoint(
            self.run_dir / "checkpoints" / "last.safetensors",
            Checkpoint(self.step, self.state_dict(), self.opt.state_dict(), _scheduler_state(self.sched),
                       rng_state(self.gen), {"spec": self.spec.name}),
        )

    def resume(self) -> bool:
        """Restore the last checkpoint if there is one; True when resumed."""
        path = self.run_dir / "checkpoints" / "last.safetensors"
        if not path.exists():
            return False
        ck = load_checkpoint(path)
        self.load_state_dict({k: v.to(self.device) for k, v in ck.model.items()})
        self.opt.load_state_dict(ck.optimizer)
        self.sched.load_state_dict(ck.scheduler)
        set_rng_state(ck.rng, self.gen)
        self.step = ck.step
        return True

    # -- the loop --------------------------------------------------------------------------------
    def run(self, resume: bool = False) -> RunResult:
        """Train to ``train.steps`` and evaluate; returns the final metrics."""
        main = self.rank == 0
        if main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            write_spec(self.run_dir / "spec.yaml", self.spec)
        resumed = self.resume() if resume else False
        train_log, eval_log = CsvLog(self.run_dir / "train.csv"), CsvLog(self.run_dir / "eval.csv")
        if resumed and main:
            train_log.truncate_after(self.step)
            eval_log.truncate_after(self.step)
        bar = _bar(self.cfg.steps, self.step, self.spec.name, self.progress if main else False)
        start, first = time.perf_counter(), self.step
        while self.step < self.cfg.steps:
            logs = self._step()
            self.step += 1
            bar.update(1)
            if self.step % self.cfg.log_every == 0 or self.step == self.cfg.steps:
                bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items() if k in ("loss", self.proc.key_metric)})
                if main:
                    train_log.write({"step": self.step, **logs, "lr": self.sched.get_last_lr()[0]})
            if self.cfg.eval_every and self.step % self.cfg.eval_every == 0 and self.step < self.cfg.steps:
                self._evaluate(eval_log, bar)
            if self.cfg.checkpoint_every and self.step % self.cfg.checkpoint_every == 0:
                self.checkpoint()
        bar.close()
        seconds = time.perf_counter() - start
        metrics = self._evaluate(eval_log, None)
        self.checkpoint()
        summary: dict[str, Any] = {}
        if main:
            from safetensors.torch import save_model

            save_model(self.proc.model, str(self.run_dir / "model.safetensors"))
            summary = self.proc.artifacts(self.run_dir, metrics) or {}
            trained = self.step - first
            summary.update({"train_seconds": seconds, "steps": self.step,
                            "samples_per_second": trained * self.cfg.batch / seconds if seconds > 0 else 0.0})
            write_json(self.run_dir / "metrics.json", {**metrics, **summary})
        return RunResult(self.run_dir, metrics, self.step, seconds, summary)

    def _step(self) -> dict[str, float]:
        self.proc.model.train()
        batch = dist.shard(self.proc.batch(self.step, self.gen), self.rank, self.world)
        loss, logs = self.proc.loss(batch, self.step)
        if not torch.isfinite(loss):
            self._fail(f"the loss is {loss.item()} at step {self.step + 1}")
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        dist.average_gradients([p for _, p in self.named], self.world)
        bad = next((n for n, p in self.named if p.grad is not None and not torch.isfinite(p.grad).all()), None)
        if bad is not None:
            self._fail(f"the gradient of {bad!r} (parameter group {bad.split('.')[1]!r}) is not finite at step {self.step + 1}")
        if self.cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_([p for _, p in self.named], self.cfg.grad_clip)
        self.opt.step()
        self.sched.step()
        return {"loss": loss.item(), **{k: float(v) for k, v in logs.items()}}

    def _fail(self, why: str) -> None:
        """Save the last good state (the weights before this step) and stop."""
        self.checkpoint()
        where = self.run_dir / "checkpoints" / "last.safetensors"
        raise TrainingError(f"training stopped: {why}; the last good checkpoint is {where}")

    def _evaluate(self, log: CsvLog, bar) -> dict[str, float]:
        self.proc.model.eval()
        with torch.no_grad():
            metrics = {k: float(v) for k, v in self.proc.evaluate().items()}
        if self.rank == 0:
            log.write({"step": self.step, **metrics})
            if bar is not None and bar.disable:
                shown = ", ".join(f"{k}={v:.4g}" for k, v in list(metrics.items())[:6])
                print(f"[{self.spec.name}] step {self.step}/{self.cfg.steps}: {shown}", file=sys.stderr)
        return metrics


def _scheduler_state(sched) -> dict[str, Any]:
    state = sched.state_dict()
    # LambdaLR stores None for plain functions: they are rebuilt from the spec, never stored.
    state["lr_lambdas"] = [None] * len(state.get("lr_lambdas", []))
    return state


def _bar(total: int, initial: int, desc: str, progress: bool | None):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, disable=None if progress is None else not progress,
                dynamic_ncols=True, leave=True)


def train(spec, run_dir: str | Path | None = None, device: str | None = "cpu", resume: bool = False,
          progress: bool | None = None) -> RunResult:
    """Train ``spec`` end to end and return its final metrics.

    Args:
        spec: a validated :class:`~zoo.schema.ModelSpec` with ``data`` and ``train``.
        run_dir: where to write (default ``runs/<name>-<time>``).
        device: "cpu", "cuda", or "auto".
        resume: continue from ``run_dir/checkpoints/last.safetensors`` when it exists.
        progress: show a progress bar (None: only on a terminal).
    """
    trainer = Trainer(spec, Path(run_dir) if run_dir else None, resolve_device(device), progress)
    return trainer.run(resume=resume)

