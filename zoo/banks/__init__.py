"""Mechanism banks as files: the bank directory format (``spec.json``, ``model.safetensors``, a model
card), writing, reading and checking it, bank references, mechanism kinds, the catalogue's committed
banks, and loading pretrained banks into a built model. No network: Hub I/O is :mod:`zoo.hub`'s.

The names below are imported on first use, so that ``import zoo`` (which registers the Hub loader in
:mod:`zoo.banks.refs`) stays free of torch.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "Bank": "zoo.banks.bank",
    "load_dir": "zoo.banks.bank",
    "save_bank": "zoo.banks.format",
    "load_bank": "zoo.banks.pretrained",
    "load_pretrained": "zoo.banks.pretrained",
    "resolve_sources": "zoo.banks.pretrained",
    "BankRef": "zoo.banks.refs",
    "parse_ref": "zoo.banks.refs",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'zoo.banks' has no attribute {name!r}")


__all__ = sorted(_LAZY)
