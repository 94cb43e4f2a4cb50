"""Retrying calls to endpoints: transient failures heal, permanent ones stop the run.

Transient: 429, 408, 409, 5xx, timeouts, refused or reset connections. They are retried
with exponential backoff and full jitter, honouring ``Retry-After``, within a budget per
call (attempts and total waiting). Permanent: 401, 403, 404 (wrong key, wrong model, wrong
URL) will not heal, so they are raised as ``FatalEndpointError`` and stop the session once.
A 400 is the request's fault (a prompt too long for the context window, for instance): it
is not retried and not fatal, so the turn is reported as unscored with the message. Any
other exception from the HTTP stack (a transport's ``ValueError``, say) is such a failure
too: it becomes one secret-free line on its turn, never a traceback.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import openai

from .errors import EndpointError, describe_error, is_network_failure
from .specs import EndpointSpec

T = TypeVar("T")
FATAL_STATUS = (401, 403, 404)
TRANSIENT_STATUS = (408, 409, 429)


class FatalEndpointError(EndpointError):
    """An endpoint failure that retrying cannot fix; the run stops with this message."""


class CallFailed(EndpointError):
    """A call that gave no answer; its turn is unscored. The message is one line, safe to
    show: it names the endpoint (without secrets) and what went wrong."""


class RetriesExhausted(CallFailed):
    """A transient failure outlasted the retry budget; the message names the last error."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries per call, the first included
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_wait: float = 120.0  # total seconds one call may spend waiting between tries

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2^(attempt-1))]."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def retry_after(exc: openai.APIStatusError) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form), if the server sent one."""
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def classify(exc: BaseException) -> str:
    """'transient', 'fatal' or 'request' (a per-request failure that is neither)."""
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        return "transient" if is_network_failure(exc) else "request"
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code in FATAL_STATUS:
            return "fatal"
        if exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500:
            return "transient"
        return "request"
    if isinstance(exc, openai.APIError):  # e.g. a response that could not be parsed
        return "transient"
    return "request"


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    spec: EndpointSpec,
    policy: RetryPolicy,
    rng: random.Random,
    on_retry: Callable[[str], None] | None = None,
) -> T:
    waited = 0.0
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except openai.APIError as exc:
            kind = classify(exc)
            message = describe_error(spec, exc)
            if kind == "fatal":
                raise FatalEndpointError(message) from None
            if kind != "transient":
                raise CallFailed(message) from None
            if attempt == policy.attempts:
                tries = f"{attempt} attempt{'' if attempt == 1 else 's'}"
                raise RetriesExhausted(f"{message} (gave up after {tries})") from None
            delay = policy.backoff(attempt, rng)
            if isinstance(exc, openai.APIStatusError):
                delay = max(delay, retry_after(exc) or 0.0)
            if waited + delay > policy.max_wait:
                raise RetriesExhausted(
                    f"{message} (gave up: waiting {delay:.1f}s more would exceed the "
                    f"{policy.max_wait:g}s retry budget)"
                ) from None
            if on_retry is not None:
                on_retry(message)
            waited += delay
            await asyncio.sleep(delay)
        except (FatalEndpointError, CallFailed):
            raise
        except Exception as exc:  # a bug or an oddity of the HTTP stack: not the turn's result
            raise CallFailed(describe_error(spec, exc)) from None
    raise AssertionError("unreachable")  # pragma: no cover
