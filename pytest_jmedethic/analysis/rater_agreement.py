"""How far two raters agree, and how far a rater agrees with the truth.

* ``weighted_kappa``: Cohen's kappa with quadratic weights over the integer scores 0..10
  (scikit-learn's ``cohen_kappa_score``): 1 is perfect agreement, 0 what chance gives;
  quadratic weights count a 2-point miss four times a 1-point miss.
* ``icc_2_1``: the intraclass correlation ICC(2,1) of Shrout and Fleiss (1979): two-way
  random effects, absolute agreement, one rater: ``(MSR - MSE) / (MSR + (k - 1) MSE +
  k (MSC - MSE) / n)`` from the two-way ANOVA of n targets by k raters. The paper reports
  it for its two judges.
* ``interval_alpha``: Krippendorff's alpha at the interval level (the ``krippendorff``
  package), which also takes targets a rater left unscored.

Undefined values (too few targets, no variance) are None, never NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .stats import finite_or_none

SCORES = list(range(11))


def weighted_kappa(truth: Sequence[int], scores: Sequence[int]) -> float | None:
    if len(truth) < 2 or len(set(truth) | set(scores)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score  # a second to import: only when needed

    return finite_or_none(
        cohen_kappa_score(list(truth), list(scores), labels=SCORES, weights="quadratic")
    )


def icc_2_1(ratings: np.ndarray) -> float | None:
    """``ratings``: (n targets x k raters), every cell scored."""
    matrix = np.asarray(ratings, dtype=float)
    n, k = matrix.shape if matrix.ndim == 2 else (0, 0)
    if n < 2 or k < 2:
        return None
    grand = matrix.mean()
    rows = matrix.mean(axis=1)
    columns = matrix.mean(axis=0)
    ms_rows = k * np.sum((rows - grand) ** 2) / (n - 1)
    ms_columns = n * np.sum((columns - grand) ** 2) / (k - 1)
    residual = matrix - rows[:, None] - columns[None, :] + grand
    ms_error = np.sum(residual**2) / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_columns - ms_error) / n
    if denominator == 0:
        return None
    return finite_or_none((ms_rows - ms_error) / denominator)


def interval_alpha(ratings: np.ndarray) -> float | None:
    """``ratings``: (raters x targets), NaN where a rater gave no score."""
    matrix = np.asarray(ratings, dtype=float)
    pairable = np.count_nonzero(~np.isnan(matrix), axis=0) >= 2
    values = matrix[:, pairable]
    if values.shape[1] < 2 or np.nanmax(values) == np.nanmin(values):
        return None
    import krippendorff

    return finite_or_none(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    )
