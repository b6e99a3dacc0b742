"""Draw a checked graph as a PNG or SVG picture.

Graphviz's ``dot`` lays it out when the ``dot`` program is installed (it reads the DOT text of
:func:`~zoo.compiler.render.render_dot`); otherwise zoo's own layered layout (:mod:`zoo.compiler.layout`)
is drawn with matplotlib's object-oriented API. Either way each node shows its name, kind and output
shapes, each edge its ports, and the picture is sized to hold everything.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import networkx as nx

from zoo.compiler.layout import Layout, Size, layout
from zoo.compiler.render import edge_text, node_text, render_dot, render_text
from zoo.errors import ZooError
from zoo.io import atomic_path, write_bytes, write_text

FONT, LABEL_FONT, TITLE_FONT = 8.0, 7.0, 9.0  # points
NODE_PAD, LABEL_PAD = (0.12, 0.07), 0.03  # inches around the text (across, along), around a label
TITLE_SPACE, DPI = 0.35, 110
ASPECT = 4 / 3  # the picture's width / height the layout direction aims for
INPUT_FILL, NODE_FILL, EDGE_COLOUR = "#e6f4ea", "#e8f0fe", "#5f6368"


def title(g: nx.MultiDiGraph) -> str:
    """The picture's title."""
    spec = g.graph["spec"]
    return f"{spec.name}: {spec.model.kind} dataflow (shapes with batch axis B)"


def title_width(g: nx.MultiDiGraph) -> float:
    """The width in inches the title needs."""
    return _measure(title(g), TITLE_FONT)[0] + 0.3


def _measure(text: str, points: float) -> tuple[float, float]:
    """(width, height) of ``text`` in inches at ``points``, as matplotlib draws it."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer, font = RendererAgg(1, 1, 72), FontProperties(size=points)
    lines = text.split("\n")
    width = max(renderer.get_text_width_height_descent(line, font, ismath=False)[0] for line in lines)
    return width / 72, len(lines) * points * 1.2 / 72


def plan(g: nx.MultiDiGraph) -> tuple[Layout, bool]:
    """The layout of ``g`` and whether it flows down the page (else left to right): the direction whose
    picture is closer to a 4:3 landscape."""
    simple = nx.DiGraph(g)
    nodes = {n: _measure(node_text(g, n), FONT) for n in simple}
    nodes = {n: (w + 2 * NODE_PAD[0], h + 2 * NODE_PAD[1]) for n, (w, h) in nodes.items()}
    labels = {(u, v): _measure(edge_text(g, u, v), LABEL_FONT) for u, v in simple.edges}
    labels = {k: (w + 2 * LABEL_PAD, h + 2 * LABEL_PAD) for k, (w, h) in labels.items()}
    best = None
    for down in (True, False):
        def size(wh: tuple[float, float]) -> Size:
            return Size(wh[1], wh[0]) if down else Size(wh[0], wh[1])

        lay = layout(simple, {n: size(wh) for n, wh in nodes.items()}, {k: size(wh) for k, wh in labels.items()})
        width, height = (lay.extent[1], lay.extent[0]) if down else lay.extent
        width = max(width, title_width(g))
        miss = abs(math.log(width / (height + TITLE_SPACE) / ASPECT))
        if best is None or miss < best[0]:
            best = (miss, lay, down)
    return best[1], best[2]


def figure(g: nx.MultiDiGraph):
    """A matplotlib Figure of the graph (nothing drawn outside it) and the layout it shows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as MplPath

    lay, down = plan(g)
    drawn, height = (lay.extent[1], lay.extent[0]) if down else lay.extent
    width = max(drawn, title_width(g))
    shift = (width - drawn) / 2  # a title wider than the graph: centre the graph under it

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return (p[1] + shift, p[0]) if down else (p[0] + shift, p[1])

    fig = Figure(figsize=(width, height + TITLE_SPACE), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, height / (height + TITLE_SPACE)))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    fig.text(0.5, 1 - TITLE_SPACE / 2 / (height + TITLE_SPACE), title(g), ha="center", va="center", fontsize=TITLE_FONT)
    for key, route in lay.routes.items():
        ax.add_patch(FancyArrowPatch(path=MplPath([xy(p) for p in route]), arrowstyle="-|>", mutation_scale=9,
                                     color=EDGE_COLOUR, lw=1.0, shrinkA=0, shrinkB=1, zorder=1))
        ax.text(*xy(lay.labels[key]), edge_text(g, *key), fontsize=LABEL_FONT, color="#3c4043", ha="center",
                va="center", zorder=3, bbox=dict(boxstyle=f"round,pad={LABEL_PAD * 72 / LABEL_FONT:.2f}",
                                                 fc="white", ec="#dadce0", lw=0.5))
    for n, centre in lay.centres.items():
        w, h = _measure(node_text(g, n), FONT)
        w, h = w + 2 * NODE_PAD[0], h + 2 * NODE_PAD[1]
        x, y = xy(centre)
        fill = INPUT_FILL if g.nodes[n]["kind"] == "input" else NODE_FILL
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
                                    fc=fill, ec="#3367d6", lw=1.0, zorder=2))
        ax.text(x, y, node_text(g, n), fontsize=FONT, ha="center", va="center", zorder=3, linespacing=1.2)
    return fig, lay, down


def _dot(g: nx.MultiDiGraph, fmt: str) -> bytes | None:
    """The picture rendered by Graphviz's ``dot``, or None when it is not installed or fails."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=render_dot(g).encode(), capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def write_picture(g: nx.MultiDiGraph, path: Path, fmt: str, use_dot: bool = True) -> None:
    """Write the picture as ``fmt`` ('png' or 'svg') to ``path`` (atomically)."""
    drawn = _dot(g, fmt) if use_dot else None
    if drawn is not None:
        write_bytes(path, drawn)
        return
    with atomic_path(path) as tmp:
        figure(g)[0].savefig(tmp, format=fmt, dpi=DPI)


def write_graph(g: nx.MultiDiGraph, path: Path) -> None:
    """Write the graph in the format named by the file suffix (.png, .svg, .dot, .txt)."""
    suffix = path.suffix.lower()
    if suffix in (".png", ".svg"):
        write_picture(g, path, suffix[1:])
    elif suffix in (".dot", ".gv"):
        write_text(path, render_dot(g))
    elif suffix == ".txt":
        write_text(path, render_text(g) + "\n")
    else:
        raise ZooError(f"--out {path}: unknown format {suffix!r}; use .png, .svg, .dot or .txt")
