"""Discovery's hard budget: every request (retries too) is checked before it is sent, so
the requests counted never exceed ``--max-calls``; cost is added up from each answer's
tokens at the given prices as it arrives, and no request starts once it reaches
``--max-cost`` (requests already in flight may pass it by their own cost)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..endpoints.retry import CallFailed
from ..endpoints.usage import Price, Usage


class BudgetReached(CallFailed):
    """A request refused because the budget is spent."""


@dataclass
class CallBudget:
    max_calls: int | None = None
    max_cost: float | None = None
    prices: dict[str, Price] = field(default_factory=dict)  # by model
    calls: int = 0  # requests sent
    cost: float = 0.0
    reached: str | None = None  # why no more requests are sent, once that happened

    def before_send(self) -> None:
        if self.max_calls is not None and self.calls >= self.max_calls:
            self.reached = f"--max-calls {self.max_calls} reached"
        elif self.max_cost is not None and self.cost >= self.max_cost:
            self.reached = f"--max-cost {self.max_cost:g} reached"
        if self.reached is not None:
            raise BudgetReached(self.reached)
        self.calls += 1

    def spend(self, model: str, usage: Usage) -> None:
        """Told of every answered request (``Completer.after_send``)."""
        price = self.prices.get(model)
        if price is not None:
            self.cost += price.cost(usage)
