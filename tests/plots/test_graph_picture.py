"""Graph pictures of every catalogue spec: a readable size, everything on the canvas, labels on their edges."""

from __future__ import annotations

import math
import os
import stat
import xml.etree.ElementTree as ET

import pytest

from zoo.train.build import resolved_graph as checked_graph
from zoo.plots.graph import DPI, figure, node_text, write_picture
from zoo.schema import catalogue, load_spec

MAX_SIDE, MAX_ASPECT = 2000, 3.0  # pixels; the longer side over the shorter


def on_route(point, route) -> bool:
    """Whether ``point`` lies on the polyline ``route``."""
    for (a0, c0), (a1, c1) in zip(route, route[1:]):
        da, dc = a1 - a0, c1 - c0
        t = ((point[0] - a0) * da + (point[1] - c0) * dc) / (da * da + dc * dc)
        if 0 <= t <= 1 and math.dist(point, (a0 + t * da, c0 + t * dc)) < 1e-9:
            return True
    return False


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_picture_is_readable(entry):
    g = checked_graph(load_spec(entry.path))
    fig, lay, _ = figure(g)
    width, height = fig.get_size_inches() * DPI
    assert max(width, height) <= MAX_SIDE and max(width, height) / min(width, height) <= MAX_ASPECT, (width, height)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    drawn = [*ax.patches, *ax.texts, *fig.texts]
    assert len(ax.patches) == g.number_of_nodes() + len(lay.routes)  # a box per node, an arrow per edge
    for artist in drawn:  # nothing off the canvas
        box = artist.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5, artist
    texts = [t.get_text() for t in ax.texts]
    assert all(node_text(g, n) in texts for n in g.nodes)  # name, kind and shapes on every node
    for key, route in lay.routes.items():  # each label on its own edge
        assert on_route(lay.labels[key], route), key


@pytest.mark.parametrize("name", ["comet-particles", "rims-digits"])
def test_svg_is_well_formed(name, tmp_path):
    g = checked_graph(load_spec(name))
    out = tmp_path / "g.svg"
    write_picture(g, out, "svg", use_dot=False)
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("width").removesuffix("pt")) > 100 and root.get("viewBox")


def fake_dot(tmp_path, body: str, monkeypatch) -> None:
    """A ``dot`` program on PATH running ``body`` (a shell script)."""
    exe = tmp_path / "bin" / "dot"
    exe.parent.mkdir()
    exe.write_text(f"#!/bin/sh\n{body}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")


def test_graphviz_draws_when_installed_and_zoo_when_it_fails(tmp_path, monkeypatch):
    g = checked_graph(load_spec("rims-digits"))
    fake_dot(tmp_path, 'cat > "$(dirname "$0")/got.dot"; echo "drawn as $1"', monkeypatch)
    write_picture(g, tmp_path / "a.svg", "svg")
    assert (tmp_path / "a.svg").read_text() == "drawn as -Tsvg\n"
    assert (tmp_path / "bin" / "got.dot").read_text().startswith('digraph "rims-digits"')
    (tmp_path / "bin" / "dot").write_text("#!/bin/sh\nexit 1\n")
    write_picture(g, tmp_path / "b.png", "png")
    assert (tmp_path / "b.png").read_bytes()[:4] == b"\x89PNG"
