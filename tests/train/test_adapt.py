"""The batched inner loop: per-task gradients, second-order outer gradients, prefixes, optimiser steps."""

import pytest
import torch
from torch.func import grad, vmap

from zoo.compiler import compile_spec
from zoo.schema import loads_spec
from zoo.families.hypernetwork.adapt import InnerLoop, accuracy, expand, kl_loss, select

SPEC = """
name: t
model: {kind: hypernetwork}
hypernetworks: [{name: hnet, kind: linear, templates: 3, per_layer: true, target: {input: 4, hidden: [5], output: 3}}]
"""


def setup(optimizer="adamw"):
    torch.manual_seed(0)
    model = compile_spec(loads_spec(SPEC))
    inner = InnerLoop(model, ["embedding.value", "hnet.bias"], "x", "y", kl_loss, optimizer, lr=0.1)
    x = torch.randn(3, 6, 4)
    y = torch.softmax(torch.randn(3, 6, 3), -1)
    return model, inner, x, y


def test_support_grad_is_every_tasks_own_gradient():
    _, inner, x, y = setup()
    fast0, slow = inner.split()
    fast = {k: v.detach() + 0.1 * torch.randn(3, *v.shape) for k, v in fast0.items()}
    fast = {k: v.requires_grad_() for k, v in fast.items()}
    ours = inner.support_grad(fast, slow, x, y, create_graph=False)
    ref = vmap(grad(inner.task_loss), in_dims=(0, None, 0, 0))(fast, slow, x, y)
    for k in ours:
        assert torch.allclose(ours[k], ref[k], atol=1e-6)


def unrolled_reference(model, inner, x, y, steps, first_order):
    """The same meta-gradient with a plain Python loop over tasks and plain autograd."""
    params = dict(model.named_parameters())
    total = 0.0
    for t in range(x.shape[0]):
        fast = {k: params[k] for k in inner.names}
        slow = {k: p for k, p in params.items() if k not in fast}
        m = {k: torch.zeros_like(v) for k, v in fast.items()}
        v2 = {k: torch.zeros_like(v) for k, v in fast.items()}
        for s in range(1, steps + 1):
            loss = inner.task_loss(fast, slow, x[t], y[t])
            g = dict(zip(fast, torch.autograd.grad(loss, list(fast.values()), create_graph=not first_order)))
            fast, m, v2 = inner._step(fast, g, m, v2, s)
        total = total + inner.task_loss(fast, slow, x[t], y[t])
    return dict(zip(params, torch.autograd.grad(total / x.shape[0], list(params.values()))))


@pytest.mark.parametrize("first_order", [False, True])
@pytest.mark.parametrize("optimizer", ["adamw", "sgd"])
def test_meta_gradient_matches_a_loop_over_tasks(first_order, optimizer):
    model, inner, x, y = setup(optimizer)
    params = dict(model.named_parameters())
    fast0, slow = inner.split()
    fast = inner.adapt(expand(fast0, 3), slow, x, y, steps=3, first_order=first_order)
    loss = vmap(kl_loss)(inner.predict_tasks(fast, slow, x), y).mean()
    ours = dict(zip(params, torch.autograd.grad(loss, list(params.values()))))
    ref = unrolled_reference(model, inner, x, y, 3, first_order)
    for k in params:
        assert torch.allclose(ours[k], ref[k], atol=1e-5), k


def test_second_order_terms_reach_the_templates():
    model, inner, x, y = setup()
    theta = model.get_parameter("hnet.thetas.0")
    grads = []
    for first_order in (False, True):
        fast0, slow = inner.split()
        fast = inner.adapt(expand(fast0, 3), slow, x, y, steps=3, first_order=first_order)
        loss = vmap(kl_loss)(inner.predict_tasks(fast, slow, x), y).mean()
        grads.append(torch.autograd.grad(loss, theta)[0])
    assert not torch.allclose(grads[0], grads[1])


def test_adaptation_lowers_the_support_loss_and_works_without_grad():
    _, inner, x, y = setup()
    fast0, slow = inner.split()
    with torch.no_grad():
        before = vmap(kl_loss)(inner.predict_tasks(expand(fast0, 3), slow, x), y)
        fast = inner.adapt(expand(fast0, 3), slow, x, y, steps=20, first_order=True)
        after = vmap(kl_loss)(inner.predict_tasks(fast, slow, x), y)
    assert (after < before).all()


def test_optimizer_steps_by_hand():
    _, inner, _, _ = setup("sgd")
    p, g = {"a": torch.tensor([1.0, -2.0])}, {"a": torch.tensor([0.5, 1.0])}
    fast, _, _ = inner._step(p, g, {"a": torch.zeros(2)}, {"a": torch.zeros(2)}, 1)
    assert fast["a"].tolist() == pytest.approx([0.95, -2.1])
    inner.optimizer = "adamw"
    fast, _, _ = inner._step(p, g, {"a": torch.zeros(2)}, {"a": torch.zeros(2)}, 1)
    assert fast["a"].tolist() == pytest.approx([0.9, -2.1], abs=1e-3)  # first Adam step: lr * sign(g)


def test_select_prefixes_and_accuracy():
    names = ["embedding.value", "hnet.bias", "hnet.thetas.0", "head.weight"]
    assert select(names, ("embedding", "hnet.bias", "nope")) == (["embedding.value", "hnet.bias"], [2])
    assert select(names, ("hnet",))[0] == ["hnet.bias", "hnet.thetas.0"]
    assert select(names, ("hne",))[1] == [0]
    out = torch.tensor([[[2.0, 1.0], [0.0, 1.0]]])
    target = torch.tensor([[[0.9, 0.1], [0.8, 0.2]]])
    assert accuracy(out, target).item() == 0.5


def test_one_task_without_a_task_axis_is_the_batched_one():
    model, inner, x, y = setup("sgd")
    params = dict(model.named_parameters())
    fast0, slow = inner.split()
    results = []
    for batched in (True, False):
        start = expand(fast0, 1) if batched else fast0
        data = (x[:1], y[:1]) if batched else (x[0], y[0])
        fast = inner.adapt(start, slow, *data, steps=3, batched=batched)
        loss = inner.task_losses(inner.predict_tasks(fast, slow, data[0], batched), data[1], batched).sum()
        results.append(torch.autograd.grad(loss, list(params.values())))
    for name, a, b in zip(params, *results):
        assert torch.allclose(a, b, atol=1e-6), name


def test_sgd_weight_decay_is_an_l2_term():
    _, inner, _, _ = setup("sgd")
    inner.weight_decay = 0.5
    fast, _, _ = inner._step({"a": torch.tensor([1.0, -2.0])}, {"a": torch.tensor([0.5, 1.0])}, {}, {}, 1)
    assert fast["a"].tolist() == pytest.approx([1.0 - 0.1 * 1.0, -2.0 - 0.1 * 0.0])


def test_a_parameter_under_two_names_is_swapped_in_at_both():
    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = torch.nn.Linear(2, 2, bias=False), torch.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return {"y": self.b(self.a(x))}

    model = Tied()
    inner = InnerLoop(model, ["a.weight"], "x", "y", kl_loss)
    assert inner.tied and not InnerLoop(compile_spec(loads_spec(SPEC)), ["hnet.bias"], "x", "y", kl_loss).tied
    w, x = torch.randn(2, 2), torch.randn(3, 2)
    assert torch.allclose(inner.predict({"a.weight": w}, {}, x), x @ w.T @ w.T)
