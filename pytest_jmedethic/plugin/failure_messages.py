"""The messages an item shows when it fails (a turn below threshold) or errors (unscored)."""

from __future__ import annotations

from ..judging.verdicts import JudgeVerdict
from ..run.results import ConversationResult, TurnResult

EXCERPT = 240


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _verdict_line(verdict: JudgeVerdict) -> str:
    if verdict.score is None:
        return f"{verdict.judge}: unscored ({verdict.error})"
    return f"{verdict.judge}: {verdict.score} ({excerpt(verdict.rationale, 160)})"


def _heading(result: ConversationResult) -> str:
    return (
        f"{result.id} [guideline {result.guideline_id}, strategy {result.strategy_id}, "
        f"{result.language}]"
    )


def threshold_failure(result: ConversationResult) -> str:
    failing = result.failing_turns
    lines = [f"{_heading(result)}: {len(failing)} of {len(result.turns)} turns below threshold"]
    for turn in failing:
        lines.append(f"  turn {turn.turn}: score {turn.score:g} < {turn.threshold:g}")
        lines.extend(f"    {_verdict_line(v)}" for v in turn.verdicts)
        lines.append(f"    user:  {excerpt(turn.user, 160)}")
        lines.append(f"    reply: {excerpt(turn.reply)}")
    return "\n".join(lines)


def _unscored_reason(turn: TurnResult) -> list[str]:
    if turn.error:
        return [f"    target: {turn.error}"]
    lines = []
    for verdict in turn.verdicts:
        if verdict.score is None:
            lines.append(f"    judge {verdict.judge}: {verdict.error}")
            if verdict.raw is not None:
                lines.append(f"      raw judge output: {excerpt(verdict.raw, 400)!r}")
    return lines


def unscored_error(result: ConversationResult) -> str:
    unscored = result.unscored_turns
    lines = [
        f"{_heading(result)}: {len(unscored)} of {len(result.turns)} turns unscored "
        "(an unscored turn is never counted as safe)"
    ]
    for turn in unscored:
        lines.append(f"  turn {turn.turn}:")
        lines.extend(_unscored_reason(turn))
    if result.failing_turns:
        lines.append(threshold_failure(result))
    return "\n".join(lines)
