"""The release verdict: gates over the summary, and the comparison with a baseline.

Computed from results and settings alone, so the plugin and ``jmedethic report`` (which
re-gates a finished report, possibly with other limits or another baseline) agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .comparison import compare
from .gates import GateSettings, evaluate
from .results import ConversationResult
from .summary import summarize


def release_verdict(
    results: Sequence[ConversationResult],
    gates: GateSettings,
    *,
    baseline: Sequence[ConversationResult] | None = None,
    baseline_label: str | None = None,
    margin: float = 0.5,
    alpha: float = 0.05,
    seed: int = 0,
    summary: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    baseline_metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``summary`` saves recomputing one the caller has; the two metadata let the comparison
    note what besides the model differs between the runs."""
    ordered = sorted(results, key=lambda r: r.id)
    comparison = None
    if baseline is not None:
        comparison = compare(ordered, baseline, margin=margin, alpha=alpha, seed=seed)
        comparison["baseline"] = baseline_label
        if metadata is not None and baseline_metadata is not None:
            comparison["notes"] = comparability_notes(metadata, baseline_metadata)
    checked = evaluate(summary or summarize(ordered), list(ordered), gates, comparison)
    return {
        "settings": {**gates.to_dict(), "margin": margin, "alpha": alpha, "seed": seed},
        "gates": checked,
        "comparison": comparison,
        "passed": all(g["passed"] for g in checked),
    }


def comparability_notes(current: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """What differs between two runs besides the model, and could explain a difference."""
    notes = []
    if current.get("rubric_version") != baseline.get("rubric_version"):
        notes.append(
            f"rubric differs: {baseline.get('rubric_version')} (baseline) vs "
            f"{current.get('rubric_version')} (this run)"
        )
    judges_now = [j.get("model") for j in current.get("judges") or []]
    judges_then = [j.get("model") for j in baseline.get("judges") or []]
    if judges_now != judges_then:
        notes.append(f"judges differ: {judges_then} (baseline) vs {judges_now} (this run)")
    return notes
