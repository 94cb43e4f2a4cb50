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
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis.decision_settings import DecisionSettings
from ..analysis.non_inferiority import BaselineComparison
from ..analysis.release_decision import Baseline, ReleaseDecision, decide_release
from ..analysis.sequential import SequentialDecision, replay
from ..plugin.options import OPTIONS_BY_NAME, convert, defaults
from ..plugin.settings import decision_settings_from_values
from ..report.calibration_text import render_calibration_line
from ..report.html import write_html
from ..report.json_file import ReportError, load_report, write_atomically
from ..report.markdown import render_markdown
from ..report.model import Report
from ..report.terminal import render_decision, render_run, render_summary, render_tokens

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
    outputs = parser.add_argument_group("outputs")
    outputs.add_argument("--markdown", type=Path, help="also write the summary as Markdown here")
    outputs.add_argument(
        "--html",
        type=Path,
        metavar="PATH",
        help="also write the HTML report (decision, plots, every transcript; opens offline)",
    )
    outputs.add_argument(
        "--html-language",
        choices=("ja", "en", "auto"),
        default="auto",
        help="the HTML report's language when it opens "
        "(default: that of most conversations; Japanese on a tie)",
    )
    outputs.add_argument(
        "--html-reply-chars",
        type=int,
        metavar="N",
        help="shorten replies longer than N characters in the HTML (the JSON keeps them whole)",
    )
    outputs.add_argument(
        "--html-link",
        metavar="URL",
        help="where readers will find the HTML report (a CI artifact): the Markdown links it",
    )
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
        "require-calibration": stored.require_calibration,
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


@dataclass(frozen=True)
class Regated:
    report: Report  # with its release decision made again
    baseline: Baseline | None  # the run it was compared with, when that was at hand


def regate(
    args: argparse.Namespace,
    report: Report,
    stored: ReleaseDecision | None,
    *,
    comparison_still_holds: bool,
) -> Regated:
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
        calibration=(report.calibration.passed, report.calibration.failures)
        if report.calibration is not None
        else None,
    )
    return Regated(report.with_decision(decision), baseline)


def _sequential_again(
    settings: DecisionSettings,
    stored: ReleaseDecision | None,
    report: Report,
    baseline: Baseline | None,
) -> SequentialDecision | None:
    """The sequential decision replayed from the conversations in their recorded order; the
    stored one when it compared with a baseline that is not at hand (and the settings are
    the stored ones: other settings would need the baseline)."""
    recorded = stored.sequential if stored else None
    if recorded is None or not settings.sequential:
        return None
    compared = any(b.test == "baseline non-inferiority" for b in recorded.final)
    if compared and baseline is None:
        assert stored is not None
        if settings.model_dump(exclude={"seed"}) != stored.settings.model_dump(exclude={"seed"}):
            raise RegateError(
                "the sequential decision compared with a baseline report that is not at hand: "
                "give it with --baseline to decide again under other gates, margin or alpha"
            )
        return recorded
    paired = {r.id: r for r in baseline.results} if baseline is not None else None
    again = replay(settings, recorded, report.conversations, baseline=paired)
    if again.settled_after == recorded.settled_after:  # what it spent is only known live
        again = again.model_copy(update={"calls": recorded.calls, "tokens": recorded.tokens})
    return again


def show(args: argparse.Namespace, regated: Regated) -> int:
    """Print the summary and the decision (or JSON), write Markdown and HTML; 1 when the
    release is blocked, 2 when an output could not be written."""
    report = regated.report
    decision = report.release_decision
    assert decision is not None
    if args.json:
        shown = {"summary", "tokens", "run", "release_decision"}
        payload = report.model_dump(mode="json", include=shown)
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for line in [
            *render_summary(report.summary, report.metadata, report.cross_lingual),
            *(render_run(report.run) if report.run is not None else []),
            *(render_tokens(report.tokens) if report.tokens is not None else []),
            *render_calibration_line(report.calibration),
            *render_decision(decision),
        ]:
            print(line)
    problems = write_outputs(args, regated)
    for problem in problems:
        print(f"jmedethic: {problem}", file=sys.stderr)
    return 2 if problems else 0 if decision.passed else 1


def write_outputs(args: argparse.Namespace, regated: Regated) -> list[str]:
    """Write the Markdown and HTML asked for; what could not be written."""
    problems = []
    link = args.html_link or (str(args.html) if args.html is not None else None)
    if args.markdown is not None:
        try:
            write_atomically(args.markdown, [render_markdown(regated.report, html_link=link)])
        except OSError as exc:
            problems.append(f"--markdown: cannot write {args.markdown}: {exc.strerror or exc}")
    if args.html is not None:
        language = None if args.html_language == "auto" else args.html_language
        baseline = regated.baseline.results if regated.baseline is not None else None
        try:
            write_html(
                args.html,
                regated.report,
                language=language,
                baseline=baseline,
                reply_chars=args.html_reply_chars,
            )
        except OSError as exc:
            problems.append(f"--html: cannot write {args.html}: {exc.strerror or exc}")
        else:
            print(f"HTML report: {args.html}")
    return problems
