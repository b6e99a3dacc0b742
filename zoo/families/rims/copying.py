"""The copying task (Hochreiter & Schmidhuber; Arjovsky et al.).

Input tokens: ``length`` random symbols (0..S-1), ``delay`` blanks (S), one go marker (S+1), then
``length - 1`` blanks. The target is the symbols at the last ``length`` positions and -100 (ignored)
elsewhere. ``splits``: ``train`` and ``test_<delay>`` for the training delay and every test delay;
each holds ``x`` (N, T) int64 and ``target`` (N, T) int64.
"""

from __future__ import annotations

import torch

IGNORE = -100


def sequences(n: int, symbols: int, length: int, delay: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """``n`` copying sequences with the given delay."""
    seq = torch.randint(0, symbols, (n, length), generator=generator)
    blank, go = symbols, symbols + 1
    x = torch.cat([seq, torch.full((n, delay), blank), torch.full((n, 1), go), torch.full((n, length - 1), blank)], 1)
    target = torch.full_like(x, IGNORE)
    target[:, -length:] = seq
    return {"x": x, "target": target}


class Copying:
    """The environment object (see module docstring)."""

    def __init__(self, data, seed: int):
        g = torch.Generator().manual_seed(seed)
        self.vocab = data.symbols + 2
        self.splits = {"train": sequences(data.train_sequences, data.symbols, data.length, data.delay, g)}
        for delay in dict.fromkeys((data.delay, *data.test_delays)):
            self.splits[f"test_{delay}"] = sequences(data.test_sequences, data.symbols, data.length, delay, g)


def make(data, seed: int) -> Copying:
    """The copying environment for ``data`` and ``seed``."""
    return Copying(data, seed)
