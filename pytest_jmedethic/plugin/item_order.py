"""Which items this process will run next, so their conversations can start early.

pytest runs items one at a time; the engine runs conversations concurrently. To overlap
them, the item being set up hands the engine the conversations of the next items this
process will run: the following items in-process, or the items already queued on an
xdist worker (see ``scheduling`` for how the controller keeps those queues long enough).
"""

from __future__ import annotations

import pytest


def _worker_queue(config: pytest.Config) -> list[int] | None:
    """Indices queued on this xdist worker, current next item first; None when not a worker."""
    if not hasattr(config, "workerinput"):
        return None
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__name__ == "WorkerInteractor" and hasattr(plugin, "torun"):
            with plugin.torun.lock() as queued:
                pending = list(queued)
            following = [getattr(plugin, "nextitem_index", None), *pending]
            return [i for i in following if isinstance(i, int)]
    return None


class ItemOrder:
    """Maps items to their position in ``session.items`` (built once, lazily)."""

    def __init__(self, session: pytest.Session) -> None:
        self.session = session
        self._positions: dict[str, int] | None = None

    def upcoming(self, current: pytest.Item, window: int) -> list[pytest.Item]:
        items = self.session.items
        queued = _worker_queue(self.session.config)
        if queued is not None:
            return [items[i] for i in queued[:window] if 0 <= i < len(items)]
        if self._positions is None:
            self._positions = {item.nodeid: i for i, item in enumerate(items)}
        position = self._positions.get(current.nodeid)
        if position is None:
            return []
        return items[position + 1 : position + 1 + window]
