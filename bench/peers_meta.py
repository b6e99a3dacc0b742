"""zoo's MAML and ANIL meta-step vs ``learn2learn`` (and MAML vs ``higher``): same MLP, same task batch,
second order; one meta-step = the inner loops of every task and the backward of the mean query loss.

The math is the same on every side: the catalogue specs maml-connected and anil-connected (MLP 16 -> 64
-> 64 -> 8, ReLU; KL loss on soft targets; 10 plain SGD inner steps, lr 0.3 for MAML on every weight, lr 1.0
for ANIL on the head only; 32 tasks of 128 support and 128 query shots). zoo runs the training loop's
backward (``MetaProcedure.backward``) at every ``train.task_chunk`` of :data:`CHUNKS`: all tasks at once
(``vmap`` over the tasks, :mod:`zoo.families.hypernetwork.adapt`) down to one task at a time, each chunk
back-propagated before the next; :func:`peers.trade_off` says which setting the headline keys report. The
peers adapt one task after another, as their
examples do: ``learn2learn``'s ``MAML.clone()`` + ``adapt()`` per task, ``higher``'s ``innerloop_ctx`` per
task, each task's query loss back-propagated before the next task (their memory-saving order). For ANIL
the peer's body runs once on all tasks' shots (learn2learn's ANIL example) and only its head is adapted;
zoo's functional inner loop re-runs the body at every inner step, extra work zoo pays. The meta-gradients
of every weight are checked equal before timing.
"""

from __future__ import annotations

import contextlib
import warnings

import torch
from torch import nn

import peers
from zoo import compile_spec
from zoo.envs import make_env
from zoo.schema import load_spec
from zoo.families.hypernetwork.adapt import kl_loss
from zoo.train.procedures import make_procedure

QUICK = ["train.batch=2", "data.support_shots=8", "data.query_shots=8", "train.inner.steps=2"]
# train.task_chunk settings measured, most memory first (None: all 32 tasks at once, today's default)
CHUNKS = (None, 16, 8, 4, 2, 1)
QUICK_CHUNKS = (None, 1)


def zoo_side(spec_name: str, quick: bool, device: str, chunks: tuple[int | None, ...] = (None,)):
    """The catalogue spec's meta procedure, one task batch, and its meta-step (the training loop's backward)
    at each ``train.task_chunk`` of ``chunks`` (None: every task at once), on one model."""
    spec = load_spec(spec_name, QUICK if quick else [])
    torch.manual_seed(0)
    model = compile_spec(spec).to(device)
    batch = make_procedure(spec, model, make_env(spec.data, 0), device).batch(0, torch.Generator().manual_seed(1))
    params = list(model.parameters())

    def meta_step(chunk: int | None) -> peers.Step:
        chunked = spec.model_copy(update={"train": spec.train.model_copy(update={"task_chunk": chunk})})
        proc = make_procedure(chunked, model, make_env(spec.data, 0), device)

        def step() -> None:
            peers.zero_grads(params)
            proc.backward(batch, 0, contextlib.nullcontext)
        return step
    return spec, model, batch, {chunk: meta_step(chunk) for chunk in chunks}


def same_mlp(model: nn.Module) -> nn.Sequential:
    """An ``nn.Sequential`` holding a copy of the compiled model's weights (body layers, then head)."""
    net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 8))
    with torch.no_grad():
        for mine, theirs in zip(net.parameters(), model.parameters()):  # the same order and shapes
            mine.copy_(theirs)
    return net.to(next(model.parameters()).device)


def check_grads(model: nn.Module, net: nn.Module, ours: peers.Step, theirs: peers.Step, what: str) -> None:
    """One meta-step on each side: the meta-gradients of every weight agree."""
    ours(), theirs()
    peers.assert_same([p.grad for p in model.parameters()], [p.grad for p in net.parameters()], what,
                      rtol=1e-3, atol=1e-5)


