"""The import rule of the house: every import in zoo (module-level or inside a function) goes to the
same layer or one below, and no two sub-packages import each other, directly or in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ZOO = Path(__file__).resolve().parents[1] / "zoo"

LAYERS = [  # bottom up; a sub-package may import its own layer's (without a cycle) and any below
    {"errors", "io", "weights", "limits", "safejson", "registry"},
    {"nn", "schema", "data"},
    {"banks"},
    {"compiler"},
    {"envs", "metrics", "plots"},
    {"train", "report", "starters"},
    {"hub", "sweep"},
    {"families"},
    {"plugins", "trained"},
    {"cli", "cli_data", "cli_errors", "cli_hub", "cli_list", "cli_messages", "cli_options", "cli_plugins", "cli_sweep",
     "__main__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, relative ones resolved."""
    rel = path.relative_to(ZOO.parent).with_suffix("")
    package = list(rel.parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                out.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            elif node.module:
                out.append((node.lineno, node.module))
    return out


def _edges() -> dict[tuple[str, str], str]:
    """(importer, imported) sub-package -> one place where it happens."""
    edges = {}
    for path in ZOO.rglob("*.py"):
        parts = path.relative_to(ZOO).with_suffix("").parts
        if parts == ("__init__",):
            continue  # zoo/__init__.py: the public API and the composition root, the top of the house
        mine = parts[0]
        for line, module in _imports(path):
            names = module.split(".")
            if names[0] == "zoo" and len(names) > 1 and names[1] != mine:
                edges.setdefault((mine, names[1]), f"{path.relative_to(ZOO.parent)}:{line}")
    return edges


def test_every_sub_package_has_a_layer():
    subs = {p.stem if p.is_file() else p.name for p in ZOO.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert subs - set(RANK) == set(), f"put these in a layer: {sorted(subs - set(RANK))}"


def test_imports_only_go_down():
    upward = [f"{where}: {a} (layer {RANK[a]}) imports {b} (layer {RANK[b]})"
              for (a, b), where in _edges().items() if a in RANK and b in RANK and RANK[b] > RANK[a]]
    assert not upward, "\n".join(sorted(upward))


def test_no_cycle_between_sub_packages():
    edges = _edges()
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted(f"{a} -> {b} ({where}) and back" for (a, b), where in edges.items() if reaches(b, a))
    assert not cycles, "\n".join(cycles)
