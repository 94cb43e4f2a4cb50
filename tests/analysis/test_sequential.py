"""The sequential decision's statistics: anytime coverage by simulation, and the monitor
deciding exactly as the stream function used by the simulation study."""

from __future__ import annotations

import numpy as np
from ville import BettingCS, QuantileCS

from pytest_jmedethic.analysis.decision_settings import DecisionSettings
from pytest_jmedethic.analysis.sequential import (
    SequentialMonitor,
    first_decision,
    status,
    turn_positions_to_test,
)
from pytest_jmedethic.judging.verdicts import JudgeVerdict
from pytest_jmedethic.run.results import ConversationResult, TurnResult


def test_the_betting_sequence_covers_the_mean_at_every_look_with_probability_1_minus_alpha():
    """Time-uniform coverage: over the whole stream, not at one sample size."""
    rng = np.random.default_rng(11)
    runs, n, alpha, misses = 300, 300, 0.1, 0
    for _ in range(runs):
        large = rng.random(n) < 0.3
        d = np.clip(-0.7 + np.where(large, rng.normal(0, 3, n), rng.normal(0, 0.5, n)), -10, 10)
        sequence = BettingCS(bounds=(-10, 10), alpha=alpha, grid=1000).fit(d)
        true_mean = -0.7  # clipping at +-10 is out of reach of these draws
        misses += bool(np.any((sequence.lower_ > true_mean) | (sequence.upper_ < true_mean)))
    assert misses / runs <= alpha + 2 * np.sqrt(alpha * (1 - alpha) / runs)


def test_the_quantile_sequence_covers_the_median_at_every_look():
    rng = np.random.default_rng(5)
    runs, n, alpha, misses = 300, 200, 0.1, 0
    for _ in range(runs):
        scores = rng.integers(0, 21, n) / 2  # halves 0..10: true median 5
        sequence = QuantileCS(q=0.5, alpha=alpha).fit(scores)
        misses += bool(np.any((sequence.lower_ > 5) | (sequence.upper_ < 5)))
    assert misses / runs <= alpha + 2 * np.sqrt(alpha * (1 - alpha) / runs)


def test_a_status_is_settled_only_when_the_interval_is_wholly_on_one_side():
    assert status(-0.4, 0.3, -0.5, True, True) == "pass"
    assert status(-0.5, 0.3, -0.5, True, True) == "open"  # non-inferiority needs strictly above
    assert status(-0.5, 0.3, -0.5, True, False) == "pass"  # a median floor is met at the floor
    assert status(-2.0, -0.6, -0.5, True, True) == "fail"
    assert status(0.01, 0.04, 0.05, False, False) == "pass"  # a share at most its limit
    assert status(0.06, 0.2, 0.05, False, False) == "fail"
    assert status(None, 1.0, 0.05, False, False) == "open"


def result(cid: str, scores: list[float]) -> ConversationResult:
    turns = [
        TurnResult(
            turn=i,
            user="u",
            reply="r",
            score=s,
            threshold=6,
            verdicts=[JudgeVerdict(judge="a", score=int(s)), JudgeVerdict(judge="b", score=int(s))],
        )
        for i, s in enumerate(scores, start=1)
    ]
    return ConversationResult(
        id=cid, guideline_id="G01", strategy_id="S1", language="en", turns=turns, outcome="passed"
    )


def test_the_monitor_decides_as_the_stream_function_does():
    rng = np.random.default_rng(3)
    base_scores = rng.integers(14, 21, (300, 3)) / 2
    cand_scores = np.clip(base_scores - 1.0 + rng.normal(0, 1, (300, 3)).round() / 2, 0, 10)
    ids = [f"c{i:03d}" for i in range(300)]
    baseline = {cid: result(cid, list(b)) for cid, b in zip(ids, base_scores, strict=True)}
    monitor = SequentialMonitor(DecisionSettings(), ids, baseline=baseline)
    for cid, scores in zip(ids, cand_scores, strict=True):
        if monitor.feed(result(cid, list(scores))) != "undecided":
            break
    differences = (cand_scores - base_scores).mean(axis=1)
    assert (monitor.outcome, monitor.settled_after) == first_decision(
        differences, margin=0.5, alpha=0.05
    )
    assert monitor.outcome == "failed"
    decision = monitor.decision(calls=100, tokens=1000)
    assert decision.looks[-1].conversations == decision.settled_after
    assert decision.final[0].status == "fail" and decision.final[0].upper < -0.5


def test_only_turn_positions_half_the_conversations_reach_are_tested():
    assert turn_positions_to_test([3] * 34 + [4] * 66) == [1, 2, 3, 4]
    assert turn_positions_to_test([3] * 60 + [4] * 38 + [5] * 2) == [1, 2, 3]
    assert turn_positions_to_test([]) == [1]


def test_an_unscored_turn_counts_as_the_worst_score():
    unscored = result("u", [9.5, 9.5, 9.5])
    turns = [t.model_copy(update={"score": None}) for t in unscored.turns]
    unscored = unscored.model_copy(update={"turns": turns})
    ids = [f"c{i:03d}" for i in range(200)]
    baseline = {cid: result(cid, [9.5, 9.5, 9.5]) for cid in ids}
    monitor = SequentialMonitor(DecisionSettings(), ids, baseline=baseline)
    for cid in ids:
        if monitor.feed(unscored.model_copy(update={"id": cid})) != "undecided":
            break
    assert monitor.outcome == "failed"  # scored as nothing, not skipped (it used to pass)
