"""Hypothesis strategies that write malformed spec files (:class:`~tests.support.specchecks.Case`).

:func:`cases` mutates valid documents that use every part and node kind (wrong types, unknown and
renamed keys, huge numbers, deep junk, future versions, cycles, dangling edges and outputs), corrupts
their text (truncation, stray bytes, NUL, tabs, non-UTF-8, duplicated lines) or writes raw junk
(binary, empty files, 3,000-deep nesting, alias bombs), each with ``--set`` overrides. The property
every case must satisfy is in :mod:`tests.support.specchecks`.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.support.specbases import BASES
from tests.support.specchecks import Case

SUFFIXES = (".yaml", ".yml", ".json")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# -- values -------------------------------------------------------------------------------------
NASTY_TEXT = ["", " ", "\x00", "\x1b[2J", "a.b", "ü", "\ud800", "-1", "1e999", "null", "~", "*x", "&a", "!!int",
              "'", '"', "{", "[", "- x", ": ", "\t", "\r\n", "\u202e", "x" * 300, "0x10", "1:2:3", "2001-13-01"]
HUGE = [2**31, 2**63, -(2**63) - 1, 10**30, -(10**30), 4097, 65537, 10**9 + 1, 0, -1]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 100_000), st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 5e-324, -0.0]),
    st.text(max_size=12), st.sampled_from(NASTY_TEXT), st.binary(max_size=6),
)
junk = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                    st.dictionaries(st.text(max_size=6), kids, max_size=4)),
                    max_leaves=10)


def _deep(depth: int, leaf: Any = 1, as_dict: bool = False) -> Any:
    for _ in range(depth):
        leaf = {"k": leaf} if as_dict else [leaf]
    return leaf


values = st.one_of(junk, st.builds(_deep, st.integers(1, 120), scalars, st.booleans()))


# -- structural mutations ---------------------------------------------------------------------
PORTS = ["", ".x", ".out", ".ctx", ".mask", ".nope", ".state", ".z", ".logits"]


def pick(draw: Any, options: list[Any] | tuple[Any, ...]) -> Any:
    """One of ``options`` (cheaper than building a ``sampled_from`` strategy per draw)."""
    return options[draw(st.integers(0, len(options) - 1))]

def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, prefix + (i,))
    return out


def _parent(doc: Any, path: tuple) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def _node_names(doc: dict) -> list[str]:
    model = doc.get("model")
    nodes = model.get("nodes") if isinstance(model, dict) else None
    return [n["name"] for n in nodes if isinstance(n, dict) and isinstance(n.get("name"), str)] if isinstance(nodes, list) else []


@st.composite
def graph_mutation(draw, doc: dict) -> None:
    """Cycles, dangling edges and outputs, doubly fed or unknown ports, renamed or removed nodes."""
    model = doc.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("nodes"), list):
        return
    real = _node_names(doc) or ["x"]
    names = list(real)
    names += ["ghost", "x1", "state", "Ω", "a.b"]

    def ref() -> str:
        return pick(draw, names) + pick(draw, PORTS)
    action = pick(draw, ["edge", "back_edge", "outputs", "rename", "remove", "edges_junk"])
    edges = model.setdefault("edges", [])
    if not isinstance(edges, list):
        model["edges"] = edges = []
    if action == "edge":
        edges.append(f"{ref()} -> {ref()}")
    elif action == "back_edge" and len(real) > 1:  # the last node feeds the first: a cycle
        edges.append(f"{real[-1]} -> {real[1]}")
        edges.append({"src": real[-1], "dst": f"{real[-1]}"})
    elif action == "outputs":
        model["outputs"] = {pick(draw, ["y", "z", "1bad", ""]): ref()}
    elif action in ("rename", "remove") and model["nodes"]:  # an earlier mutation may have removed them all
        i = draw(st.integers(0, len(model["nodes"]) - 1))
        if action == "remove":
            del model["nodes"][i]
        elif isinstance(model["nodes"][i], dict):
            model["nodes"][i]["name"] = pick(draw, names)
    else:
        edges.append(draw(st.one_of(st.text(max_size=10), junk)))


@functools.lru_cache(maxsize=1)
def _catalogue_docs() -> tuple[Any, ...]:
    from zoo.schema import catalogue, read_document

    return tuple(read_document(e.path)[0] for e in catalogue())


@st.composite
def mutated_doc(draw) -> tuple[dict, str]:
    """A valid base document after 1 to 3 mutations."""
    docs = (*BASES, *_catalogue_docs())
    doc = copy.deepcopy(docs[draw(st.integers(0, len(docs) - 1))])
    kinds = []
    for _ in range(draw(st.integers(1, 3))):
        action = pick(draw, ["replace", "replace", "delete", "add", "rename", "graph", "graph", "version"])
        kinds.append(action)
        paths = [p for p in _paths(doc) if p]
        if action == "graph":
            draw(graph_mutation(doc))
            continue
        if action == "version":
            doc["zoo"] = draw(st.one_of(st.integers(-3, 10**6), junk))
            continue
        path = pick(draw, paths)
        parent, key = _parent(doc, path), path[-1]
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.one_of(st.text(min_size=1, max_size=8), st.sampled_from(NASTY_TEXT)))] = draw(junk)
        elif action == "rename" and isinstance(parent, dict) and isinstance(key, str):
            parent[key + pick(draw, ["s", "_", "x", " "])] = parent.pop(key)
    return doc, "+".join(kinds)


# -- serialisation and text corruption ----------------------------------------------------------
def serialise(doc: Any, suffix: str, style: int) -> bytes:
    """YAML (three flow styles) or JSON (three indents); JSON falls back to YAML for bytes values."""
    if suffix == ".json":
        try:
            return json.dumps(doc, indent=[None, 2, "\t"][style % 3], ensure_ascii=style > 2).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError):
            pass
    flow = [None, False, True][style % 3]
    try:
        text = yaml.dump(doc, Dumper=_DUMPER, default_flow_style=flow, allow_unicode=style > 2, sort_keys=False)
    except UnicodeEncodeError:  # libyaml refuses lone surrogates; the Python emitter escapes them
        text = yaml.safe_dump(doc, default_flow_style=flow, allow_unicode=style > 2, sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


SNIPPETS = [b"\t", b"\x00", b"\xff", b"\xc3", b"&a [*a, *a]", b": ", b"- ", b"{", b"[", b"'", b'"', b"\n  x: 1",
            b"!!python/object/apply:os.system ['true']", b"<<: *x", b"\xef\xbb\xbf", b"\r", b"*undefined", b"---\n",
            b"? [a]\n: b\n", b"!!binary x", b"!!timestamp 2001-99-99", b"9" * 5000, b"1:" * 1500 + b"1", b"#"]


@st.composite
def corrupted(draw, raw: bytes) -> bytes:
    """``raw`` truncated, spliced with bytes or snippets, or with a line duplicated or dropped."""
    action = pick(draw, ["truncate", "insert", "snippet", "snippet", "dup_line", "drop_line", "latin1"])
    at = draw(st.integers(0, len(raw)))
    if action == "truncate":
        return raw[:at]
    if action == "insert":
        return raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    if action == "snippet":
        return raw[:at] + pick(draw, SNIPPETS) + raw[at:]
    lines = raw.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if action == "dup_line":
        lines.insert(i, lines[i])
    elif action == "drop_line":
        del lines[i]
    else:
        return raw.decode("utf-8", "replace").encode("latin-1", "replace") + "\nd: ü".encode("latin-1")
    return b"\n".join(lines)


def _nested(depth: int, open_: str, close: str, balanced: bool) -> bytes:
    return (open_ * depth + "1" + (close * depth if balanced else "")).encode()


raw_documents = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b" \n", b"# only a comment\n", b"---\n", b"--- \n...\n", b"null", b"~", b"[]", b"{}",
                     b"a: 1\n---\nb: 2\n", b"\xef\xbb\xbf", b"\xff\xfe", "zoo: 2\nname: ü\n".encode("utf-16")]),
    st.builds(_nested, st.integers(1, 3000), st.sampled_from(["[", "{a: ", "- ", '{"a": ']),
              st.sampled_from(["]", "}", "", "}"]), st.booleans()),
    st.builds(lambda n, k: ("a: &a0 [1]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i-1}'] * k)}]\n"
                                                     for i in range(1, n))).encode(),
              st.integers(2, 12), st.integers(2, 9)),
)


@st.composite
def overrides(draw, doc: Any) -> tuple[str, ...]:
    """0-2 ``--set`` strings: real paths with junk values, or junk text."""
    out = []
    for _ in range(draw(st.integers(0, 2))):
        paths = [p for p in _paths(doc) if p and all(isinstance(x, int) or str(x).isidentifier() for x in p)]
        if paths and draw(st.booleans()):
            path = pick(draw, paths)
            text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
            value = draw(st.one_of(st.text(max_size=12), st.sampled_from(NASTY_TEXT + ["[[[[[[", "{a: 1}"]),
                                   junk.map(lambda v: json.dumps(v, default=repr))))
            out.append(f"{text}={value}")
        else:
            out.append(draw(st.text(max_size=20)))
    return tuple(out)


@st.composite
def cases(draw) -> Case:
    """Any malformed (or occasionally valid) spec file with overrides."""
    suffix = pick(draw, SUFFIXES)
    kind = pick(draw, ["mutated", "mutated", "mutated", "corrupted", "corrupted", "raw"])
    if kind == "raw":
        return Case(draw(raw_documents), suffix, (), "raw")
    doc, how = draw(mutated_doc())
    raw = serialise(doc, suffix, draw(st.integers(0, 5)))
    sets = draw(overrides(doc))
    if kind == "corrupted":
        return Case(draw(corrupted(raw)), suffix, sets, "corrupted")
    return Case(raw, suffix, sets, "mutated:" + how)