def learn2learn_maml(l2l, net: nn.Sequential, batch: dict, lr: float, steps: int) -> peers.Step:
    """learn2learn's MAML, one task at a time (clone, adapt, query loss backward)."""
    maml = l2l.MAML(net, lr=lr, first_order=False)
    params = list(net.parameters())
    tasks = batch["x_support"].shape[0]

    def step() -> None:
        peers.zero_grads(params)
        for t in range(tasks):
            learner = maml.clone()
            for _ in range(steps):
                learner.adapt(kl_loss(learner(batch["x_support"][t]), batch["y_support"][t]))
            (kl_loss(learner(batch["x_query"][t]), batch["y_query"][t]) / tasks).backward()
    return step


def learn2learn_anil(l2l, net: nn.Sequential, batch: dict, lr: float, steps: int) -> peers.Step:
    """learn2learn's ANIL: the body once on every task's shots, a MAML-wrapped head adapted per task."""
    body, head = net[:4], l2l.MAML(net[4], lr=lr, first_order=False)
    params = list(net.parameters())
    tasks = batch["x_support"].shape[0]

    def step() -> None:
        peers.zero_grads(params)
        support, query = body(batch["x_support"]), body(batch["x_query"])  # (T, S, 64), (T, Q, 64)
        total = 0.0
        for t in range(tasks):
            learner = head.clone()
            for _ in range(steps):
                learner.adapt(kl_loss(learner(support[t]), batch["y_support"][t]))
            total = total + kl_loss(learner(query[t]), batch["y_query"][t]) / tasks
        total.backward()  # the body's graph is shared by every task: one backward
    return step


def higher_maml(higher, net: nn.Sequential, batch: dict, lr: float, steps: int) -> peers.Step:
    """higher's differentiable SGD on a functional copy of the network, one task at a time."""
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    params = list(net.parameters())
    tasks = batch["x_support"].shape[0]

    def step() -> None:
        peers.zero_grads(params)
        for t in range(tasks):
            with higher.innerloop_ctx(net, opt, copy_initial_weights=False) as (fnet, diffopt):
                for _ in range(steps):
                    diffopt.step(kl_loss(fnet(batch["x_support"][t]), batch["y_support"][t]))
                (kl_loss(fnet(batch["x_query"][t]), batch["y_query"][t]) / tasks).backward()
    return step


def setting(chunk: int | None, tasks: int) -> str:
    """A setting's name in the result keys: ``all`` (every task at once) or ``chunk<K>``."""
    return "all" if chunk is None or chunk >= tasks else f"chunk{chunk}"


def compare(quick: bool = False, device: str = "cpu") -> tuple[dict[str, float], list[str]]:
    """MAML and ANIL against every peer that imports (zoo at every chunk size of :data:`CHUNKS`, see
    :func:`peers.trade_off` for the headline setting); notes for the peers that do not."""
    out: dict[str, float] = {}
    notes: list[str] = []
    repeat = 2 if quick else 5
    peers_found = {}
    for name, loader in (("learn2learn", peers.load_learn2learn), ("higher", lambda: peers.load("higher", "higher"))):
        try:
            peers_found[name] = loader()
        except peers.PeerMissing as e:
            notes.append(f"skipped {name}: {e}")
    cases = [("learn2learn_maml", "maml-connected", "learn2learn", learn2learn_maml),
             ("learn2learn_anil", "anil-connected", "learn2learn", learn2learn_anil),
             ("higher_maml", "maml-connected", "higher", higher_maml)]
    for key, spec_name, lib, build in cases:
        if lib not in peers_found:
            continue
        spec, model, batch, ours = zoo_side(spec_name, quick, device, QUICK_CHUNKS if quick else CHUNKS)
        net = same_mlp(model)
        theirs = build(peers_found[lib], net, batch, spec.train.inner.lr, spec.train.inner.steps)
        with warnings.catch_warnings():  # learn2learn reads .grad of the non-leaf adapted weights
            warnings.filterwarnings("ignore", message="The .grad attribute of a Tensor that is not a leaf")
            for step in ours.values():
                check_grads(model, net, step, theirs, f"{key} meta-gradients")
            tasks = spec.train.batch
            more, pick = peers.trade_off(key, {setting(c, tasks): s for c, s in ours.items()}, theirs, device,
                                         repeat=repeat)
        out.update(more)
        out[f"{key}_zoo_task_chunk"] = float(tasks if pick == "all" else int(pick[len("chunk"):]))
    return out, notes
