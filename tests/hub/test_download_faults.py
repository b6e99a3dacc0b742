"""Hub downloads under faults: a local Hub-compatible server on 127.0.0.1 fails, cuts off or garbles
responses; failed downloads are retried, corrupt ones are never used nor left in the cache."""

from __future__ import annotations

import json

import pytest
import torch

from tests.support.hub_state import etag
from zoo.banks import load_bank
from zoo.errors import BankError

REPO = "org/bank"


@pytest.fixture
def hub(faulty_hub):
    return faulty_hub


def _blobs(hub) -> list[str]:
    return sorted(p.name for p in hub.cache.rglob("blobs/*"))


def test_clean_download_loads_the_bank(hub):
    bank = load_bank(f"hf://{REPO}")
    assert bank.spec.count == 2 and set(bank.tensors) and len(_blobs(hub)) == 3


@pytest.mark.parametrize("faults", [["500"], ["500", "500", "500"], ["cut"], ["garble"], ["cut", "garble", "500"]])
def test_transient_faults_are_retried_until_a_good_copy(hub, faults):
    hub.faults["model.safetensors"] = list(faults)
    bank = load_bank(f"hf://{REPO}")
    expected = load_bank(hub.cache.parent / "src").tensors
    assert all(torch.equal(bank.tensors[k], v) for k, v in expected.items())
    assert not hub.faults["model.safetensors"]  # every fault was really served
    assert not any(b.endswith(".incomplete") for b in _blobs(hub))


def test_hub_api_outage_is_retried(hub):
    hub.faults["api"] = ["500", "500"]
    assert load_bank(f"hf://{REPO}").spec.count == 2


def test_persistent_corruption_fails_and_leaves_nothing_usable(hub, monkeypatch):
    from huggingface_hub import constants

    hub.faults["model.safetensors"] = ["garble"] * 10
    with pytest.raises(BankError, match="(?s)download failed after 5 attempts.*does not match its checksum"):
        load_bank(f"hf://{REPO}")
    weights = etag("model.safetensors", hub.files["model.safetensors"])
    assert weights not in _blobs(hub)  # the garbled copy is gone
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(BankError, match="incomplete|[Cc]annot find|only part of this revision is cached"):
        load_bank(f"hf://{REPO}")  # offline, nothing corrupt is served from the cache


def test_a_bank_served_intact_but_invalid_is_refused_and_purged(hub):
    meta = json.loads(hub.files["spec.json"])
    meta["tensors"]["mechanisms.weights.0"]["shape"] = [9, 9, 9]
    hub.files["spec.json"] = json.dumps(meta).encode()
    with pytest.raises(BankError, match="(?s)not a valid bank.*has shape"):
        load_bank(f"hf://{REPO}")
    assert len([r for r in hub.served if r[0] == "model.safetensors"]) == 1  # no pointless retries
    assert not list(hub.cache.rglob("snapshots/*/*"))


def test_a_missing_repository_is_not_retried(hub):
    with pytest.raises(BankError, match="hf://org/missing: no such repository"):
        load_bank("hf://org/missing")
    assert len([r for r in hub.served if r[0].startswith("/api/models/org/missing/")]) == 1


@pytest.mark.parametrize("name", ["model.safetensors", "spec.json", "README.md"])
def test_a_garbled_copy_behind_opaque_etags_is_retried(hub, name):
    """A mirror whose ETags are not content hashes: the sha256 that spec.json records catches the copy."""
    hub.etags = "opaque"
    hub.faults[name] = ["garble"]
    bank = load_bank(f"hf://{REPO}")
    assert not hub.faults[name] and len([r for r in hub.served if r[0] == name]) == 2  # garbled, then good
    assert (bank.path / name).read_bytes() == hub.files[name]


def test_a_persistently_garbled_card_behind_opaque_etags_is_never_cached(hub, monkeypatch):
    hub.etags = "opaque"
    hub.faults["README.md"] = ["garble"] * 10
    with pytest.raises(BankError, match=r"(?s)download failed after 5 attempts.*README\.md: its sha256"):
        load_bank(f"hf://{REPO}")
    assert not list(hub.cache.rglob("snapshots/*/*"))


def test_weights_swapped_on_the_hub_are_refused_at_once(hub, tmp_path):
    """Intact as served (their ETag matches), but not the weights spec.json was saved with."""
    from zoo.compiler import compile_spec
    from zoo.hub import save_bank
    from zoo.schema import loads_spec

    from small_bank import SMALL_BANK

    torch.manual_seed(11)
    other = save_bank(compile_spec(loads_spec(SMALL_BANK)), "bank", tmp_path / "other")
    hub.files["model.safetensors"] = (other / "model.safetensors").read_bytes()
    with pytest.raises(BankError, match=r"not a valid bank .*model\.safetensors: its sha256.*does not belong to this spec\.json"):
        load_bank(f"hf://{REPO}")
    assert len([r for r in hub.served if r[0] == "model.safetensors"]) == 1
