"""Cross-field checks of slot VAE specs: the model's image must match the sprites it is trained on, and a
held-out combination (``data.holdout``) must leave scenes to train and to test on."""

from __future__ import annotations

from zoo.errors import Issue


def image_issues(spec) -> list[Issue]:
    """A slot_vae model's image must match the sprites it is trained on; object counts must be ordered."""
    d, model = spec.data, spec.model
    if getattr(d, "kind", None) != "sprites":
        return []
    issues = []
    if d.min_objects > d.max_objects:
        issues.append(Issue(("data", "min_objects"), f"{d.min_objects} exceeds data.max_objects={d.max_objects}"))
    if d.min_scale > d.max_scale:
        issues.append(Issue(("data", "min_scale"), f"{d.min_scale} exceeds data.max_scale={d.max_scale}"))
    image = getattr(model, "image", None)
    if model.kind == "slot_vae" and image is not None:
        if image.size != d.size:
            issues.append(Issue(("model", "image", "size"), f"is {image.size} but data.size is {d.size}; they must match"))
        if image.channels != 3:
            issues.append(Issue(("model", "image", "channels"), f"is {image.channels} but sprites are RGB (3)"))
    return issues + holdout_issues(d)


def holdout_issues(d) -> list[Issue]:
    """Every problem of a sprites ``holdout``, each at its spec path: its shapes must be drawn, a scene must
    have room for two objects, and training scenes must be possible without the pair."""
    holdout = d.holdout
    if holdout is None:
        return []
    issues = []
    for i, shape in enumerate(holdout.shapes):
        if shape not in d.shapes:
            issues.append(Issue(("data", "holdout", "shapes", i),
                                f"'{shape}' is not among data.shapes {list(d.shapes)}; it would never be drawn"))
    if d.max_objects < 2:
        issues.append(Issue(("data", "holdout"), f"a held-out pair needs scenes of 2 objects or more; "
                                                 f"data.max_objects is {d.max_objects}"))
    first, second = holdout.shapes
    if first == second and set(d.shapes) == {first} and d.min_objects >= 2:
        issues.append(Issue(("data", "holdout", "shapes"), f"every training scene would hold two {first}s: "
                                                           f"data.shapes has no other shape"))
    return issues
