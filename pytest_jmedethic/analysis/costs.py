"""What a run cost: tokens by role and model, and their price when one is given.

Counted from the results alone (each target reply and each judge verdict records the
tokens its calls used), so ``jmedethic report`` recomputes it. Answers taken from the
response cache made no call and cost nothing; they are counted apart. Prices are per
million tokens, in whatever currency the user gives them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from ..endpoints.usage import Price, Usage
from ..run.results import ConversationResult


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
