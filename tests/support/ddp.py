"""Run a spec's training in several CPU processes (gloo) and collect what every rank ends with.

:func:`run_ranks` spawns the processes with ``torch.multiprocessing``; each joins the process group,
trains with the ordinary loop and writes ``rank<r>.safetensors`` (its final trained state) into
``out_dir``. Each also checks the loop's gradient averaging against PyTorch's own
``DistributedDataParallel`` on one batch and writes both gradients (``ours.*`` and ``ddp.*``). The ranks meet
through a file in ``out_dir`` (``file://`` rendezvous), not a TCP port picked in advance, which another process
could take between the pick and the bind.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch


def _gradients(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}


def _ddp_check(spec, rank: int, world: int) -> dict[str, torch.Tensor]:
    """Gradients of one sharded batch: averaged by zoo's all-reduce and by DistributedDataParallel."""
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel

    from zoo.compiler import compile_spec
    from zoo.envs import make_env
    from zoo.train import distributed as dist

    torch.manual_seed(0)
    ours, theirs = compile_spec(spec), compile_spec(spec)
    theirs.load_state_dict(ours.state_dict())
    train = make_env(spec.data, 0).splits["train"]
    idx = torch.randint(0, train["x"].shape[0], (spec.train.batch,), generator=torch.Generator().manual_seed(1))
    batch = dist.shard({k: v[idx] for k, v in train.items()}, rank, world)
    F.mse_loss(ours(x=batch["x"])["y"], batch["target"]).backward()
    dist.average_gradients(ours.parameters(), world)
    ddp = DistributedDataParallel(theirs)
    F.mse_loss(ddp(x=batch["x"])["y"], batch["target"]).backward()
    return {**{f"ours.{k}": v for k, v in _gradients(ours).items()},
            **{f"ddp.{k}": v for k, v in _gradients(theirs).items()}}


def _worker(rank: int, world: int, rendezvous: str, spec_doc: dict[str, Any], out_dir: str) -> None:
    import torch.distributed as td
    from safetensors.torch import save_file

    from zoo.schema import validate
    from zoo.train.loop import Trainer

    torch.set_num_threads(1)
    td.init_process_group("gloo", init_method=Path(rendezvous).as_uri(), rank=rank, world_size=world)
    try:
        spec = validate(spec_doc)
        out = Path(out_dir)
        trainer = Trainer(spec, out / f"run-asked-by-rank{rank}", torch.device("cpu"), False)
        result = trainer.run()
        state = {f"state.{k}": v for k, v in trainer.state_dict().items()}
        save_file({**state, **_ddp_check(spec, rank, world)}, str(out / f"rank{rank}.safetensors"),
                  metadata={"run_dir": str(result.run_dir), "rank": str(result.rank)})
        td.barrier()
    finally:
        td.destroy_process_group()


def run_ranks(spec_doc: dict[str, Any], world: int, out_dir: Path, timeout: float = 300) -> list[dict[str, torch.Tensor]]:
    """Train ``spec_doc`` in ``world`` CPU processes; every rank's final state and gradient check.

    Raises:
        RuntimeError: a worker failed or the processes did not finish within ``timeout`` seconds.
    """
    import torch.multiprocessing as mp
    from safetensors.torch import load_file

    out_dir.mkdir(parents=True, exist_ok=True)
    doc = json.loads(json.dumps(spec_doc))
    rendezvous = (out_dir / "rendezvous").resolve()
    rendezvous.unlink(missing_ok=True)
    ctx = mp.start_processes(_worker, args=(world, str(rendezvous), doc, str(out_dir)), nprocs=world,
                             join=False, start_method="spawn")
    deadline = time.monotonic() + timeout
    while not ctx.join(timeout=1):
        if time.monotonic() > deadline:
            for p in ctx.processes:
                p.kill()
            raise RuntimeError(f"the {world} processes did not finish in {timeout} s")
    return [load_file(str(out_dir / f"rank{r}.safetensors")) for r in range(world)]
