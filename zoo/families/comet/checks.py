"""Cross-field checks of COMET specs (registered by the comet family)."""

from __future__ import annotations

from zoo.errors import Issue


def selector_issues(spec) -> list[Issue]:
    """``compose`` trains a classifier over the frozen bank's (mechanism, context) pairs."""
    if spec.train is None or spec.data is None or spec.train.procedure != "compose":
        return []
    if getattr(spec.router, "kind", None) == "classifier" or spec.data.provides != "trajectories":
        return []
    got = "none" if spec.router is None else repr(spec.router.kind)
    return [Issue(("router",), f"the compose procedure trains a classifier router: set router: {{kind: classifier}} "
                               f"(got {got})")]
