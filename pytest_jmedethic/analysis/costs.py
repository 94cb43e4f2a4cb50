"""What a run cost: tokens by role and model, and their price when one is given.

Counted from the results alone (each target reply and each judge verdict records the
tokens its calls used), so ``jmedethic report`` recomputes it. Answers taken from the
response cache made no call and cost nothing; they are counted apart. Prices are per
million tokens, in whatever currency the user gives them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from ..endpoints.usage import Usage
from ..run.results import ConversationResult

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
        if not equals or not model or len(values) not in (2, 3) or min(values) < 0:
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


class UsageRow(BaseModel):
    """One role's calls: the target, each judge (by its position), or all of them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    model: str
    usage: Usage
    from_cache: int  # answers taken from the response cache: no call, no tokens
    cost: float | None  # None: no price given for this model

    @property
    def cached_share(self) -> float | None:
        """The share of prompt tokens the server took from its prompt cache."""
        prompt = self.usage.prompt_tokens
        return self.usage.cached_prompt_tokens / prompt if prompt else None


class TokenUse(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: list[UsageRow]
    total: UsageRow  # per conversation: each ``ConversationResult.usage``


def _row(role: str, model: str, usages: list[Usage], cached: int, price: Price | None) -> UsageRow:
    usage = Usage.total(usages)
    return UsageRow(
        role=role,
        model=model,
        usage=usage,
        from_cache=cached,
        cost=price.cost(usage) if price is not None else None,
    )


def token_use(
    results: Sequence[ConversationResult], target_model: str, prices: Mapping[str, Price]
) -> TokenUse:
    turns = [t for r in results for t in r.turns if t.reply is not None]
    rows = [
        _row(
            "target",
            target_model,
            [t.usage for t in turns if t.usage is not None],
            sum(t.cached for t in turns),
            prices.get(target_model),
        )
    ]
    positions = max((len(t.verdicts) for t in turns), default=0)
    for index in range(positions):
        verdicts = [t.verdicts[index] for t in turns if len(t.verdicts) > index]
        model = verdicts[0].judge if verdicts else "?"
        rows.append(
            _row(
                f"judge {index + 1}",
                model,
                [v.usage for v in verdicts if v.usage is not None],
                sum(v.cached for v in verdicts),
                prices.get(model),
            )
        )
    costs = [row.cost for row in rows]
    total = UsageRow(
        role="total",
        model="",
        usage=Usage.total(row.usage for row in rows),
        from_cache=sum(row.from_cache for row in rows),
        cost=None if any(c is None for c in costs) else sum(c for c in costs if c is not None),
    )
    return TokenUse(rows=rows, total=total)
