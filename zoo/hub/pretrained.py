"""``from_pretrained`` / ``save_pretrained`` / ``push_to_hub``: the Hub conventions for banks.

The same names and meaning as huggingface_hub's ``ModelHubMixin``, as a thin layer over the bank
format: a bank directory is ``spec.json`` + ``model.safetensors`` + ``README.md``, loading is strict
and never unpickles, and publishing uses huggingface_hub's own functions.

    >>> from zoo.hub import from_pretrained
    >>> bank = from_pretrained("org/particles-bank", revision="v1")   # or a directory, or a catalogue name
    >>> block = bank.module()                                        # an nn.Module with the trained weights
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import fields
from pathlib import Path

from zoo.banks import bank as banks
from zoo.banks.bank import load_dir
from zoo.banks.format import CONFIG, publishable_files
from zoo.banks.refs import find_local, parse_ref
from zoo.errors import BankError
from zoo.hub.remote import Published, download, upload


class Bank(banks.Bank):
    """A loaded bank with the Hub's conventions: ``Bank.from_pretrained`` and ``bank.push_to_hub``
    (:class:`zoo.banks.Bank` plus these two)."""

    @classmethod
    def from_pretrained(cls, repo_id_or_dir: str | os.PathLike[str], revision: str | None = None, *,
                        cache_dir: str | os.PathLike[str] | None = None, force_download: bool = False,
                        local_files_only: bool = False, token: str | bool | None = None) -> "Bank":
        """Load a bank from a directory, a catalogue name or the Hub; see :func:`from_pretrained`."""
        return from_pretrained(repo_id_or_dir, revision, cache_dir=cache_dir, force_download=force_download,
                               local_files_only=local_files_only, token=token)

    def push_to_hub(self, repo_id: str, *, branch: str | None = None, tag: str | None = None,
                    private: bool | None = None, commit_message: str | None = None,
                    token: str | bool | None = None) -> Published:
        """Publish this bank to the Hub; see :func:`push_to_hub`."""
        return push_to_hub(self, repo_id, branch=branch, tag=tag, private=private,
                           commit_message=commit_message, token=token)


def _with_hub(bank: banks.Bank) -> Bank:
    return Bank(**{f.name: getattr(bank, f.name) for f in fields(bank)})


def from_pretrained(repo_id_or_dir: str | os.PathLike[str], revision: str | None = None, *,
                    cache_dir: str | os.PathLike[str] | None = None, force_download: bool = False,
                    local_files_only: bool = False, token: str | bool | None = None) -> Bank:
    """Load a bank, strictly checked (names, shapes and dtypes against its spec).

    Args:
        repo_id_or_dir: a bank directory, a catalogue bank name (``comet-particles``: shipped with
            zoo, no network), or a Hub repo ``org/name`` / ``hf://org/name[@revision]``. An existing
            directory wins over a Hub repo of the same spelling.
        revision: for a Hub repo, a branch, tag or commit sha (default ``main``).
        cache_dir: the huggingface_hub cache (default ``HF_HUB_CACHE``).
        force_download: download again even when cached.
        local_files_only: use the cache only (as ``HF_HUB_OFFLINE=1`` does).
        token: a Hub token (default ``HF_TOKEN`` or the saved login).

    Raises:
        BankError: no such bank, repository, revision or file; not reachable and not cached; or
            weights that do not match the spec.
    """
    text = str(repo_id_or_dir)
    ref = parse_ref(text)  # a directory or catalogue bank wins over a Hub repo of the same spelling
    if not ref.remote:
        if revision is not None:
            raise BankError(f"{text}: is a local bank; a revision applies only to Hub repositories")
        return _with_hub(load_dir(ref.path))
    snap = download(text, revision, cache_dir=cache_dir, force_download=force_download,
                    local_files_only=local_files_only, token=token)
    return _with_hub(snap.bank)


def save_pretrained(bank: banks.Bank, directory: str | os.PathLike[str]) -> Path:
    """Write ``bank`` as a bank directory (see :meth:`zoo.banks.Bank.save_pretrained`)."""
    return bank.save_pretrained(directory)


def push(directory: str | os.PathLike[str], repo_id: str, *, branch: str | None = None, tag: str | None = None,
         private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None) -> Published:
    """Publish a bank directory unchanged (it is loaded and checked first: a broken bank, or a file that
    is a link or not a regular file, is refused; a card edited by hand gets its sha256 recorded in
    the published ``spec.json``)."""
    directory = Path(directory)
    bank = load_dir(directory)
    message = commit_message or f"Upload mechanism bank {bank.name} ({bank.meta.get('provenance', {}).get('spec_name', '')})"
    return upload(publishable_files(directory, bank.meta), repo_id, branch=branch, tag=tag, private=private,
                  commit_message=message, token=token)


def push_to_hub(bank: banks.Bank, repo_id: str, *, branch: str | None = None, tag: str | None = None,
                private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None) -> Published:
    """Publish ``bank`` to the Hub repo ``repo_id`` (created when missing) as one commit.

    Args:
        bank: the bank to publish.
        repo_id: ``org/name``.
        branch: the branch to commit to (created from ``main`` when missing; default ``main``).
        tag: a tag to create on the new commit (refused if it exists).
        private: create the repo private (only when it does not exist yet).
        commit_message: the commit message.
        token: a Hub token with write access (default ``HF_TOKEN`` or the saved login).

    Returns:
        The repo, the commit and its reproducible reference ``hf://org/name@<commit>``.
    """
    with tempfile.TemporaryDirectory(prefix="zoo-push-") as tmp:
        where = save_pretrained(bank, Path(tmp) / "bank")  # a fixed name: bank.name comes from a file
        return push(where, repo_id, branch=branch, tag=tag, private=private,
                    commit_message=commit_message, token=token)


def bank_directory(source: str | os.PathLike[str], bank: str | None = None) -> Path:
    """The bank directory of a bank directory, a catalogue bank, or a run directory.

    A run that trained one bank holds it in ``bank/``; one that trained several, in
    ``banks/<name>/`` (pick one with ``bank``).
    """
    path = Path(source)
    if (path / CONFIG).is_file():
        return path
    if (path / "bank" / CONFIG).is_file() and bank is None:
        return path / "bank"
    several = sorted(p.name for p in (path / "banks").iterdir() if (p / CONFIG).is_file()) if (path / "banks").is_dir() else []
    if several:
        if bank is None and len(several) == 1:
            return path / "banks" / several[0]
        if bank in several:
            return path / "banks" / bank
        raise BankError(f"{path}: this run trained banks {', '.join(several)}; choose one with --bank NAME")
    if bank is not None:
        raise BankError(f"{path}: --bank applies to a run that trained several banks")
    found = find_local(str(source))
    if found is not None and (found / CONFIG).is_file():
        return found
    raise BankError(f"{source}: neither a bank directory (spec.json, model.safetensors), a run directory "
                    "with bank/ inside, nor a catalogue bank")
