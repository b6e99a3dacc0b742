"""The procedure strategy: how a family turns data into a loss and a trained model into metrics.

The loop (:mod:`zoo.train.loop`) owns optimisation, logging, checkpoints and devices; a procedure
owns everything specific to a family. Subclass :class:`Procedure` and add it to
``zoo.train.procedures.PROCEDURES``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterable, Mapping, Sequence

import torch
from torch import nn

from zoo.errors import Issue, SpecError


def fraction_kept(total: int, fraction: float) -> int:
    """How many of ``total`` training examples ``train.fraction`` keeps: the first ``ceil(fraction * total)``, at
    least one. Every procedure with a ``fraction`` keeps the same count."""
    return max(1, math.ceil(fraction * total))


class Procedure:
    """Base class of the training procedures.

    Attributes:
        spec: the model spec (``spec.train`` holds this procedure's fields).
        model: the compiled model (already on ``device``).
        env: the environment built from ``spec.data``.
        device: where tensors go.
        key_metric: the family's key evaluation metric (a key of :meth:`evaluate`'s result): shown beside
            the loss in the progress bar after each evaluation, and first in each evaluation line.
        needs: model outputs this procedure reads (checked before training, see :meth:`model_issues`).
    """

    key_metric: str = "loss"
    needs: tuple[str, ...] = ()

    def __init__(self, spec, model: nn.Module, env: Any, device: torch.device):
        self.spec, self.model, self.env, self.device = spec, model, env, device
        names = [n for n, _ in model.named_parameters()]
        issues = self.model_issues(spec, getattr(model, "input_types", {}), getattr(model, "output_types", {}), names)
        if issues:
            raise SpecError(issues)
        check_model = getattr(env, "check_model", None)  # data read from files: does the model fit them?
        if check_model is not None:
            check_model(spec, model)

    @classmethod
    def required_outputs(cls, spec) -> tuple[str, ...]:
        """The model outputs this procedure reads (default: :attr:`needs`)."""
        return cls.needs

    @classmethod
    def model_issues(cls, spec, inputs: Mapping[str, Any], outputs: Mapping[str, Any],
                     parameters: Sequence[str] | None) -> list[Issue]:
        """Every problem of a model for this procedure, from its input and output types and parameter
        names (None: unknown). ``zoo validate`` asks the same of the typed graph, before anything is built.
        """
        missing = [o for o in cls.required_outputs(spec) if o not in outputs]
        if not missing:
            return []
        return [Issue(("train", "procedure"), f"procedure {spec.train.procedure!r} needs model outputs {missing}; "
                                              f"the model has {sorted(outputs)}")]

    def modules(self) -> dict[str, nn.Module]:
        """Every module whose state is trained and checkpointed (default: just the model)."""
        return {"model": self.model}

    def parameters(self) -> Iterable[nn.Parameter]:
        """The parameters the optimiser updates (frozen ones are skipped by the loop)."""
        for m in self.modules().values():
            yield from m.parameters()

    def batch(self, step: int, generator: torch.Generator) -> Any:
        """The training batch of ``step``, drawn with ``generator`` (for bit-exact resumption)."""
        raise NotImplementedError

    def loss(self, batch: Any, step: int) -> tuple[torch.Tensor, dict[str, float]]:
        """The scalar loss of a batch and metrics to log with it."""
        raise NotImplementedError

    def backward(self, batch: Any, step: int,
                 forward: Callable[[], ContextManager]) -> tuple[torch.Tensor, dict[str, float]]:
        """Back-propagates one batch: its gradients are accumulated into the parameters' ``.grad``; returns the
        loss (detached) and the metrics to log. The default runs :meth:`loss` under the context ``forward()``
        (the loop's autocast) and one backward; a procedure that back-propagates its batch in parts, to bound
        memory, overrides this."""
        with forward():
            loss, logs = self.loss(batch, step)
        loss.backward()
        return loss.detach(), logs

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Metrics of the current model (called periodically and at the end)."""
        return {}

    def warnings(self, metrics: dict[str, float]) -> list[str]:
        """Lines to print with an evaluation whose ``metrics`` show a failure that looks like success."""
        return []

    def artifacts(self, run_dir: Path, metrics: dict[str, float]) -> dict[str, Any]:
        """Write plots and exports into ``run_dir`` after training; returns extra summary entries."""
        return {}
