"""Recurrent Independent Mechanisms, with the LSTM baseline.

Its templates (rims, lstm), sequence worlds (sequential digits, copying, bouncing balls) and starter
live here; :data:`FAMILY` registers them. It trains with the shared ``supervised`` procedure.
"""

from pathlib import Path

from zoo.families.family import Family
from zoo.families.rims.checks import pixel_input_issues, rollout_issues
from zoo.families.rims.spec import BouncingBallsData, CopyingData, LstmModel, RimsModel, SequentialDigitsData

_HERE = Path(__file__).resolve().parent
_PKG = __name__

FAMILY = Family(
    name="rims",
    summary="Recurrent Independent Mechanisms over sequences (and the LSTM baseline).",
    specs={"model": (RimsModel, LstmModel), "data": (SequentialDigitsData, CopyingData, BouncingBallsData)},
    templates={"rims": f"{_PKG}.template:expand_rims", "lstm": f"{_PKG}.template:expand_lstm"},
    environments={"sequential_digits": f"{_PKG}.digits:make", "copying": f"{_PKG}.copying:make",
                  "bouncing_balls": f"{_PKG}.balls:make"},
    runs={"rims": "zoo.trained.sequences:SequenceRun", "lstm": "zoo.trained.sequences:SequenceRun"},
    starter=_HERE / "starter.yaml",
    checks=(rollout_issues, pixel_input_issues),
)
