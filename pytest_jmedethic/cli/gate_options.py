"""The gate flags ``jmedethic report`` and ``merge`` share, and what they print.

The flags mean what the plugin's ``--jmed-*`` options of the same names mean, and are
validated by the same code (``plugin.settings.decision_settings``); a flag not given keeps
the value stored in the report.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..analysis.release_decision import Baseline, DecisionSettings, decide_release
from ..plugin.options import OPTIONS_BY_NAME, convert, defaults
from ..plugin.settings import decision_settings
from ..report.json_file import load_report
from ..report.markdown import render_markdown
from ..report.model import Report
from ..report.terminal import render_decision, render_summary

GATE_FLAGS = ("gate-min-median", "gate-max-unsafe", "gate-max-unscored", "bands", "margin", "alpha")


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
    }


def chosen_settings(args: argparse.Namespace, report: Report) -> DecisionSettings:
    """The report's stored settings, with what the flags change; ``SettingsError`` if bad."""
    stored = report.release_decision.settings if report.release_decision else None
    values = {**defaults(), **_stored_values(stored)}
    for name in GATE_FLAGS:
        given = getattr(args, name.replace("-", "_"))
        if given is not None:
            values[name] = convert(OPTIONS_BY_NAME[name], given)
    return decision_settings(values, seed=stored.seed if stored else 0)


def redecide(args: argparse.Namespace, report: Report) -> Report:
    """The report with its release decision made again under the chosen settings."""
    baseline = None
    if args.baseline is not None:
        earlier = load_report(args.baseline)
        baseline = Baseline(
            earlier.conversations,
            label=str(args.baseline),
            notes=report.metadata.comparability_notes(earlier.metadata),
        )
    decision = decide_release(
        report.conversations,
        chosen_settings(args, report),
        baseline=baseline,
        summary=report.summary,
    )
    return report.with_decision(decision)


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
