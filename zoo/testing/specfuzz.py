"""Hypothesis strategies that write malformed spec files, and the property every one must satisfy.

A :class:`Case` is the bytes of a spec file, its suffix (which picks the parser) and ``--set``
overrides. :func:`problems` loads it the way ``zoo validate`` does (read, parse, override, validate,
build and check the graph) and lists every broken promise: anything raised but a SpecError, an issue
without a file, an issue without line and column although the document has content, an unprintable
message. :func:`cli_problems` runs ``zoo validate`` in-process: exit code 0 or 2, no traceback.
"""

from __future__ import annotations

import copy
import functools
import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from zoo.testing.specbases import BASES

SUFFIXES = (".yaml", ".yml", ".json")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Case:
    """One generated spec file."""

    raw: bytes
    suffix: str = ".yaml"
    overrides: tuple[str, ...] = ()
    family: str = field(default="raw", compare=False)


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
    elif action in ("rename", "remove"):
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


# -- the property -------------------------------------------------------------------------------
def _has_content(raw: bytes, file: str) -> bool:
    from zoo.errors import SpecError
    from zoo.schema.document import decode, parse_text

    try:
        data, _ = parse_text(decode(raw, file), file)
    except SpecError:
        return True
    return data is not None


def issue_problems(error, raw: bytes, file: str) -> list[str]:
    """What is wrong with a SpecError's issues (empty when each is located and printable)."""
    out = []
    if not error.issues:
        out.append("a SpecError without issues")
    for issue in error.issues:
        text = str(issue)
        if issue.file is None:
            out.append(f"issue without a file: {text[:200]}")
        elif issue.line is None and not issue.file.startswith("--set") and _has_content(raw, file):
            out.append(f"issue without a line: {text[:200]}")
        if not all(c.isprintable() or c == "\n" for c in text):
            out.append(f"unprintable message: {text[:200]!r}")
        if not issue.message:
            out.append("an issue with an empty message")
    return out


def write(case: Case, directory: Path) -> Path:
    """The case as a file in ``directory``."""
    path = Path(directory) / f"spec{case.suffix}"
    path.write_bytes(case.raw)
    return path


def problems(case: Case, directory: Path) -> list[str]:
    """Every broken promise when ``zoo validate`` would load this case (empty: the property holds)."""
    from zoo.compiler import checked_graph
    from zoo.errors import SpecError
    from zoo.schema import load_spec

    path = write(case, directory)
    try:
        checked_graph(load_spec(path, case.overrides))
    except SpecError as e:
        return issue_problems(e, case.raw, str(path))
    except Exception as e:  # noqa: BLE001 - anything else is exactly what we look for
        return [f"{type(e).__name__}: {str(e)[:300]}\n{traceback.format_exc(limit=-3)}"]
    return []


def cli_args(path: Path, case: Case) -> list[str]:
    """``zoo validate`` arguments for the case."""
    args = ["validate", str(path)]
    for o in case.overrides:
        args += ["--set", o]
    return args


def cli_problems(case: Case, directory: Path) -> list[str]:
    """``zoo validate`` in-process: exit code 0 or 2, an ``error:`` message, never a traceback."""
    from click.testing import CliRunner

    from zoo.cli import main

    r = CliRunner().invoke(main, cli_args(write(case, directory), case))
    out = []
    if r.exit_code not in (0, 2):
        out.append(f"exit code {r.exit_code}: {r.exception!r}")
    if r.exit_code == 2 and "error:" not in r.output:
        out.append(f"exit code 2 without a message: {r.output[:200]!r}")
    if "Traceback" in r.output or (r.exception is not None and not isinstance(r.exception, SystemExit)):
        out.append(f"traceback: {r.exception!r}")
    return out
