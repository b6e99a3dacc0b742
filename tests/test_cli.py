"""The command line: thin commands, exit code 2 with a located message for bad input, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from zoo.cli import main


@pytest.fixture
def spec_file(tmp_path, comet_yaml):
    p = tmp_path / "s.yaml"
    p.write_text(comet_yaml)
    return p


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_validate_ok(spec_file):
    r = run("validate", spec_file)
    assert r.exit_code == 0 and r.output.startswith("ok: tiny-comet (comet, 5 nodes")


def test_validate_reports_every_error_with_location(spec_file):
    spec_file.write_text(spec_file.read_text().replace("count: 3", "count: -3").replace("[8]}", "[8], x: 1}"))
    r = run("validate", spec_file)
    assert r.exit_code == 2
    assert f"{spec_file}:6:" in r.output and "mechanisms[0].count" in r.output
    assert "router.x: unknown key 'x'" in r.output and "Traceback" not in r.output


def test_set_overrides_are_validated(spec_file):
    assert run("validate", spec_file, "--set", "mechanisms[0].count=4").exit_code == 0
    r = run("validate", spec_file, "--set", "interactions.kind=star")
    assert r.exit_code == 2 and "--set interactions.kind=star: interactions.kind" in r.output


def test_schema_prints_json_schema(tmp_path):
    r = run("schema")
    schema = json.loads(r.output)
    assert schema["title"] == "zoo model spec" and "model" in schema["properties"]
    out = tmp_path / "s.json"
    assert run("schema", "--out", out).exit_code == 0 and json.loads(out.read_text()) == schema


def test_graph_text_dot_png_svg(spec_file, tmp_path):
    r = run("graph", spec_file)
    assert r.exit_code == 0 and "bank [mechanism_bank]" in r.output and "(B, 4, 3, 4, 4)" in r.output
    for suffix in (".dot", ".png", ".svg", ".txt"):
        out = tmp_path / f"g{suffix}"
        assert run("graph", spec_file, "--out", out).exit_code == 0 and out.stat().st_size > 100
    assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    r = run("graph", spec_file, "--out", tmp_path / "g.gif")
    assert r.exit_code == 2 and "use .png, .svg, .dot or .txt" in r.output


def test_compile_print_code(spec_file):
    r = run("compile", spec_file, "--print-code")
    assert r.exit_code == 0 and "def forward(self, state)" in r.output
    r = run("compile", spec_file)
    assert "bank.mechanisms.weights.0" in r.output


def test_list_shows_the_catalogue():
    r = run("list")
    assert r.exit_code == 0 and r.output.strip()


@pytest.mark.parametrize("args", [["validate", "missing.yaml"], ["validate", "no-such-name"], ["graph", "x.json"]])
def test_bad_input_exit_code_2_without_traceback(args):
    proc = subprocess.run([sys.executable, "-m", "zoo", *args], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_train_resume_needs_run_dir(spec_file):
    r = run("train", spec_file, "--resume")
    assert r.exit_code == 2
