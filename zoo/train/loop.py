"""The training loop: one readable loop shared by every procedure.

It seeds everything, builds the model, environment and procedure from the spec, then runs
``steps`` optimiser steps with a progress bar, CSV logs, periodic evaluation and atomic checkpoints.
A run resumed from its last checkpoint ends bit-identical to an uninterrupted one (CPU), also after a
``SIGKILL``; a start first claims the run directory (:mod:`zoo.train.runlock`: one trainer at a time, no
run overwritten by accident, the spec unchanged on resume) and checks the memory budget
(:mod:`zoo.train.memory`). A non-finite loss or gradient stops the run naming the step and the parameter group, after
saving the state from before that step. Under ``torchrun`` each rank trains on its slice of the global
batch; gradients, loss and logs are averaged across ranks and only rank 0 writes files. With
``train.precision: bf16`` each step's forward pass and loss run under ``torch.autocast`` (bfloat16);
weights, gradients, the optimiser and evaluation stay float32.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo.envs import make_env
from zoo.errors import BankError, SpecError, TrainingError, ZooError
from zoo.io import clean_temporaries, write_bytes, write_json
from zoo.limits import DEFAULT_MAX_MEMORY_GIB
from zoo.train import distributed as dist
from zoo.train.checkpoint import (
    Checkpoint,
    check_resumable,
    checkpoint_bytes,
    load_checkpoint,
    rng_state,
    save_checkpoint,
    set_rng_state,
)
from zoo.train.memory import check_memory
from zoo.train.numerics import clip_, grad_norm, gradient_problem
from zoo.train.optim import make_optimizer, make_scheduler
from zoo.train.procedures import make_procedure
from zoo.train.progress import Progress
from zoo.train.rundir import CsvLog, default_run_dir, write_spec
from zoo.train.runinfo import record_session, resolve_device, seed_everything, session, set_threads
from zoo.train.runlock import CHECKPOINT, check_run_dir, claim_on_rank0
from zoo.train.tblog import TensorBoardLog
from zoo.weights import save_weights


@dataclass
class RunResult:
    """What a finished run returns."""

    run_dir: Path
    metrics: dict[str, float]
    steps: int
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    rank: int = 0


class Trainer:
    """Holds everything one run needs; :meth:`run` trains. Built by :func:`train`."""

    def __init__(self, spec, run_dir: Path | None, device: torch.device, progress: bool | None,
                 max_memory_gib: float | None = DEFAULT_MAX_MEMORY_GIB):
        check_memory(spec, max_memory_gib)  # before the data or the model take any memory (or time)
        from zoo.train.build import build_model

        if spec.train is None or spec.data is None:
            missing = [k for k in ("data", "train") if getattr(spec, k) is None]
            what = "data and train sections" if len(missing) == 2 else f"a {missing[0]} section"
            raise SpecError(f"training needs {what} (data: the environment, e.g. {{kind: particles}}; "
                            "train: the procedure, e.g. {procedure: compete, steps: 1000}); `zoo init FAMILY` "
                            "writes a complete spec", ("train",) if spec.train is None else ("data",))
        self.spec, self.cfg, self.device = spec, spec.train, device
        self.rank, self.world = dist.rank(), dist.world_size()
        if self.cfg.batch % self.world:
            raise SpecError(f"batch {self.cfg.batch} does not split evenly over {self.world} processes", ("train", "batch"))
        run_dir = str(run_dir or default_run_dir(spec)).encode()
        self.run_dir = Path(dist.broadcast_bytes(run_dir).decode())  # rank 0's choice everywhere
        seed_everything(self.cfg.seed)
        self.env = make_env(spec.data, self.cfg.seed)
        model = build_model(spec).to(device)
        self.proc = make_procedure(spec, model, self.env, device)
        dist.broadcast_state(self.proc.modules().values())
        self.named = self._named_parameters()
        self.opt = make_optimizer(self.cfg, (p for _, p in self.named))
        self.sched = make_scheduler(self.cfg, self.opt)
        self.gen = torch.Generator().manual_seed(self.cfg.seed + 1)
        self.progress = progress
        self.step = 0
        self._good_rng: dict[str, Any] = {}  # RNG states before the current step (for _fail)

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

    @property
    def checkpoint_path(self) -> Path:
        """Where the last checkpoint of this run lives."""
        return self.run_dir / CHECKPOINT

    def checkpoint(self, rng: dict[str, Any] | None = None) -> None:
        """Write the checkpoint atomically (rank 0 only); ``rng`` overrides parts of the RNG state."""
        if self.rank != 0:
            return
        save_checkpoint(
            self.checkpoint_path,
            Checkpoint(self.step, self.state_dict(), self.opt.state_dict(), _scheduler_state(self.sched),
                       {**rng_state(self.gen), **(rng or {})}, {"spec": self.spec.name}),
        )

    def resume(self) -> bool:
        """Restore the last checkpoint if there is one (read by rank 0, sent to all); True when resumed.

        Raises:
            BankError: the checkpoint is corrupt or does not fit this run.
        """
        path, raw, unreadable = self.checkpoint_path, None, None
        if self.rank == 0 and path.exists():
            try:
                raw = checkpoint_bytes(path)
            except BankError as e:
                raw, unreadable = b"", e  # every rank then refuses it
        raw = dist.broadcast_bytes(raw)
        if raw is None:
            return False
        if unreadable is not None:
            raise unreadable
        ck = load_checkpoint(path, raw)
        check_resumable(ck, path, self.state_dict(), self.opt, self.gen)
        try:
            self.load_state_dict({k: v.to(self.device) for k, v in ck.model.items()})
            self.opt.load_state_dict(ck.optimizer)
            self.sched.load_state_dict({**ck.scheduler, "lr_lambdas": [None] * len(self.opt.param_groups)})
            set_rng_state(ck.rng, self.gen)
        except (RuntimeError, ValueError, KeyError, TypeError, IndexError) as e:
            raise BankError(f"{path}: cannot resume this run from it ({e})") from None
        self.step = ck.step
        return True

    # -- the loop --------------------------------------------------------------------------------
    def run(self, resume: bool = False, overwrite: bool = False) -> RunResult:
        """Train to ``train.steps`` and evaluate, holding the run directory's lock; returns the final
        metrics. ``resume`` and ``overwrite`` are :func:`train`'s."""
        lock = claim_on_rank0(self.run_dir, self.spec, resume, overwrite)
        try:
            return self._run(resume)
        finally:
            if lock is not None:
                lock.release()

    def _prepare(self, resume: bool) -> tuple[CsvLog, CsvLog]:
        """Restore the checkpoint when resuming, then write the spec and settle the logs (rank 0)."""
        if self.rank == 0:
            for d in (self.run_dir, self.checkpoint_path.parent):
                if d.is_dir():
                    clean_temporaries(d)  # complete but unrenamed copies from a crash
        if resume and self.resume() and self.step > self.cfg.steps:
            raise ZooError(f"{self.run_dir}: this run has already trained {self.step} steps, more than the "
                           f"{self.cfg.steps} train.steps asks for; --resume only trains on: set train.steps to "
                           f"{self.step} or more, or see its results with `zoo report {self.run_dir}`")
        train_log, eval_log = CsvLog(self.run_dir / "train.csv"), CsvLog(self.run_dir / "eval.csv")
        if self.rank == 0:
            write_spec(self.run_dir / "spec.yaml", self.spec)
            record_session(self.run_dir, session(self.device, self.world, self.step))
            # a resumed run drops rows after its checkpoint, and the final evaluation of a finished run
            # (it is evaluated again at the end, so it would appear twice)
            train_log.truncate_after(self.step)
            eval_log.truncate_after(self.step if self.step < self.cfg.steps else self.step - 0.5)
        return train_log, eval_log

    def _run(self, resume: bool) -> RunResult:
        main = self.rank == 0
        train_log, eval_log = self._prepare(resume)
        self.tb = TensorBoardLog(self.run_dir, enabled=main)
        bar = Progress(self.spec.name, self.cfg.steps, self.step, self.progress if main else False,
                       self.proc.key_metric)
        start, first = time.perf_counter(), self.step
        while self.step < self.cfg.steps:
            logs = self._step()
            self.step += 1
            logged = self.step % self.cfg.log_every == 0 or self.step == self.cfg.steps
            bar.step(logs["loss"] if logged else None)
            if logged and main:
                train_log.write({"step": self.step, **logs, "lr": self.sched.get_last_lr()[0]})
                self.tb.scalars("train", self.step, {**logs, "lr": self.sched.get_last_lr()[0]})
            if self.cfg.eval_every and self.step % self.cfg.eval_every == 0 and self.step < self.cfg.steps:
                self._evaluate(eval_log, bar)
            if self.cfg.checkpoint_every and self.step % self.cfg.checkpoint_every == 0:
                self.checkpoint()
        seconds = time.perf_counter() - start
        metrics = self._evaluate(eval_log, bar)
        bar.close()
        self.tb.close()
        self.checkpoint()
        summary: dict[str, Any] = {}
        if main:
            write_bytes(self.run_dir / "model.safetensors", save_weights(self.proc.model.state_dict()))
            summary = self.proc.artifacts(self.run_dir, metrics) or {}
            trained = self.step - first
            summary.update({"train_seconds": seconds, "steps": self.step,
                            "samples_per_second": trained * self.cfg.batch / seconds if seconds > 0 else 0.0})
            write_json(self.run_dir / "metrics.json", {**metrics, **summary})
        return RunResult(self.run_dir, metrics, self.step, seconds, summary, self.rank)

    def _step(self) -> dict[str, float]:
        self.proc.model.train()
        self._good_rng = {"torch": torch.get_rng_state(), "data": self.gen.get_state()}
        if torch.cuda.is_available():
            self._good_rng["cuda"] = list(torch.cuda.get_rng_state_all())
        batch = dist.shard(self.proc.batch(self.step, self.gen), self.rank, self.world)
        self.opt.zero_grad(set_to_none=True)
        loss, logs = self.proc.backward(batch, self.step, lambda: torch.autocast(
            self.device.type, dtype=torch.bfloat16, enabled=self.cfg.precision == "bf16"))
        # One all-reduce averages gradients, loss and logs: every rank sees the same numbers.
        stats = torch.stack([loss.detach().float().reshape(())] +
                            [torch.as_tensor(float(v), device=loss.device) for v in logs.values()])
        grads = [p.grad for _, p in self.named if p.grad is not None]
        dist.average(grads + [stats], self.world)
        values = stats.tolist()
        if not np.isfinite(values[0]):
            self._fail(f"the loss is {values[0]} at step {self.step + 1}")
        norm = grad_norm(grads)
        if not torch.isfinite(norm):
            self._fail(gradient_problem(self.named, norm, self.step + 1))
        if self.cfg.grad_clip:
            clip_(grads, norm, self.cfg.grad_clip)
        self.opt.step()
        self.sched.step()
        return {"loss": values[0], **dict(zip(logs, values[1:]))}

    def _fail(self, why: str) -> None:
        """Save the last good state (weights, optimiser and RNG from before this step) and stop."""
        self.checkpoint(rng=self._good_rng)
        raise TrainingError(f"training stopped: {why}; the last good checkpoint (step {self.step}) is "
                            f"{self.checkpoint_path}")

    def _evaluate(self, log: CsvLog, bar: Progress) -> dict[str, float]:
        self.proc.model.eval()
        with torch.no_grad():
            metrics = {k: float(v) for k, v in self.proc.evaluate().items()}
        if self.rank == 0:
            log.write({"step": self.step, **metrics})
            self.tb.scalars("eval", self.step, metrics)
            bar.evaluation(self.step, metrics, self.proc.warnings(metrics))
        return metrics


