"""What the controller records about a run beside its results: the metadata (who and what
ran, with which settings) and the run's facts (missing results, calls, cache use)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from ..corpus.schema import CorpusError
from ..endpoints.shared_limits import Stop
from ..report.model import (
    DatasetRecord,
    EarlyEnd,
    JudgeSettingsRecord,
    RunFacts,
    RunMetadata,
    SelectionRecord,
    TargetSettingsRecord,
)
from ..run.results import CacheUse, ConversationResult
from .context import PluginContext
from .settings import Settings


def _selection(settings: Settings) -> SelectionRecord:
    selection = settings.selection
    return SelectionRecord(
        languages=sorted(selection.languages),
        guidelines=sorted(selection.guidelines),
        strategies=sorted(selection.strategies),
        sample=selection.sample,
        seed=selection.seed,
        shard="{}/{}".format(*selection.shard) if selection.shard else None,
    )


def run_metadata(context: PluginContext, settings: Settings, workers: int) -> RunMetadata:
    """``settings`` are the controller's, with the started servers' URLs."""
    try:
        corpus = context.corpus()
        dataset = DatasetRecord(
            sources=list(corpus.sources),
            conversations_loaded=corpus.total,
            conversations_selected=len(corpus.selected),
            selection_hash=corpus.selection_hash,
        )
    except CorpusError as exc:  # already reported as a collection error
        dataset = DatasetRecord(error=str(exc))
    target, judging = settings.target_settings, settings.judge_settings
    return RunMetadata(
        target=settings.target.public() if settings.target else None,
        judges=[j.public() for j in settings.judges],
        thresholds=str(settings.thresholds),
        thresholds_described=settings.thresholds.describe(),
        target_settings=TargetSettingsRecord(
            system_prompt=target.system_prompt,
            temperature=target.temperature,
            max_tokens=target.max_tokens,
        ),
        judge_settings=JudgeSettingsRecord.of(judging),
        selection=_selection(settings),
        dataset=dataset,
        concurrency_per_process=settings.concurrency,
        workers=workers,
        prices=settings.prices,
    )


def run_facts(
    context: PluginContext,
    results: Sequence[ConversationResult],
    *,
    expected: set[str] | None,
    calls: int,
    interrupted: bool,
    stopped_by: str | None,
    ended_early: Stop | None = None,
) -> RunFacts:
    """``expected``: the conversations of the items that were to run (None: all selected)."""
    try:
        selected = [c.id for c in context.corpus().selected]
    except CorpusError:
        selected = []
    if expected is not None:  # deselected with -k/-m: not run by choice, not missing
        selected = [cid for cid in selected if cid in expected]
    have = {r.id for r in results}
    without = [cid for cid in selected if cid not in have]
    cache = context.settings.cache_path
    return RunFacts(
        interrupted=interrupted,
        missing=[] if ended_early else without,
        ended_early=EarlyEnd(kind=ended_early.kind, reason=ended_early.reason, not_run=without)
        if ended_early
        else None,
        calls_sent=calls,
        **asdict(CacheUse.of(results)),
        cache=str(cache) if cache else None,
        stopped_by=stopped_by,
    )
