"""Where a data file comes from: a local path, or a file of a Hugging Face Hub dataset repository.

A Hub file is written ``hf://datasets/org/name/path/file.npz`` or ``hf://datasets/org/name@rev/path/file.npz``
(``rev``: a branch without ``/``, a tag or a commit sha). It is downloaded with huggingface_hub's own
``hf_hub_download`` into its cache, so the endpoint (``HF_ENDPOINT``), token (``HF_TOKEN``), cache
(``HF_HUB_CACHE``) and offline mode (``HF_HUB_OFFLINE=1``: cached files only) work as for any Hub
library. The path inside the repository is checked (no ``..``, no absolute path) and only ever sent
to the Hub; the local file is the one huggingface_hub's cache names.
"""

from __future__ import annotations

import re
from pathlib import Path

from zoo.errors import DataError

NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
HUB_FILE = re.compile(rf"^hf://datasets/({NAME}/{NAME})(?:@([^/\s@]+))?/(.+)$")
PART = re.compile(r"^[A-Za-z0-9._-]+$")


def parse_hub_file(ref: str) -> tuple[str, str | None, str]:
    """``hf://datasets/org/name@rev/dir/file.npz`` -> ``("org/name", "rev", "dir/file.npz")``."""
    m = HUB_FILE.match(ref)
    parts = m.group(3).split("/") if m else []
    if not m or any(p in ("", ".", "..") or not PART.match(p) for p in parts):
        raise DataError(f"bad Hub dataset file {ref!r}; expected hf://datasets/org/name[@revision]/path/file.npz "
                        "(path parts of letters, digits, '.', '_', '-')")
    return m.group(1), m.group(2), m.group(3)


def is_hub_file(ref: str) -> bool:
    """Whether ``ref`` names a file of a Hub dataset repository."""
    return ref.startswith("hf://")


def resolve(ref: str, *, local_files_only: bool = False) -> Path:
    """The local path of data file ``ref`` (downloaded into the Hub cache first if it is a Hub file)."""
    if not is_hub_file(ref):
        path = Path(ref).expanduser()
        if not path.is_file():
            raise DataError(f"{ref}: no such file" + (" (it is a directory)" if path.is_dir() else ""))
        return path
    repo_id, revision, filename = parse_hub_file(ref)
    from huggingface_hub import hf_hub_download

    try:
        return Path(hf_hub_download(repo_id, filename, repo_type="dataset", revision=revision,
                                    local_files_only=local_files_only, library_name="mechzoo"))
    except Exception as e:  # noqa: BLE001 - every failure becomes one clear DataError below
        raise hub_data_error(e, ref, revision) from None


def hub_data_error(e: Exception, where: str, revision: str | None) -> DataError:
    """A huggingface_hub failure while fetching a dataset file, as a :class:`DataError` saying what to do."""
    from huggingface_hub import constants, errors

    if isinstance(e, errors.RevisionNotFoundError):
        return DataError(f"{where}: the dataset has no revision {revision or 'main'!r} (give a branch, a tag or a commit sha)")
    if isinstance(e, errors.RepositoryNotFoundError):
        return DataError(f"{where}: no such dataset repository on {constants.ENDPOINT} (or it is private: log in "
                         "with `hf auth login` or set HF_TOKEN)")
    if isinstance(e, errors.RemoteEntryNotFoundError):
        return DataError(f"{where}: the dataset has no such file")
    if isinstance(e, errors.LocalEntryNotFoundError):
        offline = " (HF_HUB_OFFLINE is set)" if constants.HF_HUB_OFFLINE else ""
        return DataError(f"{where}: not in the local cache and the Hub cannot be reached{offline}; "
                         "fetch it once online")
    if isinstance(e, errors.HfHubHTTPError):
        status = e.response.status_code if e.response is not None else "?"
        return DataError(f"{where}: the Hub answered {status}: {e.server_message or e}")
    if isinstance(e, (errors.HFValidationError, ValueError)):
        return DataError(f"{where}: {e}")
    if isinstance(e, OSError) and not isinstance(e, ConnectionError):
        return DataError(f"{where}: cannot write the Hub cache ({e})")
    return DataError(f"{where}: cannot reach the Hub at {constants.ENDPOINT} ({type(e).__name__}: {e})")
