"""Plug-ins and new families: a real package installed by pip (entry points in ``zoo.plugins``) adds a
family, a node kind, a mechanism kind and an environment usable from YAML; a broken one is reported
and breaks nothing else; the same toy family registered by one call trains through zoo.train.train."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parent / "toy_plugin"

TOY_SPEC = """
name: toy
model: {kind: toy_mlp, hidden: 16}
data: {kind: toy_wave, inputs: 3, outputs: 1, samples: 512, test_samples: 128}
train: {procedure: supervised, steps: 300, batch: 64, lr: 0.01, output: y}
"""

BANK_SPEC = """
name: toy-bank
model:
  kind: graph
  nodes:
    - {name: state, kind: input, shape: [4, 3]}
    - {name: bank, kind: mechanism_bank, bank: mechs}
  edges: ["state -> bank.state"]
  outputs: {out: bank}
mechanisms: [{name: mechs, kind: toy_affine, count: 2}]
"""


def _run(code: str, pythonpath: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (pythonpath, os.environ.get("PYTHONPATH"))))}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The toy plug-in package, installed by pip into a directory of its own (offline, no dependencies)."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(target), str(PLUGIN)],
                   check=True, capture_output=True, text=True, cwd=build, timeout=300)
    assert any(p.name.startswith("zoo_toy_plugin") and p.suffix == ".dist-info" for p in target.iterdir())
    return target


@pytest.mark.slow
def test_installed_plugin_adds_a_family_usable_from_yaml(site, tmp_path):
    (tmp_path / "toy.yaml").write_text(TOY_SPEC)
    (tmp_path / "bank.yaml").write_text(BANK_SPEC)
    code = """
import json, zoo
from zoo.cli_plugins import plugin_lines
from zoo.schema import json_schema
from zoo.train import train
spec = zoo.load_spec("toy.yaml")
result = train(spec, run_dir="run", progress=False)
model = zoo.compile_spec(zoo.load_spec("bank.yaml"))
kinds = json_schema()["$defs"]
print(json.dumps({"lines": plugin_lines(), "metrics": result.metrics, "bank_out": list(model.output_types["out"].shape),
                  "schema": sorted(k for k in kinds if k.startswith("Toy"))}))
"""
    out = _run(code, str(site), tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    toy = next(line for line in got["lines"] if "toy = zoo_toy:FAMILY" in line)
    assert "zoo-toy-plugin" in toy and "model kind toy_mlp" in toy and "node kind toy_scale" in toy
    assert "mechanism kind toy_affine" in toy and "environment toy_wave" in toy
    broken = next(line for line in got["lines"] if "broken = zoo_toy_broken:FAMILY" in line)
    assert "FAILED: ImportError" in broken and "not installed" in broken
    assert got["schema"] == ["ToyAffineBank", "ToyModel", "ToyScaleNode", "ToyWave"]
    assert got["bank_out"] == [4, 2, 3]
    assert 0.0 <= got["metrics"]["test_loss"] < float("inf")  # it trained; how well: the next-but-one test


@pytest.mark.slow
def test_broken_plugin_leaves_the_cli_working_and_is_named_where_a_kind_is_missing(site, tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nmodel: {kind: nope}\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(site), os.environ.get("PYTHONPATH"))))}
    ok = subprocess.run([sys.executable, "-m", "zoo", "validate", "comet-particles"], capture_output=True, text=True,
                        env=env, cwd=tmp_path, timeout=300)
    assert ok.returncode == 0, ok.stderr[-2000:]
    bad = subprocess.run([sys.executable, "-m", "zoo", "validate", "bad.yaml"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "bad.yaml:2" in bad.stderr and "model.kind" in bad.stderr
    assert "zoo-toy-plugin (entry point 'broken')" in bad.stderr and "ImportError" in bad.stderr


@pytest.mark.slow
def test_a_family_is_one_package_and_one_registration(tmp_path):
    (tmp_path / "toy.yaml").write_text(TOY_SPEC.replace("steps: 300", "steps: 200"))
    code = """
import json, zoo
from zoo.families.family import register_family
from zoo_toy import FAMILY
register_family(FAMILY)
from zoo.train import train
result = train(zoo.load_spec("toy.yaml"), run_dir="run", progress=False)
untrained = train(zoo.load_spec("toy.yaml", ["train.steps=1"]), run_dir="run0", progress=False)
print(json.dumps({"trained": result.metrics["test_loss"], "untrained": untrained.metrics["test_loss"]}))
"""
    out = _run(code, str(PLUGIN), tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["trained"] < 0.5 * got["untrained"]
