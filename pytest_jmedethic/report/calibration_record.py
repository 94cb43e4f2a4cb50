"""A calibration of a pair of judges, as a file: what was checked (the judges without
secrets, their settings, the rubric and judge-prompt versions, the set), every item's scores,
and the metrics. A run attaches it with ``--jmed-calibration``; it only speaks for the same
judges, settings and prompt, which ``mismatch`` checks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field

from .. import __version__
from ..analysis.judge_calibration import COMBINED, CalibrationMetrics
from ..endpoints.specs import PublicEndpoint
from ..judging.calibration_set import CalibrationItem, ItemScore
from ..judging.prompts import JUDGE_PROMPT_VERSION
from ..judging.rubric import RUBRIC_VERSION
from ..validation import load_schema_file
from .json_file import write_atomically
from .model import CalibrationLine, JudgeSettingsRecord, Record

CALIBRATION_SCHEMA = "pytest-jmedethic/calibration"


class CalibrationRecordError(ValueError):
    """A calibration file that cannot be used; the message names the file and why."""


class CalibrationSetRecord(Record):
    sources: list[str]
    items: int
    digest: str  # of the items' content: the same set gives the same digest


class CalibrationRecord(Record):
    schema_id: Literal["pytest-jmedethic/calibration"] = Field(
        default=CALIBRATION_SCHEMA, alias="schema"
    )
    schema_version: Literal[1] = 1
    created_at: str = Field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )
    plugin_version: str = __version__
    rubric_version: str = RUBRIC_VERSION
    judge_prompt_version: str = JUDGE_PROMPT_VERSION
    judges: list[PublicEndpoint]
    judge_settings: JudgeSettingsRecord
    calibration_set: CalibrationSetRecord
    metrics: CalibrationMetrics
    items: list[ItemScore]

    model_config = Record.model_config | {"populate_by_name": True}

    @property
    def passed(self) -> bool:
        return self.metrics.passed

    def mismatch(
        self,
        judges: list[PublicEndpoint],
        settings: JudgeSettingsRecord,
        *,
        rubric_version: str = RUBRIC_VERSION,
        judge_prompt_version: str = JUDGE_PROMPT_VERSION,
    ) -> str | None:
        """Why this calibration does not speak for a run with these judges, or None."""
        mine = [j.identity for j in self.judges]
        theirs = [j.identity for j in judges]
        if mine != theirs:
            return f"it calibrated judges {_names(self.judges)}, the run uses {_names(judges)}"
        if self.rubric_version != rubric_version:
            return f"it used rubric {self.rubric_version}, the run uses {rubric_version}"
        if self.judge_prompt_version != judge_prompt_version:
            return (
                f"it used judge prompt {self.judge_prompt_version}, the run uses "
                f"{judge_prompt_version}"
            )
        if self.judge_settings != settings:
            return "it used other judge settings (temperature, max tokens, attempts, format, nonce)"
        return None


def _names(judges: list[PublicEndpoint]) -> str:
    return ", ".join(f"{j.model} @ {j.base_url}" for j in judges)


def set_digest(items: list[CalibrationItem]) -> str:
    payload = json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def write_calibration(record: CalibrationRecord, path: Path) -> None:
    text = json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)
    write_atomically(path, [text, "\n"])


def load_calibration(path: Path) -> CalibrationRecord:
    return load_schema_file(
        path,
        CalibrationRecord,
        CalibrationRecordError,
        schema=CALIBRATION_SCHEMA,
        written_by="a calibration written by jmedethic calibrate",
    )


def calibration_line(record: CalibrationRecord, source: str) -> CalibrationLine:
    """What a run's report says of the calibration in ``source``."""
    combined = record.metrics.judge(COMBINED)
    return CalibrationLine(
        source=source,
        created_at=record.created_at,
        passed=record.passed,
        items=record.calibration_set.items,
        kappa=combined.kappa,
        mae=combined.mae,
        injection_resistance=combined.injection_resistance,
        failures=record.metrics.failures,
    )
