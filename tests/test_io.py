"""Atomic writes: no named file exists until the bytes are complete; failures and crashes leave nothing."""

from __future__ import annotations

import os

import pytest

import zoo.io as zio


def test_write_bytes_names_the_file_only_when_complete(tmp_path, monkeypatch):
    fd = zio._open_unnamed(tmp_path)
    if fd is None:
        pytest.skip("no O_TMPFILE here: the named-temporary fallback is used")
    os.close(fd)
    seen = []
    real_write = os.write

    def spy(fd, data):
        seen.append(sorted(os.listdir(tmp_path)))
        return real_write(fd, data)

    monkeypatch.setattr(zio.os, "write", spy)
    zio.write_bytes(tmp_path / "a.bin", b"x" * 100_000)
    monkeypatch.undo()
    assert seen and all(listing == [] for listing in seen)  # nothing with a name while writing
    assert (tmp_path / "a.bin").read_bytes() == b"x" * 100_000 and os.listdir(tmp_path) == ["a.bin"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    zio.write_text(tmp_path / "a.txt", "old")

    def boom(fd, target):
        raise OSError("disk full")

    monkeypatch.setattr(zio, "_publish", boom)
    with pytest.raises(OSError):
        zio.write_text(tmp_path / "a.txt", "new")
    with pytest.raises(RuntimeError):
        with zio.atomic_path(tmp_path / "b.txt") as tmp:
            tmp.write_text("partial")
            raise RuntimeError
    assert os.listdir(tmp_path) == ["a.txt"] and (tmp_path / "a.txt").read_text() == "old"


def test_without_unnamed_files_the_fallback_is_atomic_too(tmp_path, monkeypatch):
    monkeypatch.setattr(zio, "_open_unnamed", lambda directory: None)
    zio.write_json(tmp_path / "m.json", {"a": 1})
    assert (tmp_path / "m.json").read_text() == '{\n  "a": 1\n}\n' and os.listdir(tmp_path) == ["m.json"]


def test_clean_temporaries(tmp_path):
    (tmp_path / ".tmp-last.safetensors-ab12").write_bytes(b"x")
    (tmp_path / "keep.txt").write_text("y")
    assert [p.name for p in zio.clean_temporaries(tmp_path)] == [".tmp-last.safetensors-ab12"]
    assert os.listdir(tmp_path) == ["keep.txt"]


# -- bounded reads of regular files -------------------------------------------------------------------
def _in_thread(fn, timeout: float = 10.0):
    """Run ``fn`` in a thread; (finished in time, its exception or None)."""
    import threading

    outcome: list = []

    def target():
        try:
            fn()
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            outcome.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    return not t.is_alive(), (outcome[0] if outcome else None)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "spec.json")
    done, error = _in_thread(lambda: zio.read_limited(tmp_path / "spec.json", 100))
    assert done, "reading a FIFO blocked"
    assert isinstance(error, zio.FileReadError) and "FIFO" in str(error) and "spec.json" in str(error)


@pytest.mark.parametrize("target,kind", [("/dev/zero", "character device"), (".", "directory")])
def test_a_symlink_to_a_device_or_a_directory_is_refused(tmp_path, target, kind):
    (tmp_path / "spec.json").symlink_to(target if target.startswith("/") else tmp_path)
    with pytest.raises(zio.FileReadError, match=kind):
        zio.read_limited(tmp_path / "spec.json", 100)


def test_the_cap_is_checked_on_the_size_and_on_the_bytes_read(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 100)
    assert zio.read_limited(tmp_path / "a", 100) == b"x" * 100
    with pytest.raises(zio.FileReadError, match=r"100 bytes, larger than 99 bytes, the most zoo reads for a spec"):
        zio.read_limited(tmp_path / "a", 99, "spec")
    # a regular file whose size says 0 but that holds more: /proc files are such
    with pytest.raises(zio.FileReadError, match="larger than 10 bytes"):
        zio.read_limited("/proc/self/maps", 10)
    with pytest.raises(FileNotFoundError):
        zio.read_limited(tmp_path / "missing", 10)


def test_spec_loading_refuses_a_fifo_and_a_device(tmp_path):
    from zoo.errors import SpecError
    from zoo.schema import load_spec

    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    done, error = _in_thread(lambda: load_spec(tmp_path / "fifo.yaml"))
    assert done and isinstance(error, SpecError) and "FIFO" in str(error)
    with pytest.raises(SpecError, match="zero.json: is a character device, not a regular file"):
        load_spec(tmp_path / "zero.json")


@pytest.mark.parametrize("make", ["fifo", "zero", "huge"])
def test_zoo_validate_and_info_refuse_special_or_huge_files_with_exit_2(tmp_path, make):
    from click.testing import CliRunner

    from zoo.cli import main

    spec = tmp_path / "bank" / "spec.json"
    spec.parent.mkdir()
    (spec.parent / "model.safetensors").write_bytes(b"")
    if make == "fifo":
        os.mkfifo(spec)
    elif make == "zero":
        spec.symlink_to("/dev/zero")
    else:
        with open(spec, "wb") as f:  # sparse: takes no disk space
            f.truncate(8 * 1024**3)
    for args in (["validate", str(spec)], ["info", str(spec.parent)]):
        results = []
        done, _ = _in_thread(lambda: results.append(CliRunner().invoke(main, args)))
        assert done, f"zoo {args[0]} blocked"
        r = results[0]
        assert r.exit_code == 2 and r.output.startswith("error:") and "spec.json" in r.output, (args, r.output)


# -- permissions and streamed writes ------------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_new_files_get_the_permissions_of_the_umask(tmp_path, monkeypatch, umask):
    old = os.umask(umask)
    try:
        zio.write_bytes(tmp_path / "unnamed.bin", b"x")
        with zio.atomic_path(tmp_path / "curves.png") as tmp:  # how figures are written
            tmp.write_bytes(b"png")
        monkeypatch.setattr(zio, "_open_unnamed", lambda directory: None)
        zio.write_bytes(tmp_path / "named.bin", b"x")
    finally:
        os.umask(old)
    for name in ("unnamed.bin", "curves.png", "named.bin"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_write_chunks_streams_atomically(tmp_path):
    zio.write_text(tmp_path / "log.csv", "old\n")

    def chunks():
        yield b"step\n"
        yield b"1\n"
        raise KeyboardInterrupt  # a crash mid-write

    with pytest.raises(KeyboardInterrupt):
        zio.write_chunks(tmp_path / "log.csv", chunks())
    assert (tmp_path / "log.csv").read_text() == "old\n" and os.listdir(tmp_path) == ["log.csv"]
    zio.write_chunks(tmp_path / "log.csv", (b"step\n", b"1\n"))
    assert (tmp_path / "log.csv").read_text() == "step\n1\n"
