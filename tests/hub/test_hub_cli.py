"""``zoo push``, ``zoo pull`` and ``zoo info`` against the test Hub: thin commands, exit code 2 for bad input."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from zoo.cli import main

REPO = "zoo-org/cli-bank"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_push_a_run_then_pull_by_tag_and_copy(hub, tiny_bank, tmp_path):
    path, _ = tiny_bank
    run_dir = tmp_path / "run"
    shutil.copytree(path, run_dir / "bank")
    r = run("push", run_dir, REPO, "--tag", "v1", "-m", "first bank")
    assert r.exit_code == 0, r.output
    sha = hub.repos[REPO].tags["v1"]
    assert f"pin it: hf://{REPO}@{sha}" in r.output and hub.repos[REPO].commits[sha].message == "first bank"
    r = run("pull", f"{REPO}@v1", "--to", tmp_path / "copy")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"hf://{REPO}@{sha}: bank 'bank', ")
    for name in ("spec.json", "model.safetensors", "README.md"):
        assert (tmp_path / "copy" / name).read_bytes() == (path / name).read_bytes()


def test_push_a_run_with_several_banks_needs_a_choice(hub, tiny_bank, tmp_path):
    path, _ = tiny_bank
    for name in ("a", "b"):
        shutil.copytree(path, tmp_path / "run" / "banks" / name)
    r = run("push", tmp_path / "run", REPO)
    assert r.exit_code == 2 and "trained banks a, b; choose one with --bank NAME" in r.output
    r = run("push", tmp_path / "run", REPO, "--bank", "b", "--branch", "dev")
    assert r.exit_code == 0 and "branch dev" in r.output and "dev" in hub.repos[REPO].branches


def test_info_local_and_remote(hub, tiny_bank):
    path, _ = tiny_bank
    r = run("info", path)
    assert r.exit_code == 0, r.output
    assert "spec: mlp x 3, hidden [8], activation relu, inputs self, context" in r.output
    assert "mechanisms.weights.0" in r.output and "(3, 9, 8)" in r.output and "one_step_mse" in r.output
    run("push", path, REPO)
    r = run("info", REPO, "--json")
    data = json.loads(r.stdout)  # progress bars, if any, go to stderr
    assert data["origin"].startswith(f"hf://{REPO}@") and data["ports"] == {"context": 5, "state": 4}
    assert data["tensors"]["mechanisms.weights.0"] == {"shape": [3, 9, 8], "dtype": "float32"}
    assert data["metrics"] == {"nmi": 0.5, "one_step_mse": 0.25} and data["parameters"] == 3 * (9 * 8 + 8 + 8 * 4 + 4)


def test_bad_input_exits_2_without_traceback(hub, tiny_bank, tmp_path):
    path, _ = tiny_bank
    (tmp_path / "empty").mkdir()
    cases = [
        (("pull", "zoo-org/missing"), "no such repository"),
        (("pull", "./not a repo"), "is not a Hub repository"),
        (("info", tmp_path / "nowhere"), "no such directory or catalogue bank"),
        (("push", tmp_path / "empty", REPO), "neither a bank directory"),
        (("push", path, "not-a-repo-id"), "bad Hub repository 'not-a-repo-id'"),
        (("info", path, "--revision", "v1"), "a revision applies only to Hub repositories"),
    ]
    for args, message in cases:
        r = run(*args)
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, (args, r.output)


def test_offline_environment_variable_serves_the_cache(hub, tiny_bank, tmp_path):
    """A fresh process with HF_HUB_OFFLINE=1 (read by huggingface_hub at import) uses the cache only."""
    import os
    import subprocess
    import sys

    path, _ = tiny_bank
    run("push", path, REPO, "--tag", "v1")
    assert run("pull", f"{REPO}@v1").exit_code == 0
    hub.stop()  # nothing to talk to any more
    from pathlib import Path

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    ok = subprocess.run([sys.executable, "-m", "zoo", "info", f"{REPO}@v1", "--json"], env=env,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["origin"] == f"hf://{REPO}@{hub.repos[REPO].tags['v1']}"
    missing = subprocess.run([sys.executable, "-m", "zoo", "pull", f"{REPO}@main"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "HF_HUB_OFFLINE is set" in missing.stderr and "Traceback" not in missing.stderr