def _scheduler_state(sched) -> dict[str, Any]:
    state = sched.state_dict()
    # LambdaLR stores None for plain functions: they are rebuilt from the spec, never stored.
    state["lr_lambdas"] = [None] * len(state.get("lr_lambdas", []))
    return state


def train(spec, run_dir: str | Path | None = None, device: str | None = "cpu", resume: bool = False,
          progress: bool | None = None, overwrite: bool = False, threads: int | None = None,
          max_memory_gib: float | None = DEFAULT_MAX_MEMORY_GIB) -> RunResult:
    """Train ``spec`` end to end and return its final metrics.

    Args:
        spec: a validated :class:`~zoo.schema.ModelSpec` with ``data`` and ``train``.
        run_dir: where to write (default ``runs/<name>-<time>``); a new run needs it missing or empty.
        device: "cpu", "cuda", or "auto".
        resume: continue from ``run_dir/checkpoints/last.safetensors`` with the run's own spec (up to
            ``train.steps`` and bookkeeping: :mod:`zoo.train.resume_spec`).
        progress: show a progress bar (None: only on a terminal).
        overwrite: delete an earlier run in ``run_dir`` and start again (:mod:`zoo.train.runlock`).
        threads: CPU threads for torch (None: torch's default); recorded in ``run.json``.
        max_memory_gib: the memory budget (:mod:`zoo.train.memory`; None or 0: no check).

    Under ``torchrun`` (``WORLD_SIZE`` > 1) every process calls this; they join one process group
    (gloo on CPU, nccl on CUDA) for the run and leave it at the end.
    """
    set_threads(threads)
    if run_dir is not None:  # refuse early, before any data is generated (checked again under the lock)
        check_run_dir(Path(run_dir), spec, resume, overwrite)
    with dist.process_group(resolve_device(device)) as dev:
        trainer = Trainer(spec, Path(run_dir) if run_dir else None, dev, progress, max_memory_gib)
        return trainer.run(resume=resume, overwrite=overwrite)
