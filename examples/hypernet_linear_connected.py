"""A modular (linear) hypernetwork meta-learned on the hyperteacher, tested on unseen module combinations.

Each task is a sparse combination of teacher modules; the inner loop infers only a task embedding
(plus an output gain and bias) from support shots. With connected task support the hypernetwork
should generalise to combinations never seen in training (``ood_acc`` close to ``test_acc``).

    python examples/hypernet_linear_connected.py            # a few minutes on CPU
    python examples/hypernet_linear_connected.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

FULL = ["train.steps=600", "train.eval_every=200"]
TINY = ["train.steps=3", "train.eval_every=0", "data.support_shots=8", "data.query_shots=8", "train.batch=4",
        "train.eval_tasks=8", "train.inner.steps=2"]


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/hypernet-linear-connected", argv)
    torch.set_num_threads(args.threads)
    spec = zoo.load_spec("hypernet-linear-connected", overrides(args, FULL, TINY))
    from zoo.train import train

    result = train(spec, run_dir=args.out)
    show(result, ["test_acc", "ood_acc", "decoding_r2", "template_alignment"])
    return result


if __name__ == "__main__":
    main()
