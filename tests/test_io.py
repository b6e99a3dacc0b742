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
