"""The results flattened into one table of turns (numpy columns), which every statistic of
the summary reads: 50,000 conversations summarise in well under a second."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..run.results import ConversationResult


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
