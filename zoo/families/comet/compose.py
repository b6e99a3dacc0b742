"""``compose``: COMET's composition phase on a new world, with the mechanism bank frozen.

The bank (loaded from a trained bank with ``source:`` in the mechanisms entry) is never updated:
this procedure freezes it whatever the spec says. For each window of H+1 states the frozen bank finds
the winning (mechanism, context) pair of every slot over the horizon; the classifier router is trained
by NLL to predict that pair from the window's first state alone. At test time the router picks a
pair without seeing the future, and its prediction is scored one step ahead and in rollouts.
"""

from __future__ import annotations

from zoo.families.comet.mechanisms import PairProcedure, bank_names


class ComposeProcedure(PairProcedure):
    """Train only the selector over a frozen bank (see module docstring)."""

    key_metric = "selector_accuracy"
    needs = ("candidates", "index", "mask", "logits", "prediction")

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)
        for name in bank_names(spec):
            model.get_submodule(name).requires_grad_(False)

    def loss(self, batch, step):
        if self.by_path:
            err, out = self.pair_steps(batch["states"])
            nll, acc = self.path_selector_loss(self.path_of(err), out)
        else:
            _, score, first = self.pair_totals(batch["states"])
            nll, acc = self.selector_loss(score, first)
        return nll, {"selector_accuracy": acc}

    def artifacts(self, run_dir, metrics):
        from zoo.families.comet.figures import mechanism_heatmap

        plots = run_dir / "plots"
        if self.selected_table is not None:
            mechanism_heatmap(self.selected_table, self.world.type_names, plots / "selected.png",
                              f"{self.spec.name}: mechanism the selector picks vs ground-truth type")
        if self.table is not None:
            mechanism_heatmap(self.table, self.world.type_names, plots / "mechanisms.png",
                              f"{self.spec.name}: winning frozen mechanism vs ground-truth type")
        self.rollout_figure(run_dir)
        return {}
