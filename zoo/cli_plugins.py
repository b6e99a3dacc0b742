"""``zoo plugins``: the families built in and the installed plug-ins, with what each adds or why it failed."""

from __future__ import annotations

import click

from zoo.errors import printable
from zoo.families.family import FAMILIES
from zoo.plugins import plugins


def plugin_lines() -> list[str]:
    """One block per family or plug-in: its name and owner, then what it adds (or its error)."""
    lines = ["built in:"]
    lines += [f"  {name:14s} {FAMILIES.get(name).summary}" for name in FAMILIES if FAMILIES.owner(name) == "zoo"]
    loaded = plugins()
    lines.append("plug-ins (entry points in the group zoo.plugins):" if loaded else "plug-ins: none installed")
    for p in loaded:
        status = f"FAILED: {p.error}" if p.error else ", ".join(p.adds) or "(adds nothing)"
        lines.append(printable(f"  {p.package} ({p.entry_point} = {p.value}): {status}", newlines=False))
    return lines


def register(main: click.Group) -> None:
    """Add ``zoo plugins`` to the CLI."""

    @main.command("plugins")
    def plugins_command() -> None:
        """List the built-in families and the installed plug-ins (what each adds, or why it failed to load)."""
        click.echo("\n".join(plugin_lines()))
