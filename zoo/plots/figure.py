"""Figures without pyplot: a :class:`~matplotlib.figure.Figure` on its own Agg canvas, saved atomically.

No global matplotlib state is touched (no ``matplotlib.use``, no pyplot figure manager), so drawing
is safe in any program that also uses matplotlib, and nothing needs closing.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from zoo.io import write_bytes


def new_figure(width: float, height: float) -> Figure:
    """An empty figure of ``width`` x ``height`` inches, drawn by Agg."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def save_png(fig: Figure, path: str | Path, dpi: int = 110, tight: bool = True) -> Path:
    """Write ``fig`` as a PNG at ``path`` atomically (``tight``: crop to the drawn area); returns ``path``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    write_bytes(path, buffer.getvalue())
    return Path(path)
