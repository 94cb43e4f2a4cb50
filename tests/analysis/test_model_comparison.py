"""The model comparison's statistics on known data, against scipy and hand computations."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
import scipy.stats

from pytest_jmedethic.analysis.alignment import align, conversation_score
from pytest_jmedethic.analysis.between_models import friedman_across_models, pairwise
from pytest_jmedethic.analysis.cross_lingual import cross_lingual, kappa, translation_pairs
from pytest_jmedethic.analysis.leaderboard import leaderboard, wilson
from pytest_jmedethic.analysis.model_comparison import compare_models
from pytest_jmedethic.analysis.model_groups import compare_groups
from pytest_jmedethic.judging.bands import Bands
from pytest_jmedethic.judging.verdicts import JudgeVerdict
from pytest_jmedethic.run.results import ConversationResult, TurnResult

THRESHOLD = 6.0


def result(cid: str, scores: list[float | None], language: str = "en", strategy: str = "S1"):
    turns = [
        TurnResult(
            turn=i,
            user="u",
            reply="r",
            score=s,
            threshold=THRESHOLD,
            verdicts=[JudgeVerdict(judge="a", score=None if s is None else int(s))] * 2,
        )
        for i, s in enumerate(scores, start=1)
    ]
    outcome = (
        "error"
        if any(s is None for s in scores)
        else "failed"
        if any(s < THRESHOLD for s in scores)
        else "passed"
    )
    pair = cid.rsplit("-", 1)[0]
    return ConversationResult(
        id=cid,
        guideline_id="G01",
        strategy_id=strategy,
        language=language,
        pair_id=pair,
        turns=turns,
        outcome=outcome,
    )


def model(rng: np.random.Generator, shift: float, n: int = 60, ja_shift: float = 0.0):
    """n/2 translation pairs of 3-turn conversations, scores around ``shift`` (halves)."""
    results = []
    for i in range(n // 2):
        for language in ("ja", "en"):
            mean = shift + (ja_shift if language == "ja" else 0.0)
            scores = np.clip(np.round(rng.normal(mean, 1.2, 3) * 2) / 2, 0, 10)
            strategy = f"S{i % 3 + 1}"
            results.append(result(f"c{i:03d}-{language}", list(scores), language, strategy))
    return results


@pytest.fixture(scope="module")
def named():
    rng = np.random.default_rng(11)
    return {"good": model(rng, 8.5), "middle": model(rng, 7.0), "bad": model(rng, 4.0)}


def test_alignment_keeps_the_shared_conversations_and_counts_the_rest(named) -> None:
    partial = {**named, "bad": named["bad"][:-4]}
    aligned = align(partial)
    assert len(aligned.ids) == 56 and aligned.dropped == {"good": 4, "middle": 4, "bad": 0}
    for name in aligned.names:
        assert [r.id for r in aligned.results[name]] == aligned.ids
    scores = aligned.scores()
    assert scores.shape == (56, 3)
    assert scores[0, 0] == pytest.approx(
        np.mean([t.score for t in aligned.results["good"][0].turns])
    )
    assert conversation_score(result("x-en", [None, None])) is None
    assert conversation_score(result("x-en", [4.0, None, 8.0])) == 6.0


def test_the_leaderboard_ranks_and_its_numbers_are_scipys(named) -> None:
    board = leaderboard(align(named), Bands(), seed=0)
    assert [r.name for r in board] == ["good", "middle", "bad"]
    assert [r.rank for r in board] == [1, 2, 3]
    assert [(r.rank_low, r.rank_high) for r in board] == [(1, 1), (2, 2), (3, 3)]
    for row in board:
        results = named[row.name]
        scores = [conversation_score(r) for r in results]
        assert row.score == pytest.approx(np.mean(scores))
        assert row.score_ci_low < row.score < row.score_ci_high
        passed = sum(r.outcome == "passed" for r in results)
        assert row.pass_rate == passed / len(results)
        # Wilson by its formula.
        n, p, z = len(results), passed / len(results), scipy.stats.norm.ppf(0.975)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        assert (row.pass_ci_low, row.pass_ci_high) == pytest.approx((centre - half, centre + half))
        turns = [t.score for r in results for t in r.turns]
        assert row.unsafe_share == sum(s < 4 for s in turns) / len(turns)
        assert row.median_per_turn == [
            float(np.median([r.turns[i].score for r in results])) for i in range(3)
        ]
        first = [r.turns[0].score for r in results]
        last = [r.turns[-1].score for r in results]
        expected = scipy.stats.wilcoxon(last, first, zero_method="wilcox")
        assert row.decline.pvalue == pytest.approx(expected.pvalue)
    assert wilson(0, 0) == (None, None)


def test_models_whose_order_is_noise_share_a_rank_range() -> None:
    rng = np.random.default_rng(5)
    a = model(rng, 7.0, n=40)
    # b: a's own conversations' scores, dealt to other conversations: the same mean, and
    # which of the two is ahead depends only on which conversations are drawn.
    shuffled = rng.permutation(len(a))
    b = [
        result(r.id, [t.score for t in a[j].turns], r.language, r.strategy_id)
        for r, j in zip(a, shuffled, strict=True)
    ]
    twins = {"a": a, "b": b, "c": model(rng, 2.0, n=40)}
    board = {r.name: r for r in leaderboard(align(twins), Bands(), seed=0)}
    assert board["a"].score == pytest.approx(board["b"].score)
    assert (board["a"].rank_low, board["a"].rank_high) == (1, 2)
    assert (board["b"].rank_low, board["b"].rank_high) == (1, 2)
    assert (board["c"].rank_low, board["c"].rank_high) == (3, 3)


def holm_by_hand(pvalues: list[float]) -> list[float]:
    order = np.argsort(pvalues)
    adjusted, running = [0.0] * len(pvalues), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def test_pairwise_wilcoxon_with_holm_and_mann_whitney_with_bonferroni(named) -> None:
    aligned = align(named)
    scores = aligned.scores()
    rows = pairwise(scores, aligned.names, "wilcoxon")
    pairs = list(combinations(range(3), 2))
    raw = [scipy.stats.wilcoxon(scores[:, i], scores[:, j]).pvalue for i, j in pairs]
    assert [(r.a, r.b) for r in rows] == [("good", "middle"), ("good", "bad"), ("middle", "bad")]
    assert [r.pvalue for r in rows] == pytest.approx(raw)
    assert [r.p_holm for r in rows] == pytest.approx(holm_by_hand(raw))
    assert [r.median_difference for r in rows] == pytest.approx(
        [np.median(scores[:, i] - scores[:, j]) for i, j in pairs]
    )
    assert all(r.adjustment == "holm" and r.p_adjusted == r.p_holm for r in rows)
    unpaired = pairwise(scores, aligned.names, "mannwhitney")
    raw = [scipy.stats.mannwhitneyu(scores[:, i], scores[:, j]).pvalue for i, j in pairs]
    assert [r.pvalue for r in unpaired] == pytest.approx(raw)
    assert [r.p_bonferroni for r in unpaired] == pytest.approx([min(1, 3 * p) for p in raw])
    assert all(r.p_adjusted == r.p_bonferroni for r in unpaired)


def test_friedman_across_models_and_kendalls_w(named) -> None:
    scores = align(named).scores()
    scores[0, 1] = np.nan  # a model that could not score one conversation: that row is out
    result = friedman_across_models(scores)
    kept = scores[1:]
    expected = scipy.stats.friedmanchisquare(*kept.T)
    assert result.n == len(kept) and result.k == 3
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert result.kendalls_w == pytest.approx(expected.statistic / (len(kept) * 2))


def test_cross_lingual_pairs_test_and_kappa() -> None:
    rng = np.random.default_rng(7)
    results = model(rng, 6.5, n=80, ja_shift=1.5)
    pairs = translation_pairs(results)
    assert len(pairs) == 40 and all(ja.language == "ja" and en.language == "en" for ja, en in pairs)
    found = cross_lingual(results, seed=0)
    ja = np.array([conversation_score(p[0]) for p in pairs])
    en = np.array([conversation_score(p[1]) for p in pairs])
    expected = scipy.stats.wilcoxon(ja, en)
    assert found.n_pairs == 40
    assert found.pvalue == pytest.approx(expected.pvalue) and found.pvalue < 0.001
    assert found.median_difference == pytest.approx(np.median(ja - en))
    assert found.ci_low <= found.median_difference <= found.ci_high
    a = [p[0].outcome == "passed" for p in pairs]
    b = [p[1].outcome == "passed" for p in pairs]
    observed = np.mean(np.array(a) == np.array(b))
    chance = np.mean(a) * np.mean(b) + (1 - np.mean(a)) * (1 - np.mean(b))
    assert found.kappa == pytest.approx((observed - chance) / (1 - chance))
    assert kappa([True, True], [True, True]) is None  # one class: undefined, not NaN
    assert found.median_per_turn_ja == [
        float(np.median([p[0].turns[i].score for p in pairs])) for i in range(3)
    ]


def test_a_group_gap_is_tested_paired_by_conversation_in_each_language(named) -> None:
    aligned = align(named)
    summaries, comparisons = compare_groups(
        aligned, {"safe": ["good"], "unsafe": ["middle", "bad"]}, seed=0
    )
    assert [s.name for s in summaries] == ["safe", "unsafe"]
    scores = aligned.scores()
    safe, unsafe = scores[:, 0], scores[:, 1:].mean(axis=1)
    (comparison,) = comparisons
    by_language = {d.language: d for d in comparison.differences}
    assert set(by_language) == {"all", "ja", "en"}
    assert by_language["all"].pvalue == pytest.approx(scipy.stats.wilcoxon(safe, unsafe).pvalue)
    assert by_language["all"].median_difference == pytest.approx(np.median(safe - unsafe))
    japanese = np.array(aligned.languages()) == "ja"
    expected = scipy.stats.wilcoxon(safe[japanese], unsafe[japanese]).pvalue
    assert by_language["ja"].pvalue == pytest.approx(expected)
    pooled = scipy.stats.mannwhitneyu(scores[:, 0], scores[:, 1:].ravel()).pvalue
    assert by_language["all"].mannwhitney_pvalue == pytest.approx(pooled)
    for d in comparison.differences:
        assert d.pvalue < 0.001 and d.median_difference > 2
    pooled_pass = [r.outcome == "passed" for m in ("middle", "bad") for r in named[m]]
    assert summaries[1].pass_rate == pytest.approx(np.mean(pooled_pass))


def test_compare_models_is_one_json_object(named) -> None:
    comparison = compare_models(
        named,
        sources={n: (f"{n}.json", n) for n in named},
        groups={"safe": ["good"], "other": ["middle", "bad"]},
    )
    data = comparison.model_dump(mode="json")
    assert [r["name"] for r in data["leaderboard"]] == ["good", "middle", "bad"]
    assert all({"a", "b", "p_holm"} <= set(p) for p in data["pairwise"])
    assert {"n_pairs", "pvalue"} <= set(data["cross_lingual"]["good"])
    assert data["groups"][0]["name"] == "safe" and data["common"] == 60
    assert set(data["strategies"]["good"]) == {"S1", "S2", "S3"}
    again = compare_models(
        named,
        sources={n: (f"{n}.json", n) for n in named},
        groups={"safe": ["good"], "other": ["middle", "bad"]},
    )
    assert again == comparison  # seeded: the same reports give the same numbers
