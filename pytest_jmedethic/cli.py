"""The ``jmedethic`` command: ``sim`` (simulated endpoint) and ``report`` (re-render a report)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__


def _sim(args: argparse.Namespace) -> int:
    from .sim import command

    return command.run_from_args(args)


def _report(args: argparse.Namespace) -> int:
    from .render import render_summary
    from .report import ReportError, load_report
    from .summary import summarize

    try:
        data, results = load_report(args.path)
    except ReportError as exc:
        print(f"jmedethic report: {exc}", file=sys.stderr)
        return 2
    summary = summarize(results)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        for line in render_summary(summary, data.get("metadata", {})):
            print(line)
    stored = data.get("summary")
    if stored is not None and json.dumps(stored, sort_keys=True) != json.dumps(
        summary, sort_keys=True
    ):
        print(
            "jmedethic report: warning: the summary stored in the report differs from the one "
            "recomputed from its conversations (edited file, or another plugin version)",
            file=sys.stderr,
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jmedethic",
        description="pytest-jmedethic tools (run the benchmark itself with pytest)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    sim = commands.add_parser("sim", help="serve the simulated OpenAI-compatible endpoint")
    from .sim import command

    command.add_arguments(sim)
    sim.set_defaults(handler=_sim)

    corpus = commands.add_parser("corpus", help="build, count and validate conversations")
    from . import cli_corpus

    cli_corpus.add_arguments(corpus)

    report = commands.add_parser("report", help="recompute and print the summary of a JSON report")
    report.add_argument("path", type=Path, help="a report written by --jmed-report")
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    report.set_defaults(handler=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
