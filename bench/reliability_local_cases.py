"""Adversarial local-file and training cases: special and huge files, crashes while logs are rewritten,
changed specs on ``--resume``, shared or used run directories, runs that cannot fit in memory.

:func:`local_cases` returns :class:`Check` items, self-contained; each ``run()`` builds what it needs in a
temporary directory and returns True when zoo handled the case cleanly: a refusal with exit code 2, a message
naming the problem and no traceback (through the real command line, in this process), or a correct
result. Run ``PYTHONPATH=. python bench/reliability_local_cases.py`` to see each outcome.
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.specbases import REGRESSION  # noqa: E402

TIMEOUT_S = 60.0  # a case that blocks longer (e.g. reading a FIFO) has not been handled


class Check(NamedTuple):
    """One adversarial case: ``run()`` is True when zoo handled it cleanly (as in reliability_spec_cases)."""

    name: str
    run: Callable[[], bool]


def _doc(**train) -> dict:
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=4, checkpoint_every=2, eval_every=2, **train)
    return doc


def _zoo(*args: object) -> tuple[int, str]:
    """``zoo ARGS`` in this process (exit code, output), or (-1, ...) if it blocked."""
    from click.testing import CliRunner

    from zoo.cli import main

    out: list = []
    t = threading.Thread(target=lambda: out.append(CliRunner().invoke(main, [str(a) for a in args])), daemon=True)
    t.start()
    t.join(TIMEOUT_S)
    return (out[0].exit_code, out[0].output) if out else (-1, "blocked")


def _refused(code_output: tuple[int, str], *phrases: str) -> bool:
    """Exit code 2 with an ``error:`` line (or click's usage error) naming ``phrases``, no traceback."""
    code, output = code_output
    said = "\nerror:" in "\n" + output or output.startswith("Usage:")
    return code == 2 and said and "Traceback" not in output and all(p in output for p in phrases)


def _in_tmp(case: Callable[[Path], bool]) -> Callable[[], bool]:
    def run() -> bool:
        with tempfile.TemporaryDirectory(prefix="zoo-local-") as tmp:
            return case(Path(tmp))
    return run


def _trained(tmp: Path, **train) -> tuple[Path, Path]:
    """A spec file and a finished tiny run of it."""
    spec = tmp / "spec.yaml"
    spec.write_text(yaml.safe_dump(_doc(**train)))
    code, output = _zoo("train", spec, "--run-dir", tmp / "run", "--no-progress")
    assert code == 0, output
    return spec, tmp / "run"


def _files(run: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run)): p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}


# -- special and huge files ---------------------------------------------------------------------------
def _special(kind: str, command: str) -> Callable[[Path], bool]:
    def case(tmp: Path) -> bool:
        bank = tmp / "bank"
        bank.mkdir()
        (bank / "model.safetensors").write_bytes(b"")
        target = bank / "spec.json"
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "device":
            target.symlink_to("/dev/zero")
        else:
            with open(target, "wb") as f:
                f.truncate(8 * 1024**3)
        args = ("validate", target) if command == "validate" else ("info", bank)
        return _refused(_zoo(*args), "spec.json")
    return case


def _huge_weights(where: str) -> Callable[[Path], bool]:
    def case(tmp: Path) -> bool:
        spec, run = _trained(tmp)
        path = run / ("checkpoints/last.safetensors" if where == "checkpoint" else "model.safetensors")
        with open(path, "r+b") as f:
            f.truncate(8 * 1024**3)  # sparse
        start = time.perf_counter()
        if where == "checkpoint":
            result = _zoo("train", spec, "--run-dir", run, "--resume", "--set", "train.steps=6")
        else:
            (run / "bank").mkdir()
            os.replace(path, run / "bank" / "model.safetensors")
            from zoo.errors import BankError
            from zoo.banks.format import read_tensors

            try:
                read_tensors(run / "bank")
                return False
            except BankError as e:
                result = (2, f"error: {e}")
        return _refused(result, path.name, "larger than") and time.perf_counter() - start < 30
    return case


