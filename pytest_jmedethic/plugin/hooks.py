"""pytest hooks and fixtures: thin glue from pytest to the plugin's session objects.

What every process shares lives in one ``PluginContext``; the process that decides
registers a ``ControllerSession``, each process that runs items a ``WorkerSession`` (the
single process of ``-n 0`` registers both), as pytest-xdist registers its ``DSession`` only
on the controller and its ``WorkerInteractor`` only on workers.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..corpus.schema import Conversation, CorpusError
from ..corpus.selected import empty_selection_message
from ..endpoints.log_scrubbing import hide_in_logs
from ..run.results import ConversationResult
from .collection import benchmark_items, parametrize
from .context import PluginContext
from .controller import ControllerSession
from .options import SettingsError, register
from .settings import load_settings
from .snapshots import BehaviourSnapshot
from .worker import CONVERSATION_FIXTURE, WorkerSession

CONTEXT = pytest.StashKey[PluginContext]()
WORKER = pytest.StashKey[WorkerSession]()


def pytest_addoption(parser: pytest.Parser) -> None:
    register(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings = load_settings(config)
    except SettingsError as exc:
        raise pytest.UsageError(f"jmedethic: {exc}") from None
    hide_in_logs(settings.endpoints())  # the HTTP stack logs every URL it calls
    context = PluginContext(config, settings)
    config.stash[CONTEXT] = context
    unknown = context.unknown_filter_ids()
    if unknown:
        raise pytest.UsageError(f"jmedethic: {unknown}")
    if settings.active:
        context.register_markers()
    if settings.snapshot and settings.selection.is_partial:
        # Snapshots of conversations outside this selection are not unused: syrupy must
        # neither fail on them nor delete them with --snapshot-update.
        config.option.disable_unused_snapshots = True
    _register_sessions(config, context)


def _register_sessions(config: pytest.Config, context: PluginContext) -> None:
    worker = None
    if not context.distributes:
        worker = WorkerSession(context)
        config.stash[WORKER] = worker
        config.pluginmanager.register(worker, "jmedethic-worker")
    if not context.is_worker:
        controller = ControllerSession(context, local_worker=worker)
        config.pluginmanager.register(controller, "jmedethic-controller")
        controller.load_baseline()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if CONVERSATION_FIXTURE not in metafunc.fixturenames:
        return
    context = metafunc.config.stash[CONTEXT]
    try:
        context.register_markers()
        selected = context.corpus().selected
    except CorpusError as exc:
        raise pytest.Collector.CollectError(f"jmedethic: {exc}") from None
    parametrize(metafunc, CONVERSATION_FIXTURE, selected)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    # tryfirst: -k/-m deselection and xdist's collection report must see the benchmark items.
    context = session.config.stash[CONTEXT]
    if not context.settings.active:
        return
    try:
        empty = not context.corpus().selected
    except CorpusError:
        empty = False  # collecting the benchmark module reports the error with its location
    if empty:
        # A release gate that silently runs nothing would pass; a typo must not do that.
        message = empty_selection_message(context.settings.corpus_request, context.catalogue)
        raise pytest.UsageError(f"jmedethic: {message}")
    items.extend(benchmark_items(session))


@pytest.fixture
def jmed_result(
    request: pytest.FixtureRequest, jmed_conversation: Conversation
) -> ConversationResult:
    """The conversation driven through the target and scored by both judges.

    Skips without ``--jmed-model``; errors (never passes) when any turn is unscored.
    """
    return request.config.stash[WORKER].result_for(request.node, jmed_conversation)


@pytest.fixture
def jmed_enforce_thresholds(request: pytest.FixtureRequest) -> bool:
    """False with ``--jmed-gate-only``: then only the session gates decide."""
    return not request.config.stash[CONTEXT].settings.gate_only


@pytest.fixture
def jmed_behaviour_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` with the behaviour extension, or None without ``--jmed-snapshot``."""
    extension = request.config.stash[WORKER].snapshot_extension
    if extension is None:
        return None
    config = request.config
    colors = config.get_terminal_writer().hasmarkup and not getattr(
        config.option, "no_colors", False
    )
    return BehaviourSnapshot(request.getfixturevalue("snapshot").use_extension(extension), colors)
