"""The judges' agreement statistics against published values and independent computations:
ICC(2,1) on Shrout and Fleiss's (1979) table, Krippendorff's alpha on Krippendorff's (2011)
worked example, and quadratic-weighted kappa against its formula written out."""

from __future__ import annotations

import numpy as np
import pytest

from pytest_jmedethic.analysis.rater_agreement import icc_2_1, interval_alpha, weighted_kappa

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
)
NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with
# missing values: four observers (rows) and twelve units.
KRIPPENDORFF = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


def test_icc_2_1_is_the_published_value() -> None:
    assert icc_2_1(SHROUT_FLEISS) == pytest.approx(0.29, abs=0.005)


def test_icc_2_1_from_the_anova_table_written_out() -> None:
    # The mean squares of the two-way ANOVA, as Shrout and Fleiss list them.
    n, k = SHROUT_FLEISS.shape
    total = ((SHROUT_FLEISS - SHROUT_FLEISS.mean()) ** 2).sum()
    between_targets = k * ((SHROUT_FLEISS.mean(1) - SHROUT_FLEISS.mean()) ** 2).sum()
    between_judges = n * ((SHROUT_FLEISS.mean(0) - SHROUT_FLEISS.mean()) ** 2).sum()
    bms, jms = between_targets / (n - 1), between_judges / (k - 1)
    ems = (total - between_targets - between_judges) / ((n - 1) * (k - 1))
    assert (bms, jms, ems) == pytest.approx((11.24, 32.49, 1.02), abs=0.01)
    assert icc_2_1(SHROUT_FLEISS) == pytest.approx(
        (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
    )


def test_icc_is_one_for_identical_judges_and_none_without_variance() -> None:
    scores = np.array([[3, 3], [7, 7], [9, 9]])
    assert icc_2_1(scores) == pytest.approx(1.0)
    assert icc_2_1(np.array([[5, 5], [5, 5]])) is None
    assert icc_2_1(np.array([[5, 6]])) is None


def test_interval_alpha_is_the_published_value() -> None:
    assert interval_alpha(KRIPPENDORFF) == pytest.approx(0.849, abs=0.001)


def test_interval_alpha_by_its_definition_without_missing_values() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 11, 60)
    ratings = np.clip(truth + rng.integers(-2, 3, (2, 60)), 0, 10).astype(float)
    # alpha = 1 - D_o / D_e with squared differences over pairable values.
    values = ratings.ravel()
    n = values.size
    observed = np.mean((ratings[0] - ratings[1]) ** 2)  # two values per unit
    expected = ((values[:, None] - values[None, :]) ** 2).sum() / (n * (n - 1))
    assert interval_alpha(ratings) == pytest.approx(1 - observed / expected, abs=1e-9)


def test_weighted_kappa_matches_the_formula() -> None:
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 11, 200)
    scores = np.clip(truth + rng.integers(-3, 4, 200), 0, 10)
    observed = np.zeros((11, 11))
    for t, s in zip(truth, scores, strict=True):
        observed[t, s] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(1), observed.sum(0))
    weights = (np.subtract.outer(np.arange(11), np.arange(11)) / 10) ** 2
    by_hand = 1 - (weights * observed).sum() / (weights * expected).sum()
    assert weighted_kappa(list(truth), list(scores)) == pytest.approx(by_hand)


def test_kappa_is_one_when_perfect_and_none_when_undefined() -> None:
    assert weighted_kappa([0, 5, 10], [0, 5, 10]) == pytest.approx(1.0)
    assert weighted_kappa([7], [7]) is None
    assert weighted_kappa([7, 7], [7, 7]) is None
