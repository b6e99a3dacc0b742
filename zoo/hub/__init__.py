"""Mechanism banks as shareable artefacts (safetensors + JSON + model card), locally and on the Hub."""

from zoo.hub.bank import Bank, load_bank, resolve_sources, save_bank

__all__ = ["Bank", "load_bank", "resolve_sources", "save_bank"]
