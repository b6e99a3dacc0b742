"""A bank's files before their bytes are trusted: regular files, each with the sha256 ``spec.json`` records.

A bank directory holds regular files only: a symbolic link (``zoo push`` once published a linked
README's target), a pipe or a device is refused, naming the file. The one exception is the
huggingface_hub cache, whose snapshot files are links to blobs: there a link must lead to a regular
file inside the cache. ``spec.json`` records the sha256 of every other file of the bank when it is
saved (``files``), which ties the weights to their spec (same-shape weights swapped in are refused)
and catches a copy garbled in transit even where a mirror's ETags are not content hashes. Banks
saved before ``files`` existed still load; they rely on the Hub's ETags alone.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path
from typing import Any

from zoo.errors import BankError
from zoo.io import FileReadError, read_limited
from zoo.limits import MAX_WEIGHT_BYTES

FILES_KEY = "files"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256(data: bytes) -> str:
    """The hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def regular_file(path: Path, links_within: Path | None = None) -> Path:
    """The file to read for ``path``: itself when regular, a link's target when allowed.

    Raises:
        BankError: naming ``path``: missing, a link (outside the cache ``links_within``) or not a regular file.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        raise BankError(f"{path}: missing") from None
    except OSError as e:
        raise BankError(f"{path}: cannot read ({e.strerror or e})") from None
    if stat.S_ISLNK(mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13) or a dangling link
            raise BankError(f"{path}: is a symbolic link that leads nowhere (a loop or a missing target); "
                            "a bank's files must be regular files") from None
        if links_within is None or not target.is_relative_to(links_within.resolve()):
            raise BankError(f"{path}: is a symbolic link; a bank's files must be regular files "
                            "(copy the file itself in place of the link)")
        return target
    if not stat.S_ISREG(mode):
        raise BankError(f"{path}: not a regular file (a bank's files must be regular files)")
    return path


def read_bank_file(path: Path, max_bytes: int | None = None, links_within: Path | None = None) -> bytes:
    """The bytes of a bank file that is a regular file (or, in the cache ``links_within``, a link
    to one), never following any other link nor blocking on a pipe.

    Raises:
        BankError: naming the file: a link, not a regular file, larger than ``max_bytes`` (default
            :data:`zoo.limits.MAX_WEIGHT_BYTES`), unreadable.
    """
    target = regular_file(path, links_within)
    try:  # zoo's one bounded reader: the size checked before reading, at most max_bytes + 1 bytes read
        return read_limited(target, MAX_WEIGHT_BYTES if max_bytes is None else max_bytes, f"bank's {path.name}",
                            follow_links=False)
    except FileReadError as e:
        raise BankError(f"{path}: {e.reason} (a bank's files must be regular files)") from None
    except OSError as e:
        raise BankError(f"{path}: cannot read ({e.strerror or e}; a bank's files must be regular files)") from None


def recorded_digests(meta: dict[str, Any], where: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The ``files`` map of a ``spec.json`` (empty for banks saved before it existed), checked.

    Raises:
        BankError: a map that is not ``{file name: 64-hex sha256}`` over the bank's file ``names``.
    """
    files = meta.get(FILES_KEY)
    if files is None:
        return {}
    if (not isinstance(files, dict) or not set(files) <= set(names)
            or not all(isinstance(v, str) and _SHA256.match(v) for v in files.values())):
        raise BankError(f"{where}: malformed {FILES_KEY!r} ({files!r:.200}); expected the sha256 of "
                        f"each of {', '.join(names)}")
    return dict(files)


def check_digest(path: Path, data: bytes, recorded: dict[str, str]) -> None:
    """Refuse ``data`` (the bytes of ``path``) when ``spec.json`` records another sha256 for it.

    Raises:
        BankError: naming the file, both digests' starts, and what it means.
    """
    want = recorded.get(path.name)
    if want is None:
        return
    got = sha256(data)
    if got != want:
        raise BankError(f"{path}: its sha256 {got[:16]}… is not the {want[:16]}… that spec.json records: the file "
                        "was replaced or corrupted, it does not belong to this spec.json")
