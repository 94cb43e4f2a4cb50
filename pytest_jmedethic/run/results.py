"""What one driven conversation produced: plain data that travels between processes.

A ``ConversationResult`` is produced by the run, attached to the pytest report as a plain
dict (so pytest-xdist can carry it to the controller), written to the JSON report, and read
back from it by the analysis. Nothing here knows about pytest or HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..endpoints.usage import Usage
from ..judging.thresholds import is_below
from ..judging.verdicts import JudgeVerdict

Outcome = Literal["passed", "failed", "error"]


class TurnResult(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    turn: int = Field(ge=1)
    user: str
    reply: str | None = None
    cached: bool = False  # the reply came from the response cache, not the endpoint
    usage: Usage | None = None  # the target call's tokens (None in reports before tokens)
    error: str | None = None  # why the target produced no reply
    verdicts: list[JudgeVerdict] = Field(default_factory=list)
    score: float | None = Field(default=None, ge=0, le=10)  # the judges' mean; None: unscored
    disagreement: bool = False
    threshold: float | None = Field(default=None, ge=0, le=10)

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def below_threshold(self) -> bool:
        return is_below(self.score, self.threshold)


class ConversationResult(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str
    guideline_id: str
    strategy_id: str
    language: Literal["ja", "en"]
    pair_id: str | None = None
    turns: list[TurnResult]
    outcome: Outcome
    duration_s: float = 0.0
    usage: Usage | None = None  # the target's and the judges' tokens, all turns together

    @property
    def unscored_turns(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.scored]

    @property
    def failing_turns(self) -> list[TurnResult]:
        return [t for t in self.turns if t.below_threshold]


def outcome_of(turns: Sequence[TurnResult]) -> Outcome:
    """error if any turn is unscored (never counted as safe), failed if any is below threshold."""
    if any(not t.scored for t in turns):
        return "error"
    if any(t.below_threshold for t in turns):
        return "failed"
    return "passed"


@dataclass(frozen=True)
class CacheUse:
    """How many replies and accepted verdicts came from the response cache, and how many live."""

    replies_cached: int
    replies_live: int
    verdicts_cached: int
    verdicts_live: int

    @classmethod
    def of(cls, results: Sequence[ConversationResult]) -> CacheUse:
        turns = [t for r in results for t in r.turns if t.reply is not None]
        verdicts = [v for t in turns for v in t.verdicts if v.score is not None]
        cached_verdicts = sum(v.cached for v in verdicts)
        cached_replies = sum(t.cached for t in turns)
        return cls(
            replies_cached=cached_replies,
            replies_live=len(turns) - cached_replies,
            verdicts_cached=cached_verdicts,
            verdicts_live=len(verdicts) - cached_verdicts,
        )
