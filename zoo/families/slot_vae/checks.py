"""Cross-field checks of slot VAE specs: the model's image must match the sprites it is trained on."""

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
    return issues
