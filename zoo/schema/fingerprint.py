"""A spec's fingerprint: a stable hash of the resolved spec, which says whether a recorded run is still current."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(spec: Any) -> str:
    """16 hex digits of the SHA-256 of the spec's settings (after overrides and validation).

    The prose (``description``) is left out, and so is every setting at its default: a spec that writes a
    default out, or a schema that gains a field at its default, keeps its fingerprint; any setting that
    changes what is trained changes it.

    Args:
        spec: a validated :class:`~zoo.schema.ModelSpec`.
    """
    settings = spec.model_dump(mode="json", exclude_defaults=True, exclude={"description"})
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
