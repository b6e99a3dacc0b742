"""The fault-injection sections of ``bench/reliability.py`` (weights, resume, numerics, DDP, Hub)."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import torch
import yaml

from tests.support.specbases import REGRESSION
from zoo.errors import BankError, TrainingError
from zoo.schema import validate

BANK_SPEC = {"zoo": 2, "name": "owner", "model": {"kind": "comet"}, "slots": {"count": 3, "dim": 4},
             "mechanisms": [{"name": "bank", "kind": "mlp", "count": 2, "hidden": [5], "inputs": ["self", "context"]}],
             "interactions": {"kind": "complete"}}


def regression(**train) -> dict:
    """The regression spec used by the training sections, with ``train`` fields changed."""
    doc = copy.deepcopy(REGRESSION)
    doc["model"]["nodes"][1]["hidden"] = [32, 32]
    doc["data"].update(samples=256, test_samples=64)
    doc["train"].update(train)
    return doc


def _refused(fn) -> str:
    """'refused' (a BankError), 'accepted' (no error) or 'unclear: <other exception>'."""
    try:
        fn()
    except BankError:
        return "refused"
    except Exception as e:  # noqa: BLE001 - counted, not hidden
        return f"unclear: {type(e).__name__}: {e}"
    return "accepted"


def corruption_counts(work: Path) -> dict:
    """Every corruption against a bank and a checkpoint: how many were tried, accepted, unclear."""
    from tests.support.faults import CORRUPTIONS, future_metadata
    from zoo import compile_spec
    from zoo.hub import load_bank, save_bank
    from zoo.train import train
    from zoo.train.loop import Trainer

    torch.manual_seed(0)
    bank = save_bank(compile_spec(validate(BANK_SPEC)), "bank", work / "bank")
    spec = validate(regression(steps=4, checkpoint_every=2))
    run = work / "run"
    train(spec, run_dir=run, progress=False)
    outcome: dict[str, str] = {}
    for name, corrupt in CORRUPTIONS.items():
        d = Path(shutil.copytree(bank, work / f"b-{name}"))
        corrupt(d / "model.safetensors")
        outcome[f"bank:{name}"] = _refused(lambda: load_bank(d))
    for key, value in [("schema_version", 99), ("format_version", 99), ("ports", {"state": 10**12, "context": 5}),
                       ("tensors", {"w": {"shape": [10**13, 10**13], "dtype": "float32"}})]:
        d = Path(shutil.copytree(bank, work / f"b-config-{key}"))
        meta = json.loads((d / "spec.json").read_text())
        meta[key] = value
        (d / "spec.json").write_text(json.dumps(meta))
        outcome[f"bank:spec.json {key} lies"] = _refused(lambda: load_bank(d))
    extra = {"future_checkpoint_version": future_metadata(version="99"),
             "future_spec_schema_version": future_metadata(schema_version="99")}
    for name, corrupt in {**CORRUPTIONS, **extra}.items():
        d = Path(shutil.copytree(run, work / f"r-{name}"))
        corrupt(d / "checkpoints" / "last.safetensors")
        outcome[f"checkpoint:{name}"] = _refused(lambda: Trainer(spec, d, torch.device("cpu"), False).resume())
    executed = len(list(work.rglob("*.EXECUTED")))
    return {"tried": len(outcome), "accepted": sum(v == "accepted" for v in outcome.values()),
            "unclear": sum(v.startswith("unclear") for v in outcome.values()), "pickles_executed": executed,
            "outcomes": outcome}


def kill_counts(work: Path, kills: int, seed: int) -> dict:
    """``kills`` real training processes SIGKILLed at random steps, resumed, compared with a straight run."""
    from tests.support.crash import child_env, kill_at_step, partial_files, run_zoo
    from zoo.train import train

    steps = 300
    doc = regression(steps=steps, batch=32, checkpoint_every=4, eval_every=50, log_every=1, warmup=10)
    spec_file = work / "spec.yaml"
    work.mkdir(parents=True, exist_ok=True)
    spec_file.write_text(yaml.safe_dump(doc))
    straight = work / "straight"
    train(validate(doc), run_dir=straight, progress=False)
    env, rng = child_env(Path(__file__).resolve().parents[1]), random.Random(seed)
    rows = []
    for i in range(kills):
        run = work / f"killed-{i}"
        at = kill_at_step(spec_file, run, rng.randrange(5, steps * 2 // 3), env)
        partial = partial_files(run, allow_temporaries=True)
        done = run_zoo("train", str(spec_file), "--run-dir", str(run), "--resume", "--no-progress", env=env)
        same = done.returncode == 0 and all((run / n).read_bytes() == (straight / n).read_bytes()
                                            for n in ("model.safetensors", "checkpoints/last.safetensors", "train.csv"))
        rows.append({"killed_at_step": at, "partial_files": len(partial) + len(partial_files(run)),
                     "bit_identical": int(same)})
    return {"kills": kills, "bit_identical": sum(r["bit_identical"] for r in rows),
            "partial_files": sum(r["partial_files"] for r in rows), "runs": rows}


def numeric_counts(work: Path, seed: int) -> dict:
    """NaN/inf injected into the loss and gradients at random steps, plus a real divergence."""
    from zoo.train import train
    from zoo.train.procedures.supervised import SupervisedProcedure

    rng, original, rows = random.Random(seed), SupervisedProcedure.loss, []
    base = dict(steps=40, schedule="constant", warmup=0, checkpoint_every=0, eval_every=0)
    faults = [("loss", float("nan")), ("loss", float("inf")), ("loss", float("-inf")), ("grad", 2), ("grad", 0)]
    for i, (where, value) in enumerate(faults):
        bad = rng.randrange(1, 30)
        clean = work / f"clean-{i}"
        train(validate(regression(**{**base, "steps": bad})), run_dir=clean, progress=False)

        def poisoned(self, batch, step, where=where, value=value, bad=bad):
            loss, logs = original(self, batch, step)
            if step == bad and where == "loss":
                loss = loss * value
            elif step == bad:  # sqrt'(0) = inf: a finite loss with a NaN gradient in layer `value`
                loss = loss + torch.sqrt(self.model.net.net[value].weight[0, 0] * 0)
            return loss, logs

        SupervisedProcedure.loss = poisoned
        try:
            train(validate(regression(**base)), run_dir=work / f"bad-{i}", progress=False)
            message = ""
        except TrainingError as e:
            message = str(e)
        finally:
            SupervisedProcedure.loss = original
        named = f"at step {bad + 1}" in message and (where == "loss" or "(parameter group 'net')" in message)
        same = (work / f"bad-{i}/checkpoints/last.safetensors").read_bytes() == (clean / "checkpoints/last.safetensors").read_bytes()
        label = f"loss x {value}" if where == "loss" else f"NaN gradient in net.net.{value}.weight"
        rows.append({"fault": label, "step": bad + 1, "stopped_and_named": int(named), "last_good_checkpoint_exact": int(same)})
    try:
        train(validate(regression(**{**base, "optimizer": "sgd", "lr": 1e5, "grad_clip": None})), run_dir=work / "diverge", progress=False)
        diverged = ""
    except TrainingError as e:
        diverged = str(e)
    rows.append({"fault": "real divergence (sgd, lr 1e5)", "stopped_and_named": int("at step" in diverged),
                 "message": diverged.split(";")[0]})
    return {"injected": len(rows), "failures": sum(1 - r["stopped_and_named"] for r in rows)
            + sum(1 - r.get("last_good_checkpoint_exact", 1) for r in rows), "rows": rows}


def ddp_counts(work: Path, root: Path) -> dict:
    """2 gloo processes vs one process on the same global batch; plus the real ``torchrun`` path."""
    from safetensors.torch import load_file

    from tests.support.crash import child_env
    from tests.support.ddp import run_ranks
    from zoo.train.loop import Trainer

    doc = regression(steps=60, batch=32, checkpoint_every=20, eval_every=20)
    ranks = run_ranks(doc, 2, work / "spawn")
    single = Trainer(validate(doc), work / "single", torch.device("cpu"), False)
    single.run()
    expected = single.state_dict()
    names = [k for k in ranks[0] if k.startswith("state.")]
    equal = all(torch.equal(ranks[0][k], ranks[1][k]) for k in names)
    diff = max((ranks[0][k] - expected[k[6:]]).abs().max().item() for k in names)
    grads = [k[5:] for k in ranks[0] if k.startswith("ours.")]
    ddp_equal = all(torch.equal(r[f"ours.{k}"], r[f"ddp.{k}"]) for r in ranks for k in grads)
    spec_file = work / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(doc))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", "-m", "zoo", "train",
           str(spec_file), "--run-dir", str(work / "torchrun"), "--no-progress"]
    done = subprocess.run(cmd, env=child_env(root), capture_output=True, text=True, timeout=600)
    tr_diff = float("nan")
    if done.returncode == 0:
        a, b = load_file(str(work / "torchrun" / "model.safetensors")), load_file(str(work / "single" / "model.safetensors"))
        tr_diff = max((a[k] - b[k]).abs().max().item() for k in a)
    return {"ranks_equal": int(equal), "max_abs_diff_vs_single": diff, "grads_equal_ddp": int(ddp_equal),
            "torchrun_ok": int(done.returncode == 0), "torchrun_max_abs_diff_vs_single": tr_diff,
            "torchrun_stderr": done.stderr[-500:] if done.returncode else ""}


def hub_counts(work: Path) -> dict:
    """Download scenarios against a fault-injecting Hub server on 127.0.0.1."""
    from tests.support.hub_server import serve
    from tests.support.hub_state import FakeHub, etag
    from zoo import compile_spec
    from zoo.hub import fetch, load_bank, save_bank

    torch.manual_seed(0)
    src = save_bank(compile_spec(validate(BANK_SPEC)), "bank", work / "src")
    files = {p.name: p.read_bytes() for p in src.iterdir()}
    truth = load_bank(src).tensors
    good = {etag(n, d) for n, d in files.items()}
    scenarios = {"500": {"model.safetensors": ["500"]}, "500 x3": {"model.safetensors": ["500"] * 3},
                 "cut": {"model.safetensors": ["cut"]}, "garble": {"model.safetensors": ["garble"]},
                 "cut+garble+500": {"model.safetensors": ["cut", "garble", "500"]}, "api 500 x2": {"api": ["500", "500"]},
                 "spec.json garbled": {"spec.json": ["garble"]}, "garble x10 (persistent)": {"model.safetensors": ["garble"] * 10}}
    rows, injected, corrupt_used = [], 0, 0
    saved, fetch.BACKOFF_S = fetch.BACKOFF_S, 0.0  # restored: later sections time real retries
    try:
        for i, (name, faults) in enumerate(scenarios.items()):
            with serve(FakeHub("org/bank", dict(files)), work / f"cache-{i}") as hub:
                hub.faults = {k: list(v) for k, v in faults.items()}
                total = sum(len(v) for v in faults.values())
                try:
                    bank = load_bank("hf://org/bank")
                    ok = all(torch.equal(bank.tensors[k], v) for k, v in truth.items())
                    outcome = "loaded intact" if ok else "LOADED CORRUPT"
                    corrupt_used += not ok
                except BankError as e:
                    outcome = f"refused: {str(e)[:120]}"
                left = sum(len(v) for v in hub.faults.values())
                blobs = {p.name for p in hub.cache.rglob("blobs/*")}
                bad_blobs = [b for b in blobs if not b.endswith(".incomplete") and b not in good]
                corrupt_used += len(bad_blobs)
            injected += total - left
            rows.append({"scenario": name, "faults_served": total - left, "outcome": outcome, "corrupt_blobs_left": len(bad_blobs)})
    finally:
        fetch.BACKOFF_S = saved
    return {"faults_injected": injected, "corrupt_banks_used_or_cached": corrupt_used, "rows": rows}
