"""The reports ``jmedethic compare`` reads, checked to be comparable (``cli.compare`` names
and loads them).

Models can only be ranked on one scale: reports scored by other judges or another rubric
version are refused unless the user accepts it (then every output says so), and reports
gated with other per-turn thresholds are refused outright, since their pass rates would
mean different things.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..analysis.between_models import PairTest
from ..analysis.model_comparison import ModelComparison, compare_models
from ..judging.bands import Bands
from .model import Report


class ComparisonError(ValueError):
    """Reports that cannot be compared as asked; the message says which and why."""


@dataclass(frozen=True)
class NamedReport:
    name: str
    path: Path
    report: Report


def comparability_notes(named: Sequence[NamedReport], allow_different_judges: bool) -> list[str]:
    """What differs between the runs; raises ``ComparisonError`` for what may not."""
    first = named[0]
    notes = []
    for other in named[1:]:
        mine, theirs = first.report.metadata, other.report.metadata
        if mine.thresholds != theirs.thresholds:
            raise ComparisonError(
                f"{other.name} ({other.path}) was run with thresholds {theirs.thresholds}, "
                f"{first.name} ({first.path}) with {mine.thresholds}: their pass rates would "
                "mean different things; run them with the same --jmed-thresholds"
            )
        judged_then = [j.model for j in theirs.judges], theirs.rubric_version
        judged_now = [j.model for j in mine.judges], mine.rubric_version
        if judged_then != judged_now:
            what = (
                f"{other.name} was scored by {', '.join(judged_then[0])} under rubric "
                f"{judged_then[1]}, {first.name} by {', '.join(judged_now[0])} under rubric "
                f"{judged_now[1]}"
            )
            if not allow_different_judges:
                raise ComparisonError(
                    f"{what}: scores of different judges are not on one scale; rerun with the "
                    "same judges, or pass --allow-different-judges to compare anyway"
                )
            notes.append(f"DIFFERENT JUDGES: {what}; the scores are not on one scale")
    for entry in named:
        run = entry.report.run
        if run is not None and run.incomplete:
            notes.append(f"{entry.name}: {run.incomplete}")
    return notes


def compare_reports(
    named: Sequence[NamedReport],
    *,
    groups: Mapping[str, Sequence[str]],
    test: PairTest,
    bands: Bands,
    seed: int,
    allow_different_judges: bool,
) -> ModelComparison:
    notes = comparability_notes(named, allow_different_judges)
    shared = set.intersection(*({c.id for c in n.report.conversations} for n in named))
    if not shared:  # every table would be empty and every test undefined
        counts = ", ".join(f"{n.name} {len(n.report.conversations)}" for n in named)
        raise ComparisonError(
            f"no conversation is in every report ({counts} conversations): compare runs "
            "over the same corpus selection"
        )
    return compare_models(
        {n.name: n.report.conversations for n in named},
        sources={
            n.name: (
                str(n.path),
                n.report.metadata.target.model if n.report.metadata.target else "?",
            )
            for n in named
        },
        groups=groups,
        test=test,
        bands=bands,
        seed=seed,
        notes=notes,
    )
