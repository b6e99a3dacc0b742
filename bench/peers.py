"""What the side-by-side comparisons with public libraries share: importing a peer (or saying why it is
missing), its version, peak memory of one step, and timing zoo and a peer in alternation.

A peer that is not installed (CI installs only ``.[test]``) is skipped with a note; install them with
``pip install -e ".[bench]"`` (bench/RESULTS-performance.md says how for each).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
import types
from typing import Callable

import torch
from perf_bank import interleaved

Step = Callable[[], None]


class PeerMissing(Exception):
    """A peer library is not installed or does not import here; the message says why."""


def load(module: str, distribution: str) -> types.ModuleType:
    """Imports a peer's module; raises :class:`PeerMissing` with the reason when it is unavailable."""
    try:
        return importlib.import_module(module)
    except Exception as e:  # not installed, or its own imports fail
        raise PeerMissing(f"{distribution}: {type(e).__name__}: {e}") from None


def load_learn2learn() -> types.ModuleType:
    """``learn2learn.algorithms``. The package's top-level ``__init__`` imports its vision datasets
    (torchvision) and gym environments, which its MAML does not use; where torchvision cannot be imported
    (no wheel matches this torch), the algorithms subpackage is imported by itself, unchanged."""
    try:
        importlib.import_module("learn2learn")
        return importlib.import_module("learn2learn.algorithms")
    except ModuleNotFoundError as e:
        found = importlib.util.find_spec("learn2learn")
        if found is None or e.name == "learn2learn":
            raise PeerMissing(f"learn2learn: not installed ({e})") from None
        bare = types.ModuleType("learn2learn")  # the package without its top-level imports
        bare.__path__ = list(found.submodule_search_locations)
        sys.modules["learn2learn"] = bare
        try:
            return importlib.import_module("learn2learn.algorithms")
        except Exception as e2:
            del sys.modules["learn2learn"]
            raise PeerMissing(f"learn2learn: {type(e2).__name__}: {e2}") from None


