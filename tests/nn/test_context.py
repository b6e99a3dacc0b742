"""Context gathering over complete, explicit, empty and knn interaction graphs."""

from __future__ import annotations

import torch

from zoo.nn.context import ContextGather, KnnContextGather, complete_edges, static_table


def test_complete_graph_with_no_context_first():
    index, mask = static_table(3, complete_edges(3), self_loops=False, no_context=True)
    assert index.tolist() == [[-1, 1, 2], [-1, 0, 2], [-1, 0, 1]]
    assert mask.all()


def test_explicit_edges_pad_and_mask():
    index, mask = static_table(3, [(0, 1), (2, 1), (1, 0)], self_loops=False, no_context=False)
    assert index.tolist() == [[1, -1], [0, 2], [-1, -1]]
    assert mask.tolist() == [[True, False], [True, True], [False, False]]


def test_self_loops_and_empty_graph():
    index, _ = static_table(2, [], self_loops=True, no_context=True)
    assert index.tolist() == [[-1, 0], [-1, 1]]


def test_gather_features_and_presence_channel():
    x = torch.arange(2 * 3 * 2, dtype=torch.float32).view(2, 3, 2)
    ctx, index, mask = ContextGather(*static_table(3, complete_edges(3), False, True))(x)
    assert ctx.shape == (2, 3, 3, 3) and index.shape == (2, 3, 3) and mask.shape == (2, 3, 3)
    assert torch.equal(ctx[1, 0, 1, :2], x[1, 1]) and ctx[1, 0, 1, 2] == 1
    assert torch.equal(ctx[:, :, 0], torch.zeros(2, 3, 3))  # "no context": zeros, presence 0


def test_knn_picks_the_nearest_slots():
    x = torch.tensor([[[0.0, 0.0, 9.0], [1.0, 0.0, 9.0], [5.0, 0.0, 9.0], [5.5, 0.0, 9.0]]])
    ctx, index, mask = KnnContextGather(k=1, position=[0, 1], self_loops=False, no_context=True)(x)
    assert index[0, :, 1].tolist() == [1, 0, 3, 2]
    assert index[0, :, 0].tolist() == [-1, -1, -1, -1] and mask.all()
    assert torch.equal(ctx[0, 2, 1, :3], x[0, 3])


def test_knn_size_grows_with_k_not_n():
    x = torch.randn(2, 50, 4)
    ctx, _, _ = KnnContextGather(k=3, position=[0, 1], self_loops=False, no_context=False)(x)
    assert ctx.shape == (2, 50, 3, 5)
