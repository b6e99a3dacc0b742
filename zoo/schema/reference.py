"""The spec reference in Markdown, generated from the JSON Schema (``zoo schema --markdown``).

One section per top-level key of a spec; in it, one table per model the key can hold (one per ``kind``
of a union), in the order the schema first mentions them. Every field shows its type, its default (or
that it is required) and its description.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from zoo.schema import json_schema

HEAD = """# Spec reference

Every key a spec may hold, generated from the spec models by `zoo schema --markdown` (do not edit by
hand). [spec-guide.md](spec-guide.md) explains how the parts fit together. A field without a default
is required; `null` means "not set". Types: *integer* and *number* show their bounds, *list of X* is a
YAML list, `'a' | 'b'` lists the accepted values.
"""

_DISCRIMINATORS = ("kind", "procedure")


def _ref(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/$defs/") else None


def _anchor(name: str) -> str:
    return name.lower()


def _bounds(schema: dict) -> str:
    parts = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in schema:
            parts.append(f"{sign} {schema[key]:g}" if isinstance(schema[key], float) else f"{sign} {schema[key]}")
    return f" ({', '.join(parts)})" if parts else ""


def type_text(schema: dict) -> str:
    """A short reading of a property's JSON Schema type, with links to the models it refers to."""
    if (name := _ref(schema)) is not None:
        return f"[{name}](#{_anchor(name)})"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            text = " or ".join(type_text(s) for s in options)
            return text + (" or null" if len(options) < len(schema[key]) else "")
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " | ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array" and "prefixItems" in schema:
        return "[" + ", ".join(type_text(s) for s in schema["prefixItems"]) + "]"
    if kind == "array":
        return "list of " + type_text(schema.get("items", {}))
    if kind == "object":
        return "mapping of name to " + type_text(schema.get("additionalProperties", {}))
    return f"*{kind or 'any'}*{_bounds(schema)}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _tag(schema: dict) -> str:
    for key in _DISCRIMINATORS:
        const = schema.get("properties", {}).get(key, {}).get("const")
        if const is not None:
            return f"{key}: {const}"
    return ""


def _fields(schema: dict) -> tuple[dict, list[str]]:
    """A model's properties (its tag first) and any note on other forms it may be written in."""
    notes = []
    if "properties" not in schema:  # e.g. an edge: a 'src -> dst' string or a mapping
        forms = schema.get("anyOf", [])
        notes = [f"Also written as a string {f['description']}." for f in forms if f.get("type") == "string"]
        schema = next((f for f in forms if "properties" in f), {})
    props = schema.get("properties", {})
    first = [k for k in _DISCRIMINATORS if k in props]
    return {k: props[k] for k in first + [k for k in props if k not in first]}, notes


def model_table(name: str, schema: dict) -> list[str]:
    """A model's heading, description and field table."""
    tag = _tag(schema)
    lines = [f'<a id="{_anchor(name)}"></a>', "", f"### {'`' + tag + '` · ' if tag else ''}{name}", ""]
    props, notes = _fields(schema)
    description = " ".join([schema.get("description", "").strip() or next(
        (f.get("description", "") for f in schema.get("anyOf", []) if "properties" in f), "")] + notes).strip()
    if description:
        lines += [description, ""]
    lines += ["| field | type | default | description |", "|---|---|---|---|"]
    required = set(schema.get("required", ()) or next(
        (f.get("required", ()) for f in schema.get("anyOf", []) if "properties" in f), ()))
    for field, prop in props.items():
        default = "required" if field in required else f"`{json.dumps(prop.get('default'))}`"
        lines.append(f"| `{field}` | {_cell(type_text(prop))} | {_cell(default)} | {_cell(prop.get('description', ''))} |")
    return lines + [""]


def _refs(node: Any) -> Iterator[str]:
    """Every model a schema fragment refers to, in order."""
    if isinstance(node, dict):
        if (name := _ref(node)) is not None:
            yield name
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def reference_markdown() -> str:
    """The whole reference: the top-level keys, each with the models it holds directly, then the models
    those refer to (depth first) that no top-level key holds."""
    schema = json_schema()
    defs = schema["$defs"]
    direct = {key: list(dict.fromkeys(_refs(prop))) for key, prop in schema["properties"].items()}
    seen = {name for names in direct.values() for name in names}
    lines = [HEAD, "## The top level", "", *model_table("ModelSpec", {**schema, "title": "ModelSpec"})[4:]]
    for key, names in direct.items():
        stack, models = list(reversed(names)), []
        while stack:
            name = stack.pop()
            if name in models:
                continue
            models.append(name)
            nested = [r for r in _refs(defs[name]) if r not in seen]
            seen.update(nested)
            stack += reversed(nested)
        if models:
            lines += [f"## `{key}`", ""]
            for name in models:
                lines += model_table(name, defs[name])
    return "\n".join(lines).rstrip() + "\n"
