"""Progress of a long run, as one plain line at most every few seconds.

Plain lines, not a redrawn bar: they read the same in a terminal and in a CI log, and
they do not fight pytest for its own progress output.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.number_format import count, money

DEFAULT_INTERVAL = 10.0  # seconds


def duration(seconds: float) -> str:
    """1h02m, 3m10s, 42s."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class Progress:
    """Counts of a run so far; ``tick`` writes a line when the interval has passed."""

    total: int  # conversations (or jobs) selected
    write: Callable[[str], None]
    interval: float = DEFAULT_INTERVAL
    what: str = "conversations"
    done: int = 0
    calls: int = 0
    tokens: int | None = 0  # None: not counted
    cost: float | None = None  # None: no price known
    extra: str = ""  # e.g. the sequential bound against the margin
    started: float = field(default_factory=time.monotonic)
    _last: float = field(default=0.0, init=False)

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        parts = [
            f"{self.done}/{self.total} {self.what}",
            f"{count(self.calls)} calls ({self.calls / elapsed:.1f}/s)",
        ]
        if self.tokens is not None:
            parts.append(f"{count(self.tokens)} tokens")
        if self.cost is not None:
            parts.append(f"cost {money(self.cost)}")
        if 0 < self.done < self.total:
            parts.append(f"about {duration((self.total - self.done) * elapsed / self.done)} left")
        if self.extra:
            parts.append(self.extra)
        return f"jmedethic: {', '.join(parts)} after {duration(elapsed)}"

    def tick(self, now: float | None = None) -> None:
        """Write the line if ``interval`` seconds have passed since the last (or the start)."""
        now = time.monotonic() if now is None else now
        if self.interval > 0 and now - max(self._last, self.started) >= self.interval:
            self._last = now
            self.write(self.line(now))
