"""Your own world: COMET trained on trajectories from a simulator zoo has never seen, read from a file.

``_predator_prey.py`` (NumPy only) writes tracked animals as a ``(S, T+1, N, D)`` array with their
ground-truth behaviours; zoo checks the file, trains COMET on it with the catalogue's COMET settings,
then loads the trained run and rolls a test trajectory out (``plots/rollout.png``). See docs/own-data.md.

    python examples/own_world.py            # a few minutes on CPU
    python examples/own_world.py --tiny     # a seconds-long smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import zoo  # noqa: E402
from _common import arguments, overrides, show  # noqa: E402
from _predator_prey import write  # noqa: E402

WORLD = ["slots.count=6", "slots.dim=7", "mechanisms[0].count=4"]
FULL = ["train.steps=1500"]
TINY = ["train.steps=4", "train.warm_start=2", "train.eval_every=0", "mechanisms[0].hidden=[16]", "router.hidden=[16]"]


def plot_rollout(run, states: torch.Tensor, path: Path) -> None:
    """Predicted (dashed) against true (solid) paths of every animal over the first 20 steps."""
    from matplotlib.figure import Figure  # no pyplot: the caller's matplotlib backend stays as it is

    steps = min(20, states.shape[0] - 1)
    pred = run.rollout(states[0], steps, static=(4, 5, 6))  # (steps, N, D); the roles stay as they are
    fig = Figure(figsize=(4.5, 4.5))
    ax = fig.subplots()
    for i in range(states.shape[1]):
        line, = ax.plot(states[: steps + 1, i, 0], states[: steps + 1, i, 1], lw=1.5)
        ax.plot(pred[:, i, 0], pred[:, i, 1], "--", color=line.get_color(), lw=1.5)
    ax.set_title("predator-prey: true (solid) vs rolled out (dashed)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def main(argv=None):
    args = arguments(__doc__.splitlines()[0], "runs/examples/own-world", argv)
    torch.set_num_threads(args.threads)
    data = Path(args.out).parent / "predator-prey.npz"
    data.parent.mkdir(parents=True, exist_ok=True)
    write(data, count=16 if args.tiny else 320, length=10 if args.tiny else 30)
    from zoo.envs.files.summary import check_file

    print("\n".join(check_file(str(data), "trajectories").lines[-12:]))
    spec = zoo.load_spec("comet-particles", [f"data={{kind: trajectories, path: {data}}}", "name=comet-predator-prey"]
                         + WORLD + overrides(args, FULL, TINY))
    from zoo.train import train

    result = train(spec, run_dir=args.out, overwrite=True)
    run = zoo.load_run(result.run_dir)
    print(run)
    plot_rollout(run, torch.from_numpy(np.load(data)["states"][-1]), result.run_dir / "plots" / "rollout.png")
    show(result, ["nmi", "purity", "one_step_mse", "rollout_mse", "selector_accuracy"])
    return result


if __name__ == "__main__":
    main()
