"""COMET on the particle world: four MLP mechanisms compete to explain each particle's next state.

The catalogue spec ``comet-particles`` is loaded, compiled and trained; the mechanisms should end up
specialised to the hidden interaction types (spring, attraction, repulsion, none), which the NMI and
purity between "winning mechanism" and "true type" measure. The trained bank lands in ``RUN/bank``.

    python examples/comet_particles.py            # a few minutes on CPU
    python examples/comet_particles.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

FULL = ["train.steps=1500"]  # half the catalogue's 3000 steps: the mechanisms have specialised by then
TINY = ["train.steps=4", "train.warm_start=2", "train.eval_every=0", "data.trajectories=8", "data.test_trajectories=4",
        "slots.count=3", "data.objects=3", "mechanisms[0].hidden=[16]", "router.hidden=[16]"]


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/comet-particles", argv)
    torch.set_num_threads(args.threads)
    spec = zoo.load_spec("comet-particles", overrides(args, FULL, TINY))
    from zoo.compiler import compile_spec
    from zoo.train import train

    model = compile_spec(spec)
    print(f"{spec.name}: {sum(p.numel() for p in model.parameters()):,} parameters; inputs {list(model.input_types)}")
    result = train(spec, run_dir=args.out, overwrite=True)
    show(result, ["nmi", "purity", "one_step_mse", "rollout_mse", "selector_accuracy"])
    print(f"bank:   {result.run_dir / 'bank'} (push it with: zoo push {result.run_dir} ORG/NAME)")
    return result


if __name__ == "__main__":
    main()
