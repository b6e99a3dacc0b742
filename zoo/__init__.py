"""zoo: a declarative, config-compiled zoo of modular neural models."""

from zoo.banks.refs import set_remote
from zoo.errors import BankError, SpecError, TrainingError, ZooError
from zoo.families import register_builtin
from zoo.plugins import load_plugins
from zoo.schema import ModelSpec, load_spec, loads_spec

set_remote("zoo.hub.remote:REMOTE")  # Hub bank references load through zoo.hub (imported on first use)
register_builtin()  # the four families fill the layers' tables and the spec language's unions
load_plugins()  # then installed plug-ins (entry points in the group zoo.plugins); failures are recorded

__version__ = "0.1.0"

_LAZY = {  # torch-backed entry points, imported on first use so that ``import zoo`` stays light
    "compile_spec": ("zoo.train.build", "build_model"),
    "load_bank": ("zoo.banks", "load_bank"),
    "load_run": ("zoo.trained", "load_run"),
    "save_bank": ("zoo.banks", "save_bank"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


__all__ = [
    "BankError",
    "ModelSpec",
    "SpecError",
    "TrainingError",
    "ZooError",
    "__version__",
    "compile_spec",
    "load_bank",
    "load_run",
    "load_spec",
    "loads_spec",
    "save_bank",
]
