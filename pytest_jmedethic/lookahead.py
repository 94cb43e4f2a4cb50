"""Which items this process will run next, so their conversations can start early.

pytest runs items one at a time; the engine runs conversations concurrently. To overlap
them, the item being set up hands the engine the conversations of the next items this
process will run: the following items in-process, or the items already queued on an
xdist worker. With ``--dist load`` a worker's queue can shrink to two items, so
``LookaheadScheduling`` keeps each worker's queue as long as the lookahead window.
"""

from __future__ import annotations

from typing import Any

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


def make_scheduler(config: pytest.Config, log: Any, window: int) -> Any:
    # Imported here: only the xdist controller schedules, and workers start faster without it.
    try:
        from xdist.scheduler import LoadScheduling
    except ImportError:  # pragma: no cover - xdist is a dependency
        return None

    class LookaheadScheduling(LoadScheduling):  # type: ignore[misc,valid-type]
        """``--dist load`` that keeps each worker's queue at the lookahead window.

        Long enough for the engine to keep its conversations in flight; short enough that
        the workers run out of work together. xdist's own heuristics hand out up to a
        quarter of the run at once, which at the end leaves one worker with whole extra
        waves of conversations while the others sit idle.
        """

        def schedule(self) -> None:
            if self.collection is not None or not self.collection_is_completed:
                super().schedule()
                return
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            self.collection = next(iter(self.node2collection.values()))
            self.pending[:] = range(len(self.collection))
            share = -(-len(self.pending) // len(self.nodes))  # even shares when it all fits
            for node in self.nodes:
                self._send_tests(node, min(window, share))
            if not self.pending:
                for node in self.nodes:
                    node.shutdown()

        def check_schedule(self, node: Any, duration: float = 0) -> None:
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            missing = window - len(self.node2pending[node])
            if missing > 0:
                self._send_tests(node, missing)

    return LookaheadScheduling(config, log)
