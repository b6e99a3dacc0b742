"""The base of COMET's procedures (compete, compose): pair errors over a horizon, the selector's NLL,
and the evaluation shared by both (disentanglement, one-step and rollout errors)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from zoo.families.comet.metrics import contingency, nmi, purity, usage
from zoo.train.procedure import Procedure
from zoo.families.comet import slots
from zoo.families.comet.path_winners import PathWinners
from zoo.families.comet.scales import set_data_scales, small_units_warning
from zoo.families.comet.pairs import (
    by_object,
    candidate_of,
    change_total,
    horizon_total,
    pair_errors,
    ranked_change,
    ranked_total,
    split_pair,
    winners,
)

USED = 0.01  # a mechanism winning at least this fraction of the (object, step)s counts as used


def bank_names(spec) -> tuple[str, ...]:
    """The mechanisms entries a COMET model uses, in the order their mechanisms are numbered."""
    return spec.model.banks or (spec.model.bank or spec.mechanisms[0].name,)


@dataclass
class Winners:
    """Winners on a split: mechanism and context object (-1: none) per (trajectory, step, object)."""

    mechanism: torch.Tensor  # (S, T-H+1, N)
    context: torch.Tensor  # (S, T-H+1, N)
    oracle: torch.Tensor  # (S, T, N) one-step error of the best pair (it sees the target)
    chosen: torch.Tensor | None  # (S, T, N) one-step error of the selector's pair
    selected: torch.Tensor | None  # (S, T, N) mechanism the selector picked
    selected_context: torch.Tensor | None  # (S, T, N) context object it picked (-1: none)


class PairProcedure(PathWinners, Procedure):
    """Common machinery of the procedures that score (mechanism, context) pairs of a COMET model."""

    needs = ("candidates", "index", "mask")

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)
        self.world = env
        self.cfg = spec.train
        self.input = next(iter(model.input_types))
        self.train_traj = slots.subset(env.splits["train"], self.cfg.fraction)
        self.weight = slots.feature_weight(env).to(device)
        set_data_scales(spec, model, env, bank_names(spec))
        self.routed = "logits" in model.output_types
        self.table: torch.Tensor | None = None
        self.selected_table: torch.Tensor | None = None

    def warnings(self, metrics: dict[str, float]) -> list[str]:
        """The small-units warning (:func:`zoo.families.comet.scales.small_units_warning`) when it applies."""
        line = small_units_warning(self.spec, self.world, bank_names(self.spec), metrics)
        return [line] if line else []

    @property
    def mechanisms(self) -> int:
        """Number of mechanisms M of the model's bank."""
        return self.model.output_types["candidates"].shape[1]

    def batch(self, step, generator):
        horizon = self.cfg.horizon
        if self.by_path:  # a path needs no fixed window: one longer than the trajectories is a whole trajectory
            horizon = min(horizon, self.train_traj.length)
        return {"states": slots.windows(self.train_traj, self.cfg.batch, horizon, generator).to(self.device)}

    @property
    def by_change(self) -> bool:
        """Whether winners are chosen by the error of the summed change over the horizon."""
        return self.cfg.select_on == "change"

    @property
    def by_rank(self) -> bool:
        """Whether a pair's context is a position in the candidate list over the horizon (else an object)."""
        return self.cfg.context_by == "rank"

    def pair_totals(self, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
        """Windows (B, H+1, N, D) -> mean error of every (mechanism, object) pair (B, N, M, N+1) over the
        horizon, the score winners are chosen by (the same, or with ``select_on: change`` the error of
        the summed change), and the model's outputs on the first step of each window."""
        b, h = states.shape[0], states.shape[1] - 1
        x = states[:, :h].flatten(0, 1)
        out = self.model(**{self.input: x})
        err = pair_errors(out["candidates"], states[:, 1:].flatten(0, 1), self.weight)  # (B*H, N, M, C)
        first = {k: v.reshape(b, h, *v.shape[1:])[:, 0] for k, v in out.items()}
        if self.by_rank:
            deltas = None
            if self.by_change:
                deltas = (out["candidates"] - x[:, :, None, None]).view(b, h, *out["candidates"].shape[1:])
            return (*self._ranked(err.view(b, h, *err.shape[1:]), deltas, states[:, h] - states[:, 0],
                                  first["index"], first["mask"]), first)
        obj = by_object(err, out["index"], out["mask"])  # (B*H, N, M, N+1)
        obj = obj.view(b, h, *obj.shape[1:])
        total = horizon_total(obj, self.cfg.context_per_step)  # (B, N, M, N+1)
        if not self.by_change:
            return total, total, first
        deltas = by_object(out["candidates"] - x[:, :, None, None], out["index"], out["mask"], fill=0.0)
        deltas = deltas.view(b, h, *deltas.shape[1:])  # (B, H, N, M, N+1, D)
        score = change_total(deltas, states[:, h] - states[:, 0], self.weight, total, torch.isfinite(obj))
        return total, score, first

    def _ranked(self, err: torch.Tensor, deltas: torch.Tensor | None, change: torch.Tensor, index: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Totals and winner scores of pairs (mechanism, candidate position): err (B, H, N, M, C), deltas
        (B, H, N, M, C, D) each step's predicted changes (None unless ``select_on: change``), change (B, N, D)
        the observed change over the window; index and mask (B, N, C) the first step's candidate lists."""
        total = ranked_total(err, index, mask)
        if deltas is None:
            return total, total
        return total, ranked_change(deltas, change, self.weight, index, mask)

    def selector_loss(self, total: torch.Tensor, first: dict[str, torch.Tensor]) -> tuple[torch.Tensor, float]:
        """NLL of the selector's logits (B, N, M, C) on the winning pairs of ``total`` (the winner scores);
        and its accuracy."""
        n = total.shape[1]
        mech, obj = split_pair(winners(total.detach()), n + 1)
        obj = torch.where(obj < 0, torch.full_like(obj, n), obj)
        c = candidate_of(obj, first["index"], first["mask"], n + 1)
        logits = first["logits"].flatten(2)  # (B, N, M*C)
        target = mech * first["logits"].shape[-1] + c  # (B, N)
        nll = F.cross_entropy(logits.flatten(0, 1), target.flatten())
        return nll, (logits.argmax(-1) == target).float().mean().item()

    # -- evaluation --------------------------------------------------------------------------------
    def _step_outputs(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """Per-state evaluation outputs for states x (P, N, D) and next states y (P, N, D)."""
        out = self.model(**{self.input: x})
        candidate_err = pair_errors(out["candidates"], y, self.weight)  # (P, N, M, C)
        err = by_object(candidate_err, out["index"], out["mask"])
        res = {"pairs": err, "oracle": err.flatten(-2).min(-1).values}
        if self.by_rank:  # the pairs' errors (and changes) in candidate space, with the candidate lists
            res.update(ranked=candidate_err, index=out["index"], mask=out["mask"])
            if self.by_change:
                res["ranked_deltas"] = out["candidates"] - x[:, :, None, None]
        elif self.by_change:
            res["deltas"] = by_object(out["candidates"] - x[:, :, None, None], out["index"], out["mask"], fill=0.0)
        if self.routed:
            res["chosen"] = slots.scaled_error(out["prediction"], y, self.weight)
            c = out["logits"].shape[-1]
            m_c = out["logits"].flatten(2).argmax(-1)  # (P, N)
            res["selected"] = m_c // c
            res["selected_context"] = out["index"].gather(-1, (m_c % c).unsqueeze(-1)).squeeze(-1)
        return res

    @torch.no_grad()
    def winners_on(self, split: str) -> Winners:
        """Winners, oracle and selector errors on every transition of a split."""
        traj = self.world.splits[split]
        s, t, n = len(traj), traj.length, traj.states.shape[2]
        per = max(1, slots.CHUNK // t)
        parts: dict[str, list[torch.Tensor]] = {}
        for i in range(0, s, per):
            st = traj.states[i : i + per].to(self.device)
            k = st.shape[0]
            res = self._step_outputs(st[:, :-1].flatten(0, 1), st[:, 1:].flatten(0, 1))
            res = {key: v.reshape(k, t, *v.shape[1:]) for key, v in res.items()}
            if self.by_path:
                mech, ctx = self._path_winners(res, n)  # (k, T, N) each
            else:
                total = self._window_scores(res, st, self.cfg.horizon)  # (k, T-H+1, N, M, N+1)
                mech, ctx = split_pair(winners(total), n + 1)
            res.update(mechanism=mech, context=ctx)
            for key, v in res.items():
                parts.setdefault(key, []).append(v.cpu())
        cat = {k: torch.cat(v) for k, v in parts.items()}
        return Winners(cat["mechanism"], cat["context"], cat["oracle"], cat.get("chosen"), cat.get("selected"),
                       cat.get("selected_context"))

    def _window_scores(self, res: dict[str, torch.Tensor], states: torch.Tensor, h: int) -> torch.Tensor:
        """Winner scores of every window of H steps of trajectories ``states`` (k, T+1, N, D) from the
        per-step outputs in ``res`` (removed from it): (k, T-H+1, N, M, N+1)."""
        if self.by_rank:
            return self._ranked_windows(res, states, h)
        pairs = res.pop("pairs").unfold(1, h, 1).movedim(-1, 1)  # (k, H, T-H+1, N, M, N+1)
        total = horizon_total(pairs, self.cfg.context_per_step)
        if not self.by_change:
            return total
        deltas = res.pop("deltas").unfold(1, h, 1).movedim(-1, 1)  # (k, H, T-H+1, N, M, N+1, D)
        change = states[:, h:] - states[:, :-h]  # (k, T-H+1, N, D)
        return change_total(deltas, change, self.weight, total, torch.isfinite(pairs))

    def _ranked_windows(self, res: dict[str, torch.Tensor], states: torch.Tensor, h: int) -> torch.Tensor:
        """:meth:`_window_scores` of pairs (mechanism, candidate position) (removing their outputs from res)."""
        res.pop("pairs")
        err = res.pop("ranked").unfold(1, h, 1).movedim(-1, 2)  # (k, W, H, N, M, C)
        deltas = res.pop("ranked_deltas", None)
        if deltas is not None:
            deltas = deltas.unfold(1, h, 1).movedim(-1, 2).flatten(0, 1)  # (k*W, H, N, M, C, D)
        k, w = err.shape[:2]
        index, mask = (res.pop(key)[:, :w].flatten(0, 1) for key in ("index", "mask"))
        change = (states[:, h : h + w] - states[:, :w]).flatten(0, 1)  # (k*W, N, D) over each window
        _, score = self._ranked(err.flatten(0, 1), deltas, change, index, mask)
        return score.view(k, w, *score.shape[1:])

    def mechanism_types(self) -> list[str]:
        """The ground-truth type each mechanism wins most often on the test split ("unused" if never)."""
        if self.table is None:
            return []
        names = self.world.type_names
        return [names[int(row.argmax())] if row.sum() > 0 else "unused" for row in self.table]

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """The model's one-step prediction (needs a classifier or soft_mixture router)."""
        return self.model(**{self.input: z})["prediction"]

    def rollout_figure(self, run_dir) -> None:
        """``plots/rollout.png``: true vs predicted paths of a test trajectory (when the model predicts)."""
        if self.routed:
            slots.rollout_figure(self.predict, self.world, self.cfg.rollout, self.device, run_dir, self.spec.name)

    @torch.no_grad()
    def evaluate(self):
        """Winner MSE and mechanism use always; NMI, purity and context accuracy where the world has
        ground-truth types and partners; one-step and rollout errors when the model has a selector."""
        traj = self.world.splits["test"]
        w = self.winners_on("test")
        kept = w.mechanism.shape[1]
        types, partners = traj.types[:, :kept], traj.partners[:, :kept]
        k = len(self.world.type_names)
        self.table = contingency(w.mechanism, types, self.mechanisms, k)
        used = usage(w.mechanism, self.mechanisms)
        metrics = {**_truth_scores(self.table, w.context, types, partners),
                   "mechanisms_used": float((used >= USED).sum()), "winner_mse": w.oracle.mean().item()}
        if self.routed:
            self.selected_table = contingency(w.selected, traj.types, self.mechanisms, k)
            selected = _truth_scores(self.selected_table, w.selected_context, traj.types, traj.partners)
            metrics["one_step_mse"] = w.chosen.mean().item()
            if "nmi" in selected:
                metrics["selected_nmi"] = selected["nmi"]
            metrics["selector_accuracy"] = (w.selected[:, :kept] == w.mechanism).float().mean().item()
            if "context_accuracy" in selected:
                metrics["selector_context_accuracy"] = selected["context_accuracy"]
            metrics["rollout_mse"] = slots.rollout_error(self.predict, self.world, "test", self.cfg.rollout, self.device)
        return metrics


def _truth_scores(table: torch.Tensor, context: torch.Tensor, types: torch.Tensor,
                  partners: torch.Tensor) -> dict[str, float]:
    """NMI and purity of ``table`` when any transition has a ground-truth type; the accuracy of
    ``context`` on the interacting transitions when any has a partner."""
    out = {}
    if (types >= 0).any():
        out.update(nmi=nmi(table), purity=purity(table))
    interacting = (types >= 0) & (partners >= 0)
    if interacting.any():
        out["context_accuracy"] = (context == partners)[interacting].float().mean().item()
    return out
