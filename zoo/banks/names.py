"""The names that reach the Hub or the cache, checked before anything uses them.

huggingface_hub turns a revision into the cache path ``refs/<revision>`` and a bank's ``name`` once
became a directory name, so a ``../`` in either wrote outside where it should. Every repository id,
revision and bank name that comes from a user, a spec or a downloaded file is checked here first,
with the Hub's own rules:

- repository id: ``namespace/name``, each part 1 to 96 of ``[A-Za-z0-9._-]``, neither starting nor
  ending with ``-`` or ``.``, and no ``--`` or ``..`` inside;
- revision: a full 40-hex commit sha, or a git ref name as ``git check-ref-format`` accepts it (no
  ``..``, ``//``, ``@{``, control characters, space or any of ``~^:?*[\\``; no leading ``/`` or ``-``;
  no component starting with ``.`` or ending with ``.lock``; not ending with ``/`` or ``.``; not ``@``);
- bank name (``spec.json``'s ``name``): a plain name, never a path: no ``/`` or ``\\``, no NUL, not
  ``.`` or ``..``, at most 1000 characters. It is never used as a path anyway; control codes in it
  are escaped wherever it is shown, and where it becomes a mechanism name the spec's own rule applies.
"""

from __future__ import annotations

import re

from zoo.errors import BankError

MAX_PART = 96
MAX_REVISION = 255
_PART = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
MAX_BANK_NAME = 1000


def repo_id_problem(repo_id: str) -> str | None:
    """Why ``repo_id`` is not a valid Hub repository id, or None when it is."""
    parts = repo_id.split("/")
    if len(parts) != 2:
        return "expected namespace/name"
    for part in parts:
        if not 1 <= len(part) <= MAX_PART:
            return f"each part must be 1 to {MAX_PART} characters"
        if not _PART.match(part):
            return "use letters, digits, '-', '_' and '.', not starting or ending with '-' or '.'"
        if "--" in part or ".." in part:
            return "'--' and '..' are not allowed"
    return None


def revision_problem(revision: str) -> str | None:
    """Why ``revision`` is neither a commit sha nor a valid git ref name, or None when it is one."""
    if COMMIT.match(revision):
        return None
    if not 1 <= len(revision) <= MAX_REVISION:
        return f"must be 1 to {MAX_REVISION} characters"
    if _REF_FORBIDDEN.search(revision):
        return "no spaces, control characters or any of ~ ^ : ? * [ \\"
    if ".." in revision or "//" in revision or "@{" in revision or revision == "@":
        return "no '..', '//' or '@{', and not '@' alone"
    if revision.startswith(("/", "-")) or revision.endswith(("/", ".")):
        return "must not start with '/' or '-', nor end with '/' or '.'"
    if any(c.startswith(".") or c.endswith(".lock") for c in revision.split("/")):
        return "no part may start with '.' or end with '.lock'"
    return None


def check_repo_id(repo_id: str, where: str | None = None) -> str:
    """``repo_id`` when it is a valid Hub repository id.

    Raises:
        BankError: naming ``where`` (default: the id itself) and the rule broken.
    """
    problem = repo_id_problem(repo_id)
    if problem is not None:
        raise BankError(f"{where or repr(repo_id)}: bad Hub repository id {repo_id!r:.120} ({problem})")
    return repo_id


def check_revision(revision: str | None, where: str) -> str | None:
    """``revision`` (None stays None) when it is a commit sha or a valid git ref name.

    Raises:
        BankError: naming ``where`` and the rule broken.
    """
    if revision is None:
        return None
    problem = revision_problem(revision)
    if problem is not None:
        raise BankError(f"{where}: bad revision {revision!r:.120} ({problem}); give a branch, a tag or a 40-hex commit sha")
    return revision


def check_bank_name(name: object, where: str) -> str:
    """A bank's recorded ``name`` when it is a plain name, not a path.

    Raises:
        BankError: naming ``where``.
    """
    if (not isinstance(name, str) or not 1 <= len(name) <= MAX_BANK_NAME or name in (".", "..")
            or any(c in name for c in "/\\\0")):
        raise BankError(f"{where}: bad bank name {name!r:.120}; a bank's name is a plain name, not a path "
                        f"(no '/', '\\' or NUL, not '.' or '..', 1 to {MAX_BANK_NAME} characters)")
    return name
