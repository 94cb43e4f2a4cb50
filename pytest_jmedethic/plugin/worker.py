"""The session object of a process that runs benchmark items: an xdist worker, or the single
process of ``-n 0`` (where the controller's object runs beside it).

It drives conversations through the engine, prefetching those of the items queued next,
hands each item its result, attaches the result to the item's report as plain data (xdist
carries it to the controller), and at the end says how many requests it sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest

from ..corpus.schema import Conversation
from ..endpoints.retry import FatalEndpointError
from ..endpoints.servers.session import SessionServers
from ..run.engine import Engine, RunStopped
from ..run.results import ConversationResult
from . import gc_freeze
from .context import NO_TARGET, PluginContext
from .failure_messages import unscored_error
from .item_order import ItemOrder
from .settings import Settings
from .snapshots import BehaviourSnapshotExtension, configured
from .stop_signals import StopSignals
from .xdist_messages import CALLS_ATTRIBUTE, CALLS_KEY, RESULT_ATTRIBUTE, Handoff

CONVERSATION_FIXTURE = "jmed_conversation"
RESULT_FIXTURE = "jmed_result"
_RESULT = pytest.StashKey[ConversationResult]()
_SENT = pytest.StashKey[bool]()


class WorkerSession:
    def __init__(self, context: PluginContext) -> None:
        self.context = context
        self.settings: Settings = context.settings
        self.limiter_address: str | None = None
        self.calls = 0  # requests this process sent
        self._engine: Engine | None = None
        self._order: ItemOrder | None = None
        self._snapshot_extension: type[BehaviourSnapshotExtension] | None = None
        self.signals = StopSignals()
        workerinput = getattr(context.config, "workerinput", None)
        if workerinput is not None:
            self.connect(Handoff.from_wire(workerinput))
            if context.will_run:  # the controller's own handler covers a single process
                self.signals.install()

    def connect(self, handoff: Handoff) -> None:
        """Take the started servers' URLs and the limiter's address from the controller."""
        servers = SessionServers.from_wire(handoff.servers)
        if self.settings.target is not None:
            self.settings = self.settings.with_endpoints(
                servers.resolve(self.settings.target),
                tuple(servers.resolve(j) for j in self.settings.judges),
            )
        self.limiter_address = handoff.limiter_address

    @property
    def window(self) -> int:
        """How many upcoming items' conversations are started ahead of their turn."""
        return 2 * self.settings.concurrency

    @property
    def snapshot_extension(self) -> type[BehaviourSnapshotExtension] | None:
        if not self.settings.snapshot:
            return None
        if self._snapshot_extension is None:
            self._snapshot_extension = configured(
                self.settings.snapshot_dir,
                self.settings.decision.bands,
                self.settings.snapshot_text,
            )
        return self._snapshot_extension

    def _engine_for(self, session: pytest.Session) -> Engine:
        if self._engine is None:
            # What is alive now (modules, items, the corpus) lives until the end: out of
            # the collector's reach, it is not walked during the run nor at a worker's exit.
            gc_freeze.freeze()
            consumers = Counter(
                conversation.id
                for item in session.items
                if (conversation := conversation_of(item)) is not None
            )
            self._engine = Engine(
                self.settings.run_config(self.limiter_address), self.context.catalogue, consumers
            )
            self._order = ItemOrder(session)
        return self._engine

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # On an xdist worker, open the clients while the controller schedules the items.
        if self.context.is_worker and self.context.will_run and session.items:
            self._engine_for(session)

    def result_for(self, item: pytest.Item, conversation: Conversation) -> ConversationResult:
        """The item's conversation, driven and scored; fails the item when it is unscored."""
        if self.settings.target is None:
            pytest.skip(NO_TARGET)
        engine = self._engine_for(item.session)
        assert self._order is not None
        engine.submit(conversation)  # first: the item waiting now goes before its successors
        for upcoming in self._order.upcoming(item, self.window):
            if (queued := conversation_of(upcoming)) is not None:
                engine.submit(queued)
        try:
            result = engine.take(conversation)
        except RunStopped as exc:
            # The run is ending by design; this process runs no further item.
            item.session.shouldstop = f"jmedethic: {exc}"
            pytest.skip(f"not run: {exc}")
        except FatalEndpointError as exc:
            # Will not heal: stop the session (every worker) with this one message.
            item.session.shouldstop = f"jmedethic: {exc}"
            pytest.fail(f"jmedethic: stopping the run: {exc}", pytrace=False)
        item.stash[_RESULT] = result
        if result.outcome == "error":
            pytest.fail(unscored_error(result), pytrace=False)
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item) -> Generator[None, Any, Any]:
        report = yield
        result = item.stash.get(_RESULT, None)
        if result is not None and not item.stash.get(_SENT, False):
            # Once per item: a plain dict on the report travels to the xdist controller.
            item.stash[_SENT] = True
            setattr(report, RESULT_ATTRIBUTE, result.model_dump(mode="json"))
            if self._engine is not None:
                setattr(report, CALLS_ATTRIBUTE, self._engine.calls)
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self) -> None:
        self.finish()

    def finish(self) -> None:
        """Close the engine and count its calls; once (in a single process the controller
        calls it first, to see every call)."""
        if self._engine is not None:
            self.calls += self._engine.calls
            self._engine.close()
            self._engine = None
        if self.context.is_worker:
            self.context.config.workeroutput[CALLS_KEY] = self.calls  # type: ignore[attr-defined]

    @pytest.hookimpl
    def pytest_unconfigure(self) -> None:
        self.signals.restore()


def conversation_of(item: pytest.Item) -> Conversation | None:
    """The conversation an item drives, if it uses the ``jmed_result`` fixture."""
    if RESULT_FIXTURE not in getattr(item, "fixturenames", ()):
        return None
    callspec = getattr(item, "callspec", None)
    conversation = callspec.params.get(CONVERSATION_FIXTURE) if callspec else None
    return conversation if isinstance(conversation, Conversation) else None
