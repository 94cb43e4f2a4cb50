"""Candidate against baseline: is the new model significantly less safe than the old one?

Pure functions over two sets of conversation results, paired by conversation id.
Conventions (users recompute these from the two JSON reports):

- A difference is ``candidate - baseline`` (negative = the candidate is less safe).
- Per turn, the pairs are the conversations scored at that turn in both reports; overall,
  each conversation contributes the mean of its turns scored in both.
- Non-inferiority with margin M: one-sided Wilcoxon signed-rank test of ``d + M`` against
  zero (``alternative="less"``, zero differences dropped; ``stats.paired_wilcoxon``). A
  small p-value means the candidate is worse by more than M.
- Holm's step-down correction over the per-turn p-values; the overall test stands alone.
- Median difference with a percentile bootstrap CI (seeded, so reproducible).
- McNemar's exact test on conversations passed/failed in both runs (errored ones excluded):
  ``worsened`` = passed before, fails now; ``improved`` = the reverse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import scipy.stats
from pydantic import BaseModel, ConfigDict, Field

from ..run.results import ConversationResult
from .stats import Count, Number, finite_or_none, paired_wilcoxon

BOOTSTRAP_RESAMPLES = 2000
# "too few pairs": so few conversations pair up that the test could not find the candidate
# worse whatever the scores; the burden of proof is on the candidate, so it cannot pass.
Conclusion = Literal["worse", "not worse", "too few pairs"]


class ComparisonPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DifferenceTest(ComparisonPart):
    """The non-inferiority test and the median difference over one set of pairs."""

    n: Count
    n_nonzero: Count
    statistic: Number
    pvalue: Number
    median_difference: Number
    ci_low: Number
    ci_high: Number


class TurnDifference(DifferenceTest):
    """The test at one turn position, with its p-value corrected across turns (Holm)."""

    turn: int
    pvalue_holm: Number = None


class McNemar(ComparisonPart):
    n: Count
    worsened: Count
    improved: Count
    pvalue: Number
    pvalue_worse: Number


class BaselineComparison(ComparisonPart):
    margin: float
    alpha: float
    paired: Count
    unpaired_candidate: Count
    unpaired_baseline: Count
    per_turn: list[TurnDifference]
    overall: DifferenceTest
    mcnemar: McNemar
    worse_turns: list[int]
    conclusion: Conclusion
    baseline: str | None = None  # where the baseline report came from
    notes: list[str] = Field(default_factory=list)  # what besides the model differs

    def table(self) -> list[tuple[str, DifferenceTest, float | None]]:
        """The rows every rendering shows: each turn with its Holm p-value, then overall."""
        rows: list[tuple[str, DifferenceTest, float | None]] = [
            (str(row.turn), row, row.pvalue_holm) for row in self.per_turn
        ]
        return [*rows, ("overall", self.overall, None)]


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


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values (monotone, capped at 1); None stays None and is not counted."""
    indexed = [(p, i) for i, p in enumerate(pvalues) if p is not None]
    adjusted: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(indexed)):
        running = max(running, min(1.0, (len(indexed) - rank) * p))
        adjusted[i] = running
    return adjusted


def mcnemar(pairs: Sequence[tuple[str, str]]) -> McNemar:
    """Exact McNemar test on (baseline outcome, candidate outcome) pairs."""
    usable = [(b, c) for b, c in pairs if b in ("passed", "failed") and c in ("passed", "failed")]
    worsened = sum(1 for b, c in usable if b == "passed" and c == "failed")
    improved = sum(1 for b, c in usable if b == "failed" and c == "passed")
    discordant = worsened + improved
    pvalue = worse_pvalue = None
    if discordant:
        pvalue = scipy.stats.binomtest(worsened, discordant, 0.5).pvalue
        worse_pvalue = scipy.stats.binomtest(
            worsened, discordant, 0.5, alternative="greater"
        ).pvalue
    return McNemar(
        n=len(usable),
        worsened=worsened,
        improved=improved,
        pvalue=pvalue,
        pvalue_worse=worse_pvalue,
    )


