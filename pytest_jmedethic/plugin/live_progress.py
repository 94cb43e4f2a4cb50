"""The controller's progress line: results as they arrive, calls, tokens, cost, time left."""

from __future__ import annotations

from typing import Any

from ..report.progress import Progress
from ..run.results import ConversationResult
from .settings import Settings


class LiveProgress:
    def __init__(self, reporter: Any, settings: Settings, total: int) -> None:
        self.settings = settings
        priced = all(s.model in settings.prices for s in settings.endpoints())

        def write(line: str) -> None:
            # pytest's progress dots (xdist's too) may have left the line open.
            if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
                reporter.write("\n")
            reporter.write_line(line)

        self.progress = Progress(
            total=total, write=write, interval=settings.progress, cost=0.0 if priced else None
        )

    @classmethod
    def start(cls, config: Any, settings: Settings, total: int) -> LiveProgress | None:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None or settings.progress <= 0:
            return None
        return cls(reporter, settings, total)

    def expect(self, total: int) -> None:
        self.progress.total = total

    def advance(self, result: ConversationResult, done: int, calls: int) -> None:
        """Count one more result; write the line when it is time."""
        from ..analysis.costs import token_use

        target = self.settings.target.model if self.settings.target else "?"
        use = token_use([result], target, self.settings.prices).total
        progress = self.progress
        progress.done, progress.calls = done, calls
        progress.tokens = (progress.tokens or 0) + use.usage.tokens
        if progress.cost is not None and use.cost is not None:
            progress.cost += use.cost
        progress.tick()
