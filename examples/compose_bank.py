"""Download a trained mechanism bank and compose it into a new world, training only the selector.

The bank comes from the catalogue (``banks/comet-particles``, offline) or, with ``--bank ORG/NAME@REV``,
from the Hugging Face Hub (downloaded once, checked and cached). It is frozen inside
``comet-particles-compose`` (six particles, another mix of interaction types); only the classifier
that picks (mechanism, context) pairs learns, here from 10% of the new world's data.

    python examples/compose_bank.py                       # a few minutes on CPU
    python examples/compose_bank.py --bank my-org/my-comet@v1
    python examples/compose_bank.py --tiny                # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

FULL = ["train.steps=300", "train.fraction=0.1"]
TINY = ["train.steps=3", "data.trajectories=8", "data.test_trajectories=4"]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    bank_ref = "comet-particles"
    if "--bank" in argv:  # the one option only this example has
        i = argv.index("--bank")
        bank_ref = argv[i + 1]
        del argv[i : i + 2]
    args = arguments(__doc__.splitlines()[0], "runs/examples/compose-bank", argv)
    torch.set_num_threads(args.threads)
    from zoo.hub import from_pretrained
    from zoo.hub.compose import compose, compose_spec, trainable_split
    from zoo.weights import read_weights

    bank = from_pretrained(bank_ref)
    print(f"bank {bank.name!r} from {bank.origin or bank.path}: {bank.spec.kind} x {bank.spec.count}, "
          f"trained metrics {', '.join(f'{k}={v:.3g}' for k, v in sorted(bank.metrics.items()))}")
    spec = zoo.load_spec("comet-particles-compose", overrides(args, FULL, TINY))
    trainable, frozen = trainable_split(compose_spec(spec, [bank_ref]))
    print(f"{spec.name}: {frozen:,} frozen bank parameters, training {trainable:,} (the selector)")
    result = compose(spec, [bank_ref], run_dir=args.out, overwrite=True)
    show(result, ["selector_accuracy", "selector_context_accuracy", "one_step_mse", "rollout_mse"])
    trained, _ = read_weights(result.run_dir / "model.safetensors")
    same = all(torch.equal(trained[f"{bank.name}.{k}"], t) for k, t in bank.tensors.items())
    print(f"bank weights unchanged by training: {same}")
    return result


if __name__ == "__main__":
    main()
