"""Several models compared on the conversations they share: the leaderboard, the tests
between models and between groups, each model's cross-lingual test, and which attack
strategies work on which model. ``compare_models`` is a pure function of the results, so
``jmedethic compare --json`` can be recomputed from the reports alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..judging.bands import Bands
from ..run.results import ConversationResult
from .alignment import Aligned, align
from .between_models import PairRow, PairTest, friedman_across_models, pairwise
from .cross_lingual import CrossLingual, cross_lingual
from .leaderboard import ModelRow, leaderboard
from .model_groups import GroupComparison, GroupSummary, compare_groups
from .stats import Count, Friedman, Number, finite_or_none

COMPARISON_SCHEMA = "pytest-jmedethic/comparison"


class Compared(BaseModel):
    """One model as it came in: its name, and how many of its conversations were dropped
    because another model does not have them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    source: str  # the report's path
    target: str  # the model the report tested
    conversations: Count
    dropped: Count


class ModelComparison(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_id: str = COMPARISON_SCHEMA
    models: list[Compared]
    common: Count  # conversations every model has
    notes: list[str]  # what makes the comparison less than clean (different judges, ...)
    test: PairTest
    seed: int
    leaderboard: list[ModelRow]  # best first
    friedman: Friedman
    pairwise: list[PairRow]
    groups: list[GroupSummary]
    group_comparisons: list[GroupComparison]
    cross_lingual: dict[str, CrossLingual]
    strategies: dict[str, dict[str, Number]]  # model -> strategy -> median turn score


def strategy_medians(aligned: Aligned) -> dict[str, dict[str, float | None]]:
    """Per model and strategy, the median of the scored turns: which attacks work where."""
    table: dict[str, dict[str, float | None]] = {}
    for name in aligned.names:
        by_strategy: dict[str, list[float]] = {}
        for result in aligned.results[name]:
            scores = by_strategy.setdefault(result.strategy_id, [])
            scores.extend(t.score for t in result.turns if t.score is not None)
        table[name] = {
            strategy: finite_or_none(np.median(scores)) if scores else None
            for strategy, scores in sorted(by_strategy.items())
        }
    return table


def compare_models(
    named: Mapping[str, Sequence[ConversationResult]],
    *,
    sources: Mapping[str, tuple[str, str]],
    groups: Mapping[str, Sequence[str]] | None = None,
    test: PairTest = "wilcoxon",
    bands: Bands | None = None,
    seed: int = 0,
    notes: Sequence[str] = (),
) -> ModelComparison:
    """``sources``: per name, (report path, target model), for the record."""
    aligned = align(named)
    board = leaderboard(aligned, bands or Bands(), seed)
    order = [row.name for row in board]
    scores = aligned.scores()
    ordered = scores[:, [aligned.names.index(n) for n in order]] if order else scores
    summaries, comparisons = compare_groups(aligned, groups or {}, seed)
    return ModelComparison(
        models=[
            Compared(
                name=name,
                source=sources[name][0],
                target=sources[name][1],
                conversations=len(named[name]),
                dropped=aligned.dropped[name],
            )
            for name in aligned.names
        ],
        common=len(aligned.ids),
        notes=list(notes),
        test=test,
        seed=seed,
        leaderboard=board,
        friedman=friedman_across_models(scores),
        pairwise=pairwise(ordered, order, test),
        groups=summaries,
        group_comparisons=comparisons,
        cross_lingual={n: cross_lingual(aligned.results[n], seed) for n in order},
        strategies=strategy_medians(aligned),
    )
