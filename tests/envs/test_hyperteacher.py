"""The hyperteacher: task supports, teacher weights, z-scoring, soft targets, seeding."""

import pytest
import torch

from zoo.envs import make_env
from zoo.families.hypernetwork.task_support import all_tasks, layer_patterns, split_tasks
from zoo.errors import SpecError
from zoo.schema import loads_spec
from zoo.families.hypernetwork.spec import HyperteacherData


def data(**kw) -> HyperteacherData:
    return HyperteacherData(kind="hyperteacher", **kw)


def pairs(tasks: torch.Tensor) -> list[tuple[int, ...]]:
    return sorted(tuple(row.nonzero().flatten().tolist()) for row in tasks[:, 0])


def test_layer_patterns_and_products():
    assert layer_patterns(8, 2).shape == (8 + 28, 8)
    assert all_tasks(4, 2, 2).shape == (100, 2, 4)
    assert set(layer_patterns(8, 2).sum(1).tolist()) == {1.0, 2.0}


def test_connected_support_by_hand():
    inside, ood = split_tasks("connected", 8, 2, 1)
    expected = [(i,) for i in range(8)] + [tuple(sorted((i, (i + d) % 8))) for d in (1, 2) for i in range(8)]
    assert pairs(inside) == sorted(expected)
    # OOD: neither connected nor within one half -> the cross-half pairs at cyclic distance 3 or 4
    assert pairs(ood) == [(0, 4), (0, 5), (1, 4), (1, 5), (1, 6), (2, 5), (2, 6), (2, 7), (3, 6), (3, 7)]


def test_disconnected_support_by_hand():
    inside, ood = split_tasks("disconnected", 8, 2, 1)
    halves = [(i,) for i in range(8)] + [(a, b) for h in (range(4), range(4, 8)) for a in h for b in h if a < b]
    assert pairs(inside) == sorted(halves)
    assert pairs(ood) == pairs(split_tasks("connected", 8, 2, 1)[1])


def test_non_compositional_and_random_supports():
    inside, ood = split_tasks("non_compositional", 8, 2, 1)
    assert (inside[..., -1] == 0).all() and (ood[..., -1] == 1).all() and len(ood) == 8
    a_in, a_out = split_tasks("random", 8, 2, 1, holdout=0.25, seed=3)
    b_in, _ = split_tasks("random", 8, 2, 1, holdout=0.25, seed=3)
    assert (len(a_in), len(a_out)) == (27, 9) and torch.equal(a_in, b_in)
    assert not (a_in.unsqueeze(1) == a_out.unsqueeze(0)).flatten(2).all(-1).any()


def test_two_generated_layers_by_hand():
    inside, ood = split_tasks("connected", 8, 2, 2)
    disc, ood2 = split_tasks("disconnected", 8, 2, 2)
    # connected: 24 rows per layer; disconnected: both layers inside one half (10 rows each)
    assert len(inside) == 24**2 and len(disc) == 2 * 10**2
    # both: 9 connected rows inside each half -> 2 * 81; OOD = 36^2 - (576 + 200 - 162)
    assert len(ood) == len(ood2) == 36**2 - (576 + 200 - 162)


def test_sample_shapes_targets_and_zscoring():
    env = make_env(data(support="connected", support_shots=5, query_shots=7), seed=0)
    b = env.sample("train", 4, torch.Generator().manual_seed(0))
    assert b["x_support"].shape == (4, 5, 16) and b["x_query"].shape == (4, 7, 16)
    assert b["y_support"].shape == (4, 5, 8) and b["embedding"].shape == (4, 1, 8)
    assert torch.allclose(b["y_query"].sum(-1), torch.ones(4, 7))
    assert b["x_support"].abs().max() <= 1
    ref = env.outputs(env.reference_x.expand(4, -1, -1), b["embedding"])
    assert torch.allclose(ref.mean(1), torch.zeros(4, 8), atol=1e-5)
    assert torch.allclose(ref.std(1), torch.ones(4, 8), atol=1e-4)


def test_one_hot_task_uses_its_template_and_fixed_layers():
    env = make_env(data(hidden=(32, 32), generated=(1,)), seed=0)
    e = torch.zeros(1, 1, 8)
    e[0, 0, 3] = 1.0
    w = env.weights(e)
    assert torch.equal(w[1][0], env.templates[0][3])
    assert torch.equal(w[0][0], env.fixed[0]) and torch.equal(w[2][0], env.fixed[2])


def test_seeding_and_continuous_combinations():
    a, b = make_env(data(), seed=5), make_env(data(), seed=5)
    assert torch.equal(a.templates[0], b.templates[0])
    x = a.sample("ood", 3, torch.Generator().manual_seed(1))
    y = b.sample("ood", 3, torch.Generator().manual_seed(1))
    assert all(torch.equal(x[k], y[k]) for k in x)
    env = make_env(data(continuous=True), seed=0)
    emb = env.sample("train", 64, torch.Generator().manual_seed(2))["embedding"]
    active = emb[emb > 0]
    assert active.min() >= 0.5 and active.max() <= 1.0 and len(active.unique()) > 10


def test_regression_mode_targets_are_zscored_outputs():
    env = make_env(data(mode="regression"), seed=0)
    b = env.sample("test", 2, torch.Generator().manual_seed(0))
    assert torch.allclose(b["y_query"], env.outputs(b["x_query"], b["embedding"]))


def spec_text(data_lines: str) -> str:
    return "name: t\nmodel: {kind: hypernetwork}\nhypernetworks: [{name: h, kind: linear, templates: 8, target: {input: 16, output: 8}}]\ndata:\n" + data_lines


def test_spec_checks_name_their_paths():
    with pytest.raises(SpecError) as err:
        loads_spec(spec_text("  kind: hyperteacher\n  generated: [0, 3]\n  support: connected\n  hot: 3\n"))
    text = str(err.value)
    assert "data.generated[1]" in text and "data.hot" in text
    with pytest.raises(SpecError, match="data.experts"):
        loads_spec(spec_text("  kind: hyperteacher\n  support: disconnected\n  experts: 7\n"))


def test_a_finite_sample_draws_only_its_own_tasks():
    from zoo.families.hypernetwork.hyperteacher import FiniteHyperteacher

    teacher = make_env(data(support_shots=3, query_shots=2), seed=0)
    finite = FiniteHyperteacher(teacher, tasks=4, seed=1)
    assert finite.drawn["ood"]["x_support"].shape == (4, 3, 16) and set(finite.tasks) == {"train", "test", "ood"}
    batch = finite.sample("train", 20, torch.Generator().manual_seed(0))
    assert batch["x_query"].shape == (20, 2, 16) and len(set(batch["task"].tolist())) > 1
    assert torch.equal(batch["y_support"], finite.drawn["train"]["y_support"][batch["task"]])
    again = FiniteHyperteacher(teacher, tasks=4, seed=1)
    assert torch.equal(again.drawn["test"]["y_query"], finite.drawn["test"]["y_query"])
