"""Scoring the calibration set with exactly the run's judge pipeline: the same prompt builder,
verdict parsing and corrective retries (``JudgePanel``), the same completers (response cache,
shared rate limits, transient-error retries), so a calibration speaks for the judges as a
run uses them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..corpus.catalogue import load_catalogue
from ..endpoints.specs import EndpointSpec
from ..judging.calibration_set import CalibrationItem, ItemScore
from ..judging.judge import Judge, JudgeSettings
from ..judging.panel import JudgePanel
from ..judging.thresholds import Thresholds
from .connections import CallSettings, judge_request


@dataclass(frozen=True)
class CalibrationRun:
    judges: Sequence[EndpointSpec]
    settings: JudgeSettings
    calls: CallSettings
    concurrency: int = 8


async def score_items(
    run: CalibrationRun,
    items: Sequence[CalibrationItem],
    done: Callable[[ItemScore], None] | None = None,
) -> list[ItemScore]:
    """Every item through the panel, ``concurrency`` at a time, in the items' order."""
    catalogue = load_catalogue()
    completers = [run.calls.completer("judge", s, judge_request(run.settings)) for s in run.judges]
    # Thresholds play no part in a calibration; the panel needs some to decide turns.
    panel = JudgePanel(
        [Judge(c.spec.model, c.complete) for c in completers], run.settings, Thresholds.parse("0")
    )
    gate = asyncio.Semaphore(run.concurrency)

    async def one(item: CalibrationItem) -> ItemScore:
        async with gate:
            turn = await panel.score(
                catalogue.guidelines[item.guideline_id], item.language, item.pairs
            )
        result = ItemScore(
            id=item.id,
            category=item.category,
            language=item.language,
            expected=item.expected,
            accepted=item.accepted,
            scores=[v.score for v in turn.verdicts],
            combined=turn.score,
            rationales=[v.rationale for v in turn.verdicts],
            errors=[v.error for v in turn.verdicts],
        )
        if done is not None:
            done(result)
        return result

    try:
        return list(await asyncio.gather(*(one(item) for item in items)))
    finally:
        for completer in completers:
            await completer.client.close()
