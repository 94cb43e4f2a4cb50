"""Run many conversations concurrently in one process.

``Engine`` runs them on a private event loop in a daemon thread, so synchronous pytest items
can hand work to it and wait for their own result. At most ``concurrency`` conversations are
in flight; a conversation started early (prefetched for an item still to come) is driven
once however many items use it, and its result is dropped once every one of them has taken
it, so a long run does not keep every transcript in memory.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Mapping
from typing import Any

from ..corpus.catalogue import Catalogue
from ..corpus.schema import Conversation
from ..endpoints.retry import FatalEndpointError
from .config import RunConfig
from .connections import Connections
from .conversation import drive
from .results import ConversationResult


class RunStopped(Exception):
    """The conversation was not started: the run is ending (a budget, a settled decision)."""


class Engine:
    """Runs conversations concurrently on a private event loop in a daemon thread.

    ``consumers`` says how many times each conversation's result will be taken (one per
    item that uses it; one for a conversation not listed). ``submit`` and ``take`` are
    thread-safe, and ``submit`` is idempotent per conversation id.
    """

    def __init__(
        self,
        config: RunConfig,
        catalogue: Catalogue,
        consumers: Mapping[str, int] | None = None,
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self._waiting: dict[str, int] = dict(consumers or {})
        self._futures: dict[str, concurrent.futures.Future[ConversationResult]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="jmedethic-engine", daemon=True
        )
        self._thread.start()
        self.fatal: str | None = None
        self._connections: Connections = self._call(self._open())
        self._slots = self._call(self._make_semaphore())

    def _call(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self) -> Connections:
        connections = Connections.for_config(self.config)
        if connections.limiter is not None:
            await connections.limiter.connect()  # to hear of a stop before anything starts
        return connections

    async def _make_semaphore(self) -> asyncio.Semaphore:
        return asyncio.Semaphore(self.config.concurrency)

    async def _run(self, conversation: Conversation) -> ConversationResult:
        async with self._slots:
            if self.fatal is not None:  # no new work once an endpoint has failed for good
                raise FatalEndpointError(self.fatal)
            if (stopped := self._connections.stopped) is not None:
                raise RunStopped(stopped)
            try:
                guideline = self.catalogue.guidelines[conversation.guideline_id]
                return await drive(conversation, guideline, self._connections, self.config)
            except FatalEndpointError as exc:
                self.fatal = self.fatal or str(exc)
                raise

    def submit(self, conversation: Conversation) -> concurrent.futures.Future[ConversationResult]:
        """Start driving the conversation now (if not started yet); its future result."""
        with self._lock:
            future = self._futures.get(conversation.id)
            if future is None:
                future = asyncio.run_coroutine_threadsafe(self._run(conversation), self._loop)
                self._futures[conversation.id] = future
            return future

    def take(self, conversation: Conversation) -> ConversationResult:
        """Wait for the conversation's result; the last of its consumers releases it.

        Raises ``FatalEndpointError`` when an endpoint failed for good.
        """
        result = self.submit(conversation).result()
        with self._lock:
            left = self._waiting.get(conversation.id, 1) - 1
            self._waiting[conversation.id] = left
            if left <= 0:
                self._futures.pop(conversation.id, None)
                del self._waiting[conversation.id]
        return result

    @property
    def calls(self) -> int:
        """Requests sent to endpoints by this process (cache hits excluded, retries included)."""
        return self._connections.calls

    def close(self) -> None:
        if not self._loop.is_running():
            return
        with self._lock:
            pending = [f for f in self._futures.values() if not f.done()]
        for future in pending:
            future.cancel()
        try:
            self._call(self._connections.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
