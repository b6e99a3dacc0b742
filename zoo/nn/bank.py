"""A bank of M independent MLPs stored as grouped weights and run as batched matrix products."""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from zoo.nn.activations import activation_fn


class MechanismBank(nn.Module):
    """M independent MLPs ``f_m: R^in -> R^out`` (an affine map each when ``hidden`` is empty).

    Layer l of mechanism m is ``weights[l][m]`` (in, out) and ``biases[l][m]``; each mechanism is
    initialised like its own ``nn.Linear`` stack. No Python loop over mechanisms runs in ``forward``.

    Args:
        count: number of mechanisms M.
        in_dim: input width.
        hidden: hidden widths shared by all mechanisms.
        out_dim: output width.
        act: activation name (between layers).
    """

    def __init__(self, count: int, in_dim: int, hidden: Sequence[int], out_dim: int, act: str = "relu"):
        super().__init__()
        self.count, self.in_dim, self.out_dim = count, in_dim, out_dim
        widths = [in_dim, *hidden, out_dim]
        self.weights = nn.ParameterList(
            nn.Parameter(torch.empty(count, a, b)) for a, b in zip(widths[:-1], widths[1:])
        )
        self.biases = nn.ParameterList(nn.Parameter(torch.empty(count, b)) for b in widths[1:])
        # The forward reads the lists' own parameter tables (where functional_call, .to() and
        # load_state_dict put their tensors too): ParameterList indexing and a module call per layer
        # cost about as much as a small layer's product.
        self._weights, self._biases = self.weights._parameters, self.biases._parameters
        self._keys = tuple(str(i) for i in range(len(self.weights)))
        self._act = activation_fn(act)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Each mechanism's layer drawn as ``nn.Linear`` would: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        for w, b in zip(self.weights, self.biases):
            bound = 1.0 / math.sqrt(w.shape[1])
            nn.init.uniform_(w, -bound, bound)
            nn.init.uniform_(b, -bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Every mechanism on the same input: ``(..., in) -> (..., M, out)``."""
        lead = x.shape[:-1]
        flat = x.reshape(1, -1, self.in_dim).expand(self.count, -1, -1)  # (M, P, in): a view, no copy
        # One batched product for the first layer of all mechanisms, landing in the contiguous (M, P, h)
        # layout the later layers use (measured faster than one (P, in) @ (in, M*h) product followed
        # by a transpose, forward and backward, at small and large widths).
        h = torch.baddbmm(self._biases["0"].unsqueeze(1), flat, self._weights["0"])  # (M, P, h)
        out = self._rest(h)  # (M, P, out)
        return out.transpose(0, 1).reshape(*lead, self.count, self.out_dim)

    def forward_grouped(self, x: torch.Tensor) -> torch.Tensor:
        """Mechanism m on its own input ``x[..., m, :]``: ``(..., M, in) -> (..., M, out)``."""
        lead = x.shape[:-2]
        h = x.reshape(-1, self.count, self.in_dim).transpose(0, 1)  # (M, P, in)
        h = torch.baddbmm(self._biases["0"].unsqueeze(1), h, self._weights["0"])  # (M, P, h)
        out = self._rest(h)
        return out.transpose(0, 1).reshape(*lead, self.count, self.out_dim)

    def _rest(self, h: torch.Tensor) -> torch.Tensor:
        """Layers 1.. on pre-activations of layer 0, grouped: (M, P, h) -> (M, P, out)."""
        weights, biases, act = self._weights, self._biases, self._act
        for key in self._keys[1:]:
            h = torch.baddbmm(biases[key].unsqueeze(1), act(h), weights[key])  # (M, P, next)
        return h

    def extra_repr(self) -> str:
        widths = [self.in_dim] + [w.shape[2] for w in self.weights]
        return f"count={self.count}, widths={widths}"


def _broadcast(t: torch.Tensor, lead: torch.Size) -> torch.Tensor:
    """``t`` (w,) or (*lead_prefix, w) expanded to (*lead, w)."""
    missing = len(lead) - (t.dim() - 1)
    view = t.shape[:-1] + (1,) * missing + t.shape[-1:]
    return t.reshape(view).expand(*lead, t.shape[-1])


_INPUTS = ("state", "context", "external", "task")  # BankApply.forward's arguments, in order
SCALE_TENSORS = ("input_scale", "output_scale")  # a normalised bank's data scales: saved with it, not trained


class BankApply(nn.Module):
    """Feeds a bank its inputs and runs every mechanism on them.

    Inputs are concatenated in ``order`` after broadcasting to the state's leading axes (and over the
    candidate axis C when a ``context`` is given). The output is (..., M, out) or, with a context,
    (..., M, C, out).

    Args:
        bank: a :class:`MechanismBank`, or a ``CellBank`` whose state is the ``state`` input.
        order: input names in concatenation order ("state", "context", "external", "task").
        recurrent: the bank is a ``CellBank`` (the state is its hidden state, not an input).
        relative: features of the state read relative to the slot (each context's minus the slot's).
        normalized: (read, written) widths of a bank that reads its slot features divided by ``input_scale``
            (read,) and writes its output times ``output_scale`` (written,); both start at ones and are saved
            with the bank (:meth:`set_scales` gives them the data's scales).
    """

    def __init__(self, bank: nn.Module, order: tuple[str, ...], recurrent: bool = False,
                 relative: Sequence[int] | None = None, normalized: tuple[int, int] | None = None):
        super().__init__()
        self.mechanisms, self.order, self.recurrent = bank, tuple(order), recurrent
        self.relative = relative is not None
        if self.relative:  # not persistent: a bank's weights do not depend on it (its spec says it)
            self.register_buffer("relative_index", torch.tensor(list(relative), dtype=torch.long), persistent=False)
        self.normalized = normalized is not None
        if self.normalized:  # persistent: the scales are part of what the bank learned
            self.register_buffer("input_scale", torch.ones(normalized[0]))
            self.register_buffer("output_scale", torch.ones(normalized[1]))
        # resolved once: (position in the forward's arguments, kind) per concatenated input
        self.plan = tuple((_INPUTS.index(n), n) for n in self.order if not (n == "state" and recurrent))
        self.anchors = tuple(_INPUTS.index(n) for n in self.order)

    def forward(
        self,
        state: torch.Tensor | None = None,
        context: torch.Tensor | None = None,
        external: torch.Tensor | None = None,
        task: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if self.relative and state is not None and context is not None:
            state, context = self._relative(state, context)
        if self.normalized:
            state, context = self._scaled(state, context)
        given = (state, context, external, task)
        if context is not None:
            lead = context.shape[:-1]  # (..., C)
        else:
            lead = next(given[i] for i in self.anchors if given[i] is not None).shape[:-1]
        parts = []
        for i, name in self.plan:
            t = given[i]
            if name == "context":
                parts.append(t)
                continue
            if name == "state" and context is not None:
                t = t.unsqueeze(-2)
            parts.append(_broadcast(t, lead))
        if self.recurrent:
            s = state.unsqueeze(-2).expand(*lead, state.shape[-1]) if context is not None else state
            out = self.mechanisms(s, torch.cat(parts, dim=-1) if parts else None)
        else:
            out = self.mechanisms(torch.cat(parts, dim=-1))  # (..., [C,] M, out)
        if self.normalized:
            out = out * self.output_scale
        return out.movedim(-2, -3) if context is not None else out

    def set_scales(self, read: torch.Tensor, written: torch.Tensor) -> None:
        """The scales of a normalised bank: of the features it reads (read,) and of those it writes (written,)."""
        with torch.no_grad():
            self.input_scale.copy_(read)
            self.output_scale.copy_(written)

    def _scaled(self, state: torch.Tensor | None, context: torch.Tensor) -> tuple[torch.Tensor | None, torch.Tensor]:
        """The slot's features and each context's divided by ``input_scale`` (a context's presence channel, its
        last, is kept)."""
        keep = self.input_scale.new_ones(context.shape[-1] - self.input_scale.shape[0])
        return (None if state is None else state / self.input_scale), context / torch.cat([self.input_scale, keep])

    def _relative(self, state: torch.Tensor, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The features at ``relative_index``: each context's minus the slot's (times the context's presence,
        its last channel: zero for "no context"), and zeros in the slot's own input."""
        index = self.relative_index
        own = state.index_select(-1, index).unsqueeze(-2)  # (..., 1, R)
        offset = (context.index_select(-1, index) - own) * context[..., -1:]  # (..., C, R)
        return state.index_fill(-1, index, 0.0), context.index_copy(-1, index, offset)
