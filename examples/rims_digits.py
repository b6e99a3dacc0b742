"""Recurrent Independent Mechanisms read digits pixel by pixel and are tested on larger images.

Six GRU cells compete (top-4 input attention) to read each pixel; trained on small images and tested
on larger ones, whose sequences are longer than anything seen in training. The run's
``plots/active_cells.png`` shows which cells were active at each step.

    python examples/rims_digits.py            # a few minutes on CPU
    python examples/rims_digits.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

# The benchmark (bench/rims.py) trains the catalogue spec at 14x14; this shorter run (10x10 images, so
# 100-step sequences, tested at 12 and 14) finishes in a few minutes on CPU.
FULL = ["train.steps=300", "train.batch=32", "data.train_size=10", "data.test_sizes=[12, 14]", "train.eval_every=100"]
TINY = ["train.steps=3", "train.eval_every=0", "train.batch=8", "data.train_size=6", "data.test_sizes=[8]",
        "data.limit=40", "mechanisms[0].hidden=8", "mechanisms[0].count=3", "router.k=2", "router.key_dim=8",
        "router.value_dim=8", "model.comm_key_dim=8", "model.comm_value_dim=8", "model.comm_heads=1"]


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/rims-digits", argv)
    torch.set_num_threads(args.threads)
    spec = zoo.load_spec("rims-digits", overrides(args, FULL, TINY))
    from zoo.train import train

    result = train(spec, run_dir=args.out, overwrite=True)
    show(result, [k for k in result.metrics if k.endswith("_acc")])
    return result


if __name__ == "__main__":
    main()