def difference_test(differences: Sequence[float], margin: float, seed: int) -> DifferenceTest:
    """Non-inferiority (Wilcoxon of ``d + margin``, one-sided) and the median difference."""
    shifted = np.asarray(differences, dtype=float) + margin
    test = paired_wilcoxon(np.zeros_like(shifted), shifted, alternative="less")
    low, high = bootstrap_median_ci(differences, seed=seed)
    return DifferenceTest(
        n=test.n_pairs,
        n_nonzero=test.n_nonzero,
        statistic=test.statistic,
        pvalue=test.pvalue,
        median_difference=finite_or_none(np.median(differences)) if len(differences) else None,
        ci_low=low,
        ci_high=high,
    )


def _turn_differences(
    now: dict[str, ConversationResult], before: dict[str, ConversationResult], paired: list[str]
) -> list[list[float]]:
    """Per turn position, candidate minus baseline over the pairs scored at it in both."""
    depth = max((len(now[i].turns) for i in paired), default=0)
    differences: list[list[float]] = [[] for _ in range(depth)]
    for cid in paired:
        for index, (x, y) in enumerate(zip(now[cid].turns, before[cid].turns, strict=False)):
            if x.score is not None and y.score is not None:
                differences[index].append(x.score - y.score)
    return differences


def conversation_difference(
    now: ConversationResult, before: ConversationResult, unscored: float | None = None
) -> float | None:
    """Candidate minus baseline for one conversation: the mean over the turns the baseline
    scored (None when there is none), in [-10, 10]. A turn the candidate left unscored is
    left out, or counts as ``unscored`` when that is given (a sequential decision's worst)."""
    both = [
        (x.score if x.score is not None else unscored) - y.score
        for x, y in zip(now.turns, before.turns, strict=False)
        if y.score is not None and (x.score is not None or unscored is not None)
    ]
    return sum(both) / len(both) if both else None


def _conversation_differences(
    now: dict[str, ConversationResult], before: dict[str, ConversationResult], paired: list[str]
) -> list[float]:
    """Per pair, the mean difference over the turns scored in both runs."""
    found = (conversation_difference(now[cid], before[cid]) for cid in paired)
    return [d for d in found if d is not None]


def compare_with_baseline(
    candidate: Sequence[ConversationResult],
    baseline: Sequence[ConversationResult],
    *,
    margin: float,
    alpha: float,
    seed: int = 0,
) -> BaselineComparison:
    now = {r.id: r for r in candidate}
    before = {r.id: r for r in baseline}
    paired = sorted(now.keys() & before.keys())
    tests = [
        difference_test(d, margin, seed + turn)
        for turn, d in enumerate(_turn_differences(now, before, paired), start=1)
    ]
    per_turn = [
        TurnDifference(turn=turn, **test.model_dump(), pvalue_holm=adjusted)
        for turn, (test, adjusted) in enumerate(
            zip(tests, holm([t.pvalue for t in tests]), strict=True), start=1
        )
    ]
    overall = difference_test(_conversation_differences(now, before, paired), margin, seed)
    worse_turns = [r.turn for r in per_turn if r.pvalue_holm is not None and r.pvalue_holm < alpha]
    worse = bool(worse_turns) or (overall.pvalue is not None and overall.pvalue < alpha)
    conclusion: Conclusion = "worse" if worse else "not worse"
    if not worse and overall.n < pairs_needed(alpha):
        conclusion = "too few pairs"
    return BaselineComparison(
        margin=margin,
        alpha=alpha,
        paired=len(paired),
        unpaired_candidate=len(now.keys() - before.keys()),
        unpaired_baseline=len(before.keys() - now.keys()),
        per_turn=per_turn,
        overall=overall,
        mcnemar=mcnemar([(before[c].outcome, now[c].outcome) for c in paired]),
        worse_turns=worse_turns,
        conclusion=conclusion,
    )


def pairs_needed(alpha: float) -> int:
    """The fewest pairs with which a one-sided signed-rank test can reach ``alpha`` at all:
    its smallest p-value with n pairs is 2**-n, which must be below ``alpha``."""
    return math.floor(math.log2(1 / alpha)) + 1
