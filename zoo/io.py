"""File I/O for everything zoo reads and writes: bounded reads of regular files, atomic writes.

:func:`read_limited` (and :func:`open_regular`) read only regular files (after following symlinks: a
FIFO, a device or a directory is refused without blocking) and never more than a cap: a file larger
than the cap is refused from its size before anything is read, and at most cap + 1 bytes are ever
read, so a file that grows (or lies about its size) cannot exhaust memory either.

Atomic writes: a reader never sees a half-written file, and a crash never leaves one behind.

With :func:`write_bytes` (and ``write_text``, ``write_json``) on Linux the bytes go into an unnamed file in the target's directory (``O_TMPFILE``); only once it is
complete and fsynced does it get a name (``.tmp-*``) that is at once renamed over the target. A crash at
any moment, even ``SIGKILL``, leaves either nothing (the unnamed file vanishes with the process) or, in
the instant between link and rename, a complete ``.tmp-*`` copy that :func:`clean_temporaries` removes.
Elsewhere, and with :func:`atomic_path` (which any library can write to by name), a named temporary
file is written, fsynced and renamed: a crash may leave a partial ``.tmp-*`` file, never a partial target.
Either way the new file gets the permissions the user's umask gives any new file.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from zoo.errors import ZooError

TMP_PREFIX = ".tmp-"


class FileReadError(ZooError):
    """A file that cannot be read as asked: not a regular file, larger than allowed, or unreadable.

    Attributes:
        path: the file, as given.
        reason: what is wrong, without the path (for messages that place the path elsewhere).
    """

    def __init__(self, path: str | os.PathLike[str], reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _check_regular(path: str | os.PathLike[str], mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise FileReadError(path, f"is {_kind(mode)}, not a regular file")


@contextmanager
def open_regular(path: str | os.PathLike[str], follow_links: bool = True) -> Iterator[tuple[BinaryIO, int]]:
    """Open a regular file for reading; yields the file and its size in bytes.

    A FIFO, device, socket or directory is refused without blocking (it is opened non-blocking, if at
    all); so is a symbolic link unless ``follow_links``. A missing file raises ``FileNotFoundError``,
    as ``open`` does.

    Raises:
        FileReadError: not a regular file, or unreadable (permissions, I/O error).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        mode = (os.stat if follow_links else os.lstat)(path).st_mode
        if stat.S_ISLNK(mode):
            raise FileReadError(path, "is a symbolic link, not a regular file")
        _check_regular(path, mode)  # before opening: opening some devices has effects
        fd = os.open(path, flags | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0)))
    except (FileNotFoundError, FileReadError):
        raise
    except OSError as e:
        raise FileReadError(path, f"cannot read ({e.strerror or e})") from None
    f = os.fdopen(fd, "rb")
    with f:
        info = os.fstat(fd)
        _check_regular(path, info.st_mode)  # it may have been swapped since the stat above
        yield f, info.st_size


def read_limited(path: str | os.PathLike[str], limit: int, what: str = "file", follow_links: bool = True) -> bytes:
    """The bytes of the regular file ``path``, refused if larger than ``limit`` bytes.

    The size is checked before reading, and at most ``limit + 1`` bytes are read whatever it says.

    Args:
        path: the file (the target of a symlink must be a regular file).
        limit: the most bytes accepted.
        what: what the file is, for the message (e.g. "spec", "bank's spec.json").
        follow_links: False refuses a symbolic link (as :func:`open_regular`).

    Raises:
        FileNotFoundError: no such file.
        FileReadError: not a regular file, larger than ``limit``, or unreadable.
    """
    too_large = f"larger than {limit:,} bytes, the most zoo reads for a {what}"
    with open_regular(path, follow_links) as (f, size):
        if size > limit:
            raise FileReadError(path, f"{size:,} bytes, {too_large}")
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise FileReadError(path, f"cannot read ({e.strerror or e})") from None
    if len(data) > limit:
        raise FileReadError(path, too_large)
    return data


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


def _umask() -> int:
    """The process's umask (read from /proc where it can be, without changing it)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _named_temporary(target: Path) -> Iterator[Path]:
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=target.parent)
    try:
        try:
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a new file gets what the umask allows
        finally:
            os.close(fd)
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


def write_chunks(path: str | os.PathLike[str], chunks: Iterable[bytes]) -> None:
    """Atomically write the concatenated ``chunks`` to ``path`` (streamed: never all in memory at once)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_unnamed(target.parent)
    if fd is None:
        with _named_temporary(target) as tmp, open(tmp, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        return
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
        _publish(fd, target)
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Atomically write ``data`` to ``path`` (through an unnamed file where the OS has them)."""
    write_chunks(path, (data,))


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
