"""A modular (linear) hypernetwork meta-learned on the hyperteacher, tested on unseen module combinations.

Each task is a sparse combination of teacher modules; the inner loop infers only a task embedding
(plus an output gain and bias) from support shots. With connected task support the hypernetwork
should generalise to combinations never seen in training (``ood_acc`` close to ``test_acc``).
The run's ``plots/eval.png`` shows both against chance and against the OOD accuracy that ANIL and
MAML reached on the same task support in the benchmark (``bench/results/hypernet.json``).

    python examples/hypernet_linear_connected.py            # a few minutes on CPU
    python examples/hypernet_linear_connected.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

RECORDED = Path(__file__).resolve().parents[1] / "bench" / "results" / "hypernet.json"
FULL = ["train.steps=600", "train.eval_every=200"]
TINY = ["train.steps=3", "train.eval_every=0", "data.support_shots=8", "data.query_shots=8", "train.batch=4",
        "train.eval_tasks=8", "train.inner.steps=2"]


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/hypernet-linear-connected", argv)
    torch.set_num_threads(args.threads)
    spec = zoo.load_spec("hypernet-linear-connected", overrides(args, FULL, TINY))
    from zoo.train import train

    result = train(spec, run_dir=args.out, overwrite=True)
    baselines = recorded_baselines(spec.data.support)
    if baselines:
        from zoo.families.hypernetwork.meta_report import plot_eval

        plot_eval(result.run_dir, spec.name, True, chance=1.0 / spec.data.output, baselines=baselines)
        print("benchmark baselines: " + ", ".join(f"{k} {v:.3f}" for k, v in baselines.items()))
    show(result, ["test_acc", "ood_acc", "decoding_r2", "template_alignment"])
    return result


def recorded_baselines(support: str) -> dict[str, float]:
    """ANIL's and MAML's OOD accuracy on ``support`` as the benchmark recorded them (empty without it)."""
    if not RECORDED.is_file():
        return {}
    figures = json.loads(RECORDED.read_text())
    return {f"{m.upper()} OOD (benchmark)": figures[f"{support}_ood_acc_{m}"] for m in ("anil", "maml")
            if f"{support}_ood_acc_{m}" in figures}


if __name__ == "__main__":
    main()
