"""Every named adversarial case of the reliability benchmark, counted once, by class.

The named case sets (:mod:`bench.reliability_spec_cases`, :mod:`bench.reliability_local_cases`,
:mod:`bench.reliability_hub_cases`, :mod:`bench.reliability_name_cases`) are run here; the weight-file
corruptions, NaN/inf faults and Hub download scenarios of ``bench/reliability.py``'s sections are counted
from those sections' results, one case per named corruption, fault or scenario with its verdict (the 17
"Hub faults" are the responses served over 8 scenarios: the scenarios are the cases). A case fails when its
check returns False or raises. Names must be distinct across all sets.

Run: ``PYTHONPATH=. python bench/reliability_cases.py`` (the named sets only, with the stall time).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (class of the issue, words of a case name that put it there); the first class that matches wins
CLASSES: list[tuple[str, tuple[str, ...]]] = [
    ("terminal escapes", ("escaped", "quoting a key", "control codes")),
    ("hub stalls and timeouts", ("stall", "trickle")),
    ("duplicate final evaluation row", ("final evaluation once",)),
    ("symlinks and special or huge files", ("symlink", "linked", "fifo", "/dev/zero", "sparse", "special file",
                                            "size lies", "not regular")),
    ("hub- or file-controlled strings as paths", ("revision", "repo id", "repo_id", "bank_name", "unsafe_", "bank name")),
    ("kill during --resume start-up", ("kill",)),
    ("concurrent pulls with a corrupted download", ("concurrent",)),
    ("reserved names", ("reserved", "non-identifier", "legal name")),
    ("resume with a changed spec", ("--resume --set",)),
    ("run-directory lock and overwrite", ("locked", "--overwrite", "run directory", "finished run")),
    ("non-content-hash etags and garbled downloads", ("etag", "hub download")),
    ("memory budget", ("memory", "--threads")),
    ("tracebacks in zoo info and zoo report", ("zoo info", "zoo report")),
    ("yaml tags and schema versions", ("yaml tag", "schema version")),
    ("moved tags and swapped or corrupt weights", ("moved_tag", "swapped", "weight file")),
    ("huge error messages", ("short message",)),
    ("nan/inf during training", ("nan/inf",)),
]


class Case(NamedTuple):
    """A named case of one set: ``run()`` is True when zoo handled it cleanly."""

    set: str
    name: str
    run: Callable[[], bool]


def class_of(name: str) -> str:
    """The issue class of the case ``name`` ("other" when none of :data:`CLASSES` fits)."""
    low = name.lower()
    return next((c for c, words in CLASSES if any(w in low for w in words)), "other")


def named_cases() -> list[Case]:
    """Every case of the named sets (listed, not run), names checked to be distinct."""
    from bench.reliability_hub_cases import hub_cases
    from bench.reliability_local_cases import local_cases
    from bench.reliability_name_cases import family_cases
    from bench.reliability_spec_cases import spec_cases

    cases = [Case("spec", c.name, c.run) for c in spec_cases()] + [Case("local", c.name, c.run) for c in local_cases()]
    cases += [Case("hub", c.name, c.check) for c in hub_cases()] + [Case("families", c.name, c.run) for c in family_cases()]
    repeated = [n for n, k in Counter(c.name for c in cases).items() if k > 1]
    if repeated:
        raise ValueError(f"case names must be distinct across sets; repeated: {repeated}")
    return cases


def run_case(case: Case) -> tuple[bool, str]:
    """(handled cleanly, a note when not)."""
    try:
        return bool(case.run()), ""
    except Exception as e:  # noqa: BLE001 - counted as not handled, not hidden
        return False, f"{type(e).__name__}: {e}"[:300]


def section_verdicts(sections: dict) -> dict[str, bool]:
    """The named cases inside the weights, numerics and hub sections' results, with their verdicts."""
    out: dict[str, bool] = {}
    for name, outcome in sections.get("weights", {}).get("outcomes", {}).items():
        out[f"weight file {name}"] = outcome == "refused"
    for row in sections.get("numerics", {}).get("rows", []):
        out[f"nan/inf {row['fault']}"] = bool(row["stopped_and_named"]) and bool(row.get("last_good_checkpoint_exact", 1))
    for row in sections.get("hub", {}).get("rows", []):
        out[f"hub download {row['scenario']}"] = "CORRUPT" not in row["outcome"] and row["corrupt_blobs_left"] == 0
    return out


def case_counts(sections: dict, stall: bool = True, log: Callable[[str], None] = print) -> dict:
    """Run every named case; count them with the sections' cases: totals, failures by name, per class."""
    verdicts: dict[str, bool] = {}
    notes: dict[str, str] = {}
    for case in named_cases():
        start = time.monotonic()
        verdicts[case.name], note = run_case(case)
        if note:
            notes[case.name] = note
        log(f"{'ok  ' if verdicts[case.name] else 'FAIL'} {time.monotonic() - start:6.1f}s  {case.set}: {case.name!r}")
    sectioned = section_verdicts(sections)
    if set(sectioned) & set(verdicts):
        raise ValueError(f"section case names repeat named ones: {sorted(set(sectioned) & set(verdicts))}")
    verdicts.update(sectioned)
    measured = _stall_case(verdicts, notes) if stall else {}
    by_class: dict[str, dict[str, int]] = {}
    for name, ok in verdicts.items():
        row = by_class.setdefault(class_of(name), {"cases": 0, "failures": 0})
        row["cases"] += 1
        row["failures"] += not ok
    failed = [n for n, ok in verdicts.items() if not ok]
    out = {"cases": len(verdicts), "failures": len(failed), "failed": [f"{n} {notes.get(n, '')}".strip() for n in failed],
           "by_class": dict(sorted(by_class.items()))}
    return out | measured


STALL_CASE = "a stalled Hub gives a clear error within 60 s (default limits)"


def _stall_case(verdicts: dict[str, bool], notes: dict[str, str]) -> dict:
    """Measure ``hub_stall_seconds_max`` and count it as one more case (refused within 60 s)."""
    from bench.reliability_hub_cases import hub_stall_seconds_max

    try:
        seconds = hub_stall_seconds_max()
    except RuntimeError as e:
        verdicts[STALL_CASE], notes[STALL_CASE] = False, str(e)[:300]
        return {}
    verdicts[STALL_CASE] = seconds < 60.0
    return {"hub_stall_seconds_max": round(seconds, 1)}


if __name__ == "__main__":
    print(json.dumps(case_counts({}, stall="--no-stall" not in sys.argv[1:]), indent=1))
