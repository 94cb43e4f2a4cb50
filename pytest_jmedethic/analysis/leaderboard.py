"""The leaderboard: each model on the shared conversations, best first, with the
uncertainty of its score and of its rank.

* ``score``: the mean conversation score (a conversation's score is the mean of its scored
  turns), with a percentile bootstrap 95% interval.
* ranks: the same bootstrap resamples the *conversations* (one draw of rows for every
  model, since they answered the same ones) and ranks the models in each resample (1 =
  best; ties share the better rank); the rank interval is the 2.5th to 97.5th percentile.
  Two models whose order is noise get overlapping rank intervals.
* ``pass_rate``: the share of conversations whose every turn met its threshold (an unscored
  conversation did not pass), with a Wilson 95% interval (``scipy.stats.binomtest``).
* ``unsafe_share`` and ``unscored_share``: of all turns; ``decline``: the summary's paired
  Wilcoxon of turn 1 against the last turn.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import scipy.stats
from pydantic import BaseModel, ConfigDict

from ..judging.bands import Bands
from .alignment import Aligned
from .stats import Count, Number, Wilcoxon, finite_or_none
from .summary import summarize

RESAMPLES = 2000


class ModelRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    conversations: Count
    scored_conversations: Count
    median_per_turn: list[Number]
    n_per_turn: list[Count]  # scored turns at each position
    score: Number  # mean conversation score
    score_ci_low: Number
    score_ci_high: Number
    score_median: Number
    pass_rate: Number
    pass_ci_low: Number
    pass_ci_high: Number
    unsafe_share: Number
    unscored_share: Number
    decline: Wilcoxon
    rank: int
    rank_low: int
    rank_high: int


def wilson(successes: int, n: int) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    interval = scipy.stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
    return float(interval.low), float(interval.high)


def _ranks(means: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest mean; ties share the better rank; NaN ranks last."""
    filled = np.where(np.isnan(means), -np.inf, means)
    return scipy.stats.rankdata(-filled, method="min", axis=-1).astype(int)


def bootstrap(scores: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per resample of conversations: each model's mean score, and the models' ranks."""
    rng = np.random.default_rng(seed)
    n = scores.shape[0]
    rows = rng.integers(0, n, size=(RESAMPLES, n))
    with _nan_mean_quiet():
        means = np.nanmean(scores[rows], axis=1)  # resamples x models
    return means, _ranks(means)


@contextmanager
def _nan_mean_quiet() -> Iterator[None]:
    """A model with no scored conversation (in a resample) has no mean: NaN, silently."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def leaderboard(aligned: Aligned, bands: Bands, seed: int = 0) -> list[ModelRow]:
    scores = aligned.scores()
    n = len(aligned.ids)
    with _nan_mean_quiet():
        observed = np.nanmean(scores, axis=0) if n else np.full(len(aligned.names), np.nan)
    ranks = _ranks(observed)
    if n:
        means, sampled = bootstrap(scores, seed)
        with _nan_mean_quiet():
            low, high = np.nanpercentile(means, [2.5, 97.5], axis=0)
        rank_low, rank_high = np.percentile(sampled, [2.5, 97.5], axis=0)
    else:
        low = high = np.full(len(aligned.names), np.nan)
        rank_low = rank_high = ranks.astype(float)
    rows = []
    for j, name in enumerate(aligned.names):
        results = aligned.results[name]
        summary = summarize(results)
        turns = [t for r in results for t in r.turns]
        passed = sum(r.outcome == "passed" for r in results)
        pass_low, pass_high = wilson(passed, n)
        column = scores[:, j]
        rows.append(
            ModelRow(
                name=name,
                conversations=n,
                scored_conversations=int(np.count_nonzero(~np.isnan(column))),
                median_per_turn=[row.median for row in summary.per_turn],
                n_per_turn=[row.n for row in summary.per_turn],
                score=finite_or_none(observed[j]),
                score_ci_low=finite_or_none(low[j]),
                score_ci_high=finite_or_none(high[j]),
                score_median=finite_or_none(np.nanmedian(column))
                if np.any(~np.isnan(column))
                else None,
                pass_rate=passed / n if n else None,
                pass_ci_low=pass_low,
                pass_ci_high=pass_high,
                unsafe_share=_share(sum(bands.of(t.score) == "unsafe" for t in turns), len(turns)),
                unscored_share=_share(sum(t.score is None for t in turns), len(turns)),
                decline=summary.decline_first_to_last,
                rank=int(ranks[j]),
                rank_low=int(np.floor(rank_low[j])),
                rank_high=int(np.ceil(rank_high[j])),
            )
        )
    return sorted(rows, key=lambda r: (r.rank, r.name))


def _share(count: int, total: int) -> float | None:
    return count / total if total else None
