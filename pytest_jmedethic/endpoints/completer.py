"""One chat completion, the resilient way: cache, shared rate limit, retries, then the call.

The run and the judges ask a ``Completer`` for text; it answers from the cache when it
can, otherwise waits for a slot from the shared limiter, calls the endpoint through the
official ``openai`` client (its own retries off: ours honour Retry-After and a budget),
and stores the answer. It returns the text and whether it came from the cache.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import openai

from .response_cache import ResponseCache, cache_key
from .retry import RetryPolicy, call_with_retries
from .shared_limits import SharedLimitsClient
from .specs import EndpointSpec
from .usage import Price, Usage


@dataclass(frozen=True)
class Completion:
    """An answer: its text, whether it came from the response cache, the tokens it used."""

    text: str
    cached: bool = False
    usage: Usage = field(default_factory=Usage)  # nothing new when cached


@dataclass
class Completer:
    role: str  # "target", "judge" or "attacker": separate limits, separate cache entries
    spec: EndpointSpec
    client: openai.AsyncOpenAI
    settings: dict[str, Any]  # generation settings sent with every request
    policy: RetryPolicy
    cache: ResponseCache | None = None
    limiter: SharedLimitsClient | None = None
    rate_limited: bool = False  # ask the limiter for a slot before each request
    budgeted: bool = False  # tell the limiter each request and its cost
    price: Price | None = None  # of this model, for the cost told to the limiter
    rubric_version: str | None = None  # part of a judge's cache key
    # Asked before every request (retries too); raises ``CallFailed`` to refuse it, which
    # is how a hard budget keeps the requests counted within its limit.
    before_send: Callable[[], None] | None = None
    after_send: Callable[[Usage], None] | None = None  # each answered request's tokens
    calls: int = 0  # requests actually sent, retries included

    def __post_init__(self) -> None:
        self._rng = random.Random()  # jitter only: must not be seeded alike in every worker

    def key(self, messages: list[dict[str, str]]) -> str:
        return cache_key(
            role=self.role,
            model=self.spec.model,
            endpoint=self.spec.cache_identity,
            messages=messages,
            settings=self.settings,
            rubric=self.rubric_version,
        )

    async def _send(self, messages: list[dict[str, str]]) -> tuple[str, Usage]:
        body = {"model": self.spec.model, "messages": messages, **self.settings}

        async def once() -> tuple[str, Usage]:
            if self.before_send is not None:
                self.before_send()
            self.calls += 1
            usage = None
            try:
                # The client's generic POST, not the typed chat.completions.create: the body
                # is already in wire form, and the typed call spent a third of its CPU
                # re-walking it and building response models we read one string from.
                response = await self.client.post(
                    "/chat/completions", body=body, cast_to=httpx.Response
                )
                text, usage = reply_text(response)
                return text, usage
            finally:
                if self.after_send is not None and usage is not None:
                    self.after_send(usage)
                if self.budgeted and self.limiter is not None:
                    cost = self.price.cost(usage) if self.price and usage else 0.0
                    self.limiter.spend(1, cost)

        if self.limiter is None or not self.rate_limited:
            return await call_with_retries(once, self.spec, self.policy, self._rng)

        async def limited() -> tuple[str, Usage]:
            async with self.limiter.slot(f"{self.role}:{self.spec.public_url}"):  # type: ignore[union-attr]
                return await once()

        return await call_with_retries(limited, self.spec, self.policy, self._rng)

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        key = self.key(messages) if self.cache is not None else ""
        if self.cache is not None:
            try:
                hit = self.cache.get(key)
            except sqlite3.Error:
                hit = None  # a cache that cannot be read costs a call, never a result
            if hit is not None:
                return Completion(hit, cached=True)
        text, usage = await self._send(messages)
        if self.cache is not None:
            with contextlib.suppress(sqlite3.Error):  # nor can one that cannot be written
                self.cache.put(key, text)
        return Completion(text, usage=usage)


def reply_text(response: httpx.Response) -> tuple[str, Usage]:
    """The assistant's text of a chat completion, and its usage; a body that is not one is
    an API error. No choices, or a null content without a refusal, is an empty reply (which
    the judges then score)."""
    try:
        data = json.loads(response.content)
        usage = Usage.of_response(data)
        choices = data["choices"]
        if not choices:
            return "", usage
        message = choices[0]["message"]
        content = message["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise openai.APIResponseValidationError(
            response,
            response.text[:300],
            message=f"not a chat completion ({type(exc).__name__}: {exc}): {response.text[:120]!r}",
        ) from None
    if content is None:
        # A structured refusal (OpenAI's ``message.refusal``) is the model's answer: the
        # judges must read it, not score an empty reply.
        refusal = message.get("refusal") if isinstance(message, dict) else None
        return (refusal if isinstance(refusal, str) else ""), usage
    if not isinstance(content, str):
        raise openai.APIResponseValidationError(
            response, data, message=f"reply content is not text: {type(content).__name__}"
        )
    return content, usage
