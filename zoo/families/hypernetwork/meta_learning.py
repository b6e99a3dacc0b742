"""``meta``: meta-learning over tasks (hypernetworks, ANIL, MAML), see :class:`~zoo.schema.train.MetaTrain`.

Each step draws ``train.batch`` tasks from the environment, adapts the ``train.adapt`` parameters of
every task on its support shots (:class:`~zoo.families.hypernetwork.adapt.InnerLoop`, vmapped over tasks) and returns
the mean query loss of the adapted models; the loop's optimiser then updates every parameter (the
shared ones and the adapted ones' initialisation). The environment provides ``sample(split, tasks,
generator)`` (see :mod:`zoo.families.hypernetwork.hyperteacher`) and ``classification``.

Evaluation adapts on fixed in-distribution (``test``) and OOD tasks and reports loss, accuracy,
module decoding R^2 and, for a linear hypernetwork, template alignment with the teacher.
"""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.errors import Issue
from zoo.families.hypernetwork.adapt import InnerLoop, accuracy, expand, kl_loss, mse_loss, select
from zoo.train.procedure import Procedure
from zoo.families.hypernetwork import meta_report

EVAL_SPLITS = ("test", "ood")
EVAL_CHUNK = 64  # tasks adapted at once during evaluation


class MetaProcedure(Procedure):
    """Inner loop on support shots, outer loss on query shots."""

    @classmethod
    def required_outputs(cls, spec) -> tuple[str, ...]:  # noqa: D102 - the output compared with the targets
        return (spec.train.output,)

    @classmethod
    def model_issues(cls, spec, inputs, outputs, parameters) -> list[Issue]:
        """The base checks, one input and output of the data's widths, and ``adapt`` entries that match."""
        issues = super().model_issues(spec, inputs, outputs, parameters)
        if parameters is not None:
            unused = select(list(parameters), spec.train.adapt)[1]
            issues += [Issue(("train", "adapt", i), f"{spec.train.adapt[i]!r} matches no parameter; the model has "
                                                    f"{', '.join(parameters)}") for i in unused]
        return issues + _width_issues(spec, inputs, outputs)

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)
        cfg = spec.train
        self.classification = bool(getattr(env, "classification", True))
        self.key_metric = "ood_acc" if self.classification else "ood_loss"  # unseen combinations
        self.loss_fn = kl_loss if self.classification else mse_loss
        chosen = select([n for n, _ in model.named_parameters()], cfg.adapt)[0]
        self.inner = InnerLoop(model, chosen, next(iter(model.input_types)), cfg.output, self.loss_fn,
                               cfg.inner.optimizer, cfg.inner.lr, cfg.inner.weight_decay)

    def batch(self, step, generator):
        data = self.env.sample("train", self.spec.train.batch, generator)
        return {k: v.to(self.device) for k, v in data.items()}

    def run_tasks(self, batch, steps: int, first_order: bool):
        """Adapt on the support shots of every task; returns (query loss (T,), query outputs, fast)."""
        fast0, slow = self.inner.split()
        tasks = batch["x_support"].shape[0]
        batched = tasks > 1  # one task (a chunk of one) runs without a task axis: the same math, without vmap
        data = batch if batched else {k: batch[k][0] for k in ("x_support", "y_support", "x_query", "y_query")}
        fast = self.inner.adapt(expand(fast0, tasks) if batched else fast0, slow, data["x_support"],
                                data["y_support"], steps, first_order, batched)
        out = self.inner.predict_tasks(fast, slow, data["x_query"], batched)  # (T, Q, out)
        losses = self.inner.task_losses(out, data["y_query"], batched)
        if batched:
            return losses, out, fast
        return losses[None], out[None], {k: v[None] for k, v in fast.items()}

    def loss(self, batch, step):
        cfg = self.spec.train
        losses, out, _ = self.run_tasks(batch, cfg.inner.steps, cfg.first_order)
        logs = {"acc": accuracy(out, batch["y_query"]).item()} if self.classification else {}
        return losses.mean(), logs

    def backward(self, batch, step, forward):
        """With ``train.task_chunk``, the tasks run chunk by chunk (each chunk batched): a chunk's summed query
        losses over the batch's task count are back-propagated before the next chunk runs, so the gradients add
        up to those of the mean over every task and only one chunk's graph is alive at a time."""
        chunk, tasks = self.spec.train.task_chunk, batch["x_support"].shape[0]
        if chunk is None or chunk >= tasks:
            return super().backward(batch, step, forward)
        total, hits = torch.zeros((), device=self.device), torch.zeros((), device=self.device)
        for start in range(0, tasks, chunk):
            loss, acc = self._chunk_backward({k: v[start:start + chunk] for k, v in batch.items()}, tasks, forward)
            total += loss
            hits += acc
        return total, ({"acc": hits.item()} if self.classification else {})

    def _chunk_backward(self, part, tasks: int, forward) -> tuple[torch.Tensor, torch.Tensor]:
        """Back-propagates one chunk's share of the mean query loss over ``tasks``; returns that share and the
        chunk's share of the accuracy (its adapted weights and outputs are freed on return, before the next)."""
        cfg = self.spec.train
        with forward():
            losses, out, _ = self.run_tasks(part, cfg.inner.steps, cfg.first_order)
            loss = losses.sum() / tasks
        loss.backward()
        return loss.detach(), accuracy(out.detach(), part["y_query"]) * (losses.shape[0] / tasks)

    @torch.no_grad()
    def evaluate(self):
        cfg = self.spec.train
        steps = cfg.inner.steps if cfg.eval_steps is None else cfg.eval_steps
        gen = torch.Generator().manual_seed(cfg.seed + 7919)  # the same tasks at every evaluation
        metrics, adapted = {}, {}
        for split in (s for s in EVAL_SPLITS if s in self.env.tasks):  # a task file may have no OOD tasks
            losses, accs, fasts, embeddings = [], [], [], []
            for start in range(0, cfg.eval_tasks, EVAL_CHUNK):
                n = min(EVAL_CHUNK, cfg.eval_tasks - start)
                batch = {k: v.to(self.device) for k, v in self.env.sample(split, n, gen).items()}
                loss, out, fast = self.run_tasks(batch, steps, first_order=True)
                losses.append(loss)
                accs.append((out.argmax(-1) == batch["y_query"].argmax(-1)).float().mean(-1))
                fasts.append(fast)
                embeddings.append(batch["embedding"])
            metrics[f"{split}_loss"] = torch.cat(losses).mean().item()
            if self.classification:
                metrics[f"{split}_acc"] = torch.cat(accs).mean().item()
            adapted[split] = ({k: torch.cat([f[k] for f in fasts]) for k in fasts[0]}, torch.cat(embeddings))
        metrics.update(meta_report.analysis(self, adapted))
        return metrics

    def artifacts(self, run_dir: Path, metrics):
        """``plots/eval.png`` with the chance line (1 / classes) for classification."""
        chance = 1.0 / self.model.output_types[self.spec.train.output].shape[-1] if self.classification else None
        meta_report.plot_eval(run_dir, self.spec.name, self.classification, chance=chance)
        return {}


def _width_issues(spec, inputs, outputs) -> list[Issue]:
    """The model must read the data's inputs and predict its outputs."""
    data = spec.data
    want_in, want_out = getattr(data, "input", None), getattr(data, "output", None)
    issues = []
    if len(inputs) != 1:
        return [Issue(("model",), f"meta-learning needs a model with one input, got {sorted(inputs)}")]
    if spec.train.output not in outputs:
        return []  # reported by the base check
    t_in = next(iter(inputs.values()))
    t_out = outputs[spec.train.output]
    if want_in is not None and t_in.shape[-1:] != (want_in,):
        issues.append(Issue(("model",), f"the model's input is {t_in} but the data's inputs have width {want_in}"))
    if want_out is not None and t_out.shape[-1:] != (want_out,):
        issues.append(Issue(("train", "output"), f"output {spec.train.output!r} is {t_out} but the data's targets have width {want_out}"))
    return issues
