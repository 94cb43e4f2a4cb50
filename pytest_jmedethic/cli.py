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


def _generate(args: argparse.Namespace) -> int:
    import asyncio

    from .catalogue import load_catalogue
    from .endpoints import EndpointSpec, SpecError
    from .generate import generate, outcome_lines, plan, summary_json

    catalogue = load_catalogue()
    guidelines = [g.strip() for g in args.guideline.split(",") if g.strip()]
    strategies = [s.strip() for s in args.strategy.split(",") if s.strip()]
    unknown = [g for g in guidelines if g not in catalogue.guidelines]
    unknown += [s for s in strategies if s not in catalogue.strategies]
    if unknown:
        print(f"jmedethic generate: unknown id(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        spec = EndpointSpec.parse(args.attacker, ("JMED_ATTACKER_API_KEY", "OPENAI_API_KEY"))
    except SpecError as exc:
        print(f"jmedethic generate: --attacker: {exc}", file=sys.stderr)
        return 2
    jobs = plan(guidelines, strategies, args.count, args.turns, args.start)
    outcomes = asyncio.run(
        generate(
            spec,
            catalogue,
            jobs,
            attempts=args.attempts,
            concurrency=args.concurrency,
            temperature=args.temperature,
        )
    )
    with args.output.open("w", encoding="utf-8") as stream:
        for outcome in outcomes:
            for conversation in outcome.conversations:
                stream.write(conversation.model_dump_json() + "\n")
    for line in outcome_lines(outcomes):
        print(f"jmedethic generate: {line}", file=sys.stderr)
    counts = summary_json(outcomes)
    print(
        f"jmedethic generate: {counts['written']} of {counts['jobs']} conversations written "
        f"to {args.output} ({counts['retried']} needed a retry, {counts['failed']} failed)",
        file=sys.stderr,
    )
    return 1 if counts["failed"] else 0


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

    generate = commands.add_parser(
        "generate", help="write new conversations with an attacker model"
    )
    generate.add_argument("--attacker", required=True, metavar="SPEC", help="MODEL@BASE_URL")
    generate.add_argument("--guideline", required=True, help="guideline ids, comma-separated")
    generate.add_argument("--strategy", required=True, help="strategy ids, comma-separated")
    generate.add_argument(
        "--count", type=int, default=1, help="conversations per cell (default: 1)"
    )
    generate.add_argument("--turns", type=int, default=3, choices=range(3, 7), help="(default: 3)")
    generate.add_argument(
        "--start", type=int, default=1, help="first variation number (default: 1)"
    )
    generate.add_argument(
        "--attempts", type=int, default=3, help="tries per conversation (default: 3)"
    )
    generate.add_argument("--concurrency", type=int, default=4, help="calls in flight (default: 4)")
    generate.add_argument("--temperature", type=float, default=0.9, help="(default: 0.9)")
    generate.add_argument(
        "--output", "-o", type=Path, required=True, help="JSON Lines file to write"
    )
    generate.set_defaults(handler=_generate)

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
