"""Bank references on the Hugging Face Hub: ``hf://org/name[@revision]``."""

from __future__ import annotations

import re
from pathlib import Path

from zoo.errors import BankError

REF = re.compile(r"^hf://([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([^\s@]+))?$")
FILES = ["spec.json", "model.safetensors", "README.md"]


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``"hf://org/name@rev"`` -> ``("org/name", "rev")`` (revision None when absent)."""
    m = REF.match(ref)
    if not m:
        raise BankError(f"bad bank reference {ref!r}; expected hf://org/name or hf://org/name@revision")
    return m.group(1), m.group(2)


def download(ref: str) -> Path:
    """Download (or find in the cache, also offline) a bank's files; returns the snapshot directory.

    Transient failures are retried with backoff and the files are verified (checksums, then a strict
    bank load) before use; a corrupt snapshot is removed from the cache (:mod:`zoo.hub.fetch`).
    """
    from zoo.hub.bank import load_bank
    from zoo.hub.fetch import download_verified

    repo, revision = parse_ref(ref)
    return download_verified(ref, repo, revision, FILES, verify=load_bank)
