"""``zoo validate`` refuses, from the typed graph alone, every model that training would refuse."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zoo.cli import main
from zoo.compiler import DEFAULT, checked_graph, compile_spec
from zoo.compiler.budget import meta_blocks, parameter_names
from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.train import train
from zoo.families.slot_vae.procedure import VAEProcedure
from zoo.train.requirements import graph_types, model_issues

TINY_META = ["data.support_shots=4", "data.query_shots=4", "train.batch=2", "train.eval_tasks=2",
             "train.inner.steps=1", "train.steps=1"]


def messages(error: SpecError) -> list[str]:
    return [f"{'.'.join(map(str, i.path))}: {i.message}" for i in error.issues]


@pytest.mark.parametrize("overrides, expected", [
    (["train.output=z"], ["train.procedure: procedure 'meta' needs model outputs ['z']; the model has ['y']"]),
    (["train.adapt=[hed, body]"], ["train.adapt.0: 'hed' matches no parameter; the model has body.net.0.weight, "
                                   "body.net.0.bias, body.net.2.weight, body.net.2.bias, head.weight, head.bias"]),
    (["data.output=5"], ["train.output: output 'y' is (B, 8) but the data's targets have width 5"]),
    (["data.input=12"], ["model: the model's input is (B, 16) but the data's inputs have width 12"]),
])
def test_validate_and_train_refuse_the_same_model(overrides, expected, tmp_path):
    spec = load_spec("anil-connected", TINY_META + overrides)
    assert messages(SpecError(model_issues(spec, checked_graph(spec)))) == expected
    with pytest.raises(SpecError) as raised:
        train(spec, run_dir=tmp_path, progress=False)
    assert messages(raised.value) == expected


def test_validate_reports_every_model_problem_at_once():
    r = CliRunner().invoke(main, ["validate", "anil-connected", "--set", "train.adapt=[hed]", "--set", "data.output=5"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "train.adapt[0]: 'hed' matches no parameter" in r.output
    assert "anil-connected.yaml:27:1: train.output: output 'y' is (B, 8) but the data's targets have width 5" in r.output


def test_validate_refuses_a_model_over_the_parameter_budget():
    r = CliRunner().invoke(main, ["validate", "comet-particles", "--set", "mechanisms[0].count=4096",
                                  "--set", "mechanisms[0].hidden=[65536, 65536]"])
    assert r.exit_code == 2 and "mechanisms[0]: node 'particles' would hold" in r.output and "more than the 4,294,967,296" in r.output


def test_vae_feeds_one_image_input():
    spec = load_spec("slotvae-sprites")
    inputs, outputs = graph_types(checked_graph(spec))
    assert VAEProcedure.model_issues(spec, inputs, outputs, []) == []
    (issue,) = VAEProcedure.model_issues(spec, {**inputs, "extra": next(iter(inputs.values()))}, outputs, [])
    assert issue.message == "the vae procedure feeds one image input; the model has ['extra', 'image']"


@pytest.mark.parametrize("name", ["anil-connected", "comet-particles", "rims-copying"])
def test_parameter_names_from_the_graph_are_the_compiled_models(name):
    spec = load_spec(name)
    names = parameter_names(meta_blocks(checked_graph(spec), DEFAULT))
    assert sorted(names) == sorted(n for n, _ in compile_spec(spec).named_parameters())


def test_a_source_world_read_from_a_file_is_compared_with_the_target_when_read(tmp_path):
    import numpy as np

    np.savez(tmp_path / "source.npz", states=np.zeros((4, 3, 3, 4), dtype=np.float32))
    spec = load_spec("interaction-network-particles", [
        f"train.sources=[{{kind: trajectories, path: {tmp_path / 'source.npz'}}}]", "train.pretrain_steps=1",
        "train.steps=2", "data.trajectories=4", "data.test_trajectories=2"])
    with pytest.raises(SpecError) as raised:
        train(spec, run_dir=tmp_path / "run", progress=False)
    assert messages(raised.value) == ["train.sources.0: source world 0 has (3, 4) (objects, features); the target "
                                      "has (5, 8)"]
