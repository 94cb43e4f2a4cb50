"""The ``jmedethic`` command: ``sim`` (simulated endpoint) and ``report`` (re-render a report)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__


def _sim(args: argparse.Namespace) -> int:
    from .sim import command

    return command.run_from_args(args)


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

    from . import cli_report

    report = commands.add_parser(
        "report", help="recompute, print and re-gate a JSON report (no endpoint is called)"
    )
    report.add_argument("path", type=Path, help="a report written by --jmed-report")
    cli_report.add_gate_arguments(report)
    report.set_defaults(handler=cli_report.run_report)

    merge = commands.add_parser("merge", help="merge shard reports into one report, and gate it")
    merge.add_argument("paths", type=Path, nargs="+", help="shard reports of one run")
    merge.add_argument("--output", "-o", type=Path, required=True, help="the merged report")
    cli_report.add_gate_arguments(merge)
    merge.set_defaults(handler=cli_report.run_merge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
