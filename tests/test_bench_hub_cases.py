"""The adversarial Hub cases of the reliability benchmark are named, distinct, and (a quick few) pass."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_hub_cases_are_named_and_the_quick_ones_pass(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from bench.reliability_hub_cases import hub_cases

    cases = {c.name: c for c in hub_cases()}
    assert len(cases) == len(hub_cases()) >= 20 and all(callable(c.check) for c in cases.values())
    for name in ("bad_repo_id", "revision_dotdot_pull", "swapped_weights_local", "linked_card_push"):
        assert cases[name].check() is True, name