def version(distribution: str) -> str:
    """The installed version of a distribution, or "missing"."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def peak_mb(step: Step, device: str = "cpu") -> float:
    """Peak memory (MiB) of the tensors allocated by one call of ``step``, above what was live before it.

    CUDA: the caching allocator's peak of allocated bytes (``max_memory_allocated``). CPU: torch keeps no
    such counter, so the profiler records every allocation and free of the CPU allocator during the step
    (``profile_memory``) and they are summed in time order: the peak of the bytes allocated and not yet freed,
    the same quantity as on CUDA (allocator caching and Python objects excluded). The raw allocator events
    are read, not the profiler's tensor-level memory timeline: that timeline matches a free to a tensor only
    when it saw the tensor as an op's input or output, which it does not for the intermediates of an op run
    under ``torch.func.vmap``, so it counted them as never freed (a vmapped step read 2 to 3 times its real
    peak; the two agree on steps without vmap)."""
    step()  # warm-up: lazily created state (gradients, caches) is live before the measured call, both sides
    if device.startswith("cuda"):
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step()
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    events = sorted((e for e in prof.profiler.kineto_results.events()
                     if e.name() == "[memory]" and e.device_type() == torch.autograd.DeviceType.CPU),
                    key=lambda e: e.start_ns())
    live = peak = 0
    for event in events:  # bytes: positive for an allocation, negative for a free
        live += event.nbytes()  # a tensor alive before the step and freed in it counts as negative
        peak = max(peak, live)
    return peak / 2**20


def synchronized(step: Step, device: str) -> Step:
    """``step`` followed by a device synchronisation on CUDA (so its time includes the kernels)."""
    if not device.startswith("cuda"):
        return step

    def run() -> None:
        step()
        torch.cuda.synchronize()
    return run


def side_by_side(name: str, ours: Step, theirs: Step, device: str = "cpu", repeat: int = 10,
                 memory: bool = True, warmup: int = 2) -> dict[str, float]:
    """Median ms of zoo's and the peer's step, timed in alternation; their ratio and peak-memory ratio.

    Keys: ``<name>_zoo_ms``, ``<name>_peer_ms``, ``vs_<name>_speedup`` (peer time / zoo time) and, with
    ``memory``, ``<name>_zoo_mb``, ``<name>_peer_mb``, ``vs_<name>_memory_ratio`` (zoo / peer)."""
    t = interleaved({"zoo": synchronized(ours, device), "peer": synchronized(theirs, device)}, repeat=repeat,
                    warmup=warmup)
    out = {f"{name}_zoo_ms": t["zoo"] * 1e3, f"{name}_peer_ms": t["peer"] * 1e3,
           f"vs_{name}_speedup": t["peer"] / t["zoo"]}
    if memory:
        zoo_mb, peer_mb = peak_mb(ours, device), peak_mb(theirs, device)
        out.update({f"{name}_zoo_mb": zoo_mb, f"{name}_peer_mb": peer_mb,
                    f"vs_{name}_memory_ratio": zoo_mb / peer_mb if peer_mb > 0 else float("nan")})
    return out


def trade_off(name: str, ours: dict[str, Step], theirs: Step, device: str = "cpu", repeat: int = 10,
              warmup: int = 2) -> tuple[dict[str, float], str]:
    """Several settings of zoo against one peer step: all timed in one alternation, each one's peak memory.

    ``ours`` is ordered from the most memory-hungry setting to the leanest (e.g. tasks at once, then smaller
    chunks). The headline keys of :func:`side_by_side` (``<name>_zoo_ms``, ``vs_<name>_speedup``,
    ``vs_<name>_memory_ratio``, ...) all come from one setting, the one a user matching the peer's memory picks:
    the first whose peak is at most the peer's, else the one of least memory. Every setting also gets
    ``<name>_zoo_<setting>_ms`` and ``<name>_zoo_<setting>_mb``. Returns the numbers and the headline setting."""
    t = interleaved({**{k: synchronized(f, device) for k, f in ours.items()}, "peer": synchronized(theirs, device)},
                    repeat=repeat, warmup=warmup)
    peer_mb = peak_mb(theirs, device)
    mb = {k: peak_mb(f, device) for k, f in ours.items()}
    pick = next((k for k in ours if mb[k] <= peer_mb), min(mb, key=mb.get))
    out = {f"{name}_zoo_ms": t[pick] * 1e3, f"{name}_peer_ms": t["peer"] * 1e3,
           f"vs_{name}_speedup": t["peer"] / t[pick], f"{name}_zoo_mb": mb[pick], f"{name}_peer_mb": peer_mb,
           f"vs_{name}_memory_ratio": mb[pick] / peer_mb if peer_mb > 0 else float("nan")}
    for k in ours:
        out.update({f"{name}_zoo_{k}_ms": t[k] * 1e3, f"{name}_zoo_{k}_mb": mb[k]})
    return out, pick


def assert_same(got: torch.Tensor | list, want: torch.Tensor | list, what: str, rtol: float = 1e-4,
                atol: float = 1e-5) -> None:
    """Zoo's and the peer's results agree (tensors or lists of tensors); raises naming ``what`` otherwise."""
    pairs = zip(got, want) if isinstance(got, (list, tuple)) else [(got, want)]
    for i, (a, b) in enumerate(pairs):
        torch.testing.assert_close(a, b, rtol=rtol, atol=atol, msg=lambda m: f"{what} [{i}]: {m}")


def backward_step(params: list[torch.Tensor], out: Callable[[], torch.Tensor]) -> Step:
    """One forward+backward of ``out()`` with the mean square as the loss, gradients cleared first."""
    def run() -> None:
        zero_grads(params)
        out().square().mean().backward()
    return run


def zero_grads(params: list[torch.Tensor]) -> None:
    """Clears gradients the same way on both sides (not ``Module.zero_grad``'s walk)."""
    for p in params:
        p.grad = None
