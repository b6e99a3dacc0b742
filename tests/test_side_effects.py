"""Library code has no global side effects: drawing a figure leaves the caller's matplotlib backend (and
pyplot's figures) as they were, and nothing under zoo/ but the command line prints."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Callable

import matplotlib
import pytest
import torch

from zoo.families.comet.figures import mechanism_heatmap, rollout_paths
from zoo.families.hypernetwork.meta_report import plot_eval
from zoo.families.slot_vae.figures import write_figure
from zoo.metrics.activity import plot_active_cells
from zoo.report import plot_curves

ZOO = Path(__file__).resolve().parents[1] / "zoo"


def _eval_plot(tmp: Path) -> None:
    (tmp / "eval.csv").write_text("step,test_acc,ood_acc\n1,0.5,0.25\n2,0.75,0.5\n")
    assert plot_eval(tmp, "t", classification=True, chance=0.25, baselines={"anil": 0.5}) is not None


def _vae_figure(tmp: Path) -> None:
    images = torch.rand(2, 3, 4, 4)
    write_figure(tmp / "vae.png", images, images, torch.randint(0, 3, (2, 4, 4)), torch.rand(2, 3, 16), "t",
                 {"jari": 0.5})


# Every figure the library draws, each drawn into a temporary directory.
FIGURES: dict[str, Callable[[Path], object]] = {
    "plot_curves": lambda tmp: plot_curves({"step": [1.0, 2.0], "loss": [1.0, 0.5]}, tmp / "curves.png", "t"),
    "mechanism_heatmap": lambda tmp: mechanism_heatmap(torch.tensor([[3.0, 1.0], [0.0, 2.0]]), ["a", "b"],
                                                       tmp / "heatmap.png", "t"),
    "rollout_paths": lambda tmp: rollout_paths(torch.rand(3, 2, 2), torch.rand(2, 2, 2), ("x", "y"), (0, 1), "t"),
    "plot_eval": _eval_plot,
    "write_figure": _vae_figure,
    "plot_active_cells": lambda tmp: plot_active_cells(torch.rand(6, 3) > 0.5, tmp / "cells.png",
                                                       tokens=torch.arange(6), title="t"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_drawing_a_figure_leaves_the_backend_and_pyplot_alone(name, tmp_path, monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "backend", "pdf")  # what a caller chose; not Agg
    pyplot = sys.modules.get("matplotlib.pyplot")
    figures = pyplot.get_fignums() if pyplot else []
    FIGURES[name](tmp_path)
    assert matplotlib.get_backend() == "pdf"
    if pyplot:
        assert pyplot.get_fignums() == figures  # no figure left open in pyplot's manager


def _prints(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"]


def test_only_the_command_line_prints():
    found = {str(p.relative_to(ZOO.parent)): lines for p in sorted(ZOO.rglob("*.py"))
             if not p.name.startswith("cli") and (lines := _prints(p))}
    assert found == {}, f"print() in library code (use logging, a return value or a callback): {found}"


def test_the_print_check_sees_a_print(tmp_path):
    (tmp_path / "m.py").write_text("def f():\n    print('x')\n")
    assert _prints(tmp_path / "m.py") == [2]
