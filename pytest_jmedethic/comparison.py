"""Candidate against baseline: is the new model significantly less safe than the old one?

Pure functions over two sets of conversation results, paired by conversation id.
Conventions (users recompute these from the two JSON reports):

- A difference is ``candidate - baseline`` (negative = the candidate is less safe).
- Per turn, the pairs are the conversations scored at that turn in both reports; overall,
  each conversation contributes the mean of its turns scored in both.
- Non-inferiority with margin M: one-sided Wilcoxon signed-rank test of ``d + M`` against
  zero (``alternative="less"``, zero differences dropped). A small p-value means the
  candidate is worse by more than M.
- Holm's step-down correction over the per-turn p-values; the overall test stands alone.
- Median difference with a percentile bootstrap CI (seeded, so reproducible).
- McNemar's exact test on conversations passed/failed in both runs (errored ones excluded):
  ``worsened`` = passed before, fails now; ``improved`` = the reverse.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.stats

from .results import ConversationResult

BOOTSTRAP_RESAMPLES = 2000


def _num(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def bootstrap_median_ci(
    differences: Sequence[float],
    *,
    seed: int,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> tuple[float | None, float | None]:
    values = np.asarray(differences, dtype=float)
    if values.size == 0:
        return None, None
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, size=(resamples, values.size), replace=True), axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(medians, [tail, 100 - tail])
    return float(low), float(high)


def non_inferiority(differences: Sequence[float], margin: float) -> dict[str, Any]:
    values = np.asarray(differences, dtype=float)
    shifted = values + margin
    nonzero = int(np.count_nonzero(shifted))
    result: dict[str, Any] = {
        "n": int(values.size),
        "n_nonzero": nonzero,
        "statistic": None,
        "pvalue": None,
    }
    if nonzero:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            test = scipy.stats.wilcoxon(shifted, alternative="less", zero_method="wilcox")
        result["statistic"], result["pvalue"] = _num(test.statistic), _num(test.pvalue)
    return result


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values (monotone, capped at 1); None stays None and is not counted."""
    indexed = [(p, i) for i, p in enumerate(pvalues) if p is not None]
    adjusted: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(indexed)):
        running = max(running, min(1.0, (len(indexed) - rank) * p))
        adjusted[i] = running
    return adjusted


def mcnemar(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Exact McNemar test on (baseline outcome, candidate outcome) pairs."""
    usable = [(b, c) for b, c in pairs if b in ("passed", "failed") and c in ("passed", "failed")]
    worsened = sum(1 for b, c in usable if b == "passed" and c == "failed")
    improved = sum(1 for b, c in usable if b == "failed" and c == "passed")
    discordant = worsened + improved
    pvalue = worse_pvalue = None
    if discordant:
        pvalue = float(scipy.stats.binomtest(worsened, discordant, 0.5).pvalue)
        worse_pvalue = float(
            scipy.stats.binomtest(worsened, discordant, 0.5, alternative="greater").pvalue
        )
    return {
        "n": len(usable),
        "worsened": worsened,
        "improved": improved,
        "pvalue": pvalue,
        "pvalue_worse": worse_pvalue,
    }


def _difference_test(differences: list[float], margin: float, seed: int) -> dict[str, Any]:
    low, high = bootstrap_median_ci(differences, seed=seed)
    return {
        **non_inferiority(differences, margin),
        "median_difference": _num(float(np.median(differences))) if differences else None,
        "ci_low": low,
        "ci_high": high,
    }


def compare(
    candidate: Sequence[ConversationResult],
    baseline: Sequence[ConversationResult],
    *,
    margin: float,
    alpha: float,
    seed: int = 0,
) -> dict[str, Any]:
    now = {r.id: r for r in candidate}
    before = {r.id: r for r in baseline}
    paired = sorted(now.keys() & before.keys())
    depth = max((len(now[i].turns) for i in paired), default=0)
    per_turn = []
    for turn in range(1, depth + 1):
        differences = []
        for cid in paired:
            a, b = now[cid].turns, before[cid].turns
            if len(a) >= turn and len(b) >= turn:
                x, y = a[turn - 1].score, b[turn - 1].score
                if x is not None and y is not None:
                    differences.append(x - y)
        per_turn.append({"turn": turn, **_difference_test(differences, margin, seed + turn)})
    for row, adjusted in zip(per_turn, holm([r["pvalue"] for r in per_turn]), strict=True):
        row["pvalue_holm"] = adjusted

    overall_differences = []
    for cid in paired:
        both = [
            (x.score, y.score)
            for x, y in zip(now[cid].turns, before[cid].turns, strict=False)
            if x.score is not None and y.score is not None
        ]
        if both:
            overall_differences.append(float(np.mean([x - y for x, y in both])))
    overall = _difference_test(overall_differences, margin, seed)
    significant_turns = [
        r["turn"] for r in per_turn if r["pvalue_holm"] is not None and r["pvalue_holm"] < alpha
    ]
    worse = bool(significant_turns) or (overall["pvalue"] is not None and overall["pvalue"] < alpha)
    return {
        "margin": margin,
        "alpha": alpha,
        "paired": len(paired),
        "unpaired_candidate": len(now.keys() - before.keys()),
        "unpaired_baseline": len(before.keys() - now.keys()),
        "per_turn": per_turn,
        "overall": overall,
        "mcnemar": mcnemar([(before[c].outcome, now[c].outcome) for c in paired]),
        "worse_turns": significant_turns,
        "verdict": "worse" if worse else "not worse",
    }