def _lying_size(tmp: Path) -> bool:
    from zoo.io import FileReadError, read_limited

    try:
        read_limited("/proc/self/maps", 64)  # a regular file whose st_size says 0
    except FileReadError as e:
        return "larger than 64 bytes" in str(e)
    return False


# -- crashes around the logs ----------------------------------------------------------------------------
def _crash_mid_rewrite(tmp: Path) -> bool:
    import zoo.train.rundir as rundir
    from zoo.train.rundir import CsvLog

    log = CsvLog(tmp / "eval.csv")
    for step in range(1, 5001):
        log.write({"step": step, "loss": 0.5})
    before = (tmp / "eval.csv").read_bytes()
    real = rundir.write_chunks

    def dying(path, chunks):
        next(iter(chunks))
        raise KeyboardInterrupt  # the kill, after part of the new file is written

    rundir.write_chunks = dying
    try:
        CsvLog(tmp / "eval.csv").truncate_after(100)
    except KeyboardInterrupt:
        pass
    finally:
        rundir.write_chunks = real
    return (tmp / "eval.csv").read_bytes() == before


def _final_row_once(kill_before_metrics: bool) -> Callable[[Path], bool]:
    def case(tmp: Path) -> bool:
        spec, run = _trained(tmp)
        expected = (run / "eval.csv").read_bytes()
        if kill_before_metrics:
            (run / "metrics.json").unlink()  # what a kill after the last checkpoint leaves
        for _ in range(2):
            if _zoo("train", spec, "--run-dir", run, "--resume", "--no-progress")[0] != 0:
                return False
        return (run / "eval.csv").read_bytes() == expected and (run / "metrics.json").is_file()
    return case


# -- --resume with another spec -------------------------------------------------------------------------
def _changed_on_resume(override: str, phrase: str) -> Callable[[Path], bool]:
    def case(tmp: Path) -> bool:
        spec, run = _trained(tmp)
        before = _files(run)
        refused = _refused(_zoo("train", spec, "--run-dir", run, "--resume", "--set", override), phrase)
        return refused and _files(run) == before
    return case


# -- run directories ----------------------------------------------------------------------------------
def _locked(tmp: Path) -> bool:
    from filelock import FileLock

    from zoo.train.runlock import LOCK_NAME

    spec, run = _trained(tmp)
    before = _files(run)
    held = FileLock(str(run / LOCK_NAME), timeout=0)
    held.acquire()
    try:
        result = _zoo("train", spec, "--run-dir", run, "--resume", "--set", "train.steps=6")
    finally:
        held.release()
    return _refused(result, "another zoo process") and _files(run) == before


def _used_dir(tmp: Path) -> bool:
    spec, run = _trained(tmp)
    before = _files(run)
    return _refused(_zoo("train", spec, "--run-dir", run), "--resume", "--overwrite") and _files(run) == before


def _overwrite(tmp: Path) -> bool:
    spec, run = _trained(tmp)
    for stale in ("bank", "report"):
        (run / stale).mkdir()
        (run / stale / "stale.txt").write_text("from the earlier run")
    done = _zoo("train", spec, "--run-dir", run, "--overwrite", "--no-progress")[0] == 0
    return done and not (run / "bank").exists() and not (run / "report").exists()


def _resume_missing(tmp: Path) -> bool:
    spec = tmp / "spec.yaml"
    spec.write_text(yaml.safe_dump(_doc()))
    return _refused(_zoo("train", spec, "--run-dir", tmp / "nope", "--resume"), "nothing to resume")


def _compose_used(tmp: Path) -> bool:
    (tmp / "run").mkdir()
    (tmp / "run" / "metrics.json").write_text("{}")
    args = ("compose", "comet-particles-compose", "--bank", "comet-particles", "--run-dir", tmp / "run")
    return _refused(_zoo(*args), "not empty", "--overwrite")


# -- memory and threads -----------------------------------------------------------------------------------
def _memory(override: list[str], phrase: str) -> Callable[[Path], bool]:
    def case(tmp: Path) -> bool:
        sets = [a for s in override for a in ("--set", s)]
        return _refused(_zoo("train", "comet-particles", *sets, "--run-dir", tmp / "run"), phrase, "--max-memory")
    return case


