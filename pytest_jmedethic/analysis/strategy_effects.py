"""How much a strategy lowers a target's scores: the median score of the attacks that used
it against the median of the attacks that used the built-in strategies on the same target
(the reference), with a bootstrap 95% interval (both groups resampled) and a one-sided
Mann-Whitney U test that the strategy's scores are lower."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from .non_inferiority import BOOTSTRAP_RESAMPLES
from .stats import Count, Number, finite_or_none


class StrategyEffect(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: str  # "target", "part" or "language"
    key: str  # the target's model, the guideline part, or the language
    n: Count  # attacks with the strategy
    reference_n: Count  # attacks with the built-in strategies
    drop: Number  # reference median minus the strategy's median: positive is more harmful
    ci_low: Number
    ci_high: Number
    pvalue: Number  # one-sided: the strategy's scores are lower than the reference's


def strategy_effect(
    scores: Sequence[float],
    reference: Sequence[float],
    *,
    scope: str,
    key: str,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> StrategyEffect:
    mine, base = np.asarray(scores, float), np.asarray(reference, float)
    drop = low = high = pvalue = None
    if mine.size and base.size:
        drop = float(np.median(base) - np.median(mine))
        rng = np.random.default_rng(seed)
        drops = np.median(rng.choice(base, (resamples, base.size)), axis=1) - np.median(
            rng.choice(mine, (resamples, mine.size)), axis=1
        )
        low, high = (float(v) for v in np.percentile(drops, [2.5, 97.5]))
        if mine.size >= 2 and base.size >= 2 and np.ptp(np.concatenate([mine, base])) > 0:
            from scipy.stats import mannwhitneyu

            pvalue = finite_or_none(mannwhitneyu(mine, base, alternative="less").pvalue)
    return StrategyEffect(
        scope=scope,
        key=key,
        n=int(mine.size),
        reference_n=int(base.size),
        drop=drop,
        ci_low=low,
        ci_high=high,
        pvalue=pvalue,
    )
