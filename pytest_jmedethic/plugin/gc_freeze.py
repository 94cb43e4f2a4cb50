"""Keeping the garbage collector off what lives for the whole session.

A run makes a large heap once (the corpus, its items, the HTTP stack's modules) and keeps
it to the end. Left to the cyclic collector, every full collection walks all of it and
finds nothing to free: half the time of loading a large corpus, a few tenths of a second
when an xdist worker starts and again when the controller writes its report. So bulk work
runs with the collector paused, and what it made is then frozen (``gc.freeze``): moved
out of the collector's reach rather than walked once more. ``thaw`` gives it back at the
end of the session, for processes that go on (pytester, a tool that embeds pytest).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_frozen = False  # the collector's state is process-wide, and so is this


def freeze() -> None:
    """Move everything alive now out of the collector's reach until ``thaw``."""
    global _frozen
    gc.freeze()
    _frozen = True


def thaw() -> None:
    """Hand what ``freeze`` moved back to the collector (a no-op if nothing was frozen)."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the collector while long-lived objects are made in bulk, then freeze them.

    Without the freeze, the first collection after the pause would walk every object made
    during it (hundreds of thousands for a large corpus) to find them all alive.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze()
        if enabled:
            gc.enable()
