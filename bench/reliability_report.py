"""Flatten the reliability sections into the results JSON and write the markdown report."""

from __future__ import annotations

import re
import time


def _fuzz(f: dict) -> dict:
    return {"spec_fuzz_cases": f["cases"] + f["cli_cases"] + f["proc_cases"],
            "spec_fuzz_failures": f["failures"] + f["cli_failures"] + f["proc_failures"],
            "spec_fuzz_library_cases": f["cases"], "spec_fuzz_cli_cases": f["cli_cases"],
            "spec_fuzz_subprocess_cases": f["proc_cases"]}


def _weights(w: dict) -> dict:
    return {"weight_corruptions_tried": w["tried"], "weight_corruptions_accepted": w["accepted"],
            "weight_corruptions_unclear_errors": w["unclear"], "pickle_payloads_executed": w["pickles_executed"]}


def _resume(k: dict) -> dict:
    return {"resume_kills": k["kills"], "resume_bit_identical_runs": k["bit_identical"],
            "resume_bit_identical": int(k["bit_identical"] == k["kills"] and k["kills"] > 0),
            "resume_partial_files": k["partial_files"]}


def _ddp(d: dict) -> dict:
    return {"ddp_ranks_equal": d["ranks_equal"], "ddp_max_abs_diff_vs_single": d["max_abs_diff_vs_single"],
            "ddp_grads_equal_torch_ddp": d["grads_equal_ddp"], "torchrun_ok": d["torchrun_ok"],
            "torchrun_max_abs_diff_vs_single": d["torchrun_max_abs_diff_vs_single"]}


def _cases(c: dict) -> dict:
    out = {"adversarial_cases": c["cases"], "adversarial_failures": c["failures"]}
    return out | ({"hub_stall_seconds_max": c["hub_stall_seconds_max"]} if "hub_stall_seconds_max" in c else {})


FLATTEN = {
    "fuzz": _fuzz, "weights": _weights, "resume": _resume, "ddp": _ddp, "cases": _cases,
    "numerics": lambda n: {"nonfinite_faults_injected": n["injected"], "nonfinite_faults_failures": n["failures"]},
    "hub": lambda h: {"hub_faults_injected": h["faults_injected"],
                      "hub_corrupt_banks_used_or_cached": h["corrupt_banks_used_or_cached"]},
}


def flat(r: dict, timings: dict) -> dict:
    """Flat keys -> numbers for ``bench/results/reliability.json``, of the sections in ``r``."""
    out = {k: v for name, section in r.items() for k, v in FLATTEN[name](section).items()}
    out.update({f"seconds_{name}": round(t, 1) for name, t in timings.items()})
    return out


def earlier_run(text: str) -> str:
    """Which machine and date the sections not re-measured come from, read from the previous report."""
    kept = re.search(r"^Sections not re-measured \([^)]*\): (.*)$", text, re.M)
    if kept:
        return kept.group(1)
    command = re.search(r"^Command: `[^`]*` — (.*)$", text, re.M)
    return f"full run — {command.group(1)}" if command else "an earlier full run"


def _table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")).replace("|", "/") for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def _fuzz_text(f: dict) -> str:
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(f["kinds"].items()))
    return f"""**Spec fuzzing.** Hypothesis-generated spec files (library cases by kind: {kinds}) go through the whole
`zoo validate` path: read, parse, `--set` overrides, validate, build and check the graph. A case fails when
anything but a `SpecError` is raised, an issue lacks its file (or line and column while the document has
content), or a message is unprintable; CLI cases fail on an exit code other than 0/2, a missing message
or a traceback; subprocess cases run `python -m zoo validate` for real. Failures found: {f['examples'] or 'none'}."""


def _weights_text(w: dict) -> str:
    outcomes = [{"corruption": k, "outcome": v[:90]} for k, v in w["outcomes"].items()]
    return f"""**Weight files.** Each corruption is applied to a bank (`load_bank`) and to a checkpoint (`zoo train --resume`
path: `Trainer.resume`); structural ones are re-sealed so that the checksum cannot be what catches them.
"accepted" would mean the corrupt file was used; "unclear" an error other than `BankError`.

{_table(outcomes)}"""


def _cases_text(c: dict) -> str:
    rows = [{"class": k, **v} for k, v in c["by_class"].items()]
    return f"""**Named adversarial cases.** `bench/reliability_cases.py` runs every named case set
(`bench/reliability_{{spec,file,local,hub,name}}_cases.py`: distinct names, each a check that is True when zoo
handled the case cleanly: exit code 2 with a clear message and no traceback, nothing written outside, the
file unchanged, or the right result) and counts with them the named weight corruptions, NaN/inf faults
and Hub download scenarios above (one case each, by its verdict). `hub_stall_seconds_max`: the longest a
stalled or trickling Hub took to give a clear error with the default time limits.
Failures: {c['failed'] or 'none'}.

{_table(rows)}"""


SECTION_TEXT = {
    "fuzz": _fuzz_text, "weights": _weights_text,
    "resume": lambda k: f"""**SIGKILL and resume.** A real `zoo train` process is killed at a random step, every file left is checked
for completeness, the run is resumed with `--resume` and compared byte for byte (final weights, last
checkpoint, `train.csv`) with an uninterrupted run of the same seed.

{_table(k['runs'])}""",
    "numerics": lambda n: f"""**NaN/inf.** Faults injected at random steps; "exact" means the checkpoint written on stopping is
byte-identical to that of a clean run stopped just before the bad step.

{_table(n['rows'])}""",
    "ddp": lambda d: """**Data parallelism.** 2 CPU processes (gloo, 127.0.0.1) via `torch.multiprocessing` and via `torchrun`,
compared with one process on the same global batch (60 steps); the gradient averaging is also compared
with `torch.nn.parallel.DistributedDataParallel` on one batch.""",
    "hub": lambda h: f"""**Hub downloads.** A Hub-compatible server on 127.0.0.1 fails (500), cuts off or garbles responses.

{_table(h['rows'])}""",
    "cases": _cases_text,
}


def markdown(x: dict, r: dict, machine: str, quick: bool, earlier: str | None = None) -> str:
    """The report section for bench/RESULTS.md; ``earlier`` (with --cases-only) says where the numbers of
    the sections not in ``r`` come from."""
    flag = " --quick" if quick else " --cases-only" if earlier else ""
    kept = sorted(set(SECTION_TEXT) - set(r))
    provenance = (f"Sections re-measured: {', '.join(r)}. The numbers of the others are kept from the previous run.\n"
                  f"Sections not re-measured ({', '.join(kept)}): {earlier}\n") if earlier else ""
    table = chr(10).join(f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in x.items())
    texts = "\n\n".join(SECTION_TEXT[name](r[name]) for name in SECTION_TEXT if name in r)
    return f"""## Reliability and security

Command: `PYTHONPATH=. python bench/reliability.py{flag}` — {machine}; {time.strftime('%Y-%m-%d')}.
{provenance}Wall-clock times were measured on a shared, loaded machine.

| measure | value |
|---|---|
{table}

{texts}
"""
