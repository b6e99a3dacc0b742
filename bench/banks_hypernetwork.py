"""The hypernetwork part of bench/banks.py: the frozen-template bank on unseen expert combinations.

The bank (``banks/hypernetwork-connected-bank``) is composed into its teacher's task set: its
templates stay frozen and only the task embedding (with the output gain and bias) is adapted on each
task's support shots; the outer loop trains the embedding's initialisation for a few steps. It is
scored as bench/hypernet.py scores ANIL and MAML on the connected teacher (the same teacher, seed 0,
the same 256 OOD tasks, 128 support and 128 query shots, 10 inner steps), and compared with those
recorded figures (bench/results/hypernet.json), for which ANIL and MAML were meta-trained for 1500
steps of 32 tasks: more than the bank's own training (see its spec), so the comparison favours them.
One seed: the hyperteacher is drawn from the training seed, and the bank's templates are seed 0's.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from zoo.hub.compose import compose_spec
from zoo.schema import load_spec
from zoo.train import train

BANK = "hypernetwork-connected-bank"
RECORDED = Path(__file__).resolve().parent / "results" / "hypernet.json"
EVAL = ["data.support_shots=128", "data.query_shots=128", "train.eval_tasks=256", "train.inner.steps=10",
        "train.eval_every=0"]


def run(compose_steps: int) -> dict:
    """OOD accuracy of the composed bank against the recorded ANIL and MAML on the same tasks and shots."""
    started = time.time()
    target = load_spec(BANK, EVAL + [f"train.steps={compose_steps}"])
    with tempfile.TemporaryDirectory() as tmp:
        result = train(compose_spec(target, [BANK]), run_dir=Path(tmp) / "bank", progress=False, overwrite=True)
    bank = float(result.metrics["ood_acc"])
    recorded = json.loads(RECORDED.read_text())
    anil, maml = recorded["connected_ood_acc_anil"], recorded["connected_ood_acc_maml"]
    print(f"[hypernetwork] bank {bank:.3f}, ANIL {anil:.3f}, MAML {maml:.3f} (recorded)", flush=True)
    return {"hypernet_bank_ood_acc": bank, "hypernet_bank_id_acc": float(result.metrics["test_acc"]),
            "hypernet_anil_ood_acc": anil, "hypernet_maml_ood_acc": maml,
            "hypernet_bank_vs_maml_ood": bank / maml, "hypernet_bank_vs_anil_ood": bank / anil,
            "hypernetwork_compose_steps": compose_steps, "hypernetwork_bank_steps": load_spec(BANK).train.steps,
            "hypernetwork_seconds": round(time.time() - started, 1)}
