"""``supervised``: fit one model output to the environment's targets (MSE or cross-entropy).

The environment provides ``splits``: ``{"train": {...}, "<test split>": {...}}``, each a dict of
tensors sharing their first (sample) axis, holding the model's inputs by name and ``target``.
Cross-entropy targets may be -100 where nothing is to be predicted (e.g. the copying task's blanks).
Metrics per test split: the loss, and for classification the accuracy and error rate over scored
positions. An environment may add metrics with ``extra_metrics(model, device)``. When the model has
an ``active`` output (RIMs), the plot of active cells over time is written after training.
``train.fraction`` trains on the first part of the training split only (a random part where the
environment's split is drawn at random), and ``train.pretrained`` starts from saved weights.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from zoo.errors import SpecError
from zoo.metrics.activity import plot_active_cells
from zoo.train.procedure import Procedure, fraction_kept
from zoo.train.start_weights import load_weights

IGNORE = -100
EVAL_CHUNK = 256


def first_part(split: dict[str, torch.Tensor], fraction: float) -> dict[str, torch.Tensor]:
    """The first ``ceil(fraction * N)`` examples of ``split`` (at least one): ``train.fraction``."""
    n = next(iter(split.values())).shape[0]
    keep = fraction_kept(n, fraction)
    return split if keep >= n else {k: v[:keep] for k, v in split.items()}


class SupervisedProcedure(Procedure):
    """Minimise the loss between ``model(**inputs)[train.output]`` and ``target``."""

    @classmethod
    def required_outputs(cls, spec) -> tuple[str, ...]:  # noqa: D102 - the output compared with the target
        return (spec.train.output,)

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)
        self.inputs = list(model.input_types)
        provided = env.splits["train"]
        missing = [k for k in self.inputs if k not in provided or k == "target"]
        if missing:
            raise SpecError(f"model inputs {missing} are not in the {spec.data.kind!r} data, which provides "
                            f"{sorted(set(provided) - {'target'})}; name the inputs after them", ("model",))
        self.train_split = first_part(provided, spec.train.fraction)
        if spec.train.pretrained:
            load_weights(model, spec.train.pretrained)
        first_test = next((k for k in env.splits if k != "train"), "test")  # e.g. test_14: the training size
        self.key_metric = f"{first_test}_{'acc' if spec.train.loss == 'cross_entropy' else 'loss'}"

    def batch(self, step, generator):
        train = self.train_split
        n = next(iter(train.values())).shape[0]
        idx = torch.randint(0, n, (self.spec.train.batch,), generator=generator)
        return {k: v[idx].to(self.device) for k, v in train.items()}

    def _sums(self, batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(summed loss, scored count, correct count) of a batch."""
        out = self.model(**{k: batch[k] for k in self.inputs})[self.spec.train.output]
        target = batch["target"]
        if self.spec.train.loss == "mse":
            return F.mse_loss(out, target, reduction="sum"), torch.tensor(float(target.numel())), torch.tensor(0.0)
        logits, labels = out.reshape(-1, out.shape[-1]), target.reshape(-1)
        scored = labels != IGNORE
        loss = F.cross_entropy(logits, labels, ignore_index=IGNORE, reduction="sum")
        correct = ((logits.argmax(-1) == labels) & scored).sum()
        return loss, scored.sum(), correct

    def loss(self, batch, step):
        total, count, correct = self._sums(batch)
        count = count.clamp_min(1)
        logs = {"acc": (correct / count).item()} if self.spec.train.loss == "cross_entropy" else {}
        return total / count, logs

    @torch.no_grad()
    def evaluate(self):
        metrics = {}
        for name, split in self.env.splits.items():
            if name == "train":
                continue
            n = next(iter(split.values())).shape[0]
            sums = torch.zeros(3)
            for lo in range(0, n, EVAL_CHUNK):
                chunk = {k: v[lo : lo + EVAL_CHUNK].to(self.device) for k, v in split.items()}
                sums += torch.stack([s.float().cpu() for s in self._sums(chunk)])
            loss, count, correct = sums.tolist()
            metrics[f"{name}_loss"] = loss / max(count, 1)
            if self.spec.train.loss == "cross_entropy":
                metrics[f"{name}_acc"] = correct / max(count, 1)
                metrics[f"{name}_error"] = 1 - correct / max(count, 1)
        extra = getattr(self.env, "extra_metrics", None)
        if extra is not None:
            metrics.update(extra(self.model, self.device))
        return metrics

    def artifacts(self, run_dir: Path, metrics):
        if "active" not in getattr(self.model, "output_types", {}):
            return {}

        name = next(k for k in self.env.splits if k != "train")
        split = self.env.splits[name]
        with torch.no_grad():
            self.model.eval()
            active = self.model(**{k: split[k][:1].to(self.device) for k in self.inputs})["active"][0]
        tokens = split["x"][0] if split["x"].dtype == torch.long else None
        plot_active_cells(active.cpu(), run_dir / "plots" / "active_cells.png", tokens=tokens,
                          title=f"{self.spec.name}: active cells over time ({name}, first example)")
        return {"active_fraction": active.float().mean().item()}
