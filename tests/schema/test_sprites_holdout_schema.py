"""``data.holdout`` of the sprites environment: each bad holdout is refused at its place, all at once."""

from click.testing import CliRunner

from zoo.cli import main
from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.schema.catalogue import catalogue_dir

PAIR = "data.holdout={kind: shape_pair, shapes: [circle, square]}"


def problems(*overrides: str) -> list[str]:
    """``path: message`` of every issue of slotvae-sprites with ``overrides`` (empty when valid)."""
    try:
        load_spec("slotvae-sprites", overrides)
    except SpecError as e:
        return [f"{'.'.join(map(str, i.path))}: {i.message}" for i in e.issues]
    return []


def test_a_valid_pair_loads():
    assert problems(PAIR) == []
    assert load_spec("slotvae-sprites", [PAIR]).data.holdout.shapes == ("circle", "square")


def test_a_shape_that_is_not_drawn_is_refused_at_its_index():
    assert problems(PAIR, "data.shapes=[square, triangle]") == [
        "data.holdout.shapes.0: 'circle' is not among data.shapes ['square', 'triangle']; it would never be drawn"]


def test_scenes_of_one_object_cannot_hold_a_pair():
    assert problems(PAIR, "data.min_objects=1", "data.max_objects=1") == [
        "data.holdout: a held-out pair needs scenes of 2 objects or more; data.max_objects is 1"]


def test_two_of_the_only_shape_leaves_no_training_scene():
    assert problems("data.holdout={kind: shape_pair, shapes: [circle, circle]}", "data.shapes=[circle]") == [
        "data.holdout.shapes: every training scene would hold two circles: data.shapes has no other shape"]


def test_unknown_kinds_and_shapes_are_refused_by_the_schema():
    assert any(p.startswith("data.holdout.kind") for p in problems("data.holdout={kind: colour, shapes: [circle, square]}"))
    assert any(p.startswith("data.holdout.shapes.1") for p in problems("data.holdout={kind: shape_pair, shapes: [circle, star]}"))
    assert any(p.startswith("data.holdout.shapes") for p in problems("data.holdout={kind: shape_pair, shapes: [circle]}"))


def test_the_cli_names_the_place_and_exits_2():
    r = CliRunner().invoke(main, ["validate", "slotvae-sprites", "--set", PAIR, "--set", "data.shapes=[square, triangle]"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--set data.holdout={kind: shape_pair, shapes: [circle, square]}: data.holdout.shapes[0]: 'circle' is " \
           "not among data.shapes" in r.output


def test_a_spec_file_names_the_line_of_the_holdout(tmp_path):
    spec = (catalogue_dir() / "slotvae-sprites.yaml").read_text().replace(
        "  max_objects: 4\n", "  max_objects: 4\n  holdout: {kind: shape_pair, shapes: [circle, star]}\n")
    (tmp_path / "s.yaml").write_text(spec)
    r = CliRunner().invoke(main, ["validate", str(tmp_path / "s.yaml")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    line = spec.splitlines().index("  holdout: {kind: shape_pair, shapes: [circle, star]}") + 1
    assert f"s.yaml:{line}:" in r.output and "data.holdout.shapes[1]" in r.output, r.output
