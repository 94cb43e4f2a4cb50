"""``jmedethic merge``: one report from the shard reports of one run, gated."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..plugin.options import SettingsError
from ..report.json_file import ReportError, load_report, write_problem, write_report
from ..report.merge import MergeError, merge_reports
from .regate import RegateError, add_gate_arguments, regate, show


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("merge", help="merge shard reports into one report, and gate it")
    parser.add_argument("paths", type=Path, nargs="+", help="shard reports of one run")
    parser.add_argument("--output", "-o", type=Path, required=True, help="the merged report")
    add_gate_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if (problem := write_problem(args.output)) is not None:  # before reading every shard
        print(f"jmedethic merge: --output: cannot write {args.output}: {problem}", file=sys.stderr)
        return 2
    try:
        shards = [(path, load_report(path)) for path in args.paths]
        # The shards' stored decisions each covered one shard: decide again over the run,
        # under the settings the first shard was gated with.
        regated = regate(
            args,
            merge_reports(shards),
            shards[0][1].release_decision,
            comparison_still_holds=False,
        )
    except (ReportError, MergeError, RegateError) as exc:
        print(f"jmedethic merge: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"jmedethic merge: {exc.for_flag('--')}", file=sys.stderr)
        return 2
    merged = regated.report
    try:
        write_report(merged, args.output)
    except OSError as exc:  # the disk filled, or the folder went, since the check
        print(f"jmedethic merge: --output: cannot write {args.output}: {exc}", file=sys.stderr)
        return 2
    print(
        f"jmedethic merge: {len(merged.conversations)} conversations from "
        f"{len(args.paths)} reports -> {args.output}"
    )
    return show(args, regated)
