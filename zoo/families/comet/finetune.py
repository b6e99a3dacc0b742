"""``finetune``: the monolithic baseline COMET is compared with.

The model (e.g. an interaction network) predicts every slot's next state; the loss is the one-step
error in units of each feature's typical change. The first ``pretrain_steps`` steps draw from the
``sources`` worlds (each sample from a source chosen uniformly), the rest from the target world
``data`` (the first ``fraction`` of its training trajectories). ``pretrained`` starts from saved
weights instead, so one pre-trained model can be fine-tuned on several adaptation sizes.
"""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.envs import make_env
from zoo.envs.files.trajectories import FileWorld
from zoo.errors import SpecError
from zoo.train.procedure import Procedure
from zoo.train.start_weights import load_weights
from zoo.families.comet import slots

SOURCE_SEED = 7919  # source worlds are generated from seed + SOURCE_SEED * (k + 1)


class FinetuneProcedure(Procedure):
    """Pre-train on source worlds, then fine-tune on the target world (see module docstring)."""

    needs = ("prediction",)
    key_metric = "one_step_mse"

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)
        self.cfg = spec.train
        self.world, self.input = env, next(iter(model.input_types))
        seed = self.cfg.seed
        self.sources = [make_env(s, seed + SOURCE_SEED * (k + 1)) for k, s in enumerate(self.cfg.sources)]
        for k, w in enumerate(self.sources):  # generated worlds were compared from the spec (zoo.schema.data_fit)
            shape, want = w.splits["train"].states.shape[2:], env.splits["train"].states.shape[2:]
            if FileWorld in (type(w), type(env)) and shape != want:
                raise SpecError(f"source world {k} has {tuple(shape)} (objects, features); the target has "
                                f"{tuple(want)}", ("train", "sources", k))
        self.target = slots.subset(env.splits["train"], self.cfg.fraction)
        self.weights = [slots.feature_weight(w) for w in self.sources + [env]]
        if self.cfg.pretrained:
            load_weights(model, self.cfg.pretrained)

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """The model's next-state prediction for states (B, N, D)."""
        return self.model(**{self.input: z})["prediction"]

    def batch(self, step, generator):
        b = self.cfg.batch
        if step >= self.cfg.pretrain_steps:
            win = slots.windows(self.target, b, 1, generator)
            weight = self.weights[-1].expand(b, -1)
        else:
            which = torch.randint(0, len(self.sources), (b,), generator=generator)
            parts = [slots.windows(w.splits["train"], b, 1, generator) for w in self.sources]
            win = torch.stack(parts)[which, torch.arange(b)]  # (B, 2, N, D)
            weight = torch.stack(self.weights[:-1])[which]  # (B, D)
        return {"states": win.to(self.device), "weight": weight.to(self.device)}

    def loss(self, batch, step):
        x, y = batch["states"][:, 0], batch["states"][:, 1]
        err = slots.scaled_error(self.predict(x), y, batch["weight"][:, None, :])  # (B, N)
        return err.mean(), {"phase": float(step >= self.cfg.pretrain_steps)}

    @torch.no_grad()
    def evaluate(self):
        test = self.world.splits["test"]
        weight = self.weights[-1].to(self.device)
        one = slots.one_step(self.predict, test, self.device)  # (S, T, N, D)
        err = slots.scaled_error(one, test.states[:, 1:], weight.cpu())
        return {
            "one_step_mse": err.mean().item(),
            "rollout_mse": slots.rollout_error(self.predict, self.world, "test", self.cfg.rollout, self.device),
        }

    def artifacts(self, run_dir: Path, metrics):
        """``plots/rollout.png``: true vs predicted paths of a test trajectory."""
        slots.rollout_figure(self.predict, self.world, self.cfg.rollout, self.device, run_dir, self.spec.name)
        return {}
