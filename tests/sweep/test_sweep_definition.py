"""Sweep documents (files and options): validation with located errors, and their expansion into points."""

from __future__ import annotations

import pytest

from zoo.errors import SpecError
from zoo.sweep.options import load_plan, split_values


def write(tmp_path, text: str, name: str = "sweep.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def errors(excinfo) -> list[str]:
    return [str(i) for i in excinfo.value.issues]


def test_grid_expands_to_every_combination_for_every_seed():
    plan = load_plan(["comet-particles"], "0-1", ["train.lr=1e-3,2e-3", "router.hidden=[8],[16, 16]"],
                     ["train.steps=2"])
    assert [(p.label, p.seed) for p in plan.points] == [
        ("train.lr=1e-3 router.hidden=[8]", 0), ("train.lr=1e-3 router.hidden=[8]", 1),
        ("train.lr=1e-3 router.hidden=[16, 16]", 0), ("train.lr=1e-3 router.hidden=[16, 16]", 1),
        ("train.lr=2e-3 router.hidden=[8]", 0), ("train.lr=2e-3 router.hidden=[8]", 1),
        ("train.lr=2e-3 router.hidden=[16, 16]", 0), ("train.lr=2e-3 router.hidden=[16, 16]", 1)]
    assert [o.text for o in plan.common] == ["train.steps=2"]


def test_no_grid_and_no_seeds_is_one_point_at_the_specs_own_seed():
    plan = load_plan(["comet-particles", "comet-traffic"])
    assert [(p.spec, p.label, p.seed) for p in plan.points] == [("comet-particles", "-", None),
                                                                 ("comet-traffic", "-", None)]


def test_values_split_at_top_level_commas_only():
    assert split_values("1e-3, [1, 2],{a: 1, b: 2},x") == ["1e-3", "[1, 2]", "{a: 1, b: 2}", "x"]


def test_a_sweep_file_with_points_and_spec_paths_relative_to_it(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "mine.yaml").write_text("name: mine\n")
    path = write(tmp_path, "spec: specs/mine.yaml\nseeds: [3, 1]\nset: {train.steps: 5}\n"
                           "points:\n  - {train.lr: 0.001}\n  - {train.lr: 0.002, router.hidden: [4, 4]}\n")
    plan = load_plan([path])
    assert plan.folder == tmp_path
    assert [(p.label, p.seed) for p in plan.points] == [
        ("train.lr=0.001", 3), ("train.lr=0.001", 1),
        ("train.lr=0.002 router.hidden=[4, 4]", 3), ("train.lr=0.002 router.hidden=[4, 4]", 1)]


def test_options_extend_or_replace_a_sweep_file(tmp_path):
    path = write(tmp_path, "spec: comet-particles\nseeds: 0-4\ngrid: {train.lr: [0.1, 0.2]}\n")
    plan = load_plan([path], "7", ["train.lr=0.3", "train.batch=8,16"], [])
    assert [(p.label, p.seed) for p in plan.points] == [("train.lr=0.3 train.batch=8", 7),
                                                        ("train.lr=0.3 train.batch=16", 7)]


@pytest.mark.parametrize("first_line, first_error", [
    ("seed: 0-4", "2:1: seed: unknown key 'seed'; did you mean 'seeds'? (accepted: spec, seeds, set, grid, points)"),
    ("seeds: 4-0", "2:1: seeds: the range '4-0' runs backwards; write 0-4"),
])
def test_file_errors_are_located_at_their_line_and_column(tmp_path, first_line, first_error):
    path = write(tmp_path, f"spec: comet-particles\n{first_line}\ngrid:\n  train.lr: []\n  'a b': [1]\n")
    with pytest.raises(SpecError) as e:
        load_plan([path])
    assert errors(e) == [  # every problem at once
        f"{path}:{first_error}",
        f"{path}:5:3: grid['a b']: 'a b' is not a spec path (write it like train.lr or mechanisms[0].count)",
        f"{path}:4:3: grid['train.lr']: the grid gives no values for train.lr; list at least one"]


@pytest.mark.parametrize("text, message", [
    ("spec: comet-particles\ngrid: {}\n", ":2:1: grid: the grid is empty"),
    ("spec: comet-particles\npoints: []\n", ":2:1: points: points is empty"),
    ("spec: comet-particles\ngrid: {train.lr: [1]}\npoints: [{train.lr: 1}]\n", ":3:1: points: give either grid"),
    ("spec: comet-particles\ngrid: {train.lr: 0.1}\n", ":2:8: grid['train.lr']: expected a list of values, got 0.1"),
    ("spec: comet-particles\nseeds: 1\nset: {train.seed: 2}\n", ":3:7: set['train.seed']: seeds already set"),
    ("spec: []\n", ":1:1: spec: name at least one spec"),
    ("spec: comet-particles\ngrid: {train.lr: [1, 2], train.batch: [1, 2]}\nseeds: 0-2999\n", "has 12000 runs"),
])
def test_bad_sweep_files(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as e:
        load_plan([path])
    assert message in str(e.value)


def test_option_errors_name_the_option():
    with pytest.raises(SpecError, match=r"^--grid train.lr=: grid\['train.lr'\]: the grid gives no values"):
        load_plan(["comet-particles"], grid=["train.lr="])
    with pytest.raises(SpecError, match=r"^--grid lr: expected PATH=VALUES"):
        load_plan(["comet-particles"], grid=["lr"])
    with pytest.raises(SpecError, match=r"^--seeds 2-1: seeds: the range '2-1' runs backwards"):
        load_plan(["comet-particles"], seeds="2-1")
    with pytest.raises(SpecError, match="neither a spec file nor a catalogue spec"):
        load_plan(["no-such-spec"])
