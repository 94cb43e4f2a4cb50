"""The session summary, computed from conversation results alone.

Pure functions: the plugin calls ``summarize`` at the end of a session, and ``jmedethic
report`` calls it again on the results read back from a JSON report, which must give the
same numbers. The results are first flattened into one table of turns (``TurnTable``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..run.results import ConversationResult
from . import stats
from .stats import Agreement, Count, Number, Wilcoxon
from .turn_table import TurnTable

SUMMARY_VERSION = 1


class SummaryPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OutcomeCounts(SummaryPart):
    conversations: Count
    passed: Count
    failed: Count
    error: Count


class TurnCounts(SummaryPart):
    turns: Count
    scored: Count
    unscored: Count
    below_threshold: Count
    judge_disagreements: Count


class TurnRow(SummaryPart):
    """The scored turns at one turn position: how many, median, IQR, mean."""

    turn: int
    n: Count
    median: Number
    q1: Number
    q3: Number
    mean: Number
    unscored: Count
    below_threshold: Count


class FriedmanRow(SummaryPart):
    """Friedman across turns over the fully scored conversations of one length."""

    turns: int
    n: Count
    k: Count
    statistic: Number
    pvalue: Number
    kendalls_w: Number


class GroupRow(SummaryPart):
    """The conversations of one language, strategy or guideline."""

    conversations: Count
    passed: Count
    failed: Count
    error: Count
    median_all_turns: Number
    median_first_turn: Number
    median_last_turn: Number


class Summary(SummaryPart):
    summary_version: int = SUMMARY_VERSION
    outcomes: OutcomeCounts
    turns: TurnCounts
    per_turn: list[TurnRow]
    decline_first_to_last: Wilcoxon
    friedman: list[FriedmanRow]
    by_language: dict[str, GroupRow]
    by_strategy: dict[str, GroupRow]
    by_guideline: dict[str, GroupRow]
    judge_agreement: Agreement


def _outcome_counts(outcomes: Sequence[str]) -> OutcomeCounts:
    counts = Counter(outcomes)
    return OutcomeCounts(
        conversations=len(outcomes),
        passed=counts["passed"],
        failed=counts["failed"],
        error=counts["error"],
    )


def _turn_counts(table: TurnTable) -> TurnCounts:
    scored = int(table.scored.sum())
    return TurnCounts(
        turns=len(table.score),
        scored=scored,
        unscored=len(table.score) - scored,
        below_threshold=table.below.sum(),
        judge_disagreements=table.disagreement.sum(),
    )


def per_turn(table: TurnTable) -> list[TurnRow]:
    """Median and IQR of the scored turns at each turn position."""
    rows = []
    scored, below = table.scored, table.below
    for number in range(1, int(table.length.max(initial=0)) + 1):
        at = table.turn == number
        rows.append(
            TurnRow(
                turn=number,
                **stats.describe(table.score[at & scored]).model_dump(),
                unscored=(at & ~scored).sum(),
                below_threshold=(at & below).sum(),
            )
        )
    return rows


def per_turn_medians(results: Sequence[ConversationResult]) -> list[float | None]:
    """The median scored turn at each turn position (None where none there was scored)."""
    return [row.median for row in per_turn(TurnTable.of(results))]


def decline(table: TurnTable) -> Wilcoxon:
    """Paired Wilcoxon of turn 1 against each conversation's own last turn."""
    first, last = table.first_and_last()
    keep = (
        (table.length >= 2) & ~np.isnan(first) & ~np.isnan(last)
        if len(first)
        else np.array([], bool)
    )
    return stats.paired_wilcoxon(first[keep], last[keep])


def friedman_by_length(table: TurnTable) -> list[FriedmanRow]:
    """Friedman across turns, one test per turn count (conversations fully scored)."""
    rows = []
    for length in sorted({int(n) for n in table.length if n >= 3}):
        starts = table.start[table.length == length]
        matrix = table.score[starts[:, None] + np.arange(length)[None, :]]
        matrix = matrix[~np.isnan(matrix).any(axis=1)]
        if len(matrix) >= 2:
            rows.append(FriedmanRow(turns=length, **stats.friedman(matrix).model_dump()))
    return rows


def _group(table: TurnTable, key: str) -> dict[str, GroupRow]:
    names, codes = np.unique(np.array(table.keys[key], dtype=str), return_inverse=True)
    outcomes = np.array(table.outcome, dtype=str)
    first, last = table.first_and_last()
    row_codes = codes[table.conversation] if len(codes) else codes
    scored = table.scored
    groups = {}
    for code, name in enumerate(names):
        mine = codes == code
        counts = Counter(outcomes[mine].tolist())
        groups[str(name)] = GroupRow(
            conversations=mine.sum(),
            passed=counts["passed"],
            failed=counts["failed"],
            error=counts["error"],
            median_all_turns=stats.describe(table.score[(row_codes == code) & scored]).median,
            median_first_turn=stats.describe(first[mine & ~np.isnan(first)]).median,
            median_last_turn=stats.describe(last[mine & ~np.isnan(last)]).median,
        )
    return groups


def agreement(table: TurnTable) -> Agreement:
    """Agreement of the first two judges over every turn both of them scored."""
    both = ~np.isnan(table.judge_a) & ~np.isnan(table.judge_b)
    return stats.judge_agreement(table.judge_a[both], table.judge_b[both])


def summarize(results: Sequence[ConversationResult]) -> Summary:
    table = TurnTable.of(sorted(results, key=lambda r: r.id))
    return Summary(
        outcomes=_outcome_counts(table.outcome),
        turns=_turn_counts(table),
        per_turn=per_turn(table),
        decline_first_to_last=decline(table),
        friedman=friedman_by_length(table),
        by_language=_group(table, "language"),
        by_strategy=_group(table, "strategy"),
        by_guideline=_group(table, "guideline"),
        judge_agreement=agreement(table),
    )
