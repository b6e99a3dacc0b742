"""The model families, one package each (``comet``, ``hypernetwork``, ``rims``, ``slot_vae``): its spec
models, template, procedures, metrics, figures, worlds, starter spec and checks, registered as one
:class:`~zoo.families.family.Family`. A fifth family is one package plus one line in :data:`BUILTIN`
(or a plug-in: :mod:`zoo.plugins`).
"""

from __future__ import annotations

import importlib

from zoo.families.family import FAMILIES, register_family
from zoo.schema import kinds

BUILTIN = ("comet", "hypernetwork", "rims", "slot_vae")


def register_builtin() -> None:
    """Register the built-in families (once; ``import zoo`` does it)."""
    for name in BUILTIN:
        if name not in FAMILIES:
            register_family(importlib.import_module(f"zoo.families.{name}").FAMILY, rebuild=False)
    kinds.rebuild()
