"""Summary statistics and tests for per-turn safety scores.

Every number in the JSON report comes from one of these functions, and each can be
recomputed from the scores stored in the report with numpy/scipy alone. Conventions:

* Inputs are finite floats (scores 0..10, halves allowed: 7.5). NaN or inf raises
  ``ValueError``; the caller decides what to do with a missing score, not this module.
* ``describe``: ``median = numpy.median``; ``q1``/``q3`` = ``numpy.percentile(x, [25, 75])``
  with numpy's default ``method="linear"``; ``mean = numpy.mean``.
* ``paired_wilcoxon``: the difference is ``d = last - first``, so a negative value means
  the score *declined* over the conversation. The test is exactly
  ``scipy.stats.wilcoxon(last, first, zero_method="wilcox", alternative=..., method="auto")``
  on all pairs: zero differences are dropped (``n_nonzero`` counts what remains);
  ``statistic`` is scipy's (``min(R+, R-)`` two-sided, ``R+`` one-sided);
  ``alternative="less"`` tests for a decline. ``rank_biserial = (R+ - R-) / (R+ + R-)``
  with ``R+``/``R-`` the sums of ``scipy.stats.rankdata(|d|)`` (average ties) over the
  non-zero differences with ``d > 0`` / ``d < 0``; it is negative when scores fall.
  How scipy's ``method="auto"`` picks exact, permutation or normal p-values with ties and
  zeros has changed between scipy releases, so recompute with the scipy version recorded
  alongside the report (1.17: exact up to 50 pairs without ties/zeros, exact sign-flip
  enumeration up to 13 pairs with them, else normal approximation without correction).
  ``median_difference = numpy.median(d)`` over *all* pairs, zeros included.
* ``friedman``: ``scipy.stats.friedmanchisquare`` over the turn columns of an
  (n conversations x k turns) matrix; ``kendalls_w = statistic / (n * (k - 1))``, which
  inherits scipy's tie correction.
* ``judge_agreement``: ``scipy.stats.spearmanr``; ``within_one`` is the share of
  ``|a - b| <= 1``; ``disagreements`` counts ``|a - b| > disagreement_threshold``.

Degenerate inputs never raise; a quantity that is undefined is ``None`` (``null`` in
JSON), never NaN: empty input gives ``n = 0`` and ``None``; a Wilcoxon test with no
non-zero difference has ``statistic = pvalue = None`` ("no change to test") and
``rank_biserial = 0.0``; Friedman needs ``k >= 3`` and ``n >= 2`` and at least one
non-constant row; Spearman needs ``n >= 2`` and neither judge constant.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, BeforeValidator, ConfigDict
from scipy import stats as _sp

Alternative = Literal["two-sided", "less", "greater"]
FloatArray = npt.NDArray[np.float64]

_ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")

__all__ = [
    "Agreement",
    "Alternative",
    "Describe",
    "Friedman",
    "Wilcoxon",
    "describe",
    "finite_or_none",
    "friedman",
    "judge_agreement",
    "paired_wilcoxon",
    "share",
]


def finite_or_none(value: Any) -> float | None:
    """A float, or None for a quantity that is missing or undefined (NaN, infinite)."""
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a count, not true/false")
    return int(value)


# Normalised when a result is built, so a result can never carry NaN into JSON, and numpy
# scalars become plain numbers.
Number = Annotated[float | None, BeforeValidator(finite_or_none)]
Count = Annotated[int, BeforeValidator(_count)]


class StatResult(BaseModel):
    """A test's or a description's result: plain, JSON-safe numbers; immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _vector(values: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _pair(
    a: npt.ArrayLike, b: npt.ArrayLike, names: tuple[str, str]
) -> tuple[FloatArray, FloatArray]:
    x, y = _vector(a, names[0]), _vector(b, names[1])
    if x.shape != y.shape:
        raise ValueError(f"{names[0]} and {names[1]} differ in length: {x.size} != {y.size}")
    return x, y


@contextmanager
def _quiet_scipy() -> Iterator[None]:
    # scipy warns (RuntimeWarning subclasses; UserWarning in older releases) about small
    # samples, ties and constant input. Those cases are expected here and are reported as
    # None fields, so the warnings would only be noise in the user's pytest output.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


class Describe(StatResult):
    n: Count
    median: Number
    q1: Number
    q3: Number
    mean: Number


class Wilcoxon(StatResult):
    n_pairs: Count
    n_nonzero: Count
    statistic: Number
    pvalue: Number
    rank_biserial: Number
    median_difference: Number
    alternative: Alternative


class Friedman(StatResult):
    n: Count
    k: Count
    statistic: Number
    pvalue: Number
    kendalls_w: Number


class Agreement(StatResult):
    n: Count
    spearman_rho: Number
    spearman_pvalue: Number
    within_one: Number
    mean_abs_diff: Number
    disagreements: Count
    disagreement_threshold: float


def share(flags: npt.ArrayLike) -> float | None:
    """Fraction of true values; None for an empty sequence rather than a 0/0 NaN."""
    arr = np.asarray(flags, dtype=bool)
    if arr.ndim != 1:
        raise ValueError(f"flags must be one-dimensional, got shape {arr.shape}")
    return float(np.mean(arr)) if arr.size else None


def describe(values: npt.ArrayLike) -> Describe:
    x = _vector(values, "values")
    if x.size == 0:
        return Describe(n=0, median=None, q1=None, q3=None, mean=None)
    q1, q3 = np.percentile(x, [25, 75])
    return Describe(
        n=int(x.size),
        median=finite_or_none(np.median(x)),
        q1=finite_or_none(q1),
        q3=finite_or_none(q3),
        mean=finite_or_none(np.mean(x)),
    )


def paired_wilcoxon(
    first: npt.ArrayLike, last: npt.ArrayLike, alternative: Alternative = "two-sided"
) -> Wilcoxon:
    """Wilcoxon signed-rank test of ``last - first`` (negative = decline)."""
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")
    x_first, x_last = _pair(first, last, ("first", "last"))
    d = x_last - x_first
    if d.size == 0:
        return Wilcoxon(
            n_pairs=0,
            n_nonzero=0,
            statistic=None,
            pvalue=None,
            rank_biserial=None,
            median_difference=None,
            alternative=alternative,
        )
    nonzero = d[d != 0]
    median_difference = finite_or_none(np.median(d))
    if nonzero.size == 0:
        # scipy would report p = 1.0 here, which reads as "tested, nothing found"; with
        # no non-zero difference there is nothing to test, so say so with None.
        return Wilcoxon(
            n_pairs=d.size,
            n_nonzero=0,
            statistic=None,
            pvalue=None,
            rank_biserial=0.0,
            median_difference=median_difference,
            alternative=alternative,
        )

    ranks = _sp.rankdata(np.abs(nonzero), method="average")
    r_plus = float(ranks[nonzero > 0].sum())
    r_minus = float(ranks[nonzero < 0].sum())
    with _quiet_scipy():
        # The full arrays, not the non-zero differences, go to scipy: method="auto"
        # chooses exact/permutation/normal from the full sample size and the presence of
        # zeros, and users recomputing from the report will call it the same way.
        res = _sp.wilcoxon(
            x_last, x_first, zero_method="wilcox", alternative=alternative, method="auto"
        )
    return Wilcoxon(
        n_pairs=int(d.size),
        n_nonzero=int(nonzero.size),
        statistic=finite_or_none(res.statistic),
        pvalue=finite_or_none(res.pvalue),
        rank_biserial=(r_plus - r_minus) / (r_plus + r_minus),
        median_difference=median_difference,
        alternative=alternative,
    )


def friedman(matrix: npt.ArrayLike) -> Friedman:
    """Friedman test across turns for an (n conversations x k turns) score matrix."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.size == 0 and m.ndim == 1:
        m = m.reshape(0, 0)  # a bare [] means "no conversations", not a shape error
    if m.ndim != 2:
        raise ValueError(f"matrix must be two-dimensional, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("matrix contains NaN or infinite values")
    n, k = (int(s) for s in m.shape)
    undefined = Friedman(n=n, k=k, statistic=None, pvalue=None, kendalls_w=None)
    # Constant rows make scipy's tie correction 0/0; depending on the scipy version that
    # is NaN with a warning or an exception, so decide before calling it.
    if k < 3 or n < 2 or np.all(np.ptp(m, axis=1) == 0):
        return undefined
    with _quiet_scipy():
        res = _sp.friedmanchisquare(*m.T)
    statistic, pvalue = finite_or_none(res.statistic), finite_or_none(res.pvalue)
    if statistic is None or pvalue is None:
        return undefined
    kendalls_w = statistic / (n * (k - 1))
    return Friedman(n=n, k=k, statistic=statistic, pvalue=pvalue, kendalls_w=kendalls_w)


def judge_agreement(
    a: npt.ArrayLike, b: npt.ArrayLike, disagreement_threshold: float = 3.0
) -> Agreement:
    """Agreement between two judges scoring the same turns, in the same order."""
    x, y = _pair(a, b, ("a", "b"))
    threshold = float(disagreement_threshold)
    if x.size == 0:
        return Agreement(
            n=0,
            spearman_rho=None,
            spearman_pvalue=None,
            within_one=None,
            mean_abs_diff=None,
            disagreements=0,
            disagreement_threshold=threshold,
        )
    diff = np.abs(x - y)
    rho = pvalue = None
    # A constant judge has no ranking to correlate with; scipy would return NaN.
    if x.size >= 2 and np.ptp(x) > 0 and np.ptp(y) > 0:
        with _quiet_scipy():
            res = _sp.spearmanr(x, y)
        rho, pvalue = finite_or_none(res.statistic), finite_or_none(res.pvalue)
    return Agreement(
        n=int(x.size),
        spearman_rho=rho,
        spearman_pvalue=pvalue,
        within_one=share(diff <= 1.0),
        mean_abs_diff=finite_or_none(np.mean(diff)),
        disagreements=int(np.count_nonzero(diff > threshold)),
        disagreement_threshold=threshold,
    )
