"""``jmedethic report``: recompute, print and re-gate a JSON report (no endpoint is called)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..plugin.options import SettingsError
from ..report.json_file import ReportError, load_report
from .regate import RegateError, add_gate_arguments, regate, show


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "report", help="recompute, print and re-gate a JSON report (no endpoint is called)"
    )
    parser.add_argument("path", type=Path, help="a report written by --jmed-report")
    add_gate_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        stored = load_report(args.path)
        fresh = stored.recomputed()
        consistent = fresh.summary == stored.summary and stored.tokens in (None, fresh.tokens)
        regated = regate(
            args,
            fresh,
            stored.release_decision,
            comparison_still_holds=True,
        )
    except (ReportError, RegateError) as exc:
        print(f"jmedethic report: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"jmedethic report: {exc.for_flag('--')}", file=sys.stderr)
        return 2
    status = show(args, regated)
    if not consistent:
        print(
            "jmedethic report: the summary stored in the report differs from the one recomputed "
            "from its conversations (edited file, or another plugin version)",
            file=sys.stderr,
        )
        return 1
    return status
