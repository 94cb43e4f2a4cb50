"""The controller's side of a sequential release decision: results fed to the monitor in
the run's order (the longest completed prefix, not whichever finished first: a slow
conversation may be an unsafe one), and the run told to stop once the decision settles."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..analysis.decision_settings import DecisionSettings
from ..analysis.number_format import number
from ..analysis.sequential import SequentialDecision, SequentialMonitor
from ..run.results import ConversationResult


class SequentialRun:
    def __init__(
        self,
        settings: DecisionSettings,
        order: Sequence[str],
        turn_positions: Sequence[int],
        baseline: Mapping[str, ConversationResult] | None,
        stop: Callable[[str], None],
    ) -> None:
        self.monitor = SequentialMonitor(
            settings, order, baseline=baseline, turn_positions=turn_positions
        )
        self.order = list(order)
        self._stop = stop
        self._waiting: dict[str, ConversationResult] = {}
        self._next = 0  # position in the order of the next conversation to feed
        self.calls: int | None = None  # when it settled
        self.tokens: int | None = None

    def add(self, result: ConversationResult, calls: int, tokens: int) -> None:
        """A result arrived; feed what now extends the completed prefix."""
        self._waiting[result.id] = result
        while self._next < len(self.order) and self.order[self._next] in self._waiting:
            outcome = self.monitor.feed(self._waiting.pop(self.order[self._next]))
            self._next += 1
            if outcome != "undecided" and self.calls is None:
                self.calls, self.tokens = calls, tokens
                fed = self.monitor.settled_after
                self._stop(f"the release decision settled ({outcome}) after {fed} conversations")

    def progress(self) -> str:
        """Where the tests stand, for the progress line."""
        if self.monitor.settled_after is not None:  # what is left only finishes what ran
            return (
                f"sequential: settled ({self.monitor.outcome}) after "
                f"{self.monitor.settled_after} conversations; finishing those under way"
            )
        bounds = self.monitor.bounds()
        shown = [
            f"{b.test} [{number(b.lower)}, {number(b.upper)}] vs {number(b.limit)}"
            for b in bounds
            if b.status == "open"
        ]
        return "sequential: " + ("; ".join(shown[:2]) or "every test decided")

    def decision(self) -> SequentialDecision:
        return self.monitor.decision(self.calls, self.tokens)
