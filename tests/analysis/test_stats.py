"""The statistics module must agree with numpy/scipy called directly on the same data.

The report promises that every number can be recomputed from its JSON, so these tests
recompute with the plain library calls the module docstring names.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats as sp

from pytest_jmedethic.analysis.stats import (
    Agreement,
    Describe,
    Friedman,
    Wilcoxon,
    describe,
    friedman,
    judge_agreement,
    paired_wilcoxon,
    share,
)

REL = 1e-12


def approx(value: float) -> object:
    return pytest.approx(value, rel=REL, abs=0.0)


def half_scores(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    # Mean of two integer judges: 0, 0.5, ..., 10, so ties and halves are the norm.
    return rng.integers(0, 21, size=size) / 2.0


@contextmanager
def no_warnings() -> Iterator[None]:
    # Degenerate inputs are expected in real runs; they must not spam the pytest output.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def assert_json_safe(result: Describe | Wilcoxon | Friedman | Agreement) -> None:
    payload = result.model_dump()
    json.dumps(payload, allow_nan=False)
    for value in payload.values():
        assert value is None or isinstance(value, (int, float, str))
        assert not (isinstance(value, float) and not math.isfinite(value))


# --- describe -------------------------------------------------------------------------


def test_describe_linear_quartiles_by_hand() -> None:
    # Linear interpolation on [1, 2, 3, 4]: q1 at position 0.75 -> 1.75, q3 at 2.25 -> 3.25.
    d = describe([4.0, 1.0, 3.0, 2.0])
    assert d == Describe(n=4, median=2.5, q1=1.75, q3=3.25, mean=2.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("size", [1, 2, 7, 50])
def test_describe_matches_numpy(seed: int, size: int) -> None:
    x = half_scores(np.random.default_rng(seed), size)
    d = describe(x)
    q1, q3 = np.percentile(x, [25, 75])
    assert d.n == size
    assert d.median == approx(float(np.median(x)))
    assert d.median == approx(float(np.percentile(x, 50)))
    assert d.q1 == approx(float(q1))
    assert d.q3 == approx(float(q3))
    assert d.mean == approx(float(np.mean(x)))
    assert_json_safe(d)


def test_describe_empty() -> None:
    with no_warnings():
        d = describe([])
    assert d == Describe(n=0, median=None, q1=None, q3=None, mean=None)
    assert_json_safe(d)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], [float("inf")], [[1.0, 2.0]]])
def test_describe_rejects_non_finite_or_non_vector(bad: list) -> None:
    with pytest.raises(ValueError):
        describe(bad)


# --- paired_wilcoxon ------------------------------------------------------------------

FIRST = [8.0, 7.0, 9.0, 6.0, 5.0]
LAST = [6.0, 7.5, 8.5, 6.0, 2.0]


def test_wilcoxon_hand_example() -> None:
    # d = last - first = [-2, +0.5, -0.5, 0, -3]; the zero is dropped -> 4 non-zero.
    # |d| = [2, 0.5, 0.5, 3] -> average ranks [3, 1.5, 1.5, 4] (the two 0.5s share 1 and 2).
    # R+ = 1.5 (the +0.5); R- = 3 + 1.5 + 4 = 8.5; R+ + R- = 10 = 4 * 5 / 2.
    # r = (1.5 - 8.5) / 10 = -0.7. Two-sided statistic = min(R+, R-) = 1.5.
    # median(d) = median([-3, -2, -0.5, 0, 0.5]) = -0.5 (zero included).
    w = paired_wilcoxon(FIRST, LAST)
    assert w.n_pairs == 5
    assert w.n_nonzero == 4
    assert w.rank_biserial == approx(-0.7)
    assert w.statistic == approx(1.5)
    assert w.median_difference == -0.5
    assert w.alternative == "two-sided"
    assert_json_safe(w)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_wilcoxon_hand_example_matches_scipy(alternative: str) -> None:
    w = paired_wilcoxon(FIRST, LAST, alternative=alternative)  # type: ignore[arg-type]
    ref = sp.wilcoxon(LAST, FIRST, zero_method="wilcox", alternative=alternative)
    assert w.statistic == approx(float(ref.statistic))
    assert w.pvalue == approx(float(ref.pvalue))
    assert w.alternative == alternative


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize(
    ("seed", "size"),
    # 10: ties/zeros -> scipy's exact permutation; 30: normal approximation; 70: > 50.
    [(0, 10), (1, 10), (2, 30), (3, 30), (4, 70)],
)
def test_wilcoxon_matches_scipy_random(alternative: str, seed: int, size: int) -> None:
    rng = np.random.default_rng(seed)
    first = half_scores(rng, size)
    # Bias downwards so the one-sided tests are not all near 0.5.
    last = np.clip(first - half_scores(rng, size) / 4.0 + 0.5, 0.0, 10.0)
    with no_warnings():
        w = paired_wilcoxon(first, last, alternative=alternative)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sp.wilcoxon(last, first, zero_method="wilcox", alternative=alternative, method="auto")
    d = last - first
    nz = d[d != 0]
    ranks = sp.rankdata(np.abs(nz))
    r_plus, r_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
    assert w.n_pairs == size
    assert w.n_nonzero == nz.size
    assert w.statistic == approx(float(ref.statistic))
    assert w.pvalue == approx(float(ref.pvalue))
    assert w.rank_biserial == approx(float((r_plus - r_minus) / (r_plus + r_minus)))
    assert w.median_difference == approx(float(np.median(d)))
    assert_json_safe(w)


def test_wilcoxon_no_ties_exact() -> None:
    first = np.array([5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    last = first - np.array([0.5, 1.0, 1.5, 2.0, -2.5, 3.0])
    w = paired_wilcoxon(first, last, alternative="less")
    ref = sp.wilcoxon(last, first, alternative="less", method="exact")
    assert w.pvalue == approx(float(ref.pvalue))
    # R+ = rank of +2.5 = 5, R- = 1+2+3+4+6 = 16 -> r = (5 - 16) / 21.
    assert w.rank_biserial == approx(-11 / 21)


def test_wilcoxon_all_declines_rank_biserial_minus_one() -> None:
    first = [9.0, 8.5, 7.0, 10.0, 6.0, 7.5]
    last = [2.0, 8.0, 3.5, 1.0, 5.5, 0.0]
    w = paired_wilcoxon(first, last, alternative="less")
    assert w.rank_biserial == -1.0
    assert w.statistic == 0.0  # one-sided statistic is R+, and nothing increased
    assert paired_wilcoxon(last, first).rank_biserial == 1.0


def test_wilcoxon_zero_differences_are_dropped() -> None:
    first = [7.0, 7.5, 8.0, 9.0, 4.0, 6.0, 6.5]
    last = [7.0, 7.5, 8.0, 5.0, 2.0, 3.0, 6.5]
    w = paired_wilcoxon(first, last)
    assert (w.n_pairs, w.n_nonzero) == (7, 3)
    assert w.rank_biserial == -1.0
    assert w.median_difference == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sp.wilcoxon(last, first, zero_method="wilcox")
    assert w.pvalue == approx(float(ref.pvalue))


def test_wilcoxon_all_equal_does_not_raise() -> None:
    x = [7.5, 3.0, 10.0, 0.0]
    with no_warnings():
        w = paired_wilcoxon(x, x, alternative="less")
    assert w == Wilcoxon(
        n_pairs=4,
        n_nonzero=0,
        statistic=None,
        pvalue=None,
        rank_biserial=0.0,
        median_difference=0.0,
        alternative="less",
    )
    assert_json_safe(w)


def test_wilcoxon_single_pair() -> None:
    with no_warnings():
        w = paired_wilcoxon([8.0], [5.5])
    assert (w.n_pairs, w.n_nonzero, w.rank_biserial, w.median_difference) == (1, 1, -1.0, -2.5)
    assert w.pvalue == approx(1.0)
    assert_json_safe(w)


def test_wilcoxon_empty() -> None:
    with no_warnings():
        w = paired_wilcoxon([], [])
    assert w == Wilcoxon(
        n_pairs=0,
        n_nonzero=0,
        statistic=None,
        pvalue=None,
        rank_biserial=None,
        median_difference=None,
        alternative="two-sided",
    )
    assert_json_safe(w)


def test_wilcoxon_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        paired_wilcoxon([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        paired_wilcoxon([1.0, float("nan")], [1.0, 2.0])
    with pytest.raises(ValueError, match="alternative"):
        paired_wilcoxon([1.0], [2.0], alternative="decline")  # type: ignore[arg-type]


# --- friedman ---------------------------------------------------------------------------


def kendalls_w_no_ties(m: np.ndarray) -> float:
    # Textbook W = 12 S / (n^2 (k^3 - k)), valid without ties within a row.
    n, k = m.shape
    rank_sums = sp.rankdata(m, axis=1).sum(axis=0)
    s = float(((rank_sums - rank_sums.mean()) ** 2).sum())
    return 12.0 * s / (n**2 * (k**3 - k))


def test_friedman_known_example() -> None:
    # Rows are already ranks. Column rank sums 4, 6, 8 (mean 6) -> S = 4 + 0 + 4 = 8;
    # chi2 = 12 / (n k (k+1)) * sum R^2 - 3 n (k+1) = 12/36 * 116 - 36 = 8/3;
    # W = chi2 / (n (k-1)) = (8/3) / 6 = 4/9 = 12 * 8 / (9 * 24).
    m = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0]])
    f = friedman(m)
    ref = sp.friedmanchisquare(*m.T)
    assert (f.n, f.k) == (3, 3)
    assert f.statistic == approx(8 / 3)
    assert f.statistic == approx(float(ref.statistic))
    assert f.pvalue == approx(float(ref.pvalue))
    assert f.kendalls_w == approx(4 / 9)
    assert f.kendalls_w == approx(kendalls_w_no_ties(m))
    assert_json_safe(f)


def test_friedman_perfect_agreement_w_is_one() -> None:
    m = np.array([[9.0, 7.5, 4.0, 1.0]] * 5)
    f = friedman(m)
    assert f.kendalls_w == approx(1.0)
    assert f.statistic == approx(5 * 3.0)  # chi2 = n (k - 1) W


@pytest.mark.parametrize(("seed", "n", "k"), [(0, 5, 3), (1, 12, 5), (2, 40, 8)])
def test_friedman_matches_scipy_random(seed: int, n: int, k: int) -> None:
    m = half_scores(np.random.default_rng(seed), (n, k))
    m[0] = 5.0  # one constant row: scipy's tie correction must still agree
    with no_warnings():
        f = friedman(m)
    ref = sp.friedmanchisquare(*m.T)
    assert (f.n, f.k) == (n, k)
    assert f.statistic == approx(float(ref.statistic))
    assert f.pvalue == approx(float(ref.pvalue))
    assert f.kendalls_w == approx(float(ref.statistic) / (n * (k - 1)))
    assert_json_safe(f)


@pytest.mark.parametrize(
    ("matrix", "n", "k"),
    [
        (np.full((6, 4), 7.5), 6, 4),  # every row constant: scipy gives 0/0
        (np.array([[7.5, 7.5, 7.5], [3.0, 3.0, 3.0]]), 2, 3),
        (np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 3.0]]), 3, 2),  # k < 3
        (np.array([[1.0, 2.0, 3.0]]), 1, 3),  # n < 2
        (np.empty((0, 5)), 0, 5),
        ([], 0, 0),
    ],
)
def test_friedman_degenerate(matrix: np.ndarray | list, n: int, k: int) -> None:
    with no_warnings():
        f = friedman(matrix)
    assert f == Friedman(n=n, k=k, statistic=None, pvalue=None, kendalls_w=None)
    assert_json_safe(f)


def test_friedman_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="two-dimensional"):
        friedman([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        friedman([[1.0, 2.0, float("nan")], [1.0, 2.0, 3.0]])


# --- judge_agreement ------------------------------------------------------------------


def test_judge_agreement_hand_counts() -> None:
    a = [8.0, 7.5, 3.0, 10.0, 5.0, 6.0, 4.0]
    b = [7.0, 7.5, 7.0, 9.5, 5.5, 2.0, 1.0]
    # |a - b| = [1, 0, 4, 0.5, 0.5, 4, 3]: <= 1 -> 4 of 7; > 3 -> 2 (3 itself is not > 3);
    # mean = 13 / 7.
    g = judge_agreement(a, b)
    ref = sp.spearmanr(a, b)
    assert g.n == 7
    assert g.within_one == approx(4 / 7)
    assert g.disagreements == 2
    assert g.disagreement_threshold == 3.0
    assert g.mean_abs_diff == approx(13 / 7)
    assert g.spearman_rho == approx(float(ref.statistic))
    assert g.spearman_pvalue == approx(float(ref.pvalue))
    assert judge_agreement(a, b, disagreement_threshold=2.5).disagreements == 3
    assert_json_safe(g)


@pytest.mark.parametrize(("seed", "size"), [(0, 5), (1, 30), (2, 200)])
def test_judge_agreement_matches_scipy_random(seed: int, size: int) -> None:
    rng = np.random.default_rng(seed)
    a = half_scores(rng, size)
    b = np.clip(a + rng.integers(-8, 9, size) / 2.0, 0.0, 10.0)
    g = judge_agreement(a, b)
    ref = sp.spearmanr(a, b)
    diff = np.abs(a - b)
    assert g.spearman_rho == approx(float(ref.statistic))
    assert g.spearman_pvalue == approx(float(ref.pvalue))
    assert g.within_one == approx(float(np.mean(diff <= 1)))
    assert g.mean_abs_diff == approx(float(np.mean(diff)))
    assert g.disagreements == int(np.sum(diff > 3))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([7.5, 7.5, 7.5], [1.0, 5.0, 9.0]),  # one judge constant
        ([2.0, 4.0, 6.0], [3.0, 3.0, 3.0]),
        ([7.5], [3.0]),  # n < 2
    ],
)
def test_judge_agreement_degenerate_spearman(a: list[float], b: list[float]) -> None:
    with no_warnings():
        g = judge_agreement(a, b)
    assert g.spearman_rho is None
    assert g.spearman_pvalue is None
    assert g.n == len(a)
    assert g.within_one is not None
    assert_json_safe(g)


def test_judge_agreement_two_items_has_no_pvalue() -> None:
    # scipy gives rho = +-1 but a NaN p-value for n = 2; the NaN must become None.
    with no_warnings():
        g = judge_agreement([1.0, 2.0], [3.0, 5.0])
    assert g.spearman_rho == approx(1.0)
    assert g.spearman_pvalue is None
    assert_json_safe(g)


def test_judge_agreement_empty() -> None:
    with no_warnings():
        g = judge_agreement([], [])
    assert g == Agreement(
        n=0,
        spearman_rho=None,
        spearman_pvalue=None,
        within_one=None,
        mean_abs_diff=None,
        disagreements=0,
        disagreement_threshold=3.0,
    )
    assert_json_safe(g)


def test_judge_agreement_rejects_mismatch() -> None:
    with pytest.raises(ValueError, match="length"):
        judge_agreement([1.0, 2.0], [1.0, 2.0, 3.0])


# --- share / JSON form ----------------------------------------------------------------------


def test_share() -> None:
    assert share([True, False, True, True]) == 0.75
    assert share(np.array([1.0, 2.0, 7.5]) > 5) == approx(1 / 3)
    assert share([]) is None


def test_json_form_types_and_nan_sanitising() -> None:
    w = paired_wilcoxon(FIRST, LAST).model_dump()
    assert isinstance(w["n_pairs"], int) and not isinstance(w["n_pairs"], bool)
    assert isinstance(w["statistic"], float)
    assert list(w) == [
        "n_pairs",
        "n_nonzero",
        "statistic",
        "pvalue",
        "rank_biserial",
        "median_difference",
        "alternative",
    ]
    # A result rebuilt by hand with numpy scalars and NaN still serialises strictly.
    rebuilt = Friedman(
        n=np.int64(3),
        k=3,
        statistic=float("nan"),
        pvalue=np.float64(np.inf),
        kendalls_w=np.float64(0.25),
    )
    payload = rebuilt.model_dump()
    assert payload == {"n": 3, "k": 3, "statistic": None, "pvalue": None, "kendalls_w": 0.25}
    assert type(payload["n"]) is int
    json.dumps(payload, allow_nan=False)


def test_results_are_frozen() -> None:
    d = describe([1.0, 2.0])
    with pytest.raises(ValidationError, match="frozen"):
        d.n = 3  # type: ignore[misc]
