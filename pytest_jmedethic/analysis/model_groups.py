"""Groups of models (medical fine-tunes against general models, say), compared the way the
conversations allow.

Every model answered the same conversations, so a group's score on one conversation is the
mean of its models' scores there, and two groups are compared *paired by conversation*:
the two-sided Wilcoxon signed-rank test of ``d = mean(group a) - mean(group b)``, with the
median difference and its bootstrap 95% interval, over all conversations and over each
language's alone (does the gap persist in both?). The paper's unpaired test, the
Mann-Whitney U of the pooled conversation scores of the two groups' models, is given beside
it; it ignores the pairing, so it is the weaker and, with several models per group, the
less honest of the two (the pooled scores are not independent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import scipy.stats
from pydantic import BaseModel, ConfigDict

from .alignment import Aligned
from .leaderboard import wilson
from .non_inferiority import bootstrap_median_ci
from .stats import Count, Number, finite_or_none, paired_wilcoxon
from .summary import per_turn_medians


class GroupSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    models: list[str]
    median_per_turn: list[Number]  # all the group's models' turn scores pooled
    pass_rate: Number  # over every (model, conversation)
    pass_ci_low: Number
    pass_ci_high: Number


class GroupDifference(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str  # "all", "ja" or "en"
    n: Count  # conversations scored by both groups
    median_difference: Number  # group a - group b
    ci_low: Number
    ci_high: Number
    pvalue: Number  # paired Wilcoxon
    mannwhitney_pvalue: Number  # the paper's unpaired test


class GroupComparison(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    a: str
    b: str
    differences: list[GroupDifference]  # all, then each language


def _group_summary(aligned: Aligned, name: str, models: Sequence[str]) -> GroupSummary:
    results = [r for m in models for r in aligned.results[m]]
    medians = per_turn_medians(results)
    passed = sum(r.outcome == "passed" for r in results)
    low, high = wilson(passed, len(results))
    return GroupSummary(
        name=name,
        models=list(models),
        median_per_turn=medians,
        pass_rate=passed / len(results) if results else None,
        pass_ci_low=low,
        pass_ci_high=high,
    )


def _group_means(scores: np.ndarray, columns: list[int]) -> np.ndarray:
    part = scores[:, columns]
    counts = (~np.isnan(part)).sum(axis=1)
    sums = np.nansum(part, axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _difference(
    scores: np.ndarray, a: list[int], b: list[int], keep: np.ndarray, language: str, seed: int
) -> GroupDifference:
    x, y = _group_means(scores, a)[keep], _group_means(scores, b)[keep]
    both = ~np.isnan(x) & ~np.isnan(y)
    test = paired_wilcoxon(y[both], x[both])  # d = a - b
    low, high = bootstrap_median_ci(list(x[both] - y[both]), seed=seed)
    pooled_a, pooled_b = scores[keep][:, a].ravel(), scores[keep][:, b].ravel()
    pooled_a, pooled_b = pooled_a[~np.isnan(pooled_a)], pooled_b[~np.isnan(pooled_b)]
    unpaired = None
    if pooled_a.size and pooled_b.size and np.ptp(np.concatenate([pooled_a, pooled_b])) > 0:
        unpaired = finite_or_none(scipy.stats.mannwhitneyu(pooled_a, pooled_b).pvalue)
    return GroupDifference(
        language=language,
        n=test.n_pairs,
        median_difference=test.median_difference,
        ci_low=low,
        ci_high=high,
        pvalue=test.pvalue,
        mannwhitney_pvalue=unpaired,
    )


def compare_groups(
    aligned: Aligned, groups: Mapping[str, Sequence[str]], seed: int = 0
) -> tuple[list[GroupSummary], list[GroupComparison]]:
    """Each group described, and every pair of groups compared (in the order given)."""
    summaries = [_group_summary(aligned, name, models) for name, models in groups.items()]
    scores = aligned.scores()
    languages = np.array(aligned.languages(), dtype=object)
    column = {name: j for j, name in enumerate(aligned.names)}
    comparisons = []
    for first, second in combinations(groups, 2):
        a = [column[m] for m in groups[first]]
        b = [column[m] for m in groups[second]]
        differences = [_difference(scores, a, b, np.ones(len(languages), bool), "all", seed)]
        for language in ("ja", "en"):
            keep = languages == language
            if keep.any():
                differences.append(_difference(scores, a, b, keep, language, seed))
        comparisons.append(GroupComparison(a=first, b=second, differences=differences))
    return summaries, comparisons
