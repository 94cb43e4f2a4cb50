"""The session summary as plain data, computed from conversation results alone.

Pure functions: the plugin calls ``summarize`` at the end of a session, and ``jmedethic
report`` calls it again on the results read back from a JSON report, which must give the
same numbers. The results are first flattened into one table of turns (numpy columns), so
50,000 conversations summarise in well under a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import stats
from .results import ConversationResult

SUMMARY_VERSION = 1


@dataclass
class TurnTable:
    """One row per turn, conversations in order; NaN marks a missing score."""

    conversation: np.ndarray  # index of the row's conversation
    turn: np.ndarray
    score: np.ndarray
    threshold: np.ndarray
    judge_a: np.ndarray
    judge_b: np.ndarray
    disagreement: np.ndarray
    length: np.ndarray  # per conversation: number of turns
    start: np.ndarray  # per conversation: its first row
    outcome: list[str]
    keys: dict[str, list[str]]  # per conversation: language, strategy, guideline

    @classmethod
    def of(cls, results: Sequence[ConversationResult]) -> TurnTable:
        # The hot loop of a 50,000-conversation summary: plain lists, None kept until numpy.
        conversation, turn, score, threshold, a, b, disagreement = [], [], [], [], [], [], []
        for index, result in enumerate(results):
            for row in result.turns:
                conversation.append(index)
                turn.append(row.turn)
                score.append(row.score)
                threshold.append(row.threshold)
                verdicts = row.verdicts
                if len(verdicts) >= 2:
                    a.append(verdicts[0].score)
                    b.append(verdicts[1].score)
                else:
                    a.append(None)
                    b.append(None)
                disagreement.append(row.disagreement)
        length = np.array([len(r.turns) for r in results], dtype=int)
        return cls(
            conversation=np.array(conversation, dtype=int),
            turn=np.array(turn, dtype=int),
            score=np.array(score, dtype=float),  # None becomes NaN
            threshold=np.array(threshold, dtype=float),
            judge_a=np.array(a, dtype=float),
            judge_b=np.array(b, dtype=float),
            disagreement=np.array(disagreement, dtype=bool),
            length=length,
            start=np.concatenate([[0], np.cumsum(length)[:-1]]).astype(int)
            if len(results)
            else length,
            outcome=[r.outcome for r in results],
            keys={
                "language": [r.language for r in results],
                "strategy": [r.strategy_id for r in results],
                "guideline": [r.guideline_id for r in results],
            },
        )

    @property
    def scored(self) -> np.ndarray:
        return ~np.isnan(self.score)

    @property
    def below(self) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return self.scored & ~np.isnan(self.threshold) & (self.score < self.threshold)

    def first_and_last(self) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.length):
            return np.array([]), np.array([])
        return self.score[self.start], self.score[self.start + self.length - 1]


def _outcome_counts(outcomes: Sequence[str]) -> dict[str, int]:
    counts = Counter(outcomes)
    return {
        "conversations": len(outcomes),
        "passed": counts["passed"],
        "failed": counts["failed"],
        "error": counts["error"],
    }


def _turn_counts(table: TurnTable) -> dict[str, int]:
    scored = int(table.scored.sum())
    return {
        "turns": len(table.score),
        "scored": scored,
        "unscored": len(table.score) - scored,
        "below_threshold": int(table.below.sum()),
        "judge_disagreements": int(table.disagreement.sum()),
    }


def per_turn(table: TurnTable) -> list[dict[str, Any]]:
    """Median and IQR of the scored turns at each turn position."""
    rows = []
    scored, below = table.scored, table.below
    for number in range(1, int(table.length.max(initial=0)) + 1):
        at = table.turn == number
        rows.append(
            {
                "turn": number,
                **stats.describe(table.score[at & scored]).to_dict(),
                "unscored": int((at & ~scored).sum()),
                "below_threshold": int((at & below).sum()),
            }
        )
    return rows


def decline(table: TurnTable) -> dict[str, Any]:
    """Paired Wilcoxon of turn 1 against each conversation's own last turn."""
    first, last = table.first_and_last()
    keep = (
        (table.length >= 2) & ~np.isnan(first) & ~np.isnan(last)
        if len(first)
        else np.array([], bool)
    )
    return stats.paired_wilcoxon(first[keep], last[keep]).to_dict()


def friedman_by_length(table: TurnTable) -> list[dict[str, Any]]:
    """Friedman across turns, one test per turn count (conversations fully scored)."""
    rows = []
    for length in sorted({int(n) for n in table.length if n >= 3}):
        starts = table.start[table.length == length]
        matrix = table.score[starts[:, None] + np.arange(length)[None, :]]
        matrix = matrix[~np.isnan(matrix).any(axis=1)]
        if len(matrix) >= 2:
            rows.append({"turns": length, **stats.friedman(matrix).to_dict()})
    return rows


def _group(table: TurnTable, key: str) -> dict[str, dict[str, Any]]:
    names, codes = np.unique(np.array(table.keys[key], dtype=str), return_inverse=True)
    outcomes = np.array(table.outcome, dtype=str)
    first, last = table.first_and_last()
    row_codes = codes[table.conversation] if len(codes) else codes
    scored = table.scored
    groups = {}
    for code, name in enumerate(names):
        mine = codes == code
        counts = Counter(outcomes[mine].tolist())
        groups[str(name)] = {
            "conversations": int(mine.sum()),
            "passed": counts["passed"],
            "failed": counts["failed"],
            "error": counts["error"],
            "median_all_turns": stats.describe(table.score[(row_codes == code) & scored]).median,
            "median_first_turn": stats.describe(first[mine & ~np.isnan(first)]).median,
            "median_last_turn": stats.describe(last[mine & ~np.isnan(last)]).median,
        }
    return groups


def agreement(table: TurnTable) -> dict[str, Any]:
    """Agreement of the first two judges over every turn both of them scored."""
    both = ~np.isnan(table.judge_a) & ~np.isnan(table.judge_b)
    return stats.judge_agreement(table.judge_a[both], table.judge_b[both]).to_dict()


def summarize(results: Sequence[ConversationResult]) -> dict[str, Any]:
    table = TurnTable.of(sorted(results, key=lambda r: r.id))
    return {
        "summary_version": SUMMARY_VERSION,
        "outcomes": _outcome_counts(table.outcome),
        "turns": _turn_counts(table),
        "per_turn": per_turn(table),
        "decline_first_to_last": decline(table),
        "friedman": friedman_by_length(table),
        "by_language": _group(table, "language"),
        "by_strategy": _group(table, "strategy"),
        "by_guideline": _group(table, "guideline"),
        "judge_agreement": agreement(table),
    }
