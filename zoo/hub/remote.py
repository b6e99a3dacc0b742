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
    """Download (or find in the cache, also offline) a bank's files; returns the snapshot directory."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    repo, revision = parse_ref(ref)
    try:
        return Path(snapshot_download(repo_id=repo, revision=revision, allow_patterns=FILES))
    except LocalEntryNotFoundError as e:
        raise BankError(f"{ref}: not in the local cache and the Hub cannot be reached ({e})") from None
    except HfHubHTTPError as e:
        raise BankError(f"{ref}: {e}") from None
    except (OSError, ValueError) as e:
        raise BankError(f"{ref}: download failed ({e})") from None
