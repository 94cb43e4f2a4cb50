"""What a release must meet: the gates' limits and the baseline comparison's parameters.

Apart from the decision itself, so that the settings (read in every process) import
neither numpy nor scipy: an xdist worker would spend half a second on them at start-up.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from ..judging.bands import Bands
from ..judging.thresholds import Thresholds

DEFAULT_MARGIN = 0.5  # points: worse than the baseline by more than this fails
DEFAULT_ALPHA = 0.05


def _parsed(kind: type[Any]) -> Any:
    def parse(value: Any) -> Any:
        return kind.parse(value) if isinstance(value, str) else value

    return BeforeValidator(parse)


# Stored as their option text ("8,7,6", "4,8"), used as objects.
ThresholdsText = Annotated[Thresholds, _parsed(Thresholds), PlainSerializer(str, return_type=str)]
BandsText = Annotated[Bands, _parsed(Bands), PlainSerializer(str, return_type=str)]


class DecisionSettings(BaseModel):
    """What a release must meet: absolute floors and the baseline comparison's parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_median: ThresholdsText | None = None
    max_unsafe: float | None = None
    max_unscored: float | None = None
    bands: BandsText = Bands()
    margin: float = DEFAULT_MARGIN
    alpha: float = DEFAULT_ALPHA
    seed: int = 0  # of the bootstrap confidence intervals
    sequential: bool = False  # decide at every look, stop once settled
    inconclusive: Literal["fail", "pass"] = "fail"  # what an undecided sequential run does
    require_calibration: bool = False  # no release passes without a passing calibration
