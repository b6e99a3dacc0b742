"""Every side-by-side comparison with a public library, in one run: numbers, notes on skipped peers, and
the versions compared. Used by bench/performance.py (``--only peers`` runs just these, ``--peers meta hypernetwork``
some of them)."""

from __future__ import annotations

import platform
from typing import Callable

import torch

import peers
import peers_bank
import peers_hypernet
import peers_meta
import peers_rims
import peers_slot_attention

# distribution -> what it is compared on (the report's versions table)
DISTRIBUTIONS = {
    "torch-rim": "RIMs (equal FLOPs: a different model, see below)",
    "slot-attention": "slot attention",
    "learn2learn": "MAML, ANIL",
    "higher": "MAML",
    "hypnettorch": "linear hypernetwork",
}


# the comparisons ``--peers`` picks from -> the distributions each compares with
GROUPS = {"rims": ("torch-rim",), "slot_attention": ("slot-attention",), "meta": ("learn2learn", "higher"),
          "hypernetwork": ("hypnettorch",), "bank": ()}


def versions(groups: tuple[str, ...] = tuple(GROUPS)) -> dict[str, str]:
    """Installed versions of torch, Python and the peers of ``groups`` ("missing" where not installed)."""
    return {"torch": torch.__version__, "python": platform.python_version(),
            **{d: peers.version(d) for g in groups for d in GROUPS[g]}}


def _attempt(what: str, fn: Callable[[], dict[str, float]], notes: list[str]) -> dict[str, float]:
    """``fn()``, or nothing and a note when its peer is missing."""
    try:
        return fn()
    except peers.PeerMissing as e:
        notes.append(f"{what} skipped: {e}")
        return {}


def run(quick: bool, device: str, say: Callable[[str], None] = print, groups: tuple[str, ...] = tuple(GROUPS)
        ) -> tuple[dict[str, float], list[str]]:
    """The comparisons of ``groups`` (all by default); quick: tiny sizes and few repeats (a smoke run)."""
    nums: dict[str, float] = {}
    notes: list[str] = []
    if "rims" in groups:
        say("peers: RIMs vs the authors' design (dense, re-masked cell)")
        nums.update(peers_rims.authors_design(quick, device))
        say("peers: RIMs vs torch-rim at equal FLOPs")
        nums.update(_attempt("torch-rim", lambda: peers_rims.torch_rim(quick, device), notes))
    if "slot_attention" in groups:
        say("peers: slot attention vs slot-attention")
        nums.update(_attempt("slot-attention", lambda: peers_slot_attention.compare(quick, device), notes))
        if not quick:
            more = _attempt("slot-attention (paper sizes)",
                            lambda: peers_slot_attention.compare(False, device, sizes="paper"), notes)
            nums.update({k.replace("slot_attention", "slot_attention_paper"): v for k, v in more.items()})
    if "meta" in groups:
        say("peers: MAML and ANIL vs learn2learn, higher")
        more, skipped = peers_meta.compare(quick, device)
        nums.update(more)
        notes += skipped
    if "hypernetwork" in groups:
        say("peers: linear hypernetwork vs hypnettorch")
        nums.update(_attempt("hypnettorch", lambda: peers_hypernet.compare(quick, device), notes))
    if "bank" in groups:
        say("peers: mechanism bank vs torch.bmm and torch._grouped_mm")
        more, skipped = peers_bank.compare(device=device, quick=quick)
        nums.update(more)
        if not quick:
            more, _ = peers_bank.compare(batch=256, device=device, tag="_b256")
            nums.update(more)
        notes += skipped
    return nums, notes
