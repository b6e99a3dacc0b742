"""Every recorded benchmark figure file is flat: keys to numbers (records with lists or tables live in
bench/records/)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_results_file_maps_keys_to_numbers():
    files = sorted((ROOT / "bench" / "results").glob("*.json"))
    assert len(files) >= 10
    for path in files:
        figures = json.loads(path.read_text())
        assert isinstance(figures, dict) and figures, path.name
        bad = {k: type(v).__name__ for k, v in figures.items() if type(v) not in (int, float)}
        assert not bad, f"{path.name}: not numbers: {bad}"
