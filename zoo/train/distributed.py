"""Data parallelism across processes (``torchrun``): process group, batch sharding, gradient averaging.

This does what ``DistributedDataParallel`` does, in the open: at the start rank 0's parameters and
buffers are broadcast to every rank; each rank draws the same global batch from the same seeded
generator and keeps its slice; after the backward pass one flat ``all_reduce`` averages the gradients
(and the loss and logged metrics, so every rank sees the same numbers and stops together on a NaN).
Every rank then takes the same optimiser step and holds identical weights. Only rank 0 writes files.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Iterable, Iterator

import torch
import torch.distributed as td

from zoo.errors import ZooError


def active() -> bool:
    """True inside an initialised process group of more than one process."""
    return td.is_available() and td.is_initialized() and td.get_world_size() > 1


def rank() -> int:
    """This process's rank (0 when not distributed)."""
    return td.get_rank() if active() else 0


def world_size() -> int:
    """Number of processes (1 when not distributed)."""
    return td.get_world_size() if active() else 1


def launched() -> int:
    """The world size ``torchrun`` announced in the environment (1 when not launched by it)."""
    try:
        return max(1, int(os.environ.get("WORLD_SIZE", "1")))
    except ValueError:
        raise ZooError(f"WORLD_SIZE={os.environ['WORLD_SIZE']!r} is not a number") from None


@contextmanager
def process_group(device: torch.device, timeout_s: float = 1800) -> Iterator[torch.device]:
    """Join the process group ``torchrun`` describes (env://) for the duration; yields this rank's device.

    gloo on CPU, nccl on CUDA (each process on ``cuda:LOCAL_RANK``). Does nothing when not launched by
    torchrun or when a group already exists (its owner destroys it).
    """
    if launched() <= 1 or (td.is_available() and td.is_initialized()):
        yield device
        return
    if not td.is_available():
        raise ZooError("this PyTorch build has no torch.distributed; run a single process")
    backend = "gloo"
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
        backend = "nccl"
    td.init_process_group(backend, init_method="env://", timeout=timedelta(seconds=timeout_s))
    try:
        yield device
    finally:
        td.destroy_process_group()


def shard(batch: Any, index: int, world: int) -> Any:
    """Rank ``index``'s slice of a global batch (a tensor, or a dict/tuple of tensors sharing axis 0)."""
    if world == 1:
        return batch
    if isinstance(batch, torch.Tensor):
        size = batch.shape[0]
        if size % world:
            raise ZooError(f"the global batch of {size} does not split evenly over {world} processes")
        return batch.chunk(world)[index]
    if isinstance(batch, dict):
        return {k: shard(v, index, world) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(shard(v, index, world) for v in batch)
    return batch


def average(tensors: Iterable[torch.Tensor], world: int) -> None:
    """Replace every tensor by its mean over the ranks, in one flat ``all_reduce``."""
    tensors = list(tensors)
    if world == 1 or not tensors:
        return
    flat = torch.cat([t.reshape(-1).to(tensors[0].dtype) for t in tensors])
    td.all_reduce(flat)
    flat /= world
    offset = 0
    for t in tensors:
        n = t.numel()
        t.copy_(flat[offset : offset + n].view_as(t))
        offset += n


def average_gradients(params: Iterable[torch.nn.Parameter], world: int) -> None:
    """Average every gradient across ranks (what DistributedDataParallel's reducer does)."""
    average([p.grad for p in params if p.grad is not None], world)


def broadcast_state(modules: Iterable[torch.nn.Module]) -> None:
    """Copy rank 0's parameters and buffers to every rank (as DistributedDataParallel does at start)."""
    if not active():
        return
    for m in modules:
        for t in [*m.parameters(), *m.buffers()]:
            with torch.no_grad():
                td.broadcast(t.data, src=0)


def _comm_device() -> torch.device:
    """Where collective buffers must live: the current CUDA device for nccl, else the CPU."""
    if td.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def broadcast_bytes(data: bytes | None) -> bytes | None:
    """Rank 0's ``data`` on every rank (None stays None); no pickle involved."""
    if not active():
        return data
    dev = _comm_device()
    size = torch.tensor([-1 if data is None else len(data)], dtype=torch.int64, device=dev)
    td.broadcast(size, src=0)
    n = int(size.item())
    if n <= 0:
        return None if n < 0 else b""
    if rank() == 0:
        buf = torch.frombuffer(bytearray(data), dtype=torch.uint8).to(dev)
    else:
        buf = torch.empty(n, dtype=torch.uint8, device=dev)
    td.broadcast(buf, src=0)
    return buf.cpu().numpy().tobytes()
