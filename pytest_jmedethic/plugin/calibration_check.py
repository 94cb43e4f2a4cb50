"""``--jmed-calibration``: the judges' calibration a run attaches, checked before any call.

A calibration speaks only for the judges it checked, asked the way it asked them, under the
rubric and judge prompt it used; anything else stops the session with one message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .settings import Settings

if TYPE_CHECKING:  # the report's model needs numpy: loaded only when a calibration is given
    from ..report.model import CalibrationLine


def attached_calibration(settings: Settings) -> CalibrationLine | None:
    """The calibration line of the run; ``settings`` with the started servers' URLs."""
    path = settings.calibration
    if path is None:
        return None
    from ..report.calibration_record import (
        CalibrationRecordError,
        calibration_line,
        load_calibration,
    )
    from ..report.model import JudgeSettingsRecord

    try:
        record = load_calibration(path)
    except CalibrationRecordError as exc:
        raise pytest.UsageError(f"jmedethic: --jmed-calibration: {exc}") from None
    why = record.mismatch(
        [j.public() for j in settings.judges], JudgeSettingsRecord.of(settings.judge_settings)
    )
    if why is not None:
        raise pytest.UsageError(
            f"jmedethic: --jmed-calibration: {path} does not speak for this run: {why}; "
            "calibrate these judges with `jmedethic calibrate --judge ... --output PATH`"
        )
    return calibration_line(record, str(path))
