"""COMET's rollout figure: true and predicted paths of one trajectory, in the plane or against the step."""

import torch

from zoo.families.comet.figures import rollout_paths


def curves(fig, panel: int) -> dict[str, tuple[list[float], list[float]]]:
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in fig.axes[panel].get_lines()}


def test_planar_worlds_show_x_y_paths_from_the_true_start():
    true = torch.arange(3 * 5 * 4, dtype=torch.float32).view(3, 5, 4)  # (R+1=3, N=5, D=4): x, y, vx, vy
    pred = true[1:] + 0.5
    fig = rollout_paths(true, pred, ("x", "y", "vx", "vy"), (0, 1, 2, 3), "t", objects=3)
    assert len(fig.axes) == 3  # three objects of five
    c = curves(fig, 1)  # object 1
    assert c["true"] == (true[:, 1, 0].tolist(), true[:, 1, 1].tolist())
    assert c["predicted"] == ([true[0, 1, 0].item()] + pred[:, 1, 0].tolist(), [true[0, 1, 1].item()] + pred[:, 1, 1].tolist())
    assert c["start"] == ([true[0, 1, 0].item()], [true[0, 1, 1].item()])
    assert fig.axes[1].get_xlabel() == "x" and fig.axes[1].get_ylabel() == "y"


def test_worlds_without_a_plane_show_the_first_changing_feature_against_the_step():
    true = torch.randn(4, 2, 4)  # traffic: x, lane (static), v, desired_speed (static)
    fig = rollout_paths(true, true[1:] * 2, ("x", "lane", "v", "desired_speed"), (0, 2), "t")
    assert len(fig.axes) == 2
    c = curves(fig, 0)
    assert c["true"] == ([0, 1, 2, 3], true[:, 0, 0].tolist())
    assert c["predicted"][1] == [true[0, 0, 0].item()] + (true[1:, 0, 0] * 2).tolist()
    assert fig.axes[0].get_xlabel() == "step" and fig.axes[0].get_ylabel() == "x"
