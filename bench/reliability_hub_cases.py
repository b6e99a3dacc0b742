"""Adversarial Hub cases: stalls, trickles, names that would become paths, linked files, corrupted or
swapped files, concurrent pulls, moved tags. Each case builds its own small bank, fault-injecting Hub
server (:mod:`tests.support.hub_server`) and cache in a temporary directory, and returns True when zoo
handled it cleanly: a clear error with exit code 2 (or the right result), nothing written outside,
no hang.

Run: ``PYTHONPATH=. python bench/reliability_hub_cases.py [--stall]``; ``--stall`` also measures
``hub_stall_seconds_max``, the time a stalled Hub takes to give a clear error with the default limits
(about a minute). :func:`hub_case_counts` gives the counts in the shape of ``bench/reliability.py``'s sections.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reliability_hub_world import BANK, DEADLINE_S, TIMEOUT_S, World, cli, refused, small_bank, world  # noqa: E402

BOUND_S = DEADLINE_S + TIMEOUT_S + 3.0  # the deadline, one more wait, and slack for a loaded machine


@dataclass(frozen=True)
class HubCase:
    """One adversarial case: ``check()`` is True when zoo handled it cleanly."""

    name: str
    check: Callable[[], bool]


def _outside(w: World, mark: str) -> bool:
    """Whether anything named ``*mark*`` exists outside the case's cache (or in the temp dir)."""
    return any(w.root.parent.glob(f"*{mark}*")) or any(p for p in w.root.rglob(f"*{mark}*"))


def _spec(w: World, source: str) -> str:
    path = w.root / "uses-hub.yaml"
    doc = {**BANK, "name": "uses-hub", "mechanisms": [{"name": "bank", "kind": "pretrained", "source": source}]}
    path.write_text(json.dumps(doc))
    return str(path)


# -- 1. stalls and trickles --------------------------------------------------------------------------
def stall_api_pull() -> bool:
    with world() as w:
        w.hub.faults["api"] = ["stall"] * 1000
        return refused(("pull", "org/bank"), "did not answer in time", BOUND_S)


def trickle_body_pull() -> bool:
    with world() as w:
        w.hub.trickle_s = 0.2  # under the read timeout: only the deadline ends it
        w.hub.faults["model.safetensors"] = ["trickle"] * 100
        ok = refused(("pull", "org/bank"), "did not answer in time", BOUND_S)
        return ok and not list(w.hub.cache.rglob("*.incomplete"))


def stall_push() -> bool:
    with world() as w:
        w.hub.faults["api"] = ["stall"] * 1000
        return refused(("push", str(w.src), "org/pushed"), "did not answer in time", BOUND_S)


def stall_spec_compile() -> bool:
    with world() as w:
        w.hub.faults["api"] = ["stall"] * 1000
        spec = _spec(w, "hf://org/bank@v1")
        return refused(("compile", spec), "mechanisms[0].source: hf://org/bank@v1: the Hub at", BOUND_S)


# -- 2. names that would become paths ----------------------------------------------------------------
def revision_dotdot_pull() -> bool:
    with world() as w:
        mark = f"escaped-{secrets.token_hex(4)}"
        ok = refused(("pull", f"org/bank@../../../{mark}"), "bad revision")
        return ok and not w.hub.requests and not _outside(w, mark)


def revision_dotdot_in_spec() -> bool:
    with world() as w:
        mark = f"escaped-{secrets.token_hex(4)}"
        ok = refused(("validate", _spec(w, f"hf://org/bank@../../{mark}")), "bad revision")
        return ok and not w.hub.requests and not _outside(w, mark)


def bad_repo_id() -> bool:
    with world() as w:
        return refused(("pull", "org/na--me"), "bad Hub repository id") and not w.hub.requests


def bank_name_is_a_path() -> bool:
    import dataclasses

    from zoo.errors import BankError
    from zoo.hub import load_bank, push_to_hub

    with world() as w:
        mark = f"escaped-{secrets.token_hex(4)}"
        bank = load_bank(w.src)
        meta = json.loads((w.src / "spec.json").read_text())
        (w.src / "spec.json").write_text(json.dumps({**meta, "name": f"../{mark}"}))
        ok = refused(("info", str(w.src)), "bad bank name")
        try:
            push_to_hub(dataclasses.replace(bank, meta={**bank.meta, "name": f"../{mark}"}), "org/pushed")
            ok = False
        except BankError:
            pass
        return ok and not w.hub.requests and not (Path(tempfile.gettempdir()) / mark).exists()


def unsafe_etag() -> bool:
    with world() as w:
        mark = f"escaped-{secrets.token_hex(4)}"
        w.hub.etag_override = f"../../{mark}"
        return refused(("pull", "org/bank"), "not a plain name") and not _outside(w, mark)


def unsafe_commit() -> bool:
    with world() as w:
        mark = f"escaped-{secrets.token_hex(4)}"
        w.hub.commit = f"../../{mark}"
        return refused(("pull", "org/bank"), "not a commit sha") and not _outside(w, mark)


# -- 3. links and files that are not regular -------------------------------------------------------
def linked_card_push() -> bool:
    with world() as w:
        secret = w.root / "secret.md"
        secret.write_text("not for publishing\n")
        (w.src / "README.md").unlink()
        (w.src / "README.md").symlink_to(secret)
        ok = refused(("push", str(w.src), "org/pushed"), "README.md: is a symbolic link")
        return ok and refused(("info", str(w.src)), "README.md: is a symbolic link") and not w.hub.requests


