"""The top-level API: light to import, with the torch-backed entry points loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_import_zoo_does_not_import_torch():
    code = "import sys, zoo; zoo.load_spec('comet-particles'); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_lazy_entry_points_compile_and_load_banks():
    import zoo

    model = zoo.compile_spec(zoo.load_spec("comet-particles"))
    assert "particles" in dict(model.named_children())
    assert zoo.load_bank("comet-particles").spec.count == 4
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        zoo.nope  # noqa: B018
