"""``jmedethic generate``: new conversations written by an attacker model."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

ATTACKER_KEY_ENV = ("JMED_ATTACKER_API_KEY", "OPENAI_API_KEY")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("generate", help="write new conversations with an attacker model")
    parser.add_argument("--attacker", required=True, metavar="SPEC", help="MODEL@BASE_URL")
    parser.add_argument("--guideline", required=True, help="guideline ids, comma-separated")
    parser.add_argument("--strategy", required=True, help="strategy ids, comma-separated")
    parser.add_argument("--count", type=int, default=1, help="conversations per cell (default: 1)")
    parser.add_argument("--turns", type=int, default=3, choices=range(3, 7), help="(default: 3)")
    parser.add_argument("--start", type=int, default=1, help="first variation number (default: 1)")
    parser.add_argument(
        "--attempts", type=int, default=3, help="tries per conversation (default: 3)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="calls in flight (default: 4)")
    parser.add_argument("--temperature", type=float, default=0.9, help="(default: 0.9)")
    parser.add_argument(
        "--progress",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds between progress lines on stderr; 0 for none (default: 10)",
    )
    parser.add_argument("--output", "-o", type=Path, required=True, help="JSON Lines file to write")
    parser.set_defaults(handler=run)


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    # Imported here: the openai client is not needed by the other subcommands.
    from ..corpus.catalogue import load_catalogue
    from ..corpus.generation import GenerationCounts, Outcome, generate, outcome_lines, plan
    from ..endpoints.specs import EndpointSpec, SpecError
    from ..report.progress import Progress

    catalogue = load_catalogue()
    guidelines, strategies = _ids(args.guideline), _ids(args.strategy)
    unknown = [g for g in guidelines if g not in catalogue.guidelines]
    unknown += [s for s in strategies if s not in catalogue.strategies]
    if unknown:
        print(f"jmedethic generate: unknown id(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        spec = EndpointSpec.parse(args.attacker, ATTACKER_KEY_ENV)
    except SpecError as exc:
        print(f"jmedethic generate: --attacker: {exc}", file=sys.stderr)
        return 2
    jobs = plan(guidelines, strategies, args.count, args.turns, args.start)
    progress = Progress(
        total=len(jobs),
        write=lambda line: print(line, file=sys.stderr, flush=True),
        interval=args.progress,
        what="conversation pairs",
        tokens=None,
    )

    def done(outcome: Outcome) -> None:
        progress.done += 1
        progress.calls += outcome.attempts
        progress.tick()

    outcomes = asyncio.run(
        generate(
            spec,
            catalogue,
            jobs,
            attempts=args.attempts,
            concurrency=args.concurrency,
            temperature=args.temperature,
            on_done=done,
        )
    )
    with args.output.open("w", encoding="utf-8") as stream:
        for outcome in outcomes:
            for conversation in outcome.conversations:
                stream.write(conversation.model_dump_json() + "\n")
    for line in outcome_lines(outcomes):
        print(f"jmedethic generate: {line}", file=sys.stderr)
    counts = GenerationCounts.of(outcomes)
    print(
        f"jmedethic generate: {counts.written} of {counts.jobs} conversations written "
        f"to {args.output} ({counts.retried} needed a retry, {counts.failed} failed)",
        file=sys.stderr,
    )
    return 1 if counts.failed else 0
