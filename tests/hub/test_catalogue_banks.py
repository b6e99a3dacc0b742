"""The catalogue's banks: which specs ``zoo banks build`` trains by default, and the committed banks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from zoo.banks.catalogue import catalogue_banks
from zoo.hub.catalogue_build import default_builds, trainable_banks
from zoo.schema import catalogue, load_spec


def test_default_build_is_the_quick_banks_only():
    names = default_builds()
    assert "comet-particles" in names and not any(n.startswith("rims-") for n in names)
    every = default_builds(everything=True)
    assert set(names) < set(every) and any(n.startswith("rims-") for n in every)
    for name in every:
        assert trainable_banks(load_spec(next(e.path for e in catalogue() if e.name == name)))


# an absolute filesystem path: a "/" that does not continue a word, URL or relative path, then a directory
ABSOLUTE = re.compile(r"(?<![\w:/.~-])/[\w.-]+/")


def _strings(tree):
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        for k, v in tree.items():
            yield k
            yield from _strings(v)
    elif isinstance(tree, list):
        for v in tree:
            yield from _strings(v)


def test_the_absolute_path_pattern():
    assert ABSOLUTE.search("built in /home/me/runs") and ABSOLUTE.search('"source": "/srv/banks/x"')
    assert not ABSOLUTE.search("see https://pypi.org/project/mechzoo/ or banks/comet-particles/README.md")


def test_committed_banks_carry_no_machine_paths():
    banks = catalogue_banks()
    assert banks, "no committed catalogue banks"
    for bank in banks:
        meta = json.loads((bank.path / "spec.json").read_text(encoding="utf-8"))
        absolute = [s for s in _strings(meta) if Path(s).is_absolute() or ABSOLUTE.search(s)]
        assert not absolute, f"{bank.name}/spec.json names machine paths: {absolute[:3]}"
        card = (bank.path / "README.md").read_text(encoding="utf-8")
        assert not ABSOLUTE.search(card), f"{bank.name}/README.md names a machine path: {ABSOLUTE.search(card)[0]}"


def test_banks_build_reports_each_bank_it_writes(tmp_path):
    from click.testing import CliRunner

    from zoo.cli import main

    name = "comet-particles-spring-attraction"
    quick = ["train.steps=2", "train.eval_every=0", "data.trajectories=8", "data.test_trajectories=4"]
    args = ["banks", "build", name, "--out", str(tmp_path / "cli"), "--runs", str(tmp_path / "runs")]
    r = CliRunner().invoke(main, args + [a for s in quick for a in ("--set", s)])
    assert r.exit_code == 0, r.output
    assert re.search(rf"^\[{name}\] \d+s -> .*cli[/\\]{name}$", r.output, re.M) and "wrote 1 bank(s)" in r.output


def test_committed_cards_are_what_their_spec_json_gives_and_name_the_task():
    from zoo.banks.card import model_card

    tasks = {}
    for bank in catalogue_banks():
        meta = json.loads((bank.path / "spec.json").read_text(encoding="utf-8"))
        card = (bank.path / "README.md").read_text(encoding="utf-8")
        assert card == model_card(meta), f"{bank.name}/README.md is stale: rebuild it from its spec.json"
        tasks[bank.name] = re.search(r"task:\n\s+type: (\S+)", card)[1]
    assert tasks["comet-particles"] == "time-series-forecasting"
    assert tasks["rims-digits-bank"] == "image-classification" and tasks["rims-copying-bank"] == "token-classification"
    assert tasks["slot_vae-sprites-bank"] == "image-segmentation"
