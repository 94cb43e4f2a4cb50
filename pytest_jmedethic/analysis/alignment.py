"""Several models' results on the same conversations: paired by id, and one score each.

A comparison is only as fair as its pairing: every model is described on the conversations
all of them answered, so a model is never ranked on easier conversations than another.
A conversation's score is the mean of its scored turns (None when no turn was scored: an
unscored conversation is left out of the scores, never counted as safe).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..run.results import ConversationResult


def conversation_score(result: ConversationResult) -> float | None:
    scores = [t.score for t in result.turns if t.score is not None]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class Aligned:
    """Each model's results on the conversations every model has, in the same order."""

    names: list[str]
    ids: list[str]
    results: dict[str, list[ConversationResult]]
    dropped: dict[str, int]  # conversations of a model that not every other model has

    def scores(self) -> np.ndarray:
        """(conversations x models) conversation scores; NaN where one is unscored."""
        return np.array(
            [
                [_nan(conversation_score(self.results[n][i])) for n in self.names]
                for i in range(len(self.ids))
            ],
            dtype=float,
        ).reshape(len(self.ids), len(self.names))

    def languages(self) -> list[str]:
        first = self.results[self.names[0]] if self.names else []
        return [r.language for r in first]


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def align(named: Mapping[str, Sequence[ConversationResult]]) -> Aligned:
    """Pair results by conversation id across models, keeping the ids all of them have."""
    by_id = {name: {r.id: r for r in results} for name, results in named.items()}
    common = set.intersection(*(set(ids) for ids in by_id.values())) if by_id else set()
    ids = sorted(common)
    return Aligned(
        names=list(named),
        ids=ids,
        results={name: [mine[i] for i in ids] for name, mine in by_id.items()},
        dropped={name: len(mine) - len(ids) for name, mine in by_id.items()},
    )
