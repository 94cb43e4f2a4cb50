"""Re-gating a report: the gate flags ``jmedethic report`` and ``merge`` share, the release
decision made again under them, and what is printed.

The flags mean what the plugin's ``--jmed-*`` options of the same names mean, and are
validated by the same code (``decision_settings_from_values``); a flag not given keeps the
value stored in the report. A baseline comparison is never dropped by re-gating: without
``--baseline``, the baseline report named in the stored comparison is read again, and if
it is not at hand the stored comparison is kept as it was made.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..analysis.decision_settings import DecisionSettings
from ..analysis.non_inferiority import BaselineComparison
from ..analysis.release_decision import Baseline, ReleaseDecision, decide_release
from ..analysis.sequential import SequentialDecision, replay
from ..plugin.options import OPTIONS_BY_NAME, convert, defaults
from ..plugin.settings import decision_settings_from_values
from ..report.json_file import ReportError, load_report
from ..report.markdown import render_markdown
from ..report.model import Report
from ..report.terminal import render_decision, render_summary

GATE_FLAGS = (
    "gate-min-median",
    "gate-max-unsafe",
    "gate-max-unscored",
    "bands",
    "margin",
    "alpha",
    "inconclusive",
)


class RegateError(ValueError):
    """The release decision cannot be made again as asked; the message says what to give."""


def add_gate_arguments(parser: argparse.ArgumentParser) -> None:
    gates = parser.add_argument_group("gates (default: those stored in the report)")
    gates.add_argument("--baseline", type=Path, help="an earlier report to compare against")
    for name in GATE_FLAGS:
        option = OPTIONS_BY_NAME[name]
        gates.add_argument(f"--{name}", metavar=option.metavar, help=option.help)
    parser.add_argument("--markdown", type=Path, help="also write the summary as Markdown here")
    parser.add_argument(
        "--json", action="store_true", help="print the summary and release decision as JSON"
    )


def _stored_values(stored: DecisionSettings | None) -> dict[str, Any]:
    if stored is None:
        return {}
    return {
        "gate-min-median": str(stored.min_median) if stored.min_median else None,
        "gate-max-unsafe": stored.max_unsafe,
        "gate-max-unscored": stored.max_unscored,
        "bands": str(stored.bands),
        "margin": stored.margin,
        "alpha": stored.alpha,
        "sequential": stored.sequential,
        "inconclusive": stored.inconclusive,
    }


def chosen_settings(args: argparse.Namespace, stored: DecisionSettings | None) -> DecisionSettings:
    """The stored settings, with what the flags change; ``SettingsError`` if a flag is bad."""
    values = {**defaults(), **_stored_values(stored)}
    for name in GATE_FLAGS:
        given = getattr(args, name.replace("-", "_"))
        if given is not None:
            values[name] = convert(OPTIONS_BY_NAME[name], given)
    return decision_settings_from_values(values, seed=stored.seed if stored else 0)


def _read_baseline(path: Path, report: Report) -> Baseline:
    earlier = load_report(path)
    return Baseline(
        earlier.conversations,
        label=str(path),
        notes=report.metadata.comparability_notes(earlier.metadata),
    )


def _kept(comparison: BaselineComparison, settings: DecisionSettings) -> BaselineComparison:
    if (comparison.margin, comparison.alpha) == (settings.margin, settings.alpha):
        return comparison
    note = (
        f"kept as stored (baseline report {comparison.baseline} not at hand): margin "
        f"{comparison.margin:g} and alpha {comparison.alpha:g}, not the ones asked for"
    )
    return comparison.model_copy(update={"notes": [*comparison.notes, note]})


def regate(
    args: argparse.Namespace,
    report: Report,
    stored: ReleaseDecision | None,
    *,
    comparison_still_holds: bool,
) -> Report:
    """The report with its release decision made again under the chosen settings.

    ``comparison_still_holds``: the stored comparison was made over these conversations (a
    report re-read), not over a part of them (a shard being merged).
    """
    settings = chosen_settings(args, stored.settings if stored else None)
    earlier = stored.comparison if stored else None
    baseline = kept = None
    if args.baseline is not None:
        baseline = _read_baseline(args.baseline, report)
    elif earlier is not None and earlier.baseline is not None:
        try:
            baseline = _read_baseline(Path(earlier.baseline), report)
        except ReportError as exc:
            if not comparison_still_holds:
                raise RegateError(
                    f"the run was compared with a baseline that cannot be read here ({exc}); "
                    "give it with --baseline"
                ) from None
            kept = _kept(earlier, settings)
    decision = decide_release(
        report.conversations,
        settings,
        baseline=baseline,
        kept_comparison=kept,
        summary=report.summary,
        incomplete=report.run.incomplete if report.run else None,
        sequential=_sequential_again(settings, stored, report, baseline),
    )
    return report.with_decision(decision)


def _sequential_again(
    settings: DecisionSettings,
    stored: ReleaseDecision | None,
    report: Report,
    baseline: Baseline | None,
) -> SequentialDecision | None:
    """The sequential decision replayed from the conversations in their recorded order; the
    stored one when it compared with a baseline that is not at hand."""
    recorded = stored.sequential if stored else None
    if recorded is None or not settings.sequential:
        return None
    compared = any(b.test == "baseline non-inferiority" for b in recorded.final)
    if compared and baseline is None:
        return recorded
    paired = {r.id: r for r in baseline.results} if baseline is not None else None
    again = replay(settings, recorded, report.conversations, baseline=paired)
    if again.settled_after == recorded.settled_after:  # what it spent is only known live
        again = again.model_copy(update={"calls": recorded.calls, "tokens": recorded.tokens})
    return again


def show(args: argparse.Namespace, report: Report) -> int:
    """Print the summary and the decision (or JSON), write Markdown; 1 when a gate fails."""
    decision = report.release_decision
    assert decision is not None
    if args.json:
        payload = report.model_dump(mode="json", include={"summary", "release_decision"})
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for line in [
            *render_summary(report.summary, report.metadata),
            *render_decision(decision),
        ]:
            print(line)
    if args.markdown is not None:
        args.markdown.write_text(render_markdown(report), "utf-8")
    return 0 if decision.passed else 1
