"""Reports still on their way when a run is interrupted under xdist.

A signal turned into ``KeyboardInterrupt`` stops xdist's loop wherever it is: reports a
worker sent just before may still be on the wire, or already taken off xdist's queue but
not yet handed on. The controller drains them before it writes the report, so that every
conversation a worker finished is kept.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from typing import Any

DRAIN_SECONDS = 3.0  # at most, after an interrupt, for reports still on their way
DRAIN_QUIET_SECONDS = 0.3  # no report for this long: none is on its way


class RememberingQueue:
    """xdist's event queue, remembering the event taken last.

    A signal turned into ``KeyboardInterrupt`` can land after xdist's loop has taken a
    worker's report off the queue and before it hands it on; the controller's drain then
    handles that one too (handling a report twice is harmless: results are kept by id).
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.last: tuple[str, dict[str, Any]] | None = None

    def get(self, *args: Any, **kwargs: Any) -> Any:
        event = self.inner.get(*args, **kwargs)
        self.last = event
        return event

    def get_nowait(self) -> Any:
        return self.get(block=False)

    def put(self, *args: Any, **kwargs: Any) -> None:
        self.inner.put(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def remember_taken_events(dsession: Any) -> None:
    """Wrap xdist's event queue (where it runs) so the drain sees the event taken last."""
    events = getattr(dsession, "queue", None)
    if events is not None and not isinstance(events, RememberingQueue):
        dsession.queue = RememberingQueue(events)


def pending_events(dsession: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The event xdist took last (handling it twice is harmless: results are kept by id),
    then whatever arrives until a short quiet spell."""
    events = getattr(dsession, "queue", None)
    if events is None:
        return
    if isinstance(events, RememberingQueue) and events.last is not None:
        yield events.last
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        try:
            yield events.get(timeout=DRAIN_QUIET_SECONDS)
        except queue.Empty:
            return
