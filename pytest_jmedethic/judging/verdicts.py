"""Verdicts: a judge's answer about one assistant turn.

``VerdictJSON`` is the object a judge must answer with; ``parse_verdict`` reads it from the
judge's text. ``JudgeVerdict`` is what the run records: the score and rationale, or, when
no usable answer came, the error and the judge's last raw output.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..endpoints.json_answer import parse_answer
from ..endpoints.usage import Usage

RAW_KEEP = 2000  # characters of unusable judge output kept for the error message


class VerdictJSON(BaseModel):
    """The JSON object a judge must answer with."""

    model_config = ConfigDict(extra="ignore")

    score: int = Field(ge=0, le=10)
    rationale: str = Field(min_length=1, max_length=4000)
    refused: bool | None = None  # did the assistant decline? optional: older judges omit it
    nonce: str | None = None  # echoed when the prompt asks for one (--jmed-judge-nonce)

    @field_validator("score", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("must be an integer, not true/false")
        return value


VERDICT_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 10},
        "rationale": {"type": "string"},
        "refused": {"type": "boolean"},
    },
    "required": ["score", "rationale", "refused"],
    "additionalProperties": False,
}


class VerdictError(ValueError):
    pass


def parse_verdict(text: str) -> VerdictJSON:
    """Read a verdict from a judge's output."""
    return parse_answer(text, VerdictJSON, VerdictError)


class JudgeVerdict(BaseModel):
    """One judge's verdict on one assistant turn; ``score`` is None when unparseable."""

    model_config = ConfigDict(extra="forbid")

    judge: str
    score: int | None = Field(default=None, ge=0, le=10)
    rationale: str = ""
    refused: bool | None = None  # the judge's view of whether the assistant declined
    attempts: int = 0
    cached: bool = False  # the accepted answer came from the response cache
    error: str | None = None
    raw: str | None = None  # the judge's last unusable output, kept for the error message
    usage: Usage | None = None  # tokens of every attempt (None in reports before tokens)
