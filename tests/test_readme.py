"""Every command in README.md runs, at tiny sizes, against the local Hub-compatible test server.

The README's spec (the YAML block named ``my-comet``) is written to ``my-comet.yaml``; each ``zoo``
command of every ``bash`` block then runs in order in a fresh directory, with ``--set`` overrides that
shrink training. Only the install steps and the full test suite are not run here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from zoo.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
NOT_RUN = ("python3 -m venv", ". .venv/bin/activate", "pip install", "python -m pytest")  # install, whole suite
TINY = {  # appended to `zoo train` / `zoo compose`; every README training spec lives in the particle world
    "train": ["train.steps=3", "train.eval_every=0", "data.trajectories=8", "data.test_trajectories=4"],
    "compose": ["train.steps=3", "data.trajectories=8", "data.test_trajectories=4"],
}


def blocks(text: str, lang: str) -> list[str]:
    """The bodies of the fenced ``lang`` blocks."""
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


def commands(text: str) -> list[list[str]]:
    """The ``zoo`` commands of the bash blocks, comments removed, ``&&`` chains split."""
    out = []
    for block in blocks(text, "bash"):
        for line in block.splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).strip()
            for part in filter(None, (p.strip() for p in line.split("&&"))):
                if part.startswith("zoo "):
                    out.append(shlex.split(part)[1:])
                else:
                    assert part.startswith(NOT_RUN), f"README command not covered by this test: {part!r}"
    return out


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """The test Hub server, with huggingface_hub pointed at it (:func:`tests.support.hub_server.serving`)."""
    from tests.support.hub_server import serving

    with serving(monkeypatch, tmp_path) as server:
        yield server


def test_readme_first_screen_is_kept():
    head = README.read_text().split("## ", 1)[0]
    assert "zoo train comet-particles" in head and 'pip install -e ".[test]"' in head


def test_every_readme_command_runs(hub, tmp_path, monkeypatch):
    text = README.read_text()
    (spec,) = [b for b in blocks(text, "yaml") if "name: my-comet" in b]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    Path("my-comet.yaml").write_text(spec)
    cmds = commands(text)
    assert {c[0] for c in cmds} >= {"init", "validate", "graph", "train", "report", "push", "pull", "compose"}
    for args in cmds:
        extra = [x for o in TINY.get(args[0], []) for x in ("--set", o)]
        r = CliRunner().invoke(main, args + extra)
        assert r.exit_code == 0, f"zoo {shlex.join(args)}:\n{r.output}"
    assert Path("graph.svg").read_text().lstrip().startswith("<?xml")
    assert (Path("runs/my-comet/report/report.md").read_text()).startswith("# Run report: my-comet")
    assert (Path("my-bank") / "model.safetensors").read_bytes() == Path("runs/my-comet/bank/model.safetensors").read_bytes()
    assert "v1" in hub.repos["my-org/my-comet"].tags


def test_commands_named_in_prose_are_run_too():
    text = README.read_text()
    run = [" ".join(["zoo", *c]) for c in commands(text)]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for named in re.findall(r"`(zoo [^`]+)`", prose):
        assert any(r.startswith(named) for r in run), f"{named!r} is named in the README but no block runs it"


def test_readme_spec_is_the_comet_starter_without_comments(tmp_path):
    from zoo.schema import load_spec, loads_spec
    from zoo.starters import starter

    (spec,) = [b for b in blocks(README.read_text(), "yaml") if "name: my-comet" in b]
    (tmp_path / "starter.yaml").write_text(starter("comet"))
    readme, started = loads_spec(spec), load_spec(tmp_path / "starter.yaml")
    assert readme.model_dump(exclude={"description"}) == started.model_dump(exclude={"description"})
