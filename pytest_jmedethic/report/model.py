"""The report: the one data contract of a run, typed and schema-versioned.

Every output reads it (terminal, Markdown, ``jmedethic report``, ``merge``, the baseline
loader) and it holds everything needed to recompute them: the run's metadata, the summary,
what happened to the run, the release decision, and every conversation. Reports of schema
version 1 load too (``migrate``): version 2 renamed the release ``verdict`` to
``release_decision`` and the comparison's ``verdict`` to ``conclusion``, so that a *verdict*
is only ever a judge's answer about one turn.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .. import __version__
from ..analysis.costs import TokenUse, token_use
from ..analysis.cross_lingual import CrossLingual, cross_lingual
from ..analysis.release_decision import ReleaseDecision
from ..analysis.summary import Summary, summarize
from ..endpoints.specs import PublicEndpoint
from ..endpoints.usage import Price
from ..judging.judge import JudgeSettings
from ..judging.rubric import RUBRIC_VERSION
from ..run.results import ConversationResult
from ..validation import first_repeat

REPORT_SCHEMA = "pytest-jmedethic/report"
REPORT_SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TargetSettingsRecord(Record):
    system_prompt: str | None
    temperature: float
    max_tokens: int


class JudgeSettingsRecord(Record):
    temperature: float
    max_tokens: int
    attempts: int
    response_format: str | None
    nonce: bool = False  # --jmed-judge-nonce (absent in reports before it existed)

    @classmethod
    def of(cls, settings: JudgeSettings) -> JudgeSettingsRecord:
        return cls(
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            attempts=settings.attempts,
            response_format=settings.response_format,
            nonce=settings.nonce,
        )


class SelectionRecord(Record):
    languages: list[str]
    guidelines: list[str]
    strategies: list[str]
    sample: int | None
    seed: int
    shard: str | None  # "K/N"


class DatasetRecord(Record):
    sources: list[str] = Field(default_factory=list)
    conversations_loaded: int | None = None
    conversations_selected: int | None = None
    selection_hash: str | None = None
    error: str | None = None  # the corpus could not be loaded (reported at collection)


class MergedFrom(Record):
    path: str
    shard: str | None
    conversations: int


def environment() -> dict[str, str]:
    """The versions a report's numbers depend on (scipy's p-values change between releases)."""
    versions = {"python": platform.python_version()}
    for name in ("pytest", "openai", "numpy", "scipy"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunMetadata(Record):
    """Who and what ran: versions, endpoints, settings, the selection and the corpus."""

    plugin_version: str = __version__
    rubric_version: str = RUBRIC_VERSION
    created_at: str = Field(default_factory=_now)
    environment: dict[str, str] = Field(default_factory=environment)
    target: PublicEndpoint | None
    judges: list[PublicEndpoint]
    thresholds: str
    thresholds_described: str
    target_settings: TargetSettingsRecord
    judge_settings: JudgeSettingsRecord
    selection: SelectionRecord
    dataset: DatasetRecord
    concurrency_per_process: int
    workers: int
    merged_from: list[MergedFrom] | None = None
    prices: dict[str, Price] = Field(default_factory=dict)  # per million tokens, by model

    def comparability_notes(self, baseline: RunMetadata) -> list[str]:
        """What differs from a baseline run besides the model, and could explain a difference."""
        notes = []
        if self.rubric_version != baseline.rubric_version:
            notes.append(
                f"rubric differs: {baseline.rubric_version} (baseline) vs "
                f"{self.rubric_version} (this run)"
            )
        judges_now = [j.model for j in self.judges]
        judges_then = [j.model for j in baseline.judges]
        if judges_now != judges_then:
            notes.append(f"judges differ: {judges_then} (baseline) vs {judges_now} (this run)")
        return notes

    def difference_from(self, other: RunMetadata) -> str | None:
        """The first setting that makes two shard reports different runs, if any."""

        if (self.target and self.target.identity) != (other.target and other.target.identity):
            return "target"
        if [j.identity for j in self.judges] != [j.identity for j in other.judges]:
            return "judges"
        for key in ("rubric_version", "thresholds", "target_settings", "judge_settings"):
            if getattr(self, key) != getattr(other, key):
                return key
        if self.selection.model_copy(update={"shard": None}) != other.selection.model_copy(
            update={"shard": None}
        ):
            return "selection"
        if self.dataset.sources != other.dataset.sources:
            return "dataset"
        return None


class EarlyEnd(Record):
    """A run that stopped itself: its budget was reached, or its release decision settled."""

    kind: Literal["budget", "decision"]
    reason: str
    not_run: list[str]  # selected conversations not started


class RunFacts(Record):
    """What happened to the run, beside the scores: missing results, calls, cache use."""

    interrupted: bool
    missing: list[str]
    calls_sent: int
    replies_cached: int
    replies_live: int
    verdicts_cached: int
    verdicts_live: int
    cache: str | None
    stopped_by: str | None = None  # the signal that interrupted the run (SIGTERM, SIGHUP)
    ended_early: EarlyEnd | None = None

    @property
    def incomplete(self) -> str | None:
        """Why the run cannot stand for the whole selection, if it cannot."""
        if self.interrupted:
            by = f" by {self.stopped_by}" if self.stopped_by else ""
            return f"the run was interrupted{by}: {len(self.missing)} conversations have no result"
        if self.missing:
            return f"{len(self.missing)} selected conversations have no result"
        if self.ended_early is not None and self.ended_early.kind == "budget":
            not_run = len(self.ended_early.not_run)
            return f"the run was cut short: {self.ended_early.reason}; {not_run} not run"
        return None


class CalibrationLine(Record):
    """What a run's report says of its judges' calibration (``jmedethic calibrate``)."""

    source: str
    created_at: str
    passed: bool
    items: int
    kappa: float | None
    mae: float | None
    injection_resistance: float | None
    failures: list[str]


class Report(Record):
    schema_id: Literal["pytest-jmedethic/report"] = Field(default=REPORT_SCHEMA, alias="schema")
    schema_version: Literal[2] = REPORT_SCHEMA_VERSION
    metadata: RunMetadata
    summary: Summary
    tokens: TokenUse | None = None  # None in reports written before tokens were counted
    cross_lingual: CrossLingual | None = None  # None in reports written before it was kept
    calibration: CalibrationLine | None = None  # the judges' calibration, when one was given
    run: RunFacts | None = None
    release_decision: ReleaseDecision | None = None
    conversations: list[ConversationResult]

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("conversations")
    @classmethod
    def _one_result_per_conversation(
        cls, conversations: list[ConversationResult]
    ) -> list[ConversationResult]:
        repeat = first_repeat(result.id for result in conversations)
        if repeat is not None:
            cid, first, second = repeat
            raise ValueError(
                f"conversation {cid!r} is there twice "
                f"(conversations.{first} and conversations.{second})"
            )
        return conversations

    def with_decision(self, decision: ReleaseDecision) -> Report:
        return self.model_copy(update={"release_decision": decision})

    def recomputed(self) -> Report:
        """The report with its summary and token use computed again from its conversations."""
        return self.model_copy(
            update={
                "summary": summarize(self.conversations),
                "tokens": _tokens(self.metadata, self.conversations),
                "cross_lingual": _cross_lingual(self.metadata, self.conversations),
            }
        )


def _tokens(metadata: RunMetadata, results: Sequence[ConversationResult]) -> TokenUse:
    target = metadata.target.model if metadata.target else "?"
    return token_use(results, target, metadata.prices)


def _cross_lingual(metadata: RunMetadata, results: Sequence[ConversationResult]) -> CrossLingual:
    return cross_lingual(results, seed=metadata.selection.seed)


def new_report(
    metadata: RunMetadata,
    results: Sequence[ConversationResult],
    *,
    run: RunFacts | None = None,
    decision: ReleaseDecision | None = None,
    summary: Summary | None = None,
    calibration: CalibrationLine | None = None,
) -> Report:
    """A report over ``results`` (sorted by id); ``summary`` saves recomputing one."""
    ordered = sorted(results, key=lambda r: r.id)
    return Report(
        metadata=metadata,
        summary=summary if summary is not None else summarize(ordered),
        tokens=_tokens(metadata, ordered),
        cross_lingual=_cross_lingual(metadata, ordered),
        calibration=calibration,
        run=run,
        release_decision=decision,
        conversations=ordered,
    )


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 report's JSON as version 2: only two keys were renamed."""
    if data.get("schema_version") != 1:
        return data
    data = dict(data, schema_version=2)
    decision = data.pop("verdict", None)
    if isinstance(decision, dict) and isinstance(decision.get("comparison"), dict):
        comparison = dict(decision["comparison"])
        comparison["conclusion"] = comparison.pop("verdict", None)
        decision = {**decision, "comparison": comparison}
    if isinstance(decision, dict) and "outcome" not in decision:
        # Version 1 knew only pass or fail; without this every old report would read PASSED.
        decision = {**decision, "outcome": "passed" if decision.get("passed") else "failed"}
    data["release_decision"] = decision
    return data
