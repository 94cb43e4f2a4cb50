"""Drive conversations: the target turn by turn, both judges on every reply.

``drive`` runs one conversation. The judges of turn i run while the target writes reply
i+1, so a conversation takes about as long as its target calls. ``Engine`` runs many
conversations concurrently on an event loop in a background thread, so synchronous pytest
items can hand work to it and wait for their own result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai

from .cache import ResponseCache
from .catalogue import Catalogue
from .conversations import Conversation
from .endpoints import EndpointSpec, async_client, describe_error
from .judging import JudgeSettings, ask_judge, build_judge_messages
from .limits import LimiterClient
from .results import ConversationResult, JudgeVerdict, TurnResult, combine, decide
from .retry import FatalEndpointError, RetriesExhausted, RetryPolicy
from .rubric import RUBRIC_VERSION
from .thresholds import Thresholds
from .transport import Completer

NOT_REACHED = "not reached: an earlier turn of the target failed"


@dataclass(frozen=True)
class TargetSettings:
    system_prompt: str | None = None
    temperature: float = 0.0
    max_tokens: int = 1024


@dataclass(frozen=True)
class RunConfig:
    target: EndpointSpec
    judges: tuple[EndpointSpec, ...]
    thresholds: Thresholds
    target_settings: TargetSettings = field(default_factory=TargetSettings)
    judge_settings: JudgeSettings = field(default_factory=JudgeSettings)
    concurrency: int = 8
    timeout: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache_path: Path | None = None
    limiter_address: str | None = None


@dataclass
class Clients:
    target: Completer
    judges: list[Completer]
    cache: ResponseCache | None
    limiter: LimiterClient | None

    @classmethod
    def for_config(cls, config: RunConfig) -> Clients:
        cache = ResponseCache(config.cache_path) if config.cache_path else None
        limiter = LimiterClient(config.limiter_address) if config.limiter_address else None

        def completer(role: str, spec: EndpointSpec, settings: dict[str, Any]) -> Completer:
            return Completer(
                role=role,
                spec=spec,
                client=async_client(spec, timeout=config.timeout, max_retries=0),
                settings=settings,
                policy=config.retry,
                cache=cache,
                limiter=limiter,
                rubric_version=RUBRIC_VERSION if role == "judge" else None,
            )

        target = config.target_settings
        judge = config.judge_settings
        judge_request = {
            "temperature": judge.temperature,
            "max_tokens": judge.max_tokens,
            **judge.request_extras(),
        }
        return cls(
            target=completer(
                "target",
                config.target,
                {"temperature": target.temperature, "max_tokens": target.max_tokens},
            ),
            judges=[completer("judge", spec, judge_request) for spec in config.judges],
            cache=cache,
            limiter=limiter,
        )

    @property
    def calls(self) -> int:
        return self.target.calls + sum(j.calls for j in self.judges)

    async def close(self) -> None:
        for completer in [self.target, *self.judges]:
            await completer.client.close()
        if self.limiter is not None:
            await self.limiter.close()
        if self.cache is not None:
            self.cache.close()


async def _judge_turn(
    conversation: Conversation,
    catalogue: Catalogue,
    exchanges: list[tuple[str, str]],
    clients: Clients,
    config: RunConfig,
) -> list[JudgeVerdict]:
    guideline = catalogue.guidelines[conversation.guideline_id]
    messages = build_judge_messages(guideline, conversation.language, exchanges)
    asks = [
        ask_judge(
            judge.complete, judge.spec.model, messages, config.judge_settings, conversation.language
        )
        for judge in clients.judges
    ]
    return list(await asyncio.gather(*asks))


async def drive(
    conversation: Conversation, catalogue: Catalogue, clients: Clients, config: RunConfig
) -> ConversationResult:
    """Run one conversation to the end and score every assistant turn.

    Raises ``FatalEndpointError`` when an endpoint answers in a way that will not heal.
    """
    started = time.perf_counter()
    messages: list[dict[str, str]] = []
    if config.target_settings.system_prompt:
        messages.append({"role": "system", "content": config.target_settings.system_prompt})
    exchanges: list[tuple[str, str]] = []
    from_cache: list[bool] = []
    judging: list[asyncio.Task[list[JudgeVerdict]]] = []
    failure: str | None = None
    try:
        for user in conversation.turns:
            messages.append({"role": "user", "content": user})
            try:
                reply, cached = await clients.target.complete(list(messages))
            except RetriesExhausted as exc:
                failure = str(exc)
                break
            except openai.APIError as exc:  # the request's own fault, e.g. too long a prompt
                failure = describe_error(config.target, exc)
                break
            messages.append({"role": "assistant", "content": reply})
            exchanges.append((user, reply))
            from_cache.append(cached)
            judging.append(
                asyncio.create_task(
                    _judge_turn(conversation, catalogue, list(exchanges), clients, config)
                )
            )
        verdicts = await asyncio.gather(*judging)
    except BaseException:
        for task in judging:
            task.cancel()
        raise

    turns: list[TurnResult] = []
    for number, user in enumerate(conversation.turns, start=1):
        threshold = config.thresholds.for_turn(number)
        if number <= len(exchanges):
            score, disagreement = combine(verdicts[number - 1])
            turns.append(
                TurnResult(
                    turn=number,
                    user=user,
                    reply=exchanges[number - 1][1],
                    cached=from_cache[number - 1],
                    verdicts=verdicts[number - 1],
                    score=score,
                    disagreement=disagreement,
                    threshold=threshold,
                )
            )
        else:
            error = failure if number == len(exchanges) + 1 else NOT_REACHED
            turns.append(TurnResult(turn=number, user=user, error=error, threshold=threshold))
    return ConversationResult(
        id=conversation.id,
        guideline_id=conversation.guideline_id,
        strategy_id=conversation.strategy_id,
        language=conversation.language,
        pair_id=conversation.pair_id,
        turns=turns,
        outcome=decide(turns),
        duration_s=round(time.perf_counter() - started, 3),
    )


class Engine:
    """Runs conversations concurrently on a private event loop in a daemon thread.

    ``submit`` is idempotent per conversation id and thread-safe; at most
    ``config.concurrency`` conversations are in flight at once.
    """

    def __init__(self, config: RunConfig, catalogue: Catalogue) -> None:
        self.config = config
        self.catalogue = catalogue
        self._futures: dict[str, concurrent.futures.Future[ConversationResult]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="jmedethic-engine", daemon=True
        )
        self._thread.start()
        self.fatal: str | None = None
        self._clients: Clients = self._call(self._open())
        self._slots = self._call(self._make_semaphore())

    def _call(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self) -> Clients:
        return Clients.for_config(self.config)

    async def _make_semaphore(self) -> asyncio.Semaphore:
        return asyncio.Semaphore(self.config.concurrency)

    async def _run(self, conversation: Conversation) -> ConversationResult:
        async with self._slots:
            if self.fatal is not None:  # no new work once an endpoint has failed for good
                raise FatalEndpointError(self.fatal)
            try:
                return await drive(conversation, self.catalogue, self._clients, self.config)
            except FatalEndpointError as exc:
                self.fatal = self.fatal or str(exc)
                raise

    def submit(self, conversation: Conversation) -> concurrent.futures.Future[ConversationResult]:
        with self._lock:
            future = self._futures.get(conversation.id)
            if future is None:
                future = asyncio.run_coroutine_threadsafe(self._run(conversation), self._loop)
                self._futures[conversation.id] = future
            return future

    def forget(self, conversation_id: str) -> None:
        """Drop a finished result so a long run does not keep every transcript in memory."""
        with self._lock:
            self._futures.pop(conversation_id, None)

    @property
    def calls(self) -> int:
        """Requests sent to endpoints by this process (cache hits excluded, retries included)."""
        return self._clients.calls

    def close(self) -> None:
        if not self._loop.is_running():
            return
        with self._lock:
            pending = [f for f in self._futures.values() if not f.done()]
        for future in pending:
            future.cancel()
        try:
            self._call(self._clients.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
