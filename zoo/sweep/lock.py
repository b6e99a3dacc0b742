"""One ``zoo sweep`` at a time per sweep folder: two would run the same points and overwrite each other's table."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from zoo.errors import ZooError


@contextlib.contextmanager
def sweep_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``folder/.lock``) while the sweep runs.

    Raises:
        ZooError: another process holds it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
        except ImportError:  # no advisory locks on this platform
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ZooError(f"{folder}: another zoo sweep is running in this folder; wait for it or choose "
                           "another --out") from None
        yield
    finally:
        os.close(fd)
