"""A function-local import of a zoo module is allowed only where it keeps a heavy dependency (torch,
numpy, matplotlib, the Hub client, ...) out of a module that does not otherwise load it: that is what
keeps ``import zoo``, ``zoo.load_spec`` and ``zoo --help`` free of torch. Every other import is at the
top of its module, where the layer rule (tests/test_layers.py) sees it."""

from __future__ import annotations

import ast
from pathlib import Path

ZOO = Path(__file__).resolve().parents[1] / "zoo"
HEAVY = {"torch", "numpy", "matplotlib", "safetensors", "huggingface_hub", "networkx", "sklearn", "tqdm", "httpx",
         "scipy", "submitit", "mlxtend", "tensorboard", "filelock"}


def _name(path: Path) -> str:
    parts = list(path.relative_to(ZOO.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - node.level + 1]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix] + [f"{prefix}.{a.name}" for a in node.names]


def _modules() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Each module's top-level imports, and every function-local import of a zoo module."""
    top, local = {}, []
    for path in ZOO.rglob("*.py"):
        module, package = _name(path), path.name == "__init__.py"
        tree = ast.parse(path.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inner = {id(i) for f in functions for i in ast.walk(f) if isinstance(i, (ast.Import, ast.ImportFrom))}
        top[module] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = _target(node, module, package)
                if id(node) not in inner:
                    top[module].update(targets)
                elif targets[0].startswith("zoo"):
                    local.append((str(path.relative_to(ZOO.parent)), node.lineno, targets[0]))
    return top, local


def _heavy(module: str, top: dict[str, set[str]]) -> set[str]:
    """The heavy dependencies importing ``module`` loads (through its packages and imports)."""
    found, seen, todo = set(), set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        root = name.split(".")[0]
        if root in HEAVY:
            found.add(root)
        elif name in top:
            parts = name.split(".")
            todo += list(top[name]) + [".".join(parts[:i]) for i in range(1, len(parts))]
    return found


def test_local_imports_only_keep_heavy_dependencies_away():
    top, local = _modules()
    needless = [f"{where}:{line} imports {target} inside a function, but it loads nothing heavy the module "
                f"does not load already: import it at the top" for where, line, target in local
                if not _heavy(target, top) - _heavy(_name(ZOO.parent / where), top)]
    assert not needless, "\n".join(sorted(needless))


def test_the_command_line_and_the_spec_language_stay_free_of_torch():
    top, _ = _modules()
    assert "torch" not in _heavy("zoo.cli", top) and "torch" not in _heavy("zoo.schema", top)
