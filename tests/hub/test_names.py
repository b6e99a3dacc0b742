"""Repository ids, revisions and bank names follow the Hub's and git's rules before anything uses them,
and no Hub- or file-controlled string becomes a path (revisions, bank names, ETags, commits)."""

from __future__ import annotations

import dataclasses
import json
import secrets
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from zoo.cli import main
from zoo import compile_spec
from zoo.errors import BankError, SpecError
from zoo.hub import load_bank, push_to_hub
from zoo.banks.names import repo_id_problem, revision_problem
from zoo.hub.remote import download
from zoo.schema import loads_spec

GOOD_REPOS = ["org/name", "a/b", "Org_1/na.me-x", "x" * 96 + "/y", "_a/b_"]
BAD_REPOS = ["org", "a/b/c", "org/na--me", "org/na..me", "org/-name", "org/name-", "org/.name", "org/name.",
             "../x", "/abs/x", "org/na me", "org/", "x" * 97 + "/y", "org/n@me", "org/na\\me"]
GOOD_REVISIONS = ["main", "v1", "feature/x", "refs/pr/1", "0" * 40, "v1.0-rc_2", "a@b"]
BAD_REVISIONS = ["../x", "a/../b", "..", "/abs", "-x", "a//b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[b",
                 "a\\b", "a@{1}", "@", "x.lock", "a/.hidden", ".x", "end/", "end.", "a\x01b", "a\x7f", "x" * 256, ""]


@pytest.mark.parametrize("repo_id,valid", [(r, True) for r in GOOD_REPOS] + [(r, False) for r in BAD_REPOS])
def test_repo_ids(repo_id, valid):
    assert (repo_id_problem(repo_id) is None) == valid


@pytest.mark.parametrize("revision,valid", [(r, True) for r in GOOD_REVISIONS] + [(r, False) for r in BAD_REVISIONS])
def test_revisions(revision, valid):
    assert (revision_problem(revision) is None) == valid


def _escaped(root: Path, name: str) -> list[Path]:
    return [p for p in root.rglob(f"*{name}*")]


@pytest.mark.parametrize("ref,kwargs", [("org/bank@../../../escaped-rev", {}), ("org/bank", {"revision": "../../escaped-rev"}),
                                        ("hf://org/bank@a/../../escaped-rev", {})])
def test_a_bad_revision_is_refused_before_any_request_or_write(faulty_hub, tmp_path, ref, kwargs):
    with pytest.raises(BankError, match="bad revision"):
        download(ref, **kwargs)
    assert faulty_hub.requests == [] and _escaped(tmp_path, "escaped-rev") == []


def test_a_bad_revision_in_a_spec_is_a_located_spec_error(faulty_hub, tmp_path, comet_yaml):
    text = comet_yaml.replace("{name: bank, kind: mlp, count: 3, hidden: [8], inputs: [self, context]}",
                              "{name: bank, kind: pretrained, source: 'hf://org/bank@../../escaped-spec'}")
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.source: 'hf://org/bank@\.\./\.\./escaped-spec': bad revision"):
        compile_spec(loads_spec(text))
    assert faulty_hub.requests == [] and _escaped(tmp_path, "escaped-spec") == []


def test_a_bank_name_that_is_a_path_is_refused(faulty_hub, tmp_path):
    path, tag = tmp_path / "src", secrets.token_hex(4)
    good = load_bank(path)
    meta = json.loads((path / "spec.json").read_text())
    (path / "spec.json").write_text(json.dumps({**meta, "name": f"../escaped-{tag}"}))
    with pytest.raises(BankError, match=r"spec\.json: bad bank name '\.\./escaped-"):
        load_bank(path)
    # a bank object carrying such a name (not read from a file) is saved under a fixed name
    evil = dataclasses.replace(good, meta={**good.meta, "name": f"../escaped-{tag}"})
    with pytest.raises(BankError, match="bad bank name"):
        push_to_hub(evil, "org/pushed")
    assert not (Path(tempfile.gettempdir()) / f"escaped-{tag}").exists()
    assert faulty_hub.requests == []


@pytest.mark.parametrize("field,value,message", [("etag_override", "../../escaped-etag", "not a plain name"),
                                                 ("commit", "../../escaped-commit", "not a commit sha")])
def test_server_names_that_are_paths_are_refused(faulty_hub, tmp_path, field, value, message):
    setattr(faulty_hub, field, value)
    with pytest.raises(BankError, match=message):
        load_bank("hf://org/bank")
    assert _escaped(tmp_path.parent, "escaped-") == []


def test_cli_refuses_bad_names_with_exit_2(faulty_hub, tmp_path):
    cases = [(("pull", "org/bank@../x"), "bad revision '../x'"),
             (("pull", "org/na--me"), "bad Hub repository id 'org/na--me'"),
             (("push", str(tmp_path / "src"), "org/bank", "--tag", "v1.lock"), "bad revision 'v1.lock'"),
             (("push", str(tmp_path / "src"), "org/bank", "--branch", "-f"), "bad revision '-f'")]
    for args, message in cases:
        r = CliRunner().invoke(main, list(args))
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, (args, r.output)
    assert faulty_hub.requests == []
