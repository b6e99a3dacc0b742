"""``load_run``: a trained model from a run directory, a bank directory, a catalogue bank or a Hub bank."""

from __future__ import annotations

from pathlib import Path

import torch

from zoo import safejson
from zoo.errors import BankError
from zoo.hub import from_pretrained
from zoo.registry import RUNS
from zoo.schema import load_spec, validate
from zoo.trained.base import Run
from zoo.trained.dynamics import DynamicsRun
from zoo.trained.sequences import SequenceRun
from zoo.trained.tasks import TaskRun
from zoo.weights import read_weights

MAX_METRICS_BYTES = 1024 * 1024


def _family(spec, model) -> type[Run]:
    """The Run class for a spec (a graph model is classed by its input and outputs)."""
    if spec.model.kind in RUNS:
        return RUNS.get(spec.model.kind)
    if spec.train is not None and spec.train.procedure == "meta":
        return TaskRun
    if "prediction" in model.output_types:
        return DynamicsRun
    return SequenceRun


def _run_dir(path: Path, device: torch.device):
    from zoo.train.build import build_model

    spec = load_spec(str(path / "spec.yaml"))
    model = build_model(spec)
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise BankError(f"{path}: no model.safetensors (the run has not finished; its last checkpoint is in "
                        "checkpoints/)")
    tensors, _ = read_weights(weights)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as e:
        raise BankError(f"{weights}: these weights do not fit {path / 'spec.yaml'} ({str(e).splitlines()[0]})") from None
    metrics = {}
    mpath = path / "metrics.json"
    if mpath.exists():  # read through zoo.io: a regular file of at most MAX_METRICS_BYTES, valid JSON
        loaded = safejson.read(mpath, BankError, MAX_METRICS_BYTES)
        metrics = {k: float(v) for k, v in loaded.items() if isinstance(v, (int, float))} if isinstance(loaded, dict) else {}
    return spec, model.to(device), metrics, True


def _bank(ref: str, revision: str | None, device: torch.device):
    from zoo.train.build import build_model

    bank = from_pretrained(ref, revision)
    model_spec = (bank.meta.get("provenance") or {}).get("model_spec")
    if not isinstance(model_spec, dict):
        raise BankError(f"{ref}: the bank records no model spec, so there is no model to rebuild around it")
    spec = validate(model_spec)
    model = build_model(spec)
    try:
        model.get_submodule(bank.name).load_state_dict(bank.tensors, strict=True)
    except (AttributeError, RuntimeError) as e:
        raise BankError(f"{ref}: the bank {bank.name!r} does not fit the model its spec builds ({e})") from None
    return spec, model.to(device), bank.metrics, False


def load_run(ref: str | Path, device: str = "cpu", revision: str | None = None) -> Run:
    """A trained model ready to use, with its family's methods.

    Args:
        ref: a run directory (``spec.yaml`` + ``model.safetensors``: the whole trained model); a bank
            directory, a catalogue bank name or a Hub bank ``org/name[@rev]`` (the bank's weights in the
            model its spec records; the rest of that model is untrained, see ``Run.complete``).
        device: "cpu", "cuda" or "auto".
        revision: for a Hub bank, a branch, tag or commit sha.

    Returns:
        A :class:`~zoo.trained.dynamics.DynamicsRun` (COMET, interaction network),
        :class:`~zoo.trained.images.ImageRun` (slot VAE), :class:`~zoo.trained.sequences.SequenceRun` (RIMs,
        LSTM) or :class:`~zoo.trained.tasks.TaskRun` (hypernetwork, ANIL, MAML).
    """
    from zoo.train.runinfo import resolve_device

    dev = resolve_device(device)
    path = Path(ref)
    if path.is_dir() and (path / "spec.yaml").is_file():
        spec, model, metrics, complete = _run_dir(path, dev)
    else:
        spec, model, metrics, complete = _bank(str(ref), revision, dev)
    return _family(spec, model)(spec, model, metrics, str(ref), dev, complete)
