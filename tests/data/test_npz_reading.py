"""Safe .npz reading: no pickle, sizes checked from the headers, rows streamed, clear errors."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from zoo.data import NpzArchive, load_arrays
from zoo.data.arrays import FileArrays, draw_split
from zoo.errors import DataError


def test_arrays_round_trip_and_rows_stream(tmp_path):
    path = tmp_path / "a.npz"
    x = np.arange(60, dtype=np.float32).reshape(10, 3, 2)
    names = np.array(["a", "bc"])
    np.savez(path, x=x, names=names, f=np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    got = load_arrays(path)
    assert np.array_equal(got["x"], x) and list(got["names"]) == ["a", "bc"]
    assert np.array_equal(got["f"], np.arange(6.0).reshape(2, 3))
    with NpzArchive(path) as npz:
        pieces = list(npz.rows("x", 4))
    assert [len(p) for p in pieces] == [4, 4, 2] and np.array_equal(np.concatenate(pieces), x)


def test_compressed_archives_stream_too(tmp_path):
    path = tmp_path / "c.npz"
    x = np.random.default_rng(0).normal(size=(7, 5)).astype(np.float64)
    np.savez_compressed(path, x=x)
    with NpzArchive(path) as npz:
        assert np.array_equal(np.concatenate(list(npz.rows("x", 3))), x)


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    path = tmp_path / "o.npz"
    np.savez(path, bad=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(DataError, match=r"o\.npz: array 'bad': dtype object is refused"):
        NpzArchive(path)


def test_size_cap_and_declared_sizes(tmp_path, monkeypatch):
    path = tmp_path / "big.npz"
    np.savez(path, x=np.zeros((100, 100), dtype=np.float64))
    monkeypatch.setenv("ZOO_DATA_MAX_BYTES", "1000")
    with pytest.raises(DataError, match="over the limit of 1,000"):
        NpzArchive(path)
    monkeypatch.delenv("ZOO_DATA_MAX_BYTES")
    # a header that declares more data than the member holds (a crafted or truncated file)
    lying = tmp_path / "lying.npz"
    with zipfile.ZipFile(lying, "w") as zf:
        with zf.open("x.npy", "w") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)})
            f.write(b"\0" * 80)
    with pytest.raises(DataError, match="header declares 8,000,000,000 bytes"):
        NpzArchive(lying)


def test_not_a_zip_and_missing_files(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not an .npz archive"):
        NpzArchive(bad)
    with pytest.raises(DataError, match="no such file"):
        NpzArchive(tmp_path / "missing.npz")


def test_file_arrays_name_the_file_array_and_expectation(tmp_path):
    files = FileArrays(tmp_path / "f.npz", {"states": np.zeros((2, 3), np.float32),
                                            "nan": np.array([[[[np.nan]]]], np.float32)})
    with pytest.raises(DataError, match=r"f\.npz: array 'states': expected float \(S, T\+1, N, D\), got float32 with shape \(2, 3\)"):
        files.get("states", "(S, T+1, N, D)", "f")
    with pytest.raises(DataError, match=r"missing array 'types'"):
        files.get("types", "(S, T, N)", "i")
    with pytest.raises(DataError, match=r"array 'nan': 1 value\(s\) are NaN or infinite"):
        files.get("nan", "(S, T+1, N, D)", "f")


def test_an_empty_axis_within_a_sample_is_refused_and_an_empty_sample_axis_is_not(tmp_path):
    files = FileArrays(tmp_path / "f.npz", {"images": np.zeros((4, 0, 8, 3), np.uint8),
                                            "none": np.zeros((0, 8, 8, 3), np.uint8)})
    with pytest.raises(DataError, match=r"array 'images': axis H of \(S, H, W, C\) is empty \(shape \(4, 0, 8, 3\)\)"):
        files.get("images", "(S, H, W, C)", "u")
    assert files.get("none", "(S, H, W, C)", "u").shape == (0, 8, 8, 3)  # too few samples is the split's to say


def test_drawn_split_depends_only_on_the_seed():
    a, b = draw_split(10, 0.2, 3), draw_split(10, 0.2, 3)
    assert np.array_equal(a[0], b[0]) and len(a[1]) == 2 and not set(a[0]) & set(a[1])
    assert not np.array_equal(draw_split(10, 0.2, 4)[1], a[1]) or not np.array_equal(draw_split(10, 0.2, 5)[1], a[1])