def fifo_weights_load() -> bool:
    with world() as w:
        (w.src / "model.safetensors").unlink()
        os.mkfifo(w.src / "model.safetensors")
        return refused(("info", str(w.src)), "model.safetensors: not a regular file", BOUND_S)


# -- 6. concurrent pulls -----------------------------------------------------------------------------
CHILD = """
import sys, time
from pathlib import Path
from zoo.cli import main
import zoo.banks.bank, zoo.hub.remote
ready = Path(sys.argv[1]); (ready / sys.argv[2]).touch(); end = time.monotonic() + 120
while len(list(ready.iterdir())) < int(sys.argv[3]) and time.monotonic() < end:
    time.sleep(0.01)
main(["pull", "org/bank"])
"""


def concurrent_pulls_one_garbled(pulls: int = 4) -> bool:
    with world(timeout=None, deadline=None) as w:
        w.hub.faults["model.safetensors"] = ["garble"]
        ready = w.root / "ready"
        ready.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(ready), str(i), str(pulls)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(pulls)]
        codes = [p.communicate(timeout=300) and p.returncode for p in procs]
        return codes == [0] * pulls and ("model.safetensors", "garble") in w.hub.served


# -- 10, 15d. corrupted and swapped files --------------------------------------------------------------
def _opaque_garbled(name: str) -> Callable[[], bool]:
    def check() -> bool:
        with world(timeout=None, deadline=None) as w:
            w.hub.etags = "opaque"  # a mirror's ETags: not content hashes
            w.hub.faults[name] = ["garble"]
            code, err, _ = cli("pull", "org/bank", "--to", str(w.root / "copy"))
            return code == 0 and (w.root / "copy" / name).read_bytes() == w.hub.files[name] and not w.hub.faults[name]

    return check


def swapped_weights_local() -> bool:
    with world() as w:
        other = small_bank(w.root / "other", seed=7)
        shutil.copyfile(other / "model.safetensors", w.src / "model.safetensors")
        return refused(("info", str(w.src)), "does not belong to this spec.json")


def swapped_weights_on_the_hub() -> bool:
    with world() as w:
        w.hub.files["model.safetensors"] = (small_bank(w.root / "other", seed=7) / "model.safetensors").read_bytes()
        return refused(("pull", "org/bank"), "does not belong to this spec.json")


# -- 15c. a moved tag; one progress bar ----------------------------------------------------------------
def moved_tag_is_reported() -> bool:
    with world() as w:
        first = cli("pull", "org/bank@v1")
        w.hub.files = {p.name: p.read_bytes() for p in small_bank(w.root / "moved", seed=3).iterdir()}
        w.hub.commit = "1" * 40
        code, err, _ = cli("pull", "org/bank@v1")
        return first[0] == 0 and code == 0 and f"'v1' now resolves to commit {'1' * 40}" in err


def one_progress_bar_per_download() -> bool:
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    was = are_progress_bars_disabled()
    enable_progress_bars()
    try:
        with world() as w:
            code, err, _ = cli("compile", _spec(w, "hf://org/bank"))
            again = cli("pull", "org/bank")
            return code == 0 and err.count("Fetching 3 files: 100%") == 1 and again[0] == 0 and "Fetching" not in again[1]
    finally:
        if was:
            disable_progress_bars()


def hub_cases() -> list[HubCase]:
    """Every adversarial Hub case, named."""
    checks = [stall_api_pull, trickle_body_pull, stall_push, stall_spec_compile, revision_dotdot_pull,
              revision_dotdot_in_spec, bad_repo_id, bank_name_is_a_path, unsafe_etag, unsafe_commit, linked_card_push,
              fifo_weights_load, concurrent_pulls_one_garbled, swapped_weights_local, swapped_weights_on_the_hub,
              moved_tag_is_reported, one_progress_bar_per_download]
    cases = [HubCase(f.__name__, f) for f in checks]
    cases += [HubCase(f"opaque_etag_garbled_{n.split('.')[0].lower()}", _opaque_garbled(n))
              for n in ("model.safetensors", "spec.json", "README.md")]
    return cases


def hub_stall_seconds_max() -> float:
    """Seconds for a stalled Hub (API stalled; body trickled) to give a clear error, default limits."""
    def stalled(w: World) -> None:
        w.hub.faults["api"] = ["stall"] * 1000

    def trickled(w: World) -> None:
        w.hub.faults["model.safetensors"] = ["trickle"] * 1000

    times = []
    for fault in (stalled, trickled):
        with world(timeout=None, deadline=None) as w:
            fault(w)
            code, err, took = cli("pull", "org/bank")
            if code != 2 or "did not answer in time" not in err:
                raise RuntimeError(f"a stalled Hub was not reported clearly: exit {code}: {err[-300:]}")
            times.append(took)
    return max(times)


def hub_case_counts(stall: bool = False) -> dict:
    """Every case run once: how many, how many handled cleanly, the rows (and the stall time)."""
    rows = []
    for case in hub_cases():
        start = time.monotonic()
        try:
            ok, note = bool(case.check()), ""
        except Exception as e:  # noqa: BLE001 - counted as not handled, not hidden
            ok, note = False, f"{type(e).__name__}: {e}"[:300]
        rows.append({"case": case.name, "handled": int(ok), "seconds": round(time.monotonic() - start, 2), "note": note})
    out = {"cases": len(rows), "handled": sum(r["handled"] for r in rows), "rows": rows}
    if stall:
        out["hub_stall_seconds_max"] = round(hub_stall_seconds_max(), 1)
    return out


if __name__ == "__main__":
    print(json.dumps(hub_case_counts(stall="--stall" in sys.argv[1:]), indent=1))
