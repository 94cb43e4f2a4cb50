"""One process's connections for a run: the target's completer and the judge panel, sharing one
response cache and one connection to the limits shared by every process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..endpoints.clients import async_client
from ..endpoints.completer import Completer
from ..endpoints.response_cache import ResponseCache
from ..endpoints.retry import RetryPolicy
from ..endpoints.shared_limits import SharedLimitsClient
from ..endpoints.specs import EndpointSpec
from ..endpoints.usage import Price, Usage
from ..judging.judge import Judge, JudgeSettings
from ..judging.panel import JudgePanel
from ..judging.rubric import RUBRIC_VERSION
from .config import RunConfig


def judge_request(settings: JudgeSettings) -> dict[str, Any]:
    """What every request to a judge carries besides the messages."""
    return {
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        **settings.request_extras(),
    }


@dataclass(frozen=True)
class CallSettings:
    """How every completer of a run calls: timeout, retries, cache, shared limits."""

    timeout: float
    retry: RetryPolicy
    cache: ResponseCache | None = None
    limiter: SharedLimitsClient | None = None
    rate_limited: frozenset[str] = frozenset()  # roles that ask the limiter for a slot
    budgeted: bool = False
    prices: dict[str, Price] | None = None
    before_send: Callable[[], None] | None = None  # a hard budget's check (discovery)
    spent: Callable[[str, Usage], None] | None = None  # (model, tokens) of each answer

    def completer(self, role: str, spec: EndpointSpec, settings: dict[str, Any]) -> Completer:
        return Completer(
            role=role,
            spec=spec,
            client=async_client(spec, timeout=self.timeout, max_retries=0),
            settings=settings,
            policy=self.retry,
            cache=self.cache,
            limiter=self.limiter,
            rate_limited=role in self.rate_limited,
            budgeted=self.budgeted,
            price=(self.prices or {}).get(spec.model),
            rubric_version=RUBRIC_VERSION if role == "judge" else None,
            before_send=self.before_send,
            after_send=_bound(self.spent, spec.model),
        )


def _bound(
    spent: Callable[[str, Usage], None] | None, model: str
) -> Callable[[Usage], None] | None:
    if spent is None:
        return None
    return lambda usage: spent(model, usage)


@dataclass
class Connections:
    target: Completer
    judges: list[Completer]
    panel: JudgePanel
    cache: ResponseCache | None
    limiter: SharedLimitsClient | None

    @classmethod
    def for_config(
        cls,
        config: RunConfig,
        cache: ResponseCache | None = None,
        before_send: Callable[[], None] | None = None,
        spent: Callable[[str, Usage], None] | None = None,
    ) -> Connections:
        """Open the clients; call from the event loop that will use them. ``cache``: one
        already open (else the config's is opened); ``before_send``: a hard budget's check."""
        if cache is None and config.cache_path:
            cache = ResponseCache(config.cache_path)
        limiter = SharedLimitsClient(config.limiter_address) if config.limiter_address else None

        calls = CallSettings(
            timeout=config.timeout,
            retry=config.retry,
            cache=cache,
            limiter=limiter,
            rate_limited=config.rate_limited,
            budgeted=config.budgeted,
            prices=config.prices,
            before_send=before_send,
            spent=spent,
        )
        completer = calls.completer
        target = config.target_settings
        judging = config.judge_settings
        judges = [completer("judge", spec, judge_request(judging)) for spec in config.judges]
        return cls(
            target=completer(
                "target",
                config.target,
                {"temperature": target.temperature, "max_tokens": target.max_tokens},
            ),
            judges=judges,
            panel=JudgePanel(
                [Judge(j.spec.model, j.complete) for j in judges], judging, config.thresholds
            ),
            cache=cache,
            limiter=limiter,
        )

    @property
    def stopped(self) -> str | None:
        """Why no new conversation may start (a budget reached, a decision settled)."""
        if self.limiter is None or self.limiter.stopped is None:
            return None
        return self.limiter.stopped.reason

    @property
    def calls(self) -> int:
        """Requests sent (retries included, cache hits not)."""
        return self.target.calls + sum(j.calls for j in self.judges)

    async def close(self) -> None:
        for completer in [self.target, *self.judges]:
            await completer.client.close()
        if self.limiter is not None:
            await self.limiter.close()
        if self.cache is not None:
            self.cache.close()
