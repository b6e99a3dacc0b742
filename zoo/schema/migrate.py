"""Schema versions: every spec carries ``zoo: <version>``; older versions are migrated step by step.

Version history:
  1  the pre-release format: the family was a top-level string ``family: comet`` and the optimiser
     field was spelled ``train.optimiser``.
  2  the current format: ``model: {kind: comet, ...}`` and ``train.optimizer``.
"""

from __future__ import annotations

from typing import Any, Callable

from zoo.errors import SpecError

CURRENT_VERSION = 2


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "family" in data and "model" not in data:
        data["model"] = {"kind": data.pop("family")}
    train = data.get("train")
    if isinstance(train, dict) and "optimiser" in train and "optimizer" not in train:
        train = dict(train)
        train["optimizer"] = train.pop("optimiser")
        data["train"] = train
    return data


# MIGRATIONS[v] turns a version-v document into a version v+1 document.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def version_problem(version: Any, newest: int, oldest: int, what: str = "schema version") -> str | None:
    """Why ``version`` is not a version from ``oldest`` to ``newest`` (None when it is one).

    ``true`` is not 1 and ``2.0`` is not 2: only an integer counts.
    """
    span = str(newest) if oldest == newest else f"{oldest} to {newest}"
    if isinstance(version, bool) or not isinstance(version, int):
        return f"the {what} must be an integer ({span}), got {_shown(version)}"
    if version > newest:
        return f"{what} {version} is newer than this library understands (up to {newest}); upgrade mechzoo to read it"
    if version < oldest:
        return f"{what} {version} does not exist; this library reads versions {span}"
    return None


def _shown(value: Any) -> str:
    """A document value as a user wrote it, with what it is (``true (a boolean)``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    kind = {float: "a number with a fraction", str: "a string"}.get(type(value), type(value).__name__)
    return f"{repr(value)[:50]} ({kind})"


def migrate(data: Any) -> Any:
    """Bring a raw spec document to :data:`CURRENT_VERSION` (a missing version means current).

    Raises:
        SpecError: the version is not an integer, or newer than this library, or unknown.
    """
    if not isinstance(data, dict) or "zoo" not in data:
        return data
    version = data["zoo"]
    problem = version_problem(version, CURRENT_VERSION, min(MIGRATIONS, default=CURRENT_VERSION))
    if problem:
        raise SpecError(problem, ("zoo",))
    while version < CURRENT_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["zoo"] = version
    return data
