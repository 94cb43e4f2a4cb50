"""Drive one conversation: the target turn by turn, the judge panel on every reply.

The panel scores reply i while the target writes reply i+1, so a conversation takes about
as long as its target calls. The target sees the whole history at every turn.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from ..corpus.catalogue import Guideline
from ..corpus.schema import Conversation
from ..endpoints.completer import Completion
from ..endpoints.retry import CallFailed
from ..endpoints.usage import Usage
from ..judging.panel import TurnScore
from .config import RunConfig
from .connections import Connections
from .results import ConversationResult, TurnResult, outcome_of

NOT_REACHED = "not reached: an earlier turn of the target failed"


@dataclass
class _Exchanges:
    """The target's side of a conversation so far, and the panel's work on each reply."""

    replies: list[tuple[str, str]] = field(default_factory=list)  # (user, assistant)
    answers: list[Completion] = field(default_factory=list)
    scoring: list[asyncio.Task[TurnScore]] = field(default_factory=list)
    failure: str | None = None  # why the target stopped answering


async def _talk(
    conversation: Conversation, guideline: Guideline, connections: Connections, config: RunConfig
) -> _Exchanges:
    """Send the user turns one by one until the end or the target's first failure."""
    done = _Exchanges()
    messages: list[dict[str, str]] = []
    if config.target_settings.system_prompt:
        messages.append({"role": "system", "content": config.target_settings.system_prompt})
    try:
        for user in conversation.turns:
            messages.append({"role": "user", "content": user})
            try:
                answer = await connections.target.complete(list(messages))
            except CallFailed as exc:  # e.g. too long a prompt, or retries exhausted
                done.failure = str(exc)
                break
            messages.append({"role": "assistant", "content": answer.text})
            done.replies.append((user, answer.text))
            done.answers.append(answer)
            scoring = connections.panel.score(guideline, conversation.language, list(done.replies))
            done.scoring.append(asyncio.create_task(scoring))
    except BaseException:
        _cancel(done)
        raise
    return done


def _cancel(done: _Exchanges) -> None:
    for task in done.scoring:
        task.cancel()


def _turns(
    conversation: Conversation, done: _Exchanges, scores: list[TurnScore], config: RunConfig
) -> list[TurnResult]:
    turns = []
    for number, user in enumerate(conversation.turns, start=1):
        if number <= len(scores):
            score = scores[number - 1]
            turns.append(
                TurnResult(
                    turn=number,
                    user=user,
                    reply=done.replies[number - 1][1],
                    cached=done.answers[number - 1].cached,
                    usage=done.answers[number - 1].usage,
                    verdicts=score.verdicts,
                    score=score.score,
                    disagreement=score.disagreement,
                    threshold=score.threshold,
                )
            )
        else:
            error = done.failure if number == len(scores) + 1 else NOT_REACHED
            threshold = config.thresholds.for_turn(number)
            turns.append(TurnResult(turn=number, user=user, error=error, threshold=threshold))
    return turns


async def drive(
    conversation: Conversation, guideline: Guideline, connections: Connections, config: RunConfig
) -> ConversationResult:
    """Run one conversation to the end and score every assistant turn.

    Raises ``FatalEndpointError`` when an endpoint answers in a way that will not heal.
    """
    started = time.perf_counter()
    done = await _talk(conversation, guideline, connections, config)
    try:
        scores = list(await asyncio.gather(*done.scoring))
    except BaseException:
        _cancel(done)
        raise
    turns = _turns(conversation, done, scores, config)
    return ConversationResult(
        id=conversation.id,
        guideline_id=conversation.guideline_id,
        strategy_id=conversation.strategy_id,
        language=conversation.language,
        pair_id=conversation.pair_id,
        turns=turns,
        outcome=outcome_of(turns),
        duration_s=round(time.perf_counter() - started, 3),
        usage=Usage.total(
            [answer.usage for answer in done.answers]
            + [v.usage for score in scores for v in score.verdicts]
        ),
    )
