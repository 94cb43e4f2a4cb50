"""The baseline comparison's statistics against scipy and hand computations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from pytest_jmedethic.analysis.non_inferiority import (
    bootstrap_median_ci,
    difference_test,
    holm,
    mcnemar,
)


def test_non_inferiority_holm_mcnemar_and_bootstrap_against_scipy():
    rng = np.random.default_rng(3)
    d = np.round(rng.normal(-1.0, 1.5, 60) * 2) / 2
    result = difference_test(d, 0.5, seed=0)
    expected = scipy.stats.wilcoxon(d + 0.5, alternative="less", zero_method="wilcox")
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.pvalue == pytest.approx(expected.pvalue)
    # Holm by hand: sorted p 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 (monotone), None untouched.
    assert holm([0.04, 0.01, None, 0.02]) == [
        pytest.approx(0.04),
        pytest.approx(0.03),
        None,
        pytest.approx(0.04),
    ]
    outcome = mcnemar(
        [("passed", "failed")] * 9
        + [("failed", "passed")] * 2
        + [("passed", "passed"), ("error", "failed")]
    )
    assert (outcome.n, outcome.worsened, outcome.improved) == (12, 9, 2)
    assert outcome.pvalue == pytest.approx(scipy.stats.binomtest(9, 11, 0.5).pvalue)
    low, high = bootstrap_median_ci(d, seed=1)
    assert (low, high) == bootstrap_median_ci(d, seed=1) and low <= np.median(d) <= high
