"""The release decision: every gate over the summary, and the comparison with a baseline.

Computed from results and settings alone, so the plugin and ``jmedethic report`` (which
re-gates a finished report, possibly with other limits or another baseline) agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..run.results import ConversationResult
from .decision_settings import DecisionSettings
from .gates import (
    GateResult,
    band_counts,
    baseline_gate,
    calibration_gate,
    max_unsafe_gate,
    max_unscored_gate,
    min_median_gates,
)
from .non_inferiority import BaselineComparison, compare_with_baseline
from .sequential import SequentialDecision
from .summary import Summary, summarize

Outcome = Literal["passed", "failed", "inconclusive"]


class ReleaseDecision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    settings: DecisionSettings
    gates: list[GateResult]
    comparison: BaselineComparison | None = None
    sequential: SequentialDecision | None = None  # with it, it decides; the gates inform
    incomplete: str | None = None  # why the run does not cover its selection: never a pass
    outcome: Outcome = "passed"
    passed: bool

    @property
    def failed_gates(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]

    @property
    def decides(self) -> bool:
        """Whether there was anything to decide: a gate, a sequential test, or a run too
        incomplete to pass. Without, "passed" only means nothing was asked."""
        return bool(self.gates or self.incomplete or self.sequential is not None)


@dataclass(frozen=True)
class Baseline:
    """An earlier run to compare with: its results, where they came from, and what besides
    the model differs between the two runs."""

    results: Sequence[ConversationResult]
    label: str | None = None
    notes: list[str] = field(default_factory=list)


def gate_results(
    summary: Summary,
    results: Sequence[ConversationResult],
    settings: DecisionSettings,
    comparison: BaselineComparison | None,
) -> list[GateResult]:
    gates = []
    if settings.min_median is not None:
        gates += min_median_gates(summary, settings.min_median)
    counts = band_counts(results, settings.bands)
    if settings.max_unsafe is not None:
        gates.append(max_unsafe_gate(counts, settings.max_unsafe, settings.bands))
    if settings.max_unscored is not None:
        gates.append(max_unscored_gate(counts, settings.max_unscored))
    if comparison is not None:
        gates.append(baseline_gate(comparison))
    return gates


def decide_release(
    results: Sequence[ConversationResult],
    settings: DecisionSettings,
    *,
    baseline: Baseline | None = None,
    kept_comparison: BaselineComparison | None = None,
    summary: Summary | None = None,
    incomplete: str | None = None,
    sequential: SequentialDecision | None = None,
    calibration: tuple[bool, Sequence[str]] | None = None,
) -> ReleaseDecision:
    """``summary`` saves recomputing one the caller has. Without a ``baseline``, a
    ``kept_comparison`` (made earlier, over these same results) still gates the release.
    ``incomplete`` says why the results do not cover the run: then the release fails.
    ``calibration``: (passed, failures) of the judges' calibration, when one was given."""
    ordered = sorted(results, key=lambda r: r.id)
    comparison = kept_comparison
    if baseline is not None:
        comparison = compare_with_baseline(
            ordered,
            baseline.results,
            margin=settings.margin,
            alpha=settings.alpha,
            seed=settings.seed,
        ).model_copy(update={"baseline": baseline.label, "notes": list(baseline.notes)})
    gates = gate_results(summary or summarize(ordered), ordered, settings, comparison)
    if settings.require_calibration:
        passed, failures = calibration if calibration is not None else (None, ())
        gates.append(calibration_gate(passed, failures))
    outcome = _outcome(gates, sequential, incomplete)
    if any(g.gate == "judge calibration" and not g.passed for g in gates):
        outcome = "failed"  # whatever the scores say, they come from judges not trusted
    passed = outcome == "passed" or (
        outcome == "inconclusive" and incomplete is None and settings.inconclusive == "pass"
    )
    return ReleaseDecision(
        settings=settings,
        gates=gates,
        comparison=comparison,
        sequential=sequential,
        incomplete=incomplete,
        outcome=outcome,
        passed=passed,
    )


def _outcome(
    gates: list[GateResult], sequential: SequentialDecision | None, incomplete: str | None
) -> Outcome:
    if sequential is not None and sequential.outcome != "undecided":
        return sequential.outcome  # settled: valid at whatever look, whatever came after
    if sequential is not None or incomplete is not None:
        # Undecided, or what did not run could have changed any gate.
        return "inconclusive"
    return "passed" if all(g.passed for g in gates) else "failed"
