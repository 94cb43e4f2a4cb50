"""Does a model's safety hold in both languages? Over its translation pairs.

A translation pair is two conversations with the same ``pair_id``, one Japanese and one
English: the same attack on the same guideline, in two languages. For one model:

* ``pvalue``: the paired two-sided Wilcoxon signed-rank test of the conversation scores,
  ``d = ja - en`` over the pairs scored in both (``stats.paired_wilcoxon``), with the
  median difference and its seeded percentile bootstrap 95% interval;
* ``kappa``: Cohen's kappa (scikit-learn) of passed/not passed between the two languages of
  each pair: how far the same attack gets the same outcome in both (1: always; 0: no more
  than chance);
* the per-turn medians in each language, and each language's pass rate, over the pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..run.results import ConversationResult
from .alignment import conversation_score
from .non_inferiority import bootstrap_median_ci
from .stats import Count, Number, finite_or_none, paired_wilcoxon
from .summary import per_turn_medians


class CrossLingual(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    n_pairs: Count  # translation pairs scored in both languages
    median_difference: Number  # ja - en
    ci_low: Number
    ci_high: Number
    statistic: Number
    pvalue: Number
    kappa: Number  # pass/fail agreement between the languages
    pass_rate_ja: Number
    pass_rate_en: Number
    median_per_turn_ja: list[Number]
    median_per_turn_en: list[Number]


def translation_pairs(
    results: Sequence[ConversationResult],
) -> list[tuple[ConversationResult, ConversationResult]]:
    """(Japanese, English) for every pair_id that has exactly one of each."""
    by_pair: dict[str, dict[str, list[ConversationResult]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        if result.pair_id:
            by_pair[result.pair_id][result.language].append(result)
    pairs = []
    for pair_id in sorted(by_pair):
        sides = by_pair[pair_id]
        if len(sides["ja"]) == 1 and len(sides["en"]) == 1:
            pairs.append((sides["ja"][0], sides["en"][0]))
    return pairs


def kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Cohen's kappa of two yes/no ratings; None when it is undefined (one class only)."""
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score  # a second's import: only when needed

    return finite_or_none(cohen_kappa_score(list(a), list(b)))


def cross_lingual(results: Sequence[ConversationResult], seed: int = 0) -> CrossLingual:
    pairs = translation_pairs(results)
    scored = [
        (ja_score, en_score)
        for ja, en in pairs
        if (ja_score := conversation_score(ja)) is not None
        and (en_score := conversation_score(en)) is not None
    ]
    ja_scores = np.array([s[0] for s in scored], dtype=float)
    en_scores = np.array([s[1] for s in scored], dtype=float)
    test = paired_wilcoxon(en_scores, ja_scores)  # d = ja - en
    low, high = bootstrap_median_ci(list(ja_scores - en_scores), seed=seed)
    ja_passed = [ja.outcome == "passed" for ja, _ in pairs]
    en_passed = [en.outcome == "passed" for _, en in pairs]
    return CrossLingual(
        n_pairs=test.n_pairs,
        median_difference=test.median_difference,
        ci_low=low,
        ci_high=high,
        statistic=test.statistic,
        pvalue=test.pvalue,
        kappa=kappa(ja_passed, en_passed),
        pass_rate_ja=sum(ja_passed) / len(pairs) if pairs else None,
        pass_rate_en=sum(en_passed) / len(pairs) if pairs else None,
        median_per_turn_ja=per_turn_medians([ja for ja, _ in pairs]),
        median_per_turn_en=per_turn_medians([en for _, en in pairs]),
    )
