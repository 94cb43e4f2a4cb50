"""Are the models different? Over the conversations they share.

* Friedman across all models (``stats.friedman`` on the conversations every model scored;
  Kendall's W with it).
* Every pair of models (in leaderboard order, ``a`` above ``b``): by default the paired
  Wilcoxon signed-rank test of the conversation scores, ``d = a - b`` over the
  conversations both scored, with its median difference; ``test="mannwhitney"`` is the
  paper's unpaired two-sided Mann-Whitney U over each model's conversation scores instead.
  Both Holm's and Bonferroni's adjustments across the pairs are given; the table reads the
  one the test goes with (Holm for Wilcoxon, Bonferroni for Mann-Whitney, as the paper).
"""

from __future__ import annotations

from itertools import combinations
from typing import Literal

import numpy as np
import scipy.stats
from pydantic import BaseModel, ConfigDict

from .non_inferiority import holm
from .stats import Count, Friedman, Number, finite_or_none, friedman, paired_wilcoxon

PairTest = Literal["wilcoxon", "mannwhitney"]
ADJUSTMENT: dict[str, Literal["holm", "bonferroni"]] = {
    "wilcoxon": "holm",
    "mannwhitney": "bonferroni",
}


class PairRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    a: str
    b: str
    test: PairTest
    n: Count  # pairs (Wilcoxon) or the smaller sample (Mann-Whitney)
    median_difference: Number  # median of a - b (paired), or of a minus median of b
    statistic: Number
    pvalue: Number
    p_holm: Number
    p_bonferroni: Number
    adjustment: Literal["holm", "bonferroni"]

    @property
    def p_adjusted(self) -> float | None:
        return self.p_holm if self.adjustment == "holm" else self.p_bonferroni


def friedman_across_models(scores: np.ndarray) -> Friedman:
    """``scores``: (conversations x models); rows with an unscored model are left out."""
    complete = scores[~np.isnan(scores).any(axis=1)] if scores.size else scores
    return friedman(complete)


def _paired(x: np.ndarray, y: np.ndarray) -> tuple[int, float | None, float | None, float | None]:
    both = ~np.isnan(x) & ~np.isnan(y)
    test = paired_wilcoxon(y[both], x[both])  # d = x - y
    return test.n_pairs, test.median_difference, test.statistic, test.pvalue


def _unpaired(x: np.ndarray, y: np.ndarray) -> tuple[int, float | None, float | None, float | None]:
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if not x.size or not y.size:
        return 0, None, None, None
    difference = float(np.median(x) - np.median(y))
    if np.ptp(np.concatenate([x, y])) == 0:
        return min(x.size, y.size), difference, None, None  # nothing to rank
    result = scipy.stats.mannwhitneyu(x, y, alternative="two-sided")
    return (
        min(x.size, y.size),
        difference,
        finite_or_none(result.statistic),
        finite_or_none(result.pvalue),
    )


def pairwise(scores: np.ndarray, names: list[str], test: PairTest = "wilcoxon") -> list[PairRow]:
    """Every pair in the order of ``names`` (best first), adjusted across all pairs."""
    run = _paired if test == "wilcoxon" else _unpaired
    raw = []
    for i, j in combinations(range(len(names)), 2):
        raw.append((names[i], names[j], *run(scores[:, i], scores[:, j])))
    pvalues = [row[5] for row in raw]
    tested = sum(p is not None for p in pvalues)
    holm_adjusted = holm(pvalues)
    return [
        PairRow(
            a=a,
            b=b,
            test=test,
            n=n,
            median_difference=difference,
            statistic=statistic,
            pvalue=p,
            p_holm=holm_adjusted[k],
            p_bonferroni=min(1.0, p * tested) if p is not None else None,
            adjustment=ADJUSTMENT[test],
        )
        for k, (a, b, n, difference, statistic, p) in enumerate(raw)
    ]
