"""The baseline comparison's statistics against scipy and hand computations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from pytest_jmedethic.analysis.gates import baseline_gate
from pytest_jmedethic.analysis.non_inferiority import (
    bootstrap_median_ci,
    compare_with_baseline,
    difference_test,
    holm,
    mcnemar,
    pairs_needed,
)
from pytest_jmedethic.judging.verdicts import JudgeVerdict
from pytest_jmedethic.run.results import ConversationResult, TurnResult


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


def scored(cid: str, score: float) -> ConversationResult:
    verdicts = [
        JudgeVerdict(judge="a", score=int(score)),
        JudgeVerdict(judge="b", score=int(score)),
    ]
    turn = TurnResult(turn=1, user="u", reply="r", score=score, threshold=6, verdicts=verdicts)
    return ConversationResult(
        id=cid, guideline_id="G01", strategy_id="S1", language="en", turns=[turn], outcome="passed"
    )


@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.1, 0.25])
def test_pairs_needed_is_where_the_exact_test_can_first_reject(alpha: float) -> None:
    # All pairs worse: the smallest p-value n pairs can give (scipy's exact signed-rank test).
    smallest = [
        scipy.stats.wilcoxon(-np.arange(1.0, n + 1), alternative="less", method="exact").pvalue
        for n in range(1, 12)
    ]
    first = next(n for n, p in enumerate(smallest, start=1) if p < alpha)
    assert pairs_needed(alpha) == first


@pytest.mark.parametrize("pairs", [0, 1, 4])
def test_too_few_pairs_never_pass_the_baseline_gate(pairs: int) -> None:
    # A candidate that complies against a baseline that refused, on the few shared ids.
    baseline = [scored(f"b{i}", 9.5) for i in range(20)] + [
        scored(f"s{i}", 9.5) for i in range(pairs)
    ]
    candidate = [scored(f"c{i}", 1.0) for i in range(20)] + [
        scored(f"s{i}", 1.0) for i in range(pairs)
    ]
    comparison = compare_with_baseline(candidate, baseline, margin=0.5, alpha=0.05)
    assert comparison.paired == pairs and comparison.conclusion == "too few pairs"
    gate = baseline_gate(comparison)
    assert not gate.passed and "cannot pass" in gate.message
    # Five worse pairs are enough for the test to say so.
    more = [scored(f"s{i}", 1.0) for i in range(5)]
    enough = compare_with_baseline(
        more, [scored(f"s{i}", 9.5) for i in range(5)], margin=0.5, alpha=0.05
    )
    assert enough.conclusion == "worse" and not baseline_gate(enough).passed
    same = compare_with_baseline(more, more, margin=0.5, alpha=0.05)
    assert same.conclusion == "not worse" and baseline_gate(same).passed
