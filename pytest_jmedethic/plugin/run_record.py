"""What the controller records about a run beside its results: the metadata (who and what
ran, with which settings) and the run's facts (missing results, calls, cache use)."""

from __future__ import annotations

from collections.abc import Sequence

from ..corpus.schema import CorpusError
from ..endpoints.specs import EndpointSpec
from ..report.model import (
    DatasetRecord,
    EndpointRecord,
    JudgeSettingsRecord,
    RunFacts,
    RunMetadata,
    SelectionRecord,
    TargetSettingsRecord,
)
from ..run.results import ConversationResult
from .context import PluginContext
from .settings import Settings


def _endpoint(spec: EndpointSpec) -> EndpointRecord:
    return EndpointRecord.model_validate(spec.public())


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
        dataset = context.corpus().record()
    except CorpusError as exc:  # already reported as a collection error
        dataset = DatasetRecord(error=str(exc))
    target, judging = settings.target_settings, settings.judge_settings
    return RunMetadata(
        target=_endpoint(settings.target) if settings.target else None,
        judges=[_endpoint(j) for j in settings.judges],
        thresholds=str(settings.thresholds),
        thresholds_described=settings.thresholds.describe(),
        target_settings=TargetSettingsRecord(
            system_prompt=target.system_prompt,
            temperature=target.temperature,
            max_tokens=target.max_tokens,
        ),
        judge_settings=JudgeSettingsRecord(
            temperature=judging.temperature,
            max_tokens=judging.max_tokens,
            attempts=judging.attempts,
            response_format=judging.response_format,
        ),
        selection=_selection(settings),
        dataset=dataset,
        concurrency_per_process=settings.concurrency,
        workers=workers,
    )


def run_facts(
    context: PluginContext,
    results: Sequence[ConversationResult],
    *,
    calls: int,
    interrupted: bool,
) -> RunFacts:
    try:
        selected = [c.id for c in context.corpus().selected]
    except CorpusError:
        selected = []
    have = {r.id for r in results}
    turns = [t for r in results for t in r.turns if t.reply is not None]
    verdicts = [v for r in results for t in r.turns for v in t.verdicts if v.score is not None]
    cache = context.settings.cache_path
    return RunFacts(
        interrupted=interrupted,
        missing=[cid for cid in selected if cid not in have],
        calls_sent=calls,
        replies_cached=sum(t.cached for t in turns),
        replies_live=sum(not t.cached for t in turns),
        verdicts_cached=sum(v.cached for v in verdicts),
        verdicts_live=sum(not v.cached for v in verdicts),
        cache=str(cache) if cache else None,
    )
