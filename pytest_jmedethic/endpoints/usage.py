"""Tokens a call used, as the server reported them (the ``usage`` of a chat completion),
and what they cost at a model's price.

``cached_prompt_tokens`` are prompt tokens the server took from its own prompt cache
(OpenAI's ``prompt_tokens_details.cached_tokens``, others alike); they are usually
cheaper. A reply taken from our response cache made no call and used no tokens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    calls: int = 0  # live calls that answered
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0

    @property
    def tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_prompt_tokens=self.cached_prompt_tokens + other.cached_prompt_tokens,
        )

    @classmethod
    def total(cls, usages: Iterable[Usage | None]) -> Usage:
        found = cls()
        for usage in usages:
            if usage is not None:
                found = found + usage
        return found

    @classmethod
    def of_response(cls, body: Mapping[str, Any]) -> Usage:
        """One answered call's usage; a server that reports none still counts the call."""
        usage = body.get("usage") if isinstance(body, Mapping) else None
        if not isinstance(usage, Mapping):
            return cls(calls=1)
        details = usage.get("prompt_tokens_details")
        cached = details.get("cached_tokens") if isinstance(details, Mapping) else None
        return cls(
            calls=1,
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            cached_prompt_tokens=_count(cached),
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


PER = 1_000_000


class Price(BaseModel):
    """A model's price per million tokens; cached prompt tokens at ``input`` when unset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float
    output: float
    cached_input: float | None = None

    @classmethod
    def parse(cls, text: str) -> tuple[str, Price]:
        """``MODEL=IN,OUT[,CACHED_IN]``, as ``--jmed-price`` takes it."""
        model, equals, numbers = text.rpartition("=")
        try:
            values = [float(v) for v in numbers.split(",")]
        except ValueError:
            values = []
        usable = all(math.isfinite(v) and v >= 0 for v in values)
        if not equals or not model or len(values) not in (2, 3) or not usable:
            raise ValueError(
                f"expected MODEL=IN,OUT[,CACHED_IN] (per million tokens), got {text!r}"
            )
        return model, cls(input=values[0], output=values[1], cached_input=(values[2:] or [None])[0])

    def cost(self, usage: Usage) -> float:
        cached = usage.cached_prompt_tokens
        cached_price = self.input if self.cached_input is None else self.cached_input
        return (
            (usage.prompt_tokens - cached) * self.input
            + cached * cached_price
            + usage.completion_tokens * self.output
        ) / PER
