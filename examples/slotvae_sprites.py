"""A slot VAE with the interaction regulariser on sprites: does each pixel depend on one slot?

The decoder's Jacobian tells which slot each pixel depends on; JIS and J-ARI compare that with the
true object masks. The run's ``plots/slotvae.png`` shows images, reconstructions, masks and the
per-slot Jacobian maps.

    python examples/slotvae_sprites.py            # a few minutes on CPU (a short run: see RESULTS for the full one)
    python examples/slotvae_sprites.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402

FULL = ["train.steps=600", "train.warmup=100", "train.beta_ramp=200", "train.alpha_start=200",
        "train.alpha_ramp=200", "data.images=2048", "train.eval_images=64", "train.jacobian_images=16"]
TINY = ["train.steps=3", "model.image.size=8", "data.size=8", "model.cnn=[4, 8]", "model.strides=[1, 2]",
        "model.d_model=8", "model.heads=2", "model.query_dim=8", "model.hidden=8", "model.encoder_layers=1",
        "model.decoder_layers=1", "slots.count=3", "slots.dim=4", "data.max_objects=2", "data.images=32",
        "data.test_images=8", "train.batch=4", "train.eval_images=8", "train.jacobian_images=2", "train.warmup=0",
        "train.log_every=1"]


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/slotvae-sprites", argv)
    torch.set_num_threads(args.threads)
    spec = zoo.load_spec("slotvae-sprites", overrides(args, FULL, TINY))
    from zoo.train import train

    result = train(spec, run_dir=args.out)
    show(result, ["jis", "jari", "attention_ari", "rec", "interaction"])
    return result


if __name__ == "__main__":
    main()
