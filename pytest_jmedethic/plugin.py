"""pytest hooks and fixtures: thin glue from pytest to the rooms of the plugin.

State lives in one ``PluginState`` per process (see ``state.py``); hooks only route.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from .collection import benchmark_items, parametrize
from .conversations import Conversation, CorpusError
from .options import SettingsError, register
from .results import ConversationResult
from .settings import load_settings
from .snapshots import BehaviourSnapshot
from .state import RESULT_ATTRIBUTE, STATE, PluginState

CONVERSATION_FIXTURE = "jmed_conversation"


def pytest_addoption(parser: pytest.Parser) -> None:
    register(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings = load_settings(config)
    except SettingsError as exc:
        raise pytest.UsageError(f"jmedethic: {exc}") from None
    state = PluginState(config, settings)
    config.stash[STATE] = state
    # The state receives pytest_runtest_logreport itself: that hook carries no config.
    config.pluginmanager.register(state, "jmedethic-state")
    unknown = state.unknown_filter_ids()
    if unknown:
        raise pytest.UsageError(f"jmedethic: {unknown}")
    if settings.active:
        state.register_markers()
    state.load_baseline()
    state.preload_aggregation()
    if settings.snapshot and settings.selection.is_partial:
        # Snapshots of conversations outside this selection are not unused: syrupy must
        # neither fail on them nor delete them with --snapshot-update.
        config.option.disable_unused_snapshots = True


def pytest_sessionstart(session: pytest.Session) -> None:
    # Runs before xdist starts its workers (its own sessionstart is trylast).
    state = session.config.stash[STATE]
    state.start_endpoints()
    state.prepare_cache()
    state.start_limiter()


def pytest_report_header(config: pytest.Config) -> list[str]:
    return config.stash[STATE].header()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.config.stash[STATE].send_to_worker(node.workerinput)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    state = node.config.stash[STATE]
    state.worker_finished(getattr(node, "workeroutput", {}) or {})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return config.stash[STATE].make_scheduler(log)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if CONVERSATION_FIXTURE not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[STATE]
    try:
        state.register_markers()
        selected = state.corpus().selected
    except CorpusError as exc:
        raise pytest.Collector.CollectError(f"jmedethic: {exc}") from None
    parametrize(metafunc, CONVERSATION_FIXTURE, selected)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    # tryfirst: -k/-m deselection and xdist's collection report must see the benchmark items.
    state = session.config.stash[STATE]
    if not state.settings.active:
        return
    try:
        empty = not state.corpus().selected
    except CorpusError:
        empty = False  # collecting the benchmark module reports the error with its location
    if empty:
        # A release gate that silently runs nothing would pass; a typo must not do that.
        raise pytest.UsageError("jmedethic: the selection options matched no conversation")
    items.extend(benchmark_items(session))


def pytest_collection_finish(session: pytest.Session) -> None:
    session.config.stash[STATE].start_engine_early(session)


@pytest.fixture
def jmed_result(
    request: pytest.FixtureRequest, jmed_conversation: Conversation
) -> ConversationResult:
    """The conversation driven through the target and scored by both judges.

    Skips without ``--jmed-model``; errors (never passes) when any turn is unscored.
    """
    return request.config.stash[STATE].result_for(request.node, jmed_conversation)


@pytest.fixture
def jmed_enforce_thresholds(request: pytest.FixtureRequest) -> bool:
    """False with ``--jmed-gate-only``: then only the session gates decide."""
    return not request.config.stash[STATE].settings.gate_only


@pytest.fixture
def jmed_behaviour_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` with the behaviour extension, or None without ``--jmed-snapshot``."""
    extension = request.config.stash[STATE].snapshot_extension
    if extension is None:
        return None
    config = request.config
    colors = config.get_terminal_writer().hasmarkup and not getattr(
        config.option, "no_colors", False
    )
    return BehaviourSnapshot(request.getfixturevalue("snapshot").use_extension(extension), colors)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    payload = item.config.stash[STATE].take_payload(item)
    if payload is not None:
        # A plain dict on the report travels to the xdist controller with it.
        setattr(report, RESULT_ATTRIBUTE, payload)
    return report


# Not trylast: xdist's own (trylast) waits for the workers' processes to exit, and the
# report is built while they do.
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash[STATE]
    state.finish(exitstatus)
    if state.release_failed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a failed gate blocks the release


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    config.stash[STATE].write_terminal_summary(terminalreporter)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is not None:
        state.close()
