"""Per-task adaptation of a named subset of parameters, batched over tasks with ``torch.func``.

The model is run functionally (``torch.func.functional_call``) with the shared ("slow") parameters
and one copy of the adapted ("fast") parameters per task; ``torch.func.vmap`` runs all tasks of a
meta-batch at once (no Python loop over tasks). Each task's fast copy only affects its own loss, so
the gradient of the summed support losses with respect to the stacked copies (T, ...) is every
task's own gradient; it is taken with ``torch.autograd.grad`` (about twice as fast on CPU as
``vmap(torch.func.grad(...))``, and identical). Gradients flow from the adapted parameters back to
the slow parameters and to the fast parameters' initialisation through every inner step (second
order, ``create_graph``), unless ``first_order`` detaches the inner gradients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn
from torch.func import functional_call, vmap

Params = dict[str, torch.Tensor]
EPS_ROOT = 1e-8  # inside the square root, so that differentiating through Adam stays finite


def kl_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """KL(target || softmax(out)) averaged over shots: out, target (N, C) -> ()."""
    log_q = torch.log_softmax(out, dim=-1)
    return (torch.xlogy(target, target) - target * log_q).sum(-1).mean()


def mse_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error: (N, C), (N, C) -> ()."""
    return ((out - target) ** 2).mean()


def accuracy(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Argmax agreement with the target's argmax over the last axis, averaged over the rest."""
    return (out.argmax(-1) == target.argmax(-1)).float().mean()


@dataclass
class InnerLoop:
    """Adapts ``names`` of ``model`` per task.

    Attributes:
        model: the compiled model; called as ``model(**{input: x})[output]``.
        names: the adapted parameter names.
        input / output: the model's input and output names.
        loss_fn: (N, C) prediction, (N, C) target -> scalar.
        optimizer: "adamw" or "sgd".
        lr / weight_decay: inner-loop step size and decay.
    """

    model: nn.Module
    names: list[str]
    input: str
    output: str
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    optimizer: str = "adamw"
    lr: float = 0.3
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        # Whether a parameter is registered under two names. Only then must functional_call look for such
        # aliases on every call (about a third of its time, walking every module); all parameters are passed.
        self.tied = len(list(self.model.named_parameters(remove_duplicate=False))) != len(
            list(self.model.named_parameters()))

    def split(self) -> tuple[Params, Params]:
        """The model's (fast, slow) parameters as live tensors (autograd reaches the model)."""
        params = dict(self.model.named_parameters())
        fast = {n: params[n] for n in self.names}
        slow = {n: p for n, p in params.items() if n not in fast}
        return fast, slow

    def predict(self, fast: Params, slow: Params, x: torch.Tensor) -> torch.Tensor:
        """One task: fast params (unbatched), x (N, in) -> (N, out)."""
        return functional_call(self.model, {**slow, **fast}, args=(), kwargs={self.input: x},
                               tie_weights=self.tied)[self.output]

    def task_loss(self, fast: Params, slow: Params, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """One task's loss on (x, y)."""
        return self.loss_fn(self.predict(fast, slow, x), y)

    def predict_tasks(self, fast: Params, slow: Params, x: torch.Tensor, batched: bool = True) -> torch.Tensor:
        """All tasks: fast params (T, ...), x (T, N, in) -> (T, N, out); not ``batched``: one task without a
        task axis, fast params (...), x (N, in) -> (N, out)."""
        return vmap(self.predict, in_dims=(0, None, 0))(fast, slow, x) if batched else self.predict(fast, slow, x)

    def task_losses(self, out: torch.Tensor, y: torch.Tensor, batched: bool = True) -> torch.Tensor:
        """Every task's loss: (T, N, out), (T, N, out) -> (T,); not ``batched``: one task's, (N, out) -> ()."""
        return vmap(self.loss_fn)(out, y) if batched else self.loss_fn(out, y)

    def adapt(self, fast: Params, slow: Params, x: torch.Tensor, y: torch.Tensor, steps: int,
              first_order: bool = False, batched: bool = True) -> Params:
        """``steps`` inner steps on the support shots of every task.

        Args:
            fast: initial fast parameters, each (T, ...) (one copy per task).
            slow: shared parameters.
            x, y: support shots (T, S, in) and targets (T, S, out).
            steps: number of inner steps.
            first_order: detach the inner gradients (no second-order terms).
            batched: False for one task without a task axis (fast (...), x (S, in), y (S, out)): the same
                steps without vmap's batching rules, which made one task's second-order step of
                maml-connected about 1.7 times slower on CPU.

        Returns:
            The adapted fast parameters, each (T, ...).
        """
        moments = self.optimizer != "sgd"  # Adam's first and second moments; plain SGD keeps none
        m = {k: torch.zeros_like(v) for k, v in fast.items()} if moments else {}
        v2 = {k: torch.zeros_like(v) for k, v in fast.items()} if moments else {}
        with torch.enable_grad():
            if not any(p.requires_grad for p in fast.values()):  # evaluation: nothing to reach outside
                fast = {k: p.detach().requires_grad_() for k, p in fast.items()}
            for t in range(1, steps + 1):
                g = self.support_grad(fast, slow, x, y, create_graph=not first_order, batched=batched)
                fast, m, v2 = self._step(fast, g, m, v2, t)
        return fast

    def support_grad(self, fast: Params, slow: Params, x: torch.Tensor, y: torch.Tensor,
                     create_graph: bool, batched: bool = True) -> Params:
        """Every task's support-loss gradient with respect to its own fast parameters, (T, ...) each."""
        loss = self.task_losses(self.predict_tasks(fast, slow, x, batched), y, batched)
        loss = loss.sum() if batched else loss  # one task's loss is already a scalar
        names = list(fast)
        grads = torch.autograd.grad(loss, [fast[k] for k in names], create_graph=create_graph, allow_unused=True)
        return {k: torch.zeros_like(fast[k]) if d is None else d for k, d in zip(names, grads)}

    def _step(self, fast: Params, g: Params, m: Params, v: Params, t: int) -> tuple[Params, Params, Params]:
        """One SGD or Adam(W) step on every fast parameter."""
        if self.optimizer == "sgd":  # no decay term at weight_decay 0: a product and a sum less per parameter
            decayed = g if not self.weight_decay else {k: g[k] + self.weight_decay * p for k, p in fast.items()}
            return {k: torch.add(p, decayed[k], alpha=-self.lr) for k, p in fast.items()}, m, v  # p - lr * g, one op
        m = {k: 0.9 * m[k] + 0.1 * g[k] for k in fast}
        v = {k: 0.999 * v[k] + 0.001 * g[k] ** 2 for k in fast}
        return {k: self._adam(p, m[k], v[k], t) for k, p in fast.items()}, m, v

    def _adam(self, p: torch.Tensor, m: torch.Tensor, v: torch.Tensor, t: int) -> torch.Tensor:
        m_hat = m / (1 - 0.9**t)
        v_hat = v / (1 - 0.999**t)
        return p - self.lr * (m_hat / torch.sqrt(v_hat + EPS_ROOT) + self.weight_decay * p)


def expand(params: Params, tasks: int) -> Params:
    """One copy of every parameter per task: (...) -> (T, ...), still attached to the originals."""
    return {k: p.unsqueeze(0).expand(tasks, *p.shape) for k, p in params.items()}


def select(names: list[str], prefixes: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """The names matching any prefix (``p`` itself or ``p.*``), and the indices of prefixes matching none."""
    chosen = [n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)]
    unused = [i for i, p in enumerate(prefixes) if not any(n == p or n.startswith(p + ".") for n in names)]
    return chosen, unused
