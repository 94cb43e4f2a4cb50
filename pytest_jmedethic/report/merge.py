"""One report from the shard reports of one run (CI matrix shards).

The merged summary is recomputed from every conversation, so it is exactly the summary of
the unsharded run. Shards of one run must all be there; the release decision is left to
the caller, who makes it again over the whole run (a shard's decision covered one shard).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ..run.results import CacheUse, ConversationResult
from .model import EarlyEnd, MergedFrom, Report, RunFacts, new_report


class MergeError(ValueError):
    """The reports are not shards of one run, or they disagree about a conversation."""


def _check_one_run(loaded: Sequence[tuple[Path, Report]]) -> None:
    first_path, first = loaded[0]
    for path, report in loaded[1:]:
        differs = report.metadata.difference_from(first.metadata)
        if differs is not None:
            raise MergeError(
                f"{path}: metadata {differs!r} differs from {first_path}: not the same run"
            )


def _check_every_shard(loaded: Sequence[tuple[Path, Report]]) -> None:
    """Shards K/N of one run: all N of them, or the merged run would pass on a part."""
    shards = {path: report.metadata.selection.shard for path, report in loaded}
    if not any(shards.values()):
        return
    whole = [str(path) for path, shard in shards.items() if shard is None]
    if whole:
        raise MergeError(f"{', '.join(whole)}: not a shard, but the other reports are")
    counts = {shard.split("/")[1] for shard in shards.values() if shard}
    if len(counts) != 1:
        raise MergeError(f"shards of different splits: {sorted(set(shards.values()))}")
    total = int(counts.pop())
    present = {int(shard.split("/")[0]) for shard in shards.values() if shard}
    missing = sorted(set(range(1, total + 1)) - present)
    if missing:
        shown = ", ".join(f"{k}/{total}" for k in missing)
        raise MergeError(f"shard(s) {shown} missing: merge every shard of the run")


def _conversations(loaded: Sequence[tuple[Path, Report]]) -> list[ConversationResult]:
    merged: dict[str, ConversationResult] = {}
    origin: dict[str, Path] = {}
    for path, report in loaded:
        for result in report.conversations:
            known = merged.get(result.id)
            if known is not None and known != result:
                raise MergeError(
                    f"{path}: conversation {result.id} differs from the one in {origin[result.id]}"
                )
            merged[result.id], origin[result.id] = result, path
    return list(merged.values())


def _run(
    loaded: Sequence[tuple[Path, Report]], conversations: list[ConversationResult]
) -> RunFacts | None:
    """The shards' facts together; None when a shard did not record them (a merged report)."""
    facts = [report.run for _, report in loaded]
    if any(f is None for f in facts):
        return None
    known = [f for f in facts if f is not None]
    return RunFacts(
        interrupted=any(f.interrupted for f in known),
        missing=sorted({cid for f in known for cid in f.missing}),
        calls_sent=sum(f.calls_sent for f in known),
        **asdict(CacheUse.of(conversations)),
        cache=known[0].cache,
        stopped_by=next((f.stopped_by for f in known if f.stopped_by), None),
        ended_early=_early_end([f.ended_early for f in known if f.ended_early is not None]),
    )


def _early_end(ends: Sequence[EarlyEnd]) -> EarlyEnd | None:
    """A shard that stopped itself leaves the whole run short: never drop it in a merge."""
    if not ends:
        return None
    reasons = list(dict.fromkeys(end.reason for end in ends))
    return EarlyEnd(
        kind="budget" if any(end.kind == "budget" for end in ends) else "decision",
        reason="; ".join(reasons),
        not_run=sorted({cid for end in ends for cid in end.not_run}),
    )


def merge_reports(loaded: Sequence[tuple[Path, Report]]) -> Report:
    """Raises ``MergeError`` naming the report that does not fit."""
    _check_one_run(loaded)
    _check_every_shard(loaded)
    conversations = _conversations(loaded)
    metadata = loaded[0][1].metadata.model_copy(
        update={
            "merged_from": [
                MergedFrom(
                    path=str(path),
                    shard=report.metadata.selection.shard,
                    conversations=len(report.conversations),
                )
                for path, report in loaded
            ]
        }
    )
    return new_report(metadata, conversations, run=_run(loaded, conversations))
