"""Mechanism banks as shareable artefacts (safetensors + JSON + model card), locally and on the Hub.

    >>> from zoo.hub import from_pretrained
    >>> bank = from_pretrained("comet-particles")          # a catalogue bank, shipped with zoo
    >>> bank = from_pretrained("org/name", revision="v1")  # a Hub repo at a branch, tag or commit
    >>> bank.save_pretrained("my-bank"); bank.push_to_hub("org/other")
"""

from zoo.banks import load_bank, resolve_sources, save_bank
from zoo.hub.pretrained import Bank, from_pretrained, push, push_to_hub, save_pretrained

__all__ = ["Bank", "from_pretrained", "load_bank", "push", "push_to_hub", "resolve_sources", "save_bank",
           "save_pretrained"]
