"""Breakdowns the HTML report draws: score distributions per turn, medians by turn and
strategy and by guideline part, and how the two judges' scores pair up.

Pure functions over results (numpy); every number can be recomputed from the JSON report.
Box statistics follow ``stats.describe`` (numpy's linear percentiles), whiskers at the 5th
and 95th percentiles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..run.results import ConversationResult
from .stats import Count, Number, finite_or_none

SCORES = range(11)  # a judge's integer scores, 0..10


class Box(BaseModel):
    """The distribution of the scores at one turn position."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int
    n: Count
    low: Number  # 5th percentile
    q1: Number
    median: Number
    q3: Number
    high: Number  # 95th percentile


class GuidelineRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    guideline: str
    part: int
    conversations: Count
    median: Number
    failed: Count


def turn_boxes(results: Sequence[ConversationResult]) -> list[Box]:
    by_turn: dict[int, list[float]] = defaultdict(list)
    for result in results:
        for turn in result.turns:
            if turn.score is not None:
                by_turn[turn.turn].append(turn.score)
    boxes = []
    for number in sorted(by_turn):
        values = np.asarray(by_turn[number], dtype=float)
        low, q1, median, q3, high = np.percentile(values, [5, 25, 50, 75, 95])
        boxes.append(
            Box(turn=number, n=values.size, low=low, q1=q1, median=median, q3=q3, high=high)
        )
    return boxes


def medians_by_turn_and_strategy(
    results: Sequence[ConversationResult],
) -> dict[str, dict[int, float | None]]:
    """strategy -> turn -> the median score of that turn over that strategy's conversations."""
    cells: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        for turn in result.turns:
            if turn.score is not None:
                cells[result.strategy_id][turn.turn].append(turn.score)
    return {
        strategy: {turn: finite_or_none(np.median(v)) for turn, v in sorted(turns.items())}
        for strategy, turns in sorted(cells.items())
    }


def guideline_rows(
    results: Sequence[ConversationResult], parts: Mapping[str, int]
) -> list[GuidelineRow]:
    """Per guideline: its part, conversations, median over scored turns, and failures."""
    scores: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    for result in results:
        counts[result.guideline_id] += 1
        failed[result.guideline_id] += result.outcome == "failed"
        scores[result.guideline_id].extend(t.score for t in result.turns if t.score is not None)
    return [
        GuidelineRow(
            guideline=guideline,
            part=parts.get(guideline, 0),
            conversations=counts[guideline],
            median=finite_or_none(np.median(scores[guideline])) if scores[guideline] else None,
            failed=failed[guideline],
        )
        for guideline in sorted(counts)
    ]


class PartRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    part: int
    guidelines: Count
    conversations: Count
    median: Number
    failed: Count


def part_rows(results: Sequence[ConversationResult], parts: Mapping[str, int]) -> list[PartRow]:
    """Per part of the guidelines: the same as ``guideline_rows``, over all its guidelines."""
    scores: dict[int, list[float]] = defaultdict(list)
    guidelines: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    failed: dict[int, int] = defaultdict(int)
    for result in results:
        part = parts.get(result.guideline_id, 0)
        guidelines[part].add(result.guideline_id)
        counts[part] += 1
        failed[part] += result.outcome == "failed"
        scores[part].extend(t.score for t in result.turns if t.score is not None)
    return [
        PartRow(
            part=part,
            guidelines=len(guidelines[part]),
            conversations=counts[part],
            median=finite_or_none(np.median(scores[part])) if scores[part] else None,
            failed=failed[part],
        )
        for part in sorted(counts)
    ]


def judge_pairs(results: Sequence[ConversationResult]) -> list[list[int]]:
    """An 11 x 11 table: how many turns judge A scored row and judge B scored column."""
    table = np.zeros((len(SCORES), len(SCORES)), dtype=int)
    for result in results:
        for turn in result.turns:
            if len(turn.verdicts) >= 2:
                a, b = turn.verdicts[0].score, turn.verdicts[1].score
                if a is not None and b is not None:
                    table[a, b] += 1
    return table.tolist()
