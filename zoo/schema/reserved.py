"""Names a spec may not use: they would clash with Python or with the compiled PyTorch module.

A spec's names become Python identifiers: node names are attributes and submodules of the compiled
``torch.fx.GraphModule`` and variables of its generated ``forward``; input names are ``forward``'s
arguments. A Python keyword cannot be either; a name that is already an attribute of the module
(``forward``, ``train``, ``spec``, ...) would replace it. Every such name is refused when the spec is
validated, so ``compile`` and ``train`` never meet it.

The schema imports no torch, so the module attributes are listed here; a test checks that the list
covers ``dir(torch.nn.Module)`` and the attributes of a compiled model.
"""

from __future__ import annotations

import keyword

# Public attributes of torch.nn.Module (torch 2.x) and of torch.fx.GraphModule.
MODULE_ATTRIBUTES = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children",
    "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward",
    "get_buffer", "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict",
    "modules", "mtia", "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
    "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
    "register_full_backward_hook", "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook", "register_module", "register_parameter",
    "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
    "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
    "zero_grad",
    # torch.fx.GraphModule
    "add_submodule", "code", "delete_all_unused_submodules", "delete_submodule", "graph", "meta",
    "print_readable", "recompile", "shape_env", "to_folder",
})
# What zoo's compiler sets on the compiled model (zoo.compiler.lower.CompiledModel).
COMPILED_ATTRIBUTES = frozenset({"spec", "input_types", "output_types", "node_types", "node_specs"})
# ``forward(self, ...)``: an input named ``self`` would be its first argument twice.
ARGUMENTS = frozenset({"self"})


def reserved_reason(name: str) -> str | None:
    """Why ``name`` cannot be a spec name (None when it can)."""
    if keyword.iskeyword(name):
        return "a Python keyword"
    if name.startswith("_"):
        return "reserved: names starting with '_' belong to PyTorch's internals"
    if name in MODULE_ATTRIBUTES:
        return "an attribute of every PyTorch module"
    if name in COMPILED_ATTRIBUTES:
        return "an attribute of the compiled model"
    if name in ARGUMENTS:
        return "the compiled forward's own first argument"
    return None


def check_not_reserved(name: str) -> str:
    """``name`` unchanged, or a validation error saying why it is reserved."""
    reason = reserved_reason(name)
    if reason is not None:
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("reserved_name", f"{name!r} cannot be used as a name: it is {reason}; choose another name")
    return name
