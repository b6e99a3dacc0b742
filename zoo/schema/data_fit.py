"""Does the data environment fit the rest of the spec? Checked from the spec alone, without generating data.

Registered in ``zoo.schema.spec.CHECKS``, so ``zoo validate``, ``zoo compile`` and ``zoo train`` refuse
the same specs: training never starts on a spec whose world it would reject after generating it.
The checks apply to specs that train (a spec without ``train`` only compiles).
"""

from __future__ import annotations

from zoo.errors import Issue
from zoo.schema import kinds
from zoo.schema.data import TrajectoryData

FILES = "zoo.schema.datafiles"  # the kinds that read a world from files
INTERFACE = {"trajectories": "an object-slot world", "images": "an image environment",
             "tasks": "a few-shot task environment", "examples": "an environment of inputs and targets"}


def interface_words(interface: str) -> str:
    """What gives ``interface``, in words, with the registered data kinds that give it."""
    gives = [(k, cls) for k, cls in kinds.classes("data").items() if getattr(cls, "provides", None) == interface]
    worlds = [k for k, cls in gives if cls.__module__ != FILES]
    files = [f"{'an' if k[0] in 'aeiou' else 'a'} {k} file" for k, cls in gives if cls.__module__ == FILES]
    named = ", ".join(worlds) + (", or " if worlds and files else "") + " or ".join(files)
    return f"{INTERFACE[interface]} ({named})" if named else INTERFACE[interface]


def _interface(spec) -> list[Issue]:
    """The procedure must read what the environment provides."""
    reads, provides = spec.train.reads, spec.data.provides
    if reads == provides:
        return []
    return [Issue(("data", "kind"), f"procedure {spec.train.procedure!r} trains on {interface_words(reads)}, "
                                    f"but the {spec.data.kind} environment gives {provides}")]


def _slots(spec) -> list[Issue]:
    """The slots must be the world's objects and features."""
    d, slots = spec.data, spec.slots
    n, dim = d.slot_count(), len(d.FEATURES)
    fix = f"set slots: {{count: {n}, dim: {dim}}}"
    if slots is None:
        return [Issue(("slots",), f"the {d.kind} world has {n} objects of {dim} features; {fix}")]
    issues = []
    if slots.count != n:
        issues.append(Issue(("slots", "count"), f"is {slots.count} but the {d.kind} world has {n} objects "
                                                f"({d.OBJECTS}); {fix}"))
    if slots.dim != dim:
        issues.append(Issue(("slots", "dim"), f"is {slots.dim} but the {d.kind} world's objects have {dim} "
                                              f"features ({', '.join(d.FEATURES)}); {fix}"))
    return issues


def _sources(spec) -> list[Issue]:
    """Every source world of ``finetune`` must have the target world's objects and features (worlds read
    from files are compared once read)."""
    issues, want = [], (spec.data.slot_count(), len(spec.data.FEATURES))
    for k, source in enumerate(getattr(spec.train, "sources", ())):
        if source.provides != "trajectories":
            issues.append(Issue(("train", "sources", k, "kind"),
                                f"a source world is {interface_words('trajectories')}, got {source.kind!r}"))
        elif isinstance(source, TrajectoryData) and (source.slot_count(), len(source.FEATURES)) != want:
            issues.append(Issue(("train", "sources", k), f"the {source.kind} world has {source.slot_count()} objects "
                                                         f"of {len(source.FEATURES)} features; the target world "
                                                         f"(data) has {want[0]} of {want[1]}"))
    return issues


def data_fit_issues(spec) -> list[Issue]:
    """Every problem between ``data`` and the model, slots and training of a spec, each at its spec path."""
    if spec.data is None or spec.train is None:
        return []
    issues = _interface(spec)
    if spec.train.reads == "trajectories" and spec.data.provides == "trajectories":
        if isinstance(spec.data, TrajectoryData):  # a file's objects and features are known once it is read
            issues += _slots(spec) + _sources(spec)
    return issues
