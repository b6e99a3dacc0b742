"""The slot VAE with an interaction regulariser on its decoder.

Its template, procedure, metrics, figures, the sprites world, its checks and starter live here;
:data:`FAMILY` registers them.
"""

from pathlib import Path

from zoo.families.family import Family
from zoo.families.slot_vae.checks import image_issues
from zoo.families.slot_vae.spec import SlotVAEModel, SpritesData, VAETrain

_HERE = Path(__file__).resolve().parent
_PKG = __name__

FAMILY = Family(
    name="slot_vae",
    summary="A slot VAE whose decoder only cross-attends to the slots, with an interaction regulariser.",
    specs={"model": (SlotVAEModel,), "data": (SpritesData,), "procedure": (VAETrain,)},
    templates={"slot_vae": f"{_PKG}.template:expand"},
    procedures={"vae": f"{_PKG}.procedure:VAEProcedure"},
    environments={"sprites": f"{_PKG}.sprites:make"},
    runs={"slot_vae": "zoo.trained.images:ImageRun"},
    starter=_HERE / "starter.yaml",
    captions={"slotvae.png": "Images, reconstructions, slot masks and per-slot Jacobian maps."},
    checks=(image_issues,),
)
