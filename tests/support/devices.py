"""Running the same spec on two devices and comparing: the checks ``tests/test_cuda.py`` makes on a GPU.

:func:`forward_backward` compiles a spec with a fixed seed (so the same weights on any device), runs
one forward pass on fixed inputs and one backward pass of a fixed loss, and returns every output and
gradient on the CPU. :func:`differences` compares two such results within a tolerance. The GPU test
calls ``differences(forward_backward(spec, "cpu"), forward_backward(spec, "cuda"))``; the CPU test
suite runs the same functions with ``"cpu"`` twice, so the code path is exercised everywhere.
:func:`short_run` trains one catalogue spec per training procedure for a few steps at toy sizes.
"""

from __future__ import annotations

from pathlib import Path

import torch

# One catalogue spec per training procedure, shrunk so a run takes seconds (steps, sizes, data).
SHORT_RUNS: dict[str, list[str]] = {
    "comet-particles": ["train.warm_start=2", "data.trajectories=8", "data.test_trajectories=4", "slots.count=3",
                        "data.objects=3", "mechanisms[0].hidden=[16]", "router.hidden=[16]"],
    "rims-digits": ["train.batch=8", "data.train_size=6", "data.test_sizes=[8]", "data.limit=40",
                    "mechanisms[0].hidden=8", "router.key_dim=8", "router.value_dim=8"],
    "hypernet-linear-connected": ["data.support_shots=8", "data.query_shots=8", "train.batch=4", "train.eval_tasks=8",
                                  "train.inner.steps=2"],
    "slotvae-sprites": ["model.image.size=8", "data.size=8", "model.cnn=[4, 8]", "model.strides=[1, 2]",
                        "model.d_model=8", "model.heads=2", "model.query_dim=8", "model.hidden=8", "slots.count=3",
                        "slots.dim=4", "data.max_objects=2", "data.images=32", "data.test_images=8", "train.batch=4",
                        "train.eval_images=8", "train.jacobian_images=2", "train.warmup=0", "train.plot_images=0"],
}
Result = dict[str, torch.Tensor]  # "out.<name>" and "grad.<parameter>" -> tensor on the CPU


def forward_backward(spec, device: str | torch.device, batch: int = 2, seed: int = 0) -> Result:
    """Outputs of one forward pass and gradients of one backward pass of ``spec``'s model on ``device``.

    The model is built with ``seed`` (the same weights wherever it runs) and put in eval mode (so a
    sampling layer returns its mean); the inputs are :func:`~zoo.compiler.lower.example_inputs` with
    unknown sizes 4; the loss is the mean square of every float output. Everything comes back on the CPU.
    """
    from zoo.compiler import compile_spec
    from zoo.compiler.lower import example_inputs

    torch.manual_seed(seed)
    model = compile_spec(spec).to(device).eval()
    inputs = example_inputs(model, batch=batch, sizes={name: 4 for name in model.input_types}, device=device)
    out = model(**inputs)
    floats = [v for v in out.values() if v.is_floating_point()]
    sum(v.float().square().mean() for v in floats).backward()
    result = {f"out.{k}": v.detach().cpu() for k, v in out.items()}
    result.update({f"grad.{n}": p.grad.cpu() for n, p in model.named_parameters() if p.grad is not None})
    return result


def differences(reference: Result, other: Result, rtol: float = 1e-3, atol: float = 1e-4) -> list[str]:
    """What differs between two results (empty when they agree).

    Float tensors agree when ``max |a - b| <= atol + rtol * max |a|`` (the tolerance is relative to the
    tensor's scale, so a large gradient is not held to a small one's absolute error); integer and
    boolean tensors must be equal; both results must have the same names, shapes and finiteness.
    """
    problems = [f"{k}: only in the reference" for k in reference if k not in other]
    problems += [f"{k}: not in the reference" for k in other if k not in reference]
    for k in (k for k in reference if k in other):
        a, b = reference[k], other[k]
        if a.shape != b.shape or a.dtype != b.dtype:
            problems.append(f"{k}: {tuple(b.shape)} {b.dtype}, reference {tuple(a.shape)} {a.dtype}")
        elif not a.is_floating_point():
            if not torch.equal(a, b):
                problems.append(f"{k}: {int((a != b).sum())} of {a.numel()} entries differ")
        elif not torch.isfinite(b).all() or not torch.isfinite(a).all():
            problems.append(f"{k}: not finite")
        elif a.numel():
            error, scale = (a - b).abs().max().item(), a.abs().max().item()
            if error > atol + rtol * scale:
                problems.append(f"{k}: max |difference| {error:.3g} > {atol:g} + {rtol:g} x {scale:.3g}")
    return problems


def short_run(name: str, device: str, run_dir: Path, precision: str = "fp32", steps: int = 3):
    """Train the catalogue spec ``name`` (a key of :data:`SHORT_RUNS`) for ``steps`` steps on ``device``."""
    from zoo.schema import load_spec
    from zoo.train import train

    sets = SHORT_RUNS[name] + [f"train.steps={steps}", "train.eval_every=0", "train.log_every=1",
                               f"train.precision={precision}"]
    return train(load_spec(name, sets), run_dir=run_dir, device=device, progress=False)
