"""The hyperteacher: a modular teacher network whose weights a task embedding generates.

Layer l of the teacher maps ``h -> h W_l / sqrt(fan_in)`` (ReLU between layers, no biases). For a
generated layer, ``W_l = sum_k e_{l,k} Phi_{l,k}`` with ground-truth templates Phi (E, a, b) and the
task's k-hot row e_l; the other layers are fixed. Outputs are z-scored per task over ``reference``
fixed inputs; classification targets are ``softmax(y / temperature)``.

Interface used by the ``meta`` procedure::

    env.sample(split, tasks, generator) -> dict of tensors with a leading task axis T:
        x_support (T, S, in), y_support (T, S, out), x_query (T, Q, in), y_query (T, Q, out),
        embedding (T, G, E) the true task embedding, task (T,) index into env.tasks[split]
    env.tasks = {"train": (N_id, G, E), "test": same as train, "ood": (N_ood, G, E)}
    env.classification, env.templates [(E, a, b) per generated layer], env.generated (layer ids)
"""

from __future__ import annotations

import math

import torch

from zoo.families.hypernetwork.task_support import split_tasks

SPLITS = ("train", "test", "ood")


class Hyperteacher:
    """A seeded hyperteacher (see the module docstring); built from a ``hyperteacher`` data spec."""

    def __init__(self, data, seed: int):
        self.data = data
        self.widths = [data.input, *data.hidden, data.output]
        self.generated = sorted(set(data.generated))
        self.classification = data.mode == "classification"
        gen = torch.Generator().manual_seed(seed)
        shapes = list(zip(self.widths[:-1], self.widths[1:]))
        self.templates = [torch.randn(data.experts, *shapes[g], generator=gen) * data.scale for g in self.generated]
        self.fixed = {
            i: torch.randn(*s, generator=gen) * data.scale for i, s in enumerate(shapes) if i not in self.generated
        }
        self.reference_x = torch.rand(data.reference, data.input, generator=gen) * 2 - 1  # (R, in)
        inside, outside = split_tasks(data.support, data.experts, data.hot, len(self.generated), data.holdout, seed)
        self.tasks = {"train": inside, "test": inside, "ood": outside}

    def weights(self, embedding: torch.Tensor) -> list[torch.Tensor]:
        """Per layer, the weights of T tasks (T, a, b) from embeddings (T, G, E)."""
        t = embedding.shape[0]
        out = []
        for i in range(len(self.widths) - 1):
            if i in self.fixed:
                out.append(self.fixed[i].expand(t, -1, -1))
            else:
                g = self.generated.index(i)
                out.append(torch.einsum("te,eab->tab", embedding[:, g], self.templates[g]))
        return out

    def raw(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """Teacher outputs before z-scoring: x (T, N, in), embedding (T, G, E) -> (T, N, out)."""
        h = x
        weights = self.weights(embedding)
        for i, w in enumerate(weights):
            h = torch.bmm(h, w) / math.sqrt(w.shape[1])
            if i < len(weights) - 1:
                h = torch.relu(h)
        return h

    def outputs(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """z-scored outputs (T, N, out), statistics per task and unit over the reference inputs."""
        ref = self.raw(self.reference_x.expand(len(embedding), -1, -1), embedding)  # (T, R, out)
        mean, std = ref.mean(1, keepdim=True), ref.std(1, keepdim=True).clamp_min(1e-6)
        return (self.raw(x, embedding) - mean) / std

    def targets(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """What the student fits: soft labels (classification) or z-scored outputs (regression)."""
        y = self.outputs(x, embedding)
        return torch.softmax(y / self.data.temperature, dim=-1) if self.classification else y

    def embed(self, patterns: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Task embeddings (T, G, E) from 0/1 patterns: the patterns, or U(0.5, 1) weights if continuous."""
        if not self.data.continuous:
            return patterns
        return patterns * (0.5 + 0.5 * torch.rand(patterns.shape, generator=generator))

    def sample(self, split: str, tasks: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """``tasks`` tasks of ``split`` with their support and query shots (see the module docstring)."""
        pool = self.tasks[split]
        index = torch.randint(0, len(pool), (tasks,), generator=generator)
        embedding = self.embed(pool[index], generator)
        s, q = self.data.support_shots, self.data.query_shots
        x = torch.rand(tasks, s + q, self.data.input, generator=generator) * 2 - 1  # (T, S+Q, in)
        y = self.targets(x, embedding)
        return {
            "x_support": x[:, :s], "y_support": y[:, :s], "x_query": x[:, s:], "y_query": y[:, s:],
            "embedding": embedding, "task": index,
        }


class FiniteHyperteacher:
    """A finite sample of a hyperteacher, drawn once from ``seed``: ``tasks`` tasks of each split, each with its
    support and query shots. :meth:`sample` draws from these tasks with replacement, as a ``tasks`` file
    does: this is the world ``zoo data export`` writes, so training on it and on the export agree."""

    def __init__(self, teacher: Hyperteacher, tasks: int, seed: int):
        gen = torch.Generator().manual_seed(seed)
        self.drawn = {split: teacher.sample(split, tasks, gen) for split in SPLITS}
        self.tasks = {split: torch.arange(tasks) for split in SPLITS}
        self.data, self.classification = teacher.data, teacher.classification
        self.templates, self.generated = teacher.templates, teacher.generated

    def sample(self, split: str, tasks: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """``tasks`` of the drawn tasks of ``split`` (``task``: their index in the sample)."""
        index = torch.randint(0, len(self.tasks[split]), (tasks,), generator=generator)
        return {**{k: v[index] for k, v in self.drawn[split].items()}, "task": index}


def make(data, seed: int) -> Hyperteacher:
    """The ``hyperteacher`` environment maker."""
    return Hyperteacher(data, seed)
