"""The data environment must fit the spec: each rule, located, and every problem of a spec at once."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zoo.cli import main
from zoo.errors import SpecError
from zoo.schema import load_spec


def problems(name: str, *overrides: str) -> list[str]:
    """``path: message`` of every issue ``load_spec`` reports (empty when the spec is valid)."""
    try:
        load_spec(name, overrides)
    except SpecError as e:
        return [f"{'.'.join(map(str, i.path))}: {i.message}" for i in e.issues]
    return []


@pytest.mark.parametrize("name, overrides, objects", [
    ("comet-particles", ["data.objects=3"], 3),
    ("comet-traffic", ["data.lanes=2", "data.cars_per_lane=2"], 4),
    ("comet-sports", ["data.players=3"], 7),
])
def test_declared_slots_are_what_the_world_generates(name, overrides, objects):
    from zoo.envs import make_env

    tiny = ["data.trajectories=2", "data.test_trajectories=1", "data.length=2", "train.horizon=1"]
    data = load_spec(name, [*overrides, *tiny, f"slots.count={objects}"]).data
    world = make_env(data, 0)
    assert world.features == data.FEATURES and data.slot_count() == objects
    assert tuple(world.splits["train"].states.shape[2:]) == (objects, len(data.FEATURES))


def test_slot_count_and_dim_must_match_the_world():
    assert problems("comet-particles", "slots.count=6") == [
        "slots.count: is 6 but the particles world has 5 objects (data.objects); set slots: {count: 5, dim: 8}"]
    assert problems("comet-traffic", "slots.dim=5") == [
        "slots.dim: is 5 but the traffic world's objects have 4 features (x, lane, v, desired_speed); "
        "set slots: {count: 5, dim: 4}"]
    assert problems("comet-sports", "data.players=3") == [
        "slots.count: is 5 but the sports world has 7 objects (2 x data.players + the ball); set slots: {count: 7, dim: 8}"]


def test_a_changed_world_is_refused_by_validate_where_it_was_written():
    r = CliRunner().invoke(main, ["validate", "comet-particles", "--set", "data.objects=7"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "comet-particles.yaml:15:9: slots.count: is 5 but the particles world has 7 objects" in r.output


def test_procedure_must_read_what_the_environment_gives():
    (issue,) = problems("rims-digits", "train={procedure: vae}")
    assert issue == ("data.kind: procedure 'vae' trains on an image environment (sprites, or an images file), "
                     "but the sequential_digits environment gives examples")
    (issue,) = problems("comet-particles", "train={procedure: supervised}")
    assert issue.startswith("data.kind: procedure 'supervised' trains on an environment of inputs and targets")


def test_finetune_sources_must_be_worlds_of_the_target_shape():
    assert problems("interaction-network-particles", "train.sources=[{kind: particles, objects: 4}]") == [
        "train.sources.0: the particles world has 4 objects of 8 features; the target world (data) has 5 of 8"]
    assert problems("interaction-network-particles", "train.sources=[{kind: sprites}]") == [
        "train.sources.0.kind: a source world is an object-slot world (particles, traffic, sports, or a trajectories file), "
        "got 'sprites'"]


def test_compose_needs_a_classifier_router():
    assert problems("comet-particles-compose", "router={kind: winner_take_all}") == [
        "router: the compose procedure trains a classifier router: set router: {kind: classifier} "
        "(got 'winner_take_all')"]


def test_bouncing_balls_rollout_leaves_a_frame_to_see():
    assert problems("lstm-balls", "data.rollout=20") == [
        "data.rollout: 20 predicted frames leave none to see in sequences of data.length=20 frames; use at most 19"]
    assert problems("lstm-balls", "data.rollout=19") == []


def test_a_spec_that_does_not_train_is_not_held_to_its_data():
    assert problems("comet-particles", "slots.count=6", "train=null") == []


def test_every_problem_is_reported_at_once():
    found = problems("comet-particles-compose", "router={kind: soft_mixture}", "slots.dim=3", "data.objects=4",
                     "train.horizon=99")
    assert [p.split(":")[0] for p in found] == ["train.horizon", "slots.count", "slots.dim", "router"]


def test_digits_source_must_be_a_known_one():
    assert problems("rims-digits", "data.source=emnist") == [
        "data.source: Input should be 'sklearn' or 'mnist' (got 'emnist')"]
    assert load_spec("rims-digits").data.source == "sklearn"  # the default install's data
    assert load_spec("rims-mnist").data.source == "mnist"


def test_digits_limit_is_at_most_the_source_images():
    assert problems("rims-digits", "data.limit=2000") == [
        "data.limit: Value error, limit=2000 exceeds the 1,797 images of source 'sklearn'"]
    assert problems("rims-mnist", "data.limit=2000") == []
    assert problems("rims-mnist", "data.limit=5001") == ["data.limit: Input should be less than or equal to 5000"]


def test_digits_pixels_must_be_what_the_model_input_takes():
    assert problems("rims-digits", "data.pixels=floats") == [
        "model.input: data.pixels: floats gives each pixel as a feature vector of width 1; set model.input to "
        "{features: 1}"]
    assert problems("rims-mnist", "data.pixels=tokens") == [
        "model.input: data.pixels: tokens gives each pixel as a token 0 or 1; set model.input.vocab to 2 (or "
        "data.pixels to floats with model.input {features: 1})"]
    assert problems("lstm-digits", "data.pixels=floats", "model.input={features: 1}") == []
