"""The xdist scheduler of benchmark runs: ``--dist load`` with a lookahead window.

Each worker keeps the conversations of its queued items in flight (see ``item_order``).
With plain ``--dist load`` a worker's queue can shrink to two items, and xdist's own
heuristics hand out up to a quarter of the run at once, which at the end leaves one worker
with whole extra waves of conversations while the others sit idle. Used on the controller
only: workers never import xdist's scheduler.
"""

from __future__ import annotations

from typing import Any

import pytest


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
