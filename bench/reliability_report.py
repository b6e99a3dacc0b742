"""Flatten the reliability sections into the results JSON and write the markdown report."""

from __future__ import annotations

import time


def flat(r: dict, timings: dict) -> dict:
    """Flat keys -> numbers for ``bench/results/reliability.json``."""
    f, w, k, n, d, h = r["fuzz"], r["weights"], r["resume"], r["numerics"], r["ddp"], r["hub"]
    out = {
        "spec_fuzz_cases": f["cases"] + f["cli_cases"] + f["proc_cases"],
        "spec_fuzz_failures": f["failures"] + f["cli_failures"] + f["proc_failures"],
        "spec_fuzz_library_cases": f["cases"], "spec_fuzz_cli_cases": f["cli_cases"],
        "spec_fuzz_subprocess_cases": f["proc_cases"],
        "weight_corruptions_tried": w["tried"], "weight_corruptions_accepted": w["accepted"],
        "weight_corruptions_unclear_errors": w["unclear"], "pickle_payloads_executed": w["pickles_executed"],
        "resume_kills": k["kills"], "resume_bit_identical_runs": k["bit_identical"],
        "resume_bit_identical": int(k["bit_identical"] == k["kills"] and k["kills"] > 0),
        "resume_partial_files": k["partial_files"],
        "nonfinite_faults_injected": n["injected"], "nonfinite_faults_failures": n["failures"],
        "ddp_ranks_equal": d["ranks_equal"], "ddp_max_abs_diff_vs_single": d["max_abs_diff_vs_single"],
        "ddp_grads_equal_torch_ddp": d["grads_equal_ddp"], "torchrun_ok": d["torchrun_ok"],
        "torchrun_max_abs_diff_vs_single": d["torchrun_max_abs_diff_vs_single"],
        "hub_faults_injected": h["faults_injected"], "hub_corrupt_banks_used_or_cached": h["corrupt_banks_used_or_cached"],
    }
    out.update({f"seconds_{name}": round(t, 1) for name, t in timings.items()})
    return out


def _table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")).replace("|", "/") for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def markdown(x: dict, r: dict, machine: str, quick: bool) -> str:
    """The report section for bench/RESULTS.md."""
    f, w = r["fuzz"], r["weights"]
    outcomes = [{"corruption": k, "outcome": v[:90]} for k, v in w["outcomes"].items()]
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(f["kinds"].items()))
    return f"""## Reliability and security

Command: `PYTHONPATH=. python bench/reliability.py{' --quick' if quick else ''}` — {machine}; {time.strftime('%Y-%m-%d')}.
Wall-clock times were measured on a shared, loaded machine.

| measure | value |
|---|---|
{chr(10).join(f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in x.items())}

**Spec fuzzing.** Hypothesis-generated spec files (library cases by kind: {kinds}) go through the whole
`zoo validate` path: read, parse, `--set` overrides, validate, build and check the graph. A case fails when
anything but a `SpecError` is raised, an issue lacks its file (or line and column while the document has
content), or a message is unprintable; CLI cases fail on an exit code other than 0/2, a missing message
or a traceback; subprocess cases run `python -m zoo validate` for real. Failures found: {f['examples'] or 'none'}.

**Weight files.** Each corruption is applied to a bank (`load_bank`) and to a checkpoint (`zoo train --resume`
path: `Trainer.resume`); structural ones are re-sealed so that the checksum cannot be what catches them.
"accepted" would mean the corrupt file was used; "unclear" an error other than `BankError`.

{_table(outcomes)}

**SIGKILL and resume.** A real `zoo train` process is killed at a random step, every file left is checked
for completeness, the run is resumed with `--resume` and compared byte for byte (final weights, last
checkpoint, `train.csv`) with an uninterrupted run of the same seed.

{_table(r['resume']['runs'])}

**NaN/inf.** Faults injected at random steps; "exact" means the checkpoint written on stopping is
byte-identical to that of a clean run stopped just before the bad step.

{_table(r['numerics']['rows'])}

**Data parallelism.** 2 CPU processes (gloo, 127.0.0.1) via `torch.multiprocessing` and via `torchrun`,
compared with one process on the same global batch (60 steps); the gradient averaging is also compared
with `torch.nn.parallel.DistributedDataParallel` on one batch.

**Hub downloads.** A Hub-compatible server on 127.0.0.1 fails (500), cuts off or garbles responses.

{_table(r['hub']['rows'])}
"""
