"""``zoo init FAMILY``: commented starter specs that validate and compile; the catalogue's modelines."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from zoo.cli import main
from zoo.schema import catalogue, load_spec
from zoo.starters import STARTERS, schema_file

MODELINE = "# yaml-language-server: $schema="


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("family", STARTERS)
def test_starter_validates_and_compiles(family, tmp_path):
    from zoo.compiler import compile_spec

    out = tmp_path / "specs" / f"my-{family}.yaml"
    out.parent.mkdir()
    r = run("init", family, "--out", out)
    assert r.exit_code == 0, r.output
    text = out.read_text()
    first = text.splitlines()[0]
    assert first.startswith(MODELINE)
    assert (out.parent / first[len(MODELINE):]).resolve() == schema_file().resolve()  # the editor finds it
    assert schema_file().exists()
    body = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert all("#" in line for line in body if not line.startswith("description:")), "every field is explained"
    r = run("validate", out)
    assert r.exit_code == 0 and r.output.startswith("ok: "), r.output
    spec = load_spec(out)
    assert spec.model.kind == family and spec.data is not None and spec.train is not None
    model = compile_spec(spec)
    assert sum(p.numel() for p in model.parameters()) > 0 and all(torch.isfinite(p).all() for p in model.parameters())


def test_init_prints_to_stdout_and_refuses_to_overwrite(tmp_path):
    r = run("init", "rims")
    assert r.exit_code == 0 and r.output.startswith(MODELINE) and "kind: rims" in r.output
    out = tmp_path / "a.yaml"
    out.write_text("mine\n")
    r = run("init", "rims", "--out", out)
    assert r.exit_code == 2 and "exists; choose another --out or add --force" in r.output
    assert out.read_text() == "mine\n"
    assert run("init", "rims", "--out", out, "--force").exit_code == 0 and "kind: rims" in out.read_text()


def test_init_unknown_family_lists_the_families():
    r = run("init", "transformer")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "unknown starter 'transformer'; expected one of: comet, hypernetwork, rims, slot_vae, graph" in r.output


def test_every_catalogue_spec_starts_with_the_modeline():
    entries = [e for e in catalogue() if e.path.suffix in (".yaml", ".yml")]
    assert entries
    for entry in entries:
        first = entry.path.read_text().splitlines()[0]
        assert first == f"{MODELINE}../zoo.schema.json", f"{entry.path.name}: first line is {first!r}"
        assert (entry.path.parent / "../zoo.schema.json").resolve() == Path(schema_file()).resolve()


def test_graph_starter_trains_a_few_steps(tmp_path):
    from zoo.train import train

    out = tmp_path / "my-graph.yaml"
    assert run("init", "graph", "--out", out).exit_code == 0
    tiny = ["data.support_shots=4", "data.query_shots=4", "train.batch=2", "train.eval_tasks=2",
            "train.inner.steps=1", "train.steps=3", "train.eval_every=0"]
    result = train(load_spec(out, tiny), run_dir=tmp_path / "run", progress=False)
    assert 0 <= result.metrics["ood_acc"] <= 1 and (tmp_path / "run" / "model.safetensors").exists()
