"""``compete``: COMET's competition phase (winner-takes-all over (mechanism, context) pairs).

Each batch is B windows of H+1 consecutive states. Every pair's error is averaged over the H
transitions of its window; the pair with the lowest error wins and only it gets gradient (after a
warm start in which every pair gets softmin-weighted gradient). A classifier router, when the model
has one, learns to predict the winners by NLL. With ``train.switch_rate`` each step of a window has its own
winner, the pair on the slot's cheapest path (:mod:`zoo.families.comet.paths`). After training the bank is
written to ``bank/``.
"""

from __future__ import annotations

from zoo.banks import save_bank
from zoo.families.comet.mechanisms import PairProcedure, bank_names
from zoo.families.comet.pairs import competition_loss, horizon_total, temperature_at, winner_mean
from zoo.families.comet.paths import path_errors


class CompeteProcedure(PairProcedure):
    """Train a COMET bank by competition (see module docstring)."""

    key_metric = "nmi"  # mechanism x ground-truth type: the family's headline

    def loss(self, batch, step):
        cfg = self.cfg
        tau = temperature_at(step, cfg.warm_start, cfg.temperature, cfg.final_temperature)
        if self.by_path:
            return self.path_loss(batch["states"], tau)
        total, score, first = self.pair_totals(batch["states"])  # (B, N, M, N+1) each
        loss = competition_loss(total, tau, None if score is total else score, cfg.winner_loss)
        logs = {"wta": total.detach().flatten(-2).min(-1).values.mean().item(), "temperature": tau}
        if self.routed:
            nll, acc = self.selector_loss(score, first)
            loss = loss + nll
            logs.update(nll=nll.item(), selector_accuracy=acc)
        return loss, logs

    def path_loss(self, states, tau: float):
        """The loss with ``switch_rate``: each step's pair on the slot's cheapest path takes all (after the
        warm start, whose softmin weighs the pairs by their error over the window)."""
        err, out = self.pair_steps(states)  # (B, H, N, K)
        path = self.path_of(err)
        on_path = path_errors(err, path)
        if tau > 0:
            loss = competition_loss(horizon_total(err.unsqueeze(-1)), tau)
        else:
            loss = winner_mean(on_path, self.cfg.winner_loss)
        logs = {"wta": on_path.detach().mean().item(), "temperature": tau}
        if self.routed:
            nll, acc = self.path_selector_loss(path, out)
            loss = loss + nll
            logs.update(nll=nll.item(), selector_accuracy=acc)
        return loss, logs

    def artifacts(self, run_dir, metrics):
        """The heatmap (plots/mechanisms.png) and the trained bank (bank/, or banks/<name>/ for several)."""
        from zoo.families.comet.figures import mechanism_heatmap

        if self.table is not None:
            mechanism_heatmap(self.table, self.world.type_names, run_dir / "plots" / "mechanisms.png",
                              f"{self.spec.name}: winning mechanism vs ground-truth type")
        self.rollout_figure(run_dir)
        names = bank_names(self.spec)
        provenance = {"mechanism_types": self.mechanism_types(), "world_types": list(self.world.type_names),
                      "slot_features": list(self.world.features)}
        for name in names:
            where = run_dir / "bank" if len(names) == 1 else run_dir / "banks" / name
            save_bank(self.model, name, where, metrics=metrics, provenance=provenance)
        return {}
