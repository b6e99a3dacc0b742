"""Rollout error of next-step sequence models: predict the last frames from the model's own output."""

from __future__ import annotations

import torch


def rollout_metrics(splits: dict[str, dict[str, torch.Tensor]], model, device, horizon: int,
                    clamp: tuple[float, float] | None) -> dict[str, float]:
    """Rollout MSE per test split of next-step sequences (``target[:, t] == x[:, t+1]``): the model sees
    the first frames, then predicts the last ``horizon`` frames from its own (clamped) output."""
    out = {}
    for name, split in splits.items():
        if name == "train":
            continue
        frames = torch.cat([split["x"], split["target"][:, -1:]], 1).to(device)  # (N, T, P)
        seen = frames[:, : frames.shape[1] - horizon]
        for _ in range(horizon):
            pred = model(x=seen)["y"][:, -1:]
            seen = torch.cat([seen, pred if clamp is None else pred.clamp(*clamp)], 1)
        err = (seen[:, -horizon:] - frames[:, -horizon:]).square().mean()
        out[f"{name}_rollout_mse"] = err.item()
    return out
