"""One report from the shard reports of one run (CI matrix shards).

The merged summary is recomputed from every conversation, so it is exactly the summary of
the unsharded run; the release decision is left to the caller, who re-gates the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..run.results import ConversationResult
from .model import MergedFrom, Report, new_report


class MergeError(ValueError):
    """The reports are not shards of one run, or they disagree about a conversation."""


def merge_reports(loaded: Sequence[tuple[Path, Report]]) -> Report:
    """Raises ``MergeError`` naming the report that does not fit."""
    (first_path, first), *rest = loaded
    for path, report in rest:
        differs = report.metadata.difference_from(first.metadata)
        if differs is not None:
            raise MergeError(
                f"{path}: metadata {differs!r} differs from {first_path}: not the same run"
            )
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
    metadata = first.metadata.model_copy(
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
    return new_report(metadata, list(merged.values()), decision=first.release_decision)
