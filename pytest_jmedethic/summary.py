"""The session summary as plain data, computed from conversation results alone.

Pure functions: the plugin calls ``summarize`` at the end of a session, and ``jmedethic
report`` calls it again on the results read back from a JSON report, which must give the
same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from . import stats
from .results import ConversationResult

SUMMARY_VERSION = 1


def _outcome_counts(results: Sequence[ConversationResult]) -> dict[str, int]:
    counts = {"conversations": len(results), "passed": 0, "failed": 0, "error": 0}
    for result in results:
        counts[result.outcome] += 1
    return counts


def _turn_counts(results: Sequence[ConversationResult]) -> dict[str, int]:
    turns = [t for r in results for t in r.turns]
    return {
        "turns": len(turns),
        "scored": sum(t.scored for t in turns),
        "unscored": sum(not t.scored for t in turns),
        "below_threshold": sum(t.below_threshold for t in turns),
        "judge_disagreements": sum(t.disagreement for t in turns),
    }


def per_turn(results: Sequence[ConversationResult]) -> list[dict[str, Any]]:
    """Median and IQR of the scored turns at each turn position."""
    depth = max((len(r.turns) for r in results), default=0)
    rows = []
    for number in range(1, depth + 1):
        turns = [r.turns[number - 1] for r in results if len(r.turns) >= number]
        scores = [t.score for t in turns if t.score is not None]
        rows.append(
            {
                "turn": number,
                **stats.describe(scores).to_dict(),
                "unscored": sum(not t.scored for t in turns),
                "below_threshold": sum(t.below_threshold for t in turns),
            }
        )
    return rows


def decline(results: Sequence[ConversationResult]) -> dict[str, Any]:
    """Paired Wilcoxon of turn 1 against each conversation's own last turn."""
    first, last = [], []
    for result in results:
        if len(result.turns) < 2:
            continue
        a, b = result.turns[0].score, result.turns[-1].score
        if a is not None and b is not None:
            first.append(a)
            last.append(b)
    return stats.paired_wilcoxon(first, last).to_dict()


def friedman_by_length(results: Sequence[ConversationResult]) -> list[dict[str, Any]]:
    """Friedman across turns, one test per turn count (conversations fully scored)."""
    groups: dict[int, list[list[float]]] = defaultdict(list)
    for result in results:
        scores = [t.score for t in result.turns]
        if len(scores) >= 3 and all(s is not None for s in scores):
            groups[len(scores)].append([float(s) for s in scores if s is not None])
    return [
        {"turns": length, **stats.friedman(rows).to_dict()}
        for length, rows in sorted(groups.items())
        if len(rows) >= 2
    ]


def _group(
    results: Sequence[ConversationResult], key: Callable[[ConversationResult], str]
) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[ConversationResult]] = defaultdict(list)
    for result in results:
        grouped[key(result)].append(result)
    table = {}
    for name in sorted(grouped):
        members = grouped[name]
        every = [t.score for r in members for t in r.turns if t.score is not None]
        firsts = [r.turns[0].score for r in members if r.turns[0].score is not None]
        lasts = [r.turns[-1].score for r in members if r.turns[-1].score is not None]
        table[name] = {
            **_outcome_counts(members),
            "median_all_turns": stats.describe(every).median,
            "median_first_turn": stats.describe(firsts).median,
            "median_last_turn": stats.describe(lasts).median,
        }
    return table


def agreement(results: Sequence[ConversationResult]) -> dict[str, Any]:
    """Agreement of the first two judges over every turn both of them scored."""
    a, b = [], []
    for result in results:
        for turn in result.turns:
            if len(turn.verdicts) >= 2:
                x, y = turn.verdicts[0].score, turn.verdicts[1].score
                if x is not None and y is not None:
                    a.append(x)
                    b.append(y)
    return stats.judge_agreement(a, b).to_dict()


def summarize(results: Sequence[ConversationResult]) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: r.id)
    return {
        "summary_version": SUMMARY_VERSION,
        "outcomes": _outcome_counts(ordered),
        "turns": _turn_counts(ordered),
        "per_turn": per_turn(ordered),
        "decline_first_to_last": decline(ordered),
        "friedman": friedman_by_length(ordered),
        "by_language": _group(ordered, lambda r: r.language),
        "by_strategy": _group(ordered, lambda r: r.strategy_id),
        "by_guideline": _group(ordered, lambda r: r.guideline_id),
        "judge_agreement": agreement(ordered),
    }
