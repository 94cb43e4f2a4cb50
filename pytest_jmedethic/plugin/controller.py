"""The session object of the process that decides: the xdist controller, or the single
process of ``-n 0`` (where the workers' object runs beside it).

Before the run it starts the servers the settings need, checks every endpoint once,
creates the response cache and starts the shared rate limiter, and hands their addresses
to the workers. During the run it collects each conversation's result from the test
reports. At the end it builds the report (summary, release decision, run facts), writes
it, prints the summary, and makes pytest fail when the release decision does.

Aggregation, reports and rendering (numpy, scipy) are imported only here: every xdist
worker would otherwise spend half a second importing scipy before its first request.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..corpus.schema import CorpusError
from ..endpoints.errors import EndpointError
from ..endpoints.probe import probe_endpoints
from ..endpoints.response_cache import cache_problem
from ..endpoints.servers.session import SessionServers
from ..endpoints.shared_limits import SharedLimits, Stop
from ..run.results import ConversationResult
from . import gc_freeze
from .calibration_check import attached_calibration
from .context import PluginContext
from .interrupted_reports import pending_events, remember_taken_events
from .junit_decision import record_release_decision
from .live_progress import LiveProgress
from .outputs import (
    check_outputs,
    header_lines,
    html_location,
    report_location,
    write_html_file,
    write_report_file,
)
from .scheduling import make_scheduler
from .stop_signals import StopSignals
from .worker import WorkerSession, conversation_of
from .xdist_messages import (
    CALLS_ATTRIBUTE,
    CALLS_KEY,
    RESULT_ATTRIBUTE,
    Handoff,
    conversation_ids,
    worker_count,
)

if TYPE_CHECKING:
    from ..report.model import CalibrationLine, Report
    from .sequential_run import SequentialRun

_ABORTED = (
    pytest.ExitCode.INTERRUPTED,
    pytest.ExitCode.INTERNAL_ERROR,
    pytest.ExitCode.USAGE_ERROR,
)


class ControllerSession:
    def __init__(self, context: PluginContext, local_worker: WorkerSession | None) -> None:
        self.context = context
        self.settings = context.settings
        self.local_worker = local_worker  # the in-process runner of -n 0, if any
        self.servers = SessionServers()
        self.limiter: SharedLimits | None = None
        self.worker_calls: dict[str, int] = {}  # requests sent, per xdist worker
        self.signals = StopSignals()
        self.results: dict[str, ConversationResult] = {}
        self.tokens = 0  # of the results so far: what a sequential decision records it took
        self.expected: set[str] | None = None  # conversation ids of the items that will run
        self.report: Report | None = None  # once built, at the end
        self.baseline: Report | None = None  # the earlier run compared with, when given
        self.progress: LiveProgress | None = None  # the live line, on long runs
        self.sequential: SequentialRun | None = None  # with --jmed-sequential
        self.calibration: CalibrationLine | None = None  # with --jmed-calibration
        self.report_path: Path | None = None  # where the report was written
        self.report_problem: str | None = None  # why not where it was asked for
        self.html_problem: str | None = None  # why the HTML report was not written
        self.started = False  # an item began: a stop from now on must still write a report
        if context.will_run:
            # Before the session, not in the time between the last reply and the summary.
            for module in ("report.json_file", "report.terminal", "analysis.release_decision"):
                importlib.import_module(f"pytest_jmedethic.{module}")

    # --- before the run ---------------------------------------------------------------
    def load_baseline(self) -> None:
        """Read the baseline report once, before anything runs."""
        if self.settings.baseline is None:
            return
        from ..report.json_file import ReportError, load_report

        try:
            self.baseline = load_report(self.settings.baseline)
        except ReportError as exc:
            raise pytest.UsageError(f"jmedethic: --jmed-baseline: {exc}") from None

    @pytest.hookimpl
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Runs before xdist starts its workers (its own sessionstart is trylast).
        if not self.context.will_run:
            return
        self.signals.install()
        remember_taken_events(self.context.config.pluginmanager.get_plugin("dsession"))
        check_outputs(self.settings, self.context.config)
        self._start_servers()
        self.calibration = attached_calibration(self.settings)
        self._check_endpoints()
        self._prepare_cache()
        if self.settings.shares_limits:  # one service for the whole run, whatever -n is
            self.limiter = SharedLimits(self.settings.limits, self.settings.budget)
        if self.local_worker is not None:
            self.local_worker.connect(self.handoff())
        try:
            total = len(self.context.corpus().selected)
        except CorpusError:
            total = 0
        self.progress = LiveProgress.start(self.context.config, self.settings, total)

    def _start_servers(self) -> None:
        try:
            self.servers.start(self.settings.endpoints(), self.settings.servers)
        except (OSError, RuntimeError) as exc:
            raise pytest.UsageError(
                f"jmedethic: could not start a managed endpoint: {exc}"
            ) from None
        assert self.settings.target is not None
        self.settings = self.settings.with_endpoints(
            self.servers.resolve(self.settings.target),
            tuple(self.servers.resolve(j) for j in self.settings.judges),
        )

    def _check_endpoints(self) -> None:
        """Every endpoint once, before any item runs: a wrong URL, key, model or query
        string fails here, once, not on every item."""
        roles = [("target", self.settings.target)] + [
            (f"judge {i}", spec) for i, spec in enumerate(self.settings.judges, start=1)
        ]
        try:
            probe_endpoints(
                [(role, spec) for role, spec in roles if spec is not None],
                timeout=min(self.settings.timeout, 60.0),
                chat=self.settings.probe,
            )
        except EndpointError as exc:
            raise pytest.UsageError(f"jmedethic: {exc}") from None

    def _prepare_cache(self) -> None:
        """Create the cache file once, before workers open it together."""
        path = self.settings.cache_path
        if path is None:
            return
        problem = cache_problem(path)
        if problem is not None:
            raise pytest.UsageError(f"jmedethic: --jmed-cache: cannot use {path}: {problem}")

    def handoff(self) -> Handoff:
        """What a worker needs from this process: the servers' URLs, the limiter's address."""
        return Handoff(self.servers.to_wire(), self.limiter.address if self.limiter else None)

    @pytest.hookimpl
    def pytest_report_header(self) -> list[str]:
        return header_lines(self.settings)

    # --- xdist ------------------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput.update(self.handoff().to_wire())

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any) -> None:
        final = (getattr(node, "workeroutput", None) or {}).get(CALLS_KEY)
        if final is not None:
            self._count_calls(node.gateway.id, int(final))

    def _count_calls(self, worker: str, calls: int) -> None:
        self.worker_calls[worker] = max(self.worker_calls.get(worker, 0), calls)

    def _drain_pending_reports(self) -> None:
        """What the workers sent but xdist had not handed on when the run was interrupted."""
        dsession = self.context.config.pluginmanager.get_plugin("dsession")
        for name, kwargs in pending_events(dsession):
            self._handle_event(name, kwargs)

    def _handle_event(self, name: str, kwargs: dict[str, Any]) -> None:
        if name == "testreport":
            self.pytest_runtest_logreport(kwargs["rep"])
        elif name == "workerfinished":
            self.pytest_testnodedown(kwargs["node"])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if self.settings.target is None or config.getvalue("dist") != "load":
            return None
        return make_scheduler(config, log, window=2 * self.settings.concurrency)

    # --- which conversations will run (after -k/-m deselection) -----------------------
    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.local_worker is not None:  # this process collected the items it will run
            found = (conversation_of(item) for item in session.items)
            self._expect({c.id for c in found if c is not None})

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if self.expected is None:  # every worker collects the same items
            try:
                selected = {c.id for c in self.context.corpus().selected}
            except CorpusError:
                selected = set()
            self._expect(conversation_ids(ids, selected))

    def _expect(self, conversations: set[str]) -> None:
        self.expected = conversations
        if self.progress is not None:
            self.progress.expect(len(conversations))
        if self.settings.decision.sequential and self.context.will_run:
            self._start_sequential(conversations)

    def _start_sequential(self, expected: set[str]) -> None:
        from ..analysis.sequential import turn_positions_to_test
        from .sequential_run import SequentialRun  # numpy, scipy: the controller only

        running = [c for c in self.context.corpus().selected if c.id in expected]
        baseline = {r.id: r for r in self.baseline.conversations} if self.baseline else None

        def stop(reason: str) -> None:
            if self.limiter is not None:
                self.limiter.stop("decision", reason)

        self.sequential = SequentialRun(
            self.settings.decision,
            [c.id for c in running],
            turn_positions_to_test([len(c.turns) for c in running]),
            baseline,
            stop,
        )

    # --- during the run ---------------------------------------------------------------
    @pytest.hookimpl
    def pytest_runtest_logstart(self) -> None:
        self.started = True

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, RESULT_ATTRIBUTE, None)
        if payload is not None:
            result = ConversationResult.model_validate(payload)
            if result.id not in self.results:
                self.tokens += result.usage.tokens if result.usage is not None else 0
            self.results.setdefault(result.id, result)
        calls = getattr(report, CALLS_ATTRIBUTE, None)
        if calls is not None:
            self._count_calls(getattr(report, "worker_id", "local"), int(calls))
        calls_so_far = sum(self.worker_calls.values())
        if payload is not None and self.sequential is not None:
            self.sequential.add(result, calls_so_far, self.tokens)
        if payload is not None and self.progress is not None:
            if self.sequential is not None:
                self.progress.progress.extra = self.sequential.progress()
            self.progress.advance(result, len(self.results), calls_so_far)

    # --- after the run ----------------------------------------------------------------
    # A wrapper: the report is built before every other plugin's sessionfinish (pytest's
    # JUnit XML then holds the release decision; xdist's own waits for the workers to
    # exit), and the exit status is settled after them all (syrupy ORs its own into it).
    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(
        self, session: pytest.Session, exitstatus: int
    ) -> Generator[None, None, None]:
        settled = self._finish(session, exitstatus)
        try:
            return (yield)
        finally:
            if settled is not None:
                session.exitstatus = settled

    def _finish(self, session: pytest.Session, exitstatus: int) -> pytest.ExitCode | None:
        """Build and write the report; the exit status when the run's end decides it."""
        if self.local_worker is not None:
            self.local_worker.finish()
            self._count_calls("local", self.local_worker.calls)
        if not self.context.will_run:
            return None
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            self._drain_pending_reports()
        ended_early = self.limiter.stopped if self.limiter is not None else None
        if not self.started and exitstatus in _ABORTED and ended_early is None:
            return None  # nothing ran (a collection error): an empty summary would distract
        self.report = self._build_report(exitstatus, ended_early)
        if self.settings.report is not None:
            self.report_path, self.report_problem = write_report_file(self.report, self.settings)
        if self.settings.html is not None:
            baseline = self.baseline.conversations if self.baseline is not None else None
            self.html_problem = write_html_file(self.report, self.settings, baseline)
        decision = self.report.release_decision
        record_release_decision(self.context.config, decision)
        blocked = decision is not None and not decision.passed
        if ended_early is not None:
            # The run stopped itself (pytest calls that interrupted): its decision decides.
            settled = pytest.ExitCode.TESTS_FAILED if blocked else pytest.ExitCode.OK
            session.exitstatus = settled
            return settled
        if blocked and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a failed gate blocks the release
        return None

    def _build_report(self, exitstatus: int, ended_early: Stop | None) -> Report:
        from ..analysis.release_decision import Baseline, decide_release
        from ..analysis.summary import summarize
        from ..report.model import new_report
        from .run_record import run_facts, run_metadata

        results = list(self.results.values())
        metadata = run_metadata(
            self.context,
            self.settings,
            worker_count(getattr(self.context.config.option, "tx", None) or [])
            if self.context.distributes
            else 0,
        )
        baseline = None
        if self.baseline is not None:
            baseline = Baseline(
                self.baseline.conversations,
                label=str(self.settings.baseline),
                notes=metadata.comparability_notes(self.baseline.metadata),
            )
        summary = summarize(results)
        facts = run_facts(
            self.context,
            results,
            expected=self.expected,
            calls=sum(self.worker_calls.values()),
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED and ended_early is None,
            stopped_by=self.signals.received,
            ended_early=ended_early,
        )
        decision = decide_release(
            results,
            self.settings.decision,
            baseline=baseline,
            summary=summary,
            incomplete=facts.incomplete,
            sequential=self.sequential.decision() if self.sequential else None,
            calibration=(self.calibration.passed, self.calibration.failures)
            if self.calibration
            else None,
        )
        return new_report(
            metadata,
            results,
            run=facts,
            decision=decision,
            summary=summary,
            calibration=self.calibration,
        )

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        from .summary_writer import write_summary  # the renderings: imported at the end

        locations = []
        if self.settings.report is not None:
            line = report_location(self.settings, self.report_path, self.report_problem)
            locations.append((line, self.report_problem is not None))
        if self.settings.html is not None:
            line = html_location(self.settings, self.report_path, self.html_problem)
            locations.append((line, self.html_problem is not None))
        write_summary(terminalreporter, self.report, locations)

    @pytest.hookimpl
    def pytest_unconfigure(self) -> None:
        """The session is over: stop what this process started, give the heap back."""
        self.signals.restore()
        if self.limiter is not None:
            self.limiter.close()
        self.servers.stop()
        gc_freeze.thaw()  # the process may go on (pytester, an embedding tool)
