"""Atomic file writes: a reader never sees a half-written file, and a crash never leaves one behind.

With :func:`write_bytes` (and ``write_text``, ``write_json``) on Linux the bytes go into an unnamed file in the target's directory (``O_TMPFILE``); only once it is
complete and fsynced does it get a name (``.tmp-*``) that is at once renamed over the target. A crash at
any moment, even ``SIGKILL``, leaves either nothing (the unnamed file vanishes with the process) or, in
the instant between link and rename, a complete ``.tmp-*`` copy that :func:`clean_temporaries` removes.
Elsewhere, and with :func:`atomic_path` (which any library can write to by name), a named temporary
file is written, fsynced and renamed: a crash may leave a partial ``.tmp-*`` file, never a partial target.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

TMP_PREFIX = ".tmp-"


def _open_unnamed(directory: Path) -> int | None:
    """A writable unnamed file in ``directory``, or None where the OS or file system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path(f"/proc/{os.getpid()}/fd").is_dir():
        return None
    try:
        return os.open(directory, flag | os.O_RDWR, 0o666)
    except OSError:
        return None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(fd: int, target: Path) -> None:
    """Give the complete unnamed file ``fd`` the name ``target`` (link to a temporary name, rename)."""
    os.fsync(fd)
    name = f"{TMP_PREFIX}{target.name}-{secrets.token_hex(4)}"
    dfd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            os.link(f"/proc/{os.getpid()}/fd/{fd}", name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except OSError:  # /proc cannot link here: copy through a named temporary file instead
            size = os.fstat(fd).st_size
            with _named_temporary(target) as tmp:
                tmp.write_bytes(os.pread(fd, size, 0))
            return
        try:
            os.replace(name, target.name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            os.unlink(name, dir_fd=dfd)
            raise
        os.fsync(dfd)
    finally:
        os.close(dfd)


@contextmanager
def _named_temporary(target: Path) -> Iterator[Path]:
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a named temporary path beside ``path`` to write (by any library); on success it replaces
    ``path``, on failure it is removed. A ``SIGKILL`` mid-write may leave the ``.tmp-*`` file (never a
    partial ``path``); prefer :func:`write_bytes` when the bytes are at hand. The temporary name has
    no meaningful suffix: pass formats explicitly (``savefig(p, format="png")``).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _named_temporary(target) as tmp:
        yield tmp


def clean_temporaries(directory: str | os.PathLike[str]) -> list[Path]:
    """Remove the ``.tmp-*`` files a crash may have left in ``directory``; returns what was removed."""
    removed = []
    for p in Path(directory).glob(f"{TMP_PREFIX}*"):
        if p.is_file():
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Atomically write ``data`` to ``path`` (through an unnamed file where the OS has them)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_unnamed(target.parent)
    if fd is None:
        with _named_temporary(target) as tmp:
            tmp.write_bytes(data)
        return
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        _publish(fd, target)
    finally:
        os.close(fd)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Atomically write UTF-8 ``text`` to ``path``."""
    write_bytes(path, text.encode("utf-8"))


def json_text(obj: Any) -> str:
    """``obj`` as the indented JSON (sorted keys, final newline) that :func:`write_json` writes."""
    return json.dumps(obj, indent=2, sort_keys=True, default=_default) + "\n"


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Atomically write ``obj`` as indented JSON."""
    write_text(path, json_text(obj))


def _default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")
