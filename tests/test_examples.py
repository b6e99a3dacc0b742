"""Every script in examples/ runs end to end with --tiny and leaves a run directory with its report."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FIGURE = {"comet_particles": "mechanisms.png", "hypernet_linear_connected": "eval.png",
          "rims_digits": "active_cells.png", "slotvae_sprites": "slotvae.png", "compose_bank": "mechanisms.png",
          "own_world": "rollout.png"}
KEY_METRIC = {"comet_particles": "nmi", "hypernet_linear_connected": "ood_acc", "rims_digits": "test_6_acc",
              "slotvae_sprites": "jari", "compose_bank": "selector_accuracy", "own_world": "nmi"}  # first in the line


def load(stem: str):
    spec = importlib.util.spec_from_file_location(f"example_{stem}", EXAMPLES / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_is_covered():
    assert sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")) == sorted(FIGURE)


@pytest.mark.parametrize("stem", sorted(FIGURE))
def test_example_runs_tiny(stem, tmp_path, capsys):
    result = load(stem).main(["--tiny", "--out", str(tmp_path / "run"), "--threads", "1"])
    assert result.run_dir == tmp_path / "run" and result.steps <= 5
    assert result.metrics and all(math.isfinite(v) for v in result.metrics.values()), result.metrics
    report = (tmp_path / "run" / "report" / "report.md").read_text()
    assert FIGURE[stem] in report and (tmp_path / "run" / "report" / FIGURE[stem]).exists()
    captured = capsys.readouterr()
    out = captured.out
    assert f"report: {tmp_path / 'run' / 'report' / 'report.md'}" in out
    assert f"step {result.steps}/{result.steps}: {KEY_METRIC[stem]}=" in captured.err  # no bar in a test
    if stem in ("comet_particles", "compose_bank"):  # COMET's rollout: true vs predicted paths
        assert "rollout.png" in report and (tmp_path / "run" / "report" / "rollout.png").exists()
    if stem == "compose_bank":
        assert "bank 'particles' from " in out and "bank weights unchanged by training: True" in out


def test_tiny_also_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ZOO_EXAMPLE_TINY", "1")
    common = load("_common")
    assert common.arguments("x", "runs/x", []).tiny and common.arguments("x", "runs/x", ["--steps", "5"]).steps == 5