def _png_mode(tmp: Path) -> bool:
    from zoo.report import plot_curves

    old = os.umask(0o022)
    try:
        plot_curves({"step": [1.0, 2.0], "loss": [1.0, 0.5]}, tmp / "curves.png", "curves")
    finally:
        os.umask(old)
    return (tmp / "curves.png").stat().st_mode & 0o777 == 0o644


def local_cases() -> list[Check]:
    """Every case, named."""
    return [Check(name, run) for name, run in [
        ("spec.json is a symlink to /dev/zero (zoo validate)", _in_tmp(_special("device", "validate"))),
        ("spec.json is a FIFO (zoo validate)", _in_tmp(_special("fifo", "validate"))),
        ("a bank's spec.json is a FIFO (zoo info)", _in_tmp(_special("fifo", "info"))),
        ("a bank's spec.json is an 8 GiB sparse file (zoo info)", _in_tmp(_special("sparse", "info"))),
        ("an 8 GiB sparse model.safetensors (bank load)", _in_tmp(_huge_weights("bank"))),
        ("an 8 GiB sparse checkpoint (--resume)", _in_tmp(_huge_weights("checkpoint"))),
        ("a file whose size lies (/proc): at most cap + 1 bytes read", _in_tmp(_lying_size)),
        ("a kill while eval.csv is cut back on --resume", _in_tmp(_crash_mid_rewrite)),
        ("--resume of a finished run logs its final evaluation once", _in_tmp(_final_row_once(False))),
        ("a kill between the last checkpoint and metrics.json, then --resume", _in_tmp(_final_row_once(True))),
        ("--resume --set train.lr=0.5", _in_tmp(_changed_on_resume("train.lr=0.5", "train.lr: 0.01 -> 0.5"))),
        ("--resume --set train.optimizer=sgd", _in_tmp(_changed_on_resume("train.optimizer=sgd", "train.optimizer"))),
        ("--resume --set train.seed=7", _in_tmp(_changed_on_resume("train.seed=7", "train.seed: 0 -> 7"))),
        ("--resume --set data.samples=128", _in_tmp(_changed_on_resume("data.samples=128", "data.samples"))),
        ("--resume --set train.steps=3 (below the 4 done)", _in_tmp(_changed_on_resume("train.steps=3", "already trained 4 steps"))),
        ("a second trainer on a locked run directory", _in_tmp(_locked)),
        ("zoo train into a finished run without --resume/--overwrite", _in_tmp(_used_dir)),
        ("--overwrite leaves no stale bank/ or report/", _in_tmp(_overwrite)),
        ("--resume of a run directory that does not exist", _in_tmp(_resume_missing)),
        ("zoo compose into a used run directory", _in_tmp(_compose_used)),
        ("data.trajectories: 10000000 (memory budget)", _in_tmp(_memory(["data.trajectories=10000000"], "data.trajectories"))),
        ("60 mechanisms of hidden [8192, 8192] (memory budget)",
         _in_tmp(_memory(["mechanisms[0].count=60", "mechanisms[0].hidden=[8192, 8192]"], "mechanisms[0]"))),
        ("--threads 0", lambda: _refused(_zoo("train", "comet-particles", "--threads", "0"), "--threads")),
        ("a figure PNG gets the umask's permissions", _in_tmp(_png_mode)),
    ]]


def main() -> int:
    passed = 0
    for name, check in local_cases():
        start = time.perf_counter()
        try:
            ok = bool(check())
        except Exception as e:  # noqa: BLE001 - an unhandled error is a failed case, reported
            ok, name = False, f"{name} ({type(e).__name__}: {e})"
        passed += ok
        print(f"{'ok  ' if ok else 'FAIL'} {time.perf_counter() - start:6.1f}s  {name}", flush=True)
    print(f"{passed}/{len(local_cases())} local cases handled cleanly")
    return 0 if passed == len(local_cases()) else 1


if __name__ == "__main__":
    sys.exit(main())
