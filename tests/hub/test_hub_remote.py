"""End to end against a Hub-compatible server on 127.0.0.1: push, tag, branch, download by branch, tag
and commit, the cache layout, offline use, and clear errors for missing repos, revisions and files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import torch

from zoo import compile_spec
from zoo.errors import BankError, SpecError
from zoo.hub import from_pretrained, load_bank, push, save_bank
from zoo.hub import Bank
from zoo.schema import loads_spec

REPO = "zoo-org/tiny-bank"


def _second_bank(tmp_path, comet_yaml, seed):
    torch.manual_seed(seed)
    return save_bank(compile_spec(loads_spec(comet_yaml)), "bank", tmp_path / f"bank-{seed}", metrics={"nmi": 0.75})


def _same(bank: Bank, path) -> bool:
    other = load_bank(path)
    return all(torch.equal(bank.tensors[k], other.tensors[k]) for k in other.tensors)


def test_push_publishes_the_directory_unchanged_and_tags_it(hub, tiny_bank):
    path, _ = tiny_bank
    published = push(path, REPO, tag="v1")
    repo = hub.repos[REPO]
    assert repo.tags["v1"] == repo.branches["main"] == published.commit
    files = repo.commits[published.commit].files
    for name in ("spec.json", "model.safetensors", "README.md"):
        assert files[name] == (path / name).read_bytes()
    assert published.ref == f"hf://{REPO}@{published.commit}"
    # pushing the same bank again changes nothing: no new commit
    assert push(path, REPO).commit == published.commit and len(repo.commits) == 2


def test_download_by_branch_tag_and_commit(hub, tiny_bank, tmp_path, comet_yaml):
    path, _ = tiny_bank
    v1 = push(path, REPO, tag="v1")
    later = _second_bank(tmp_path, comet_yaml, seed=1)
    v2 = push(later, REPO, tag="v2")
    dev = push(_second_bank(tmp_path, comet_yaml, seed=2), REPO, branch="dev")
    assert len({v1.commit, v2.commit, dev.commit}) == 3

    main = from_pretrained(REPO)
    assert main.origin == f"hf://{REPO}@{v2.commit}" and _same(main, later)
    assert _same(from_pretrained(f"hf://{REPO}@v1"), path)
    assert _same(from_pretrained(REPO, revision=v1.commit), path)
    assert _same(from_pretrained(f"{REPO}@dev"), tmp_path / "bank-2")
    assert from_pretrained(REPO, revision="v2").metrics == {"nmi": 0.75}
    # the snapshot is huggingface_hub's cache: snapshots/<commit>, and refs/<tag> -> commit
    snap = from_pretrained(REPO, revision="v1").path
    assert snap.name == v1.commit and snap.parent.name == "snapshots"
    assert (snap.parent.parent / "refs" / "v1").read_text() == v1.commit


def test_load_through_a_spec_reference_frozen_or_trainable(hub, tiny_bank, comet_yaml):
    path, model = tiny_bank
    push(path, REPO, tag="v1")
    entry = "{name: bank, kind: mlp, count: 3, hidden: [8], inputs: [self, context]}"
    frozen = compile_spec(loads_spec(comet_yaml.replace(entry, f"{{name: bank, kind: pretrained, source: 'hf://{REPO}@v1'}}")))
    assert all(not p.requires_grad for p in frozen.bank.parameters())
    assert torch.equal(frozen.bank.mechanisms.weights[0], model.bank.mechanisms.weights[0])
    trainable = compile_spec(loads_spec(comet_yaml.replace(
        entry, f"{{name: bank, kind: pretrained, source: 'hf://{REPO}@v1', frozen: false}}")))
    assert all(p.requires_grad for p in trainable.bank.parameters())
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.source: hf://zoo-org/tiny-bank@v9: the repository has no revision 'v9'"):
        compile_spec(loads_spec(comet_yaml.replace(entry, f"{{name: bank, kind: pretrained, source: 'hf://{REPO}@v9'}}")))


def test_offline_uses_the_cache_and_says_what_is_missing(hub, tiny_bank, tmp_path, comet_yaml, offline):
    path, _ = tiny_bank
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = False  # online for the setup
    push(path, REPO, tag="v1")
    push(_second_bank(tmp_path, comet_yaml, seed=1), REPO, tag="v2")
    from_pretrained(REPO, revision="v1")
    constants.HF_HUB_OFFLINE = True
    before = len(hub.requests)
    assert _same(from_pretrained(f"hf://{REPO}@v1"), path)
    assert _same(load_bank(f"hf://{REPO}@v1"), path)
    with pytest.raises(BankError, match=r"@v2: not in the local cache and the Hub cannot be reached \(HF_HUB_OFFLINE is set\)"):
        from_pretrained(REPO, revision="v2")
    assert len(hub.requests) == before  # offline means no request at all
    constants.HF_HUB_OFFLINE = False
    assert _same(from_pretrained(REPO, revision="v1", local_files_only=True), path)


def test_missing_repo_revision_and_files_are_clear_errors(hub, tiny_bank, tmp_path):
    path, _ = tiny_bank
    with pytest.raises(BankError, match=r"hf://zoo-org/nope: no such repository on http://127\.0\.0\.1"):
        from_pretrained("zoo-org/nope")
    push(path, REPO, tag="v1")
    with pytest.raises(BankError, match=r"has no revision 'v9' \(give a branch, a tag or a full commit sha\)"):
        from_pretrained(f"{REPO}@v9")
    with pytest.raises(BankError, match="revision 'v2' contradicts the one in the reference"):
        from_pretrained(f"{REPO}@v1", revision="v2")
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo("zoo-org/not-a-bank")
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id="zoo-org/not-a-bank")
    with pytest.raises(BankError, match=r"not a zoo bank: it has no spec\.json or model\.safetensors \(files: none\)"):
        from_pretrained("zoo-org/not-a-bank")
    with pytest.raises(BankError, match="no such directory or catalogue bank, and not a Hub repository"):
        from_pretrained("not/a/repo/or/dir")


def test_push_refuses_existing_tags_missing_tokens_and_broken_banks(hub, tiny_bank, monkeypatch):
    path, _ = tiny_bank
    push(path, REPO, tag="v1")
    commits = len(hub.repos[REPO].commits)
    (path / "README.md").write_text("changed\n")
    with pytest.raises(BankError, match="tag 'v1' already exists"):
        push(path, REPO, tag="v1")
    assert len(hub.repos[REPO].commits) == commits  # refused before uploading anything
    monkeypatch.setenv("HF_TOKEN", "wrong")
    with pytest.raises(BankError, match=r"not allowed \(401\); log in with `hf auth login` or set HF_TOKEN"):
        push(path, "zoo-org/other")
    (path / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(BankError, match="not a valid safetensors file"):
        push(path, "zoo-org/other")


def test_private_repo_needs_the_token(hub, tiny_bank, monkeypatch, tmp_path):
    path, _ = tiny_bank
    push(path, "zoo-org/private-bank", private=True)
    assert hub.repos["zoo-org/private-bank"].private
    assert from_pretrained("zoo-org/private-bank").name == "bank"
    monkeypatch.delenv("HF_TOKEN")
    with pytest.raises(BankError, match=r"no such repository on .* \(or it is private"):
        from_pretrained("zoo-org/private-bank", token=False, cache_dir=tmp_path / "no-cache")


def test_bank_methods_round_trip_byte_for_byte(hub, tiny_bank, tmp_path):
    path, _ = tiny_bank
    bank = Bank.from_pretrained(path)
    out = bank.save_pretrained(tmp_path / "copy")
    for name in ("spec.json", "model.safetensors", "README.md"):
        assert (out / name).read_bytes() == (path / name).read_bytes()
    published = bank.push_to_hub("zoo-org/from-method", tag="first")
    again = Bank.from_pretrained("zoo-org/from-method", revision="first")
    assert again.origin == published.ref and _same(again, path)


PLAIN = textwrap.dedent("""
    import json, sys
    import numpy as np
    from huggingface_hub import hf_hub_download
    from safetensors.numpy import load_file
    spec = json.load(open(hf_hub_download(sys.argv[1], "spec.json", revision="v1")))
    w = load_file(hf_hub_download(sys.argv[1], "model.safetensors", revision="v1"))
    assert {k: [list(v.shape), str(v.dtype)] for k, v in w.items()} == {k: [t["shape"], t["dtype"]] for k, t in spec["tensors"].items()}
    x = np.asarray(json.loads(sys.argv[2]), dtype=np.float32)  # (P, in): state ++ context
    layers = len([k for k in w if k.startswith("mechanisms.weights.")])
    h = x[None]  # (1, P, in) -> (M, P, width)
    for l in range(layers):
        h = h @ w[f"mechanisms.weights.{l}"] + w[f"mechanisms.biases.{l}"][:, None]
        h = np.maximum(h, 0) if l < layers - 1 else h
    print(json.dumps({"zoo_imported": "zoo" in sys.modules or "torch" in sys.modules, "out": h.tolist()}))
""")


def test_published_bank_loads_with_plain_huggingface_hub_and_safetensors(hub, tiny_bank):
    """A consumer with no zoo (not even torch) gets the tensors and computes the mechanisms from the card's recipe."""
    path, model = tiny_bank
    push(path, REPO, tag="v1")
    torch.manual_seed(3)
    state, context = torch.randn(5, 4), torch.randn(5, 5)
    done = subprocess.run([sys.executable, "-c", PLAIN, REPO, json.dumps(torch.cat([state, context], -1).tolist())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["zoo_imported"] is False
    want = model.bank(state=state, context=context[:, None, :])  # (5, M, 1, 4)
    torch.testing.assert_close(torch.tensor(result["out"]), want[:, :, 0].transpose(0, 1), rtol=1e-5, atol=1e-5)
