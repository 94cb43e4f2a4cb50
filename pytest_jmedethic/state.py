"""Per-process plugin state: settings, corpus, engine, and (on the controller) results.

The hooks in ``plugin.py`` delegate here. Workers drive conversations and attach each
result to its pytest report as a plain dict; the controller (or the single process with
``-n 0``) collects those dicts, so both modes aggregate the same data.

Aggregation, reports and rendering (numpy, scipy) are imported only where they run, on
the controller: every xdist worker would otherwise spend half a second importing scipy
before it sends its first request.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

import pytest

from . import heap
from .cache import ResponseCache
from .catalogue import Catalogue, load_catalogue
from .collection import Corpus, load_selected, marker_names
from .conversations import Conversation, CorpusError
from .endpoints import EndpointError, check_endpoints
from .engine import Engine
from .failures import unscored_error
from .limits import LimiterService
from .lookahead import ItemOrder, make_scheduler
from .managed import WORKERINPUT_KEY, ManagedEndpoints
from .results import ConversationResult
from .retry import FatalEndpointError
from .settings import Settings
from .snapshots import configured

STATE = pytest.StashKey["PluginState"]()
RESULT_ATTRIBUTE = "jmedethic_result"
LIMITER_KEY = "jmedethic_limiter"
CALLS_KEY = "jmedethic_calls"
_RESULT = pytest.StashKey[ConversationResult]()
_SENT = pytest.StashKey[bool]()
_ABORTED = (
    pytest.ExitCode.INTERRUPTED,
    pytest.ExitCode.INTERNAL_ERROR,
    pytest.ExitCode.USAGE_ERROR,
)
NO_TARGET = (
    "no target model: pass --jmed-model=MODEL@BASE_URL (or sim:PROFILE) to run the benchmark"
)


class PluginState:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
        self.managed = ManagedEndpoints()
        self.limiter: LimiterService | None = None
        self.limiter_address: str | None = (self.workerinput or {}).get(LIMITER_KEY)
        self.calls = 0  # requests sent by every process (the controller adds the workers')
        if self.workerinput is not None and self.workerinput.get(WORKERINPUT_KEY):
            self.managed = ManagedEndpoints.from_wire(self.workerinput[WORKERINPUT_KEY])
            self.settings = self.managed.resolve(settings)
        self._corpus: Corpus | None = None
        self._engine: Engine | None = None
        self._order: ItemOrder | None = None
        self._consumers: Counter[str] | None = None
        self.results: dict[str, ConversationResult] = {}
        self.report: dict[str, Any] | None = None
        self.baseline: list[ConversationResult] | None = None
        self.baseline_metadata: dict[str, Any] = {}
        self._markers_registered = False
        self._snapshot_extension: type | None = None

    @property
    def snapshot_extension(self) -> type | None:
        if not self.settings.snapshot:
            return None
        if self._snapshot_extension is None:
            self._snapshot_extension = configured(
                self.settings.snapshot_dir, self.settings.gates.bands, self.settings.snapshot_text
            )
        return self._snapshot_extension

    @property
    def catalogue(self) -> Catalogue:
        return load_catalogue()

    @property
    def is_worker(self) -> bool:
        return self.workerinput is not None

    @property
    def will_run(self) -> bool:
        return self.settings.target is not None and not self.config.option.collectonly

    def register_markers(self) -> None:
        """Register the selection markers (before any is used, for --strict-markers)."""
        if not self._markers_registered:
            for name, description in marker_names(self.catalogue):
                self.config.addinivalue_line("markers", f"{name}: {description}")
            self._markers_registered = True

    def unknown_filter_ids(self) -> str | None:
        """Describe guideline or strategy ids in the selection options that do not exist."""
        selection, catalogue = self.settings.selection, None
        problems = []
        for option, wanted, known_of in (
            ("--jmed-guideline", selection.guidelines, lambda c: c.guidelines),
            ("--jmed-strategy", selection.strategies, lambda c: c.strategies),
        ):
            if wanted:
                catalogue = catalogue or self.catalogue
                unknown = sorted(wanted - set(known_of(catalogue)))
                if unknown:
                    problems.append(f"{option}: unknown id(s) {', '.join(unknown)}")
        return "; ".join(problems) or None

    def preload_aggregation(self) -> None:
        """Import the aggregation modules now, on the controller, rather than after the run.

        Workers never import them; the controller will, and doing it before the session
        keeps it out of the time between the last reply and the summary.
        """
        if not self.is_worker and self.will_run:
            from . import render, report, verdict  # noqa: F401

    def load_baseline(self) -> None:
        """Read the baseline report once, on the controller, before anything runs."""
        if self.settings.baseline is None or self.is_worker:
            return
        from .report import ReportError, load_report

        try:
            data, self.baseline = load_report(self.settings.baseline)
        except ReportError as exc:
            raise pytest.UsageError(f"jmedethic: --jmed-baseline: {exc}") from None
        self.baseline_metadata = data.get("metadata", {})

    # --- corpus -----------------------------------------------------------------------
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = load_selected(self.settings, self.catalogue)
        return self._corpus

    # --- endpoints --------------------------------------------------------------------
    def start_endpoints(self) -> None:
        """Start managed endpoints and check every endpoint once, before any item runs."""
        if self.is_worker or not self.will_run:
            return
        try:
            self.settings = self.managed.start(self.settings)
        except (OSError, RuntimeError) as exc:
            raise pytest.UsageError(
                f"jmedethic: could not start a managed endpoint: {exc}"
            ) from None
        roles = [("target", self.settings.target)] + [
            (f"judge {i}", spec) for i, spec in enumerate(self.settings.judges, start=1)
        ]
        try:
            check_endpoints(
                [(role, spec) for role, spec in roles if spec is not None],
                timeout=min(self.settings.timeout, 15.0),
            )
        except EndpointError as exc:
            raise pytest.UsageError(f"jmedethic: {exc}") from None

    def prepare_cache(self) -> None:
        """Create the cache file once, on the controller, before workers open it together."""
        if self.settings.cache_path is not None and not self.is_worker and self.will_run:
            try:
                ResponseCache(self.settings.cache_path).close()
            except (OSError, sqlite3.Error) as exc:
                raise pytest.UsageError(
                    f"jmedethic: --jmed-cache: cannot use {self.settings.cache_path}: {exc}"
                ) from None

    def start_limiter(self) -> None:
        """One limiter for the whole run, in the controller, whatever -n is."""
        if self.settings.limits and not self.is_worker and self.will_run:
            self.limiter = LimiterService(self.settings.limits)
            self.limiter_address = self.limiter.address

    def send_to_worker(self, workerinput: dict[str, Any]) -> None:
        workerinput[WORKERINPUT_KEY] = self.managed.to_wire()
        workerinput[LIMITER_KEY] = self.limiter_address

    def worker_finished(self, workeroutput: dict[str, Any]) -> None:
        self.calls += int(workeroutput.get(CALLS_KEY, 0))

    def close(self) -> None:
        """The session is over: stop what this process started, give the heap back."""
        if self.limiter is not None:
            self.limiter.close()
        self.managed.stop()
        if not self.is_worker:  # the process may go on (pytester, an embedding tool)
            heap.thaw()

    def make_scheduler(self, log: Any) -> Any:
        if self.settings.target is None or self.config.getvalue("dist") != "load":
            return None
        return make_scheduler(self.config, log, window=self.window)

    @property
    def window(self) -> int:
        return 2 * self.settings.concurrency

    def header(self) -> list[str]:
        settings = self.settings
        if settings.target is None:
            return ["jmedethic: no target model (benchmark items are skipped or not collected)"]
        judges = ", ".join(str(j) for j in settings.judges)
        return [
            f"jmedethic: target {settings.target}; judges {judges}",
            f"jmedethic: thresholds {settings.thresholds.describe()}; "
            f"concurrency {settings.concurrency} per process",
        ]

    # --- running ----------------------------------------------------------------------
    def _engine_for_session(self, session: pytest.Session) -> Engine:
        if self._engine is None:
            # What is alive now (modules, items, the corpus) lives until the end: out of
            # the collector's reach, it is not walked during the run nor at a worker's exit.
            heap.freeze()
            self._engine = Engine(self.settings.run_config(self.limiter_address), self.catalogue)
            self._order = ItemOrder(session)
            self._consumers = Counter(
                conversation.id
                for item in session.items
                if (conversation := _conversation_of(item))
            )
        return self._engine

    def start_engine_early(self, session: pytest.Session) -> None:
        """On an xdist worker, open the clients while the controller schedules the items."""
        if self.is_worker and self.will_run and session.items:
            self._engine_for_session(session)

    def result_for(self, item: pytest.Item, conversation: Conversation) -> ConversationResult:
        if self.settings.target is None:
            pytest.skip(NO_TARGET)
        engine = self._engine_for_session(item.session)
        assert self._order is not None and self._consumers is not None
        for upcoming in self._order.upcoming(item, self.window):
            if (queued := _conversation_of(upcoming)) is not None:
                engine.submit(queued)
        try:
            result = engine.submit(conversation).result()
        except FatalEndpointError as exc:
            # Will not heal: stop the session (every worker) with this one message.
            item.session.shouldstop = f"jmedethic: {exc}"
            pytest.fail(f"jmedethic: stopping the run: {exc}", pytrace=False)
        self._consumers[conversation.id] -= 1
        if self._consumers[conversation.id] <= 0:
            engine.forget(conversation.id)
        item.stash[_RESULT] = result
        if result.outcome == "error":
            pytest.fail(unscored_error(result), pytrace=False)
        return result

    def take_payload(self, item: pytest.Item) -> dict[str, Any] | None:
        """The item's result as plain data, handed out once per item."""
        result = item.stash.get(_RESULT, None)
        if result is None or item.stash.get(_SENT, False):
            return None
        item.stash[_SENT] = True
        return result.model_dump(mode="json")

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, RESULT_ATTRIBUTE, None)
        if payload is not None and not self.is_worker:
            result = ConversationResult.model_validate(payload)
            self.results.setdefault(result.id, result)

    # --- end of session ---------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "target": settings.target.public() if settings.target else None,
            "judges": [j.public() for j in settings.judges],
            "thresholds": str(settings.thresholds),
            "thresholds_described": settings.thresholds.describe(),
            "target_settings": {
                "system_prompt": settings.target_settings.system_prompt,
                "temperature": settings.target_settings.temperature,
                "max_tokens": settings.target_settings.max_tokens,
            },
            "judge_settings": {
                "temperature": settings.judge_settings.temperature,
                "max_tokens": settings.judge_settings.max_tokens,
                "attempts": settings.judge_settings.attempts,
                "response_format": settings.judge_settings.response_format,
            },
            "selection": {
                "languages": sorted(settings.selection.languages),
                "guidelines": sorted(settings.selection.guidelines),
                "strategies": sorted(settings.selection.strategies),
                "sample": settings.selection.sample,
                "seed": settings.selection.seed,
                "shard": "{}/{}".format(*settings.selection.shard)
                if settings.selection.shard
                else None,
            },
            "dataset": self._dataset_metadata(),
            "concurrency_per_process": settings.concurrency,
            "workers": _worker_count(self.config),
        }

    def _dataset_metadata(self) -> dict[str, Any]:
        try:
            return self.corpus().metadata()
        except CorpusError as exc:  # already reported as a collection error
            return {"error": str(exc)}

    def finish(self, exitstatus: int) -> None:
        if self._engine is not None:
            self.calls += self._engine.calls
            self._engine.close()
            self._engine = None
        if self.is_worker and self.workerinput is not None:
            self.config.workeroutput[CALLS_KEY] = self.calls  # type: ignore[attr-defined]
        if self.is_worker or not self.will_run:
            return
        if not self.results and exitstatus in _ABORTED:
            return  # nothing ran (e.g. a collection error): an empty summary would only distract
        from .report import build_report, write_report
        from .verdict import release_verdict

        results = list(self.results.values())
        self.report = build_report(results, self.metadata())
        self.report["run"] = self.run_facts(results, exitstatus)
        self.report["verdict"] = release_verdict(
            results,
            self.settings.gates,
            baseline=self.baseline,
            baseline_label=str(self.settings.baseline) if self.settings.baseline else None,
            margin=self.settings.margin,
            alpha=self.settings.alpha,
            seed=self.settings.selection.seed,
            summary=self.report["summary"],
            metadata=self.report["metadata"],
            baseline_metadata=self.baseline_metadata,
        )
        if self.settings.report is not None:
            write_report(self.report, self.settings.report)

    def run_facts(self, results: list[ConversationResult], exitstatus: int) -> dict[str, Any]:
        """What happened to the run, beside the scores: missing results, calls, cache use."""
        try:
            selected = [c.id for c in self.corpus().selected]
        except CorpusError:
            selected = []
        have = {r.id for r in results}
        missing = [cid for cid in selected if cid not in have]
        turns = [t for r in results for t in r.turns if t.reply is not None]
        verdicts = [v for r in results for t in r.turns for v in t.verdicts if v.score is not None]
        return {
            "interrupted": exitstatus == pytest.ExitCode.INTERRUPTED,
            "missing": missing,
            "calls_sent": self.calls,
            "replies_cached": sum(t.cached for t in turns),
            "replies_live": sum(not t.cached for t in turns),
            "verdicts_cached": sum(v.cached for v in verdicts),
            "verdicts_live": sum(not v.cached for v in verdicts),
            "cache": str(self.settings.cache_path) if self.settings.cache_path else None,
        }

    @property
    def release_failed(self) -> bool:
        return self.report is not None and not self.report["verdict"]["passed"]

    def write_terminal_summary(self, reporter: Any) -> None:
        if self.report is None:
            return
        from .render import render_run, render_summary, render_verdict

        reporter.write_sep("=", "jmedethic summary")
        for line in render_summary(self.report["summary"], self.report["metadata"]):
            reporter.write_line(line)
        for line in render_run(self.report["run"]):
            reporter.write_line(line, yellow=line.startswith("Missing"))
        for line in render_verdict(self.report["verdict"]):
            reporter.write_line(line, red=line.startswith(("  FAIL", "Release verdict: FAILED")))
        if self.settings.report is not None:
            reporter.write_line(f"JSON report: {self.settings.report}")


def _conversation_of(item: pytest.Item) -> Conversation | None:
    """The conversation an item drives, if it uses the ``jmed_result`` fixture."""
    if "jmed_result" not in getattr(item, "fixturenames", ()):
        return None
    callspec = getattr(item, "callspec", None)
    conversation = callspec.params.get("jmed_conversation") if callspec else None
    return conversation if isinstance(conversation, Conversation) else None


def _worker_count(config: pytest.Config) -> int:
    value = getattr(config.option, "numprocesses", None)
    return int(value) if isinstance(value, int) else 0
