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
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats as _sp

Alternative = Literal["two-sided", "less", "greater"]
JSONValue = float | int | str | None
FloatArray = npt.NDArray[np.float64]

_ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")

__all__ = [
    "Agreement",
    "Alternative",
    "Describe",
    "Friedman",
    "Wilcoxon",
    "describe",
    "friedman",
    "judge_agreement",
    "paired_wilcoxon",
    "share",
]


def _num(value: float | np.floating | None) -> float | None:
    # Normalise here, at construction, so a result object can never carry NaN into JSON.
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


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


def _json(value: object) -> JSONValue:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _num(value)
    raise TypeError(f"not JSON-safe: {value!r}")


@dataclass(frozen=True)
class _Result:
    def to_dict(self) -> dict[str, JSONValue]:
        # Fields are built through _num already; mapping again keeps the NaN-free promise
        # even for a result constructed by hand (e.g. when reloading a report).
        return {key: _json(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Describe(_Result):
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    mean: float | None


@dataclass(frozen=True)
class Wilcoxon(_Result):
    n_pairs: int
    n_nonzero: int
    statistic: float | None
    pvalue: float | None
    rank_biserial: float | None
    median_difference: float | None
    alternative: Alternative


@dataclass(frozen=True)
class Friedman(_Result):
    n: int
    k: int
    statistic: float | None
    pvalue: float | None
    kendalls_w: float | None


@dataclass(frozen=True)
class Agreement(_Result):
    n: int
    spearman_rho: float | None
    spearman_pvalue: float | None
    within_one: float | None
    mean_abs_diff: float | None
    disagreements: int
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
        median=_num(np.median(x)),
        q1=_num(q1),
        q3=_num(q3),
        mean=_num(np.mean(x)),
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
        return Wilcoxon(0, 0, None, None, None, None, alternative)
    nonzero = d[d != 0]
    median_difference = _num(np.median(d))
    if nonzero.size == 0:
        # scipy would report p = 1.0 here, which reads as "tested, nothing found"; with
        # no non-zero difference there is nothing to test, so say so with None.
        return Wilcoxon(int(d.size), 0, None, None, 0.0, median_difference, alternative)

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
        statistic=_num(res.statistic),
        pvalue=_num(res.pvalue),
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
    undefined = Friedman(n, k, None, None, None)
    # Constant rows make scipy's tie correction 0/0; depending on the scipy version that
    # is NaN with a warning or an exception, so decide before calling it.
    if k < 3 or n < 2 or np.all(np.ptp(m, axis=1) == 0):
        return undefined
    with _quiet_scipy():
        res = _sp.friedmanchisquare(*m.T)
    statistic, pvalue = _num(res.statistic), _num(res.pvalue)
    if statistic is None or pvalue is None:
        return undefined
    return Friedman(n, k, statistic, pvalue, statistic / (n * (k - 1)))


def judge_agreement(
    a: npt.ArrayLike, b: npt.ArrayLike, disagreement_threshold: float = 3.0
) -> Agreement:
    """Agreement between two judges scoring the same turns, in the same order."""
    x, y = _pair(a, b, ("a", "b"))
    threshold = float(disagreement_threshold)
    if x.size == 0:
        return Agreement(0, None, None, None, None, 0, threshold)
    diff = np.abs(x - y)
    rho = pvalue = None
    # A constant judge has no ranking to correlate with; scipy would return NaN.
    if x.size >= 2 and np.ptp(x) > 0 and np.ptp(y) > 0:
        with _quiet_scipy():
            res = _sp.spearmanr(x, y)
        rho, pvalue = _num(res.statistic), _num(res.pvalue)
    return Agreement(
        n=int(x.size),
        spearman_rho=rho,
        spearman_pvalue=pvalue,
        within_one=share(diff <= 1.0),
        mean_abs_diff=_num(np.mean(diff)),
        disagreements=int(np.count_nonzero(diff > threshold)),
        disagreement_threshold=threshold,
    )
