"""``jmedethic generate``: new conversations written by an attacker model."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis.number_format import count, money
from ..corpus.catalogue import Catalogue, load_catalogue
from ..endpoints.retry import RetryPolicy
from ..endpoints.servers.session import ServerOptions, SessionServers
from ..endpoints.specs import EndpointSpec, SpecError
from ..endpoints.usage import Price, Usage
from ..report.json_file import write_atomically, write_problem
from .call_flags import add_request_flags, comma_ids, stderr_progress

if TYPE_CHECKING:
    from ..corpus.generation import JobResult

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
    add_request_flags(parser)
    parser.add_argument(
        "--price",
        metavar="IN,OUT[,CACHED]",
        help="the attacker's price per million tokens, for a cost estimate",
    )
    parser.add_argument("--output", "-o", type=Path, required=True, help="JSON Lines file to write")
    parser.set_defaults(handler=run)


def usage_line(usage: Usage, price: Price | None) -> str:
    """calls, prompt tokens (with the server-cached share), completion tokens and cost."""
    line = (
        f"{count(usage.calls)} call{'' if usage.calls == 1 else 's'}, "
        f"{count(usage.prompt_tokens)} prompt tokens "
        f"({count(usage.cached_prompt_tokens)} from the server's prompt cache), "
        f"{count(usage.completion_tokens)} completion tokens"
    )
    return line + (f", cost {money(price.cost(usage))}" if price is not None else "")


def progress_on_stderr(
    total: int, interval: float, price: Price | None
) -> Callable[[JobResult], None]:
    """What ``generate`` calls as each job ends: counts it, and now and then writes the
    progress line on stderr."""
    progress = stderr_progress(total, interval, "conversation pairs", cost=0.0 if price else None)

    def done(result: JobResult) -> None:
        progress.done += 1
        progress.calls += result.usage.calls
        progress.tokens = (progress.tokens or 0) + result.usage.tokens
        if price is not None:
            progress.cost = (progress.cost or 0.0) + price.cost(result.usage)
        progress.tick()

    return done


class UsageError(Exception):
    """A flag the command cannot use; said in one line, exit 2, before any call."""


def _checked(args: argparse.Namespace, catalogue: Catalogue) -> tuple[EndpointSpec, Price | None]:
    """The attacker and its price, once every flag is usable."""
    unknown = [g for g in comma_ids(args.guideline) if g not in catalogue.guidelines]
    unknown += [s for s in comma_ids(args.strategy) if s not in catalogue.strategies]
    if unknown:
        raise UsageError(f"unknown id(s): {', '.join(unknown)}")
    try:
        spec = EndpointSpec.parse(args.attacker, ATTACKER_KEY_ENV)
    except SpecError as exc:
        raise UsageError(f"--attacker: {exc}") from None
    try:
        price = Price.parse(f"attacker={args.price}")[1] if args.price else None
    except ValueError:
        raise UsageError(
            f"--price: expected IN,OUT[,CACHED_IN] per million tokens, got {args.price!r}"
        ) from None
    if (problem := write_problem(args.output)) is not None:  # a typo must not cost the calls
        raise UsageError(f"--output: cannot write {args.output}: {problem}")
    return spec, price


def run(args: argparse.Namespace) -> int:
    # Imported here: the openai client is not needed by the other subcommands.
    from ..corpus.generation import GenerationCounts, failure_lines, plan
    from ..run.generation import generate

    catalogue = load_catalogue()
    try:
        spec, price = _checked(args, catalogue)
    except UsageError as exc:
        print(f"jmedethic generate: {exc}", file=sys.stderr)
        return 2
    jobs = plan(
        comma_ids(args.guideline), comma_ids(args.strategy), args.count, args.turns, args.start
    )
    servers = SessionServers()  # sim:attacker and local models are started here
    try:
        servers.start([spec], ServerOptions())
        results = asyncio.run(
            generate(
                servers.resolve(spec),
                catalogue,
                jobs,
                attempts=args.attempts,
                concurrency=args.concurrency,
                temperature=args.temperature,
                timeout=args.timeout,
                retry=RetryPolicy(attempts=args.retries + 1),
                on_done=progress_on_stderr(len(jobs), args.progress, price),
            )
        )
    except (OSError, RuntimeError) as exc:
        print(f"jmedethic generate: --attacker: {exc}", file=sys.stderr)
        return 2
    finally:
        servers.stop()
    write_atomically(
        args.output,
        (c.model_dump_json() + "\n" for result in results for c in result.conversations),
    )
    for line in failure_lines(results):
        print(f"jmedethic generate: {line}", file=sys.stderr)
    counts = GenerationCounts.of(results)
    print(
        f"jmedethic generate: {counts.written} of {counts.jobs} conversation pairs "
        f"({2 * counts.written} conversations, ja and en) written to {args.output} "
        f"({counts.retried} needed a retry, {counts.failed} failed); "
        f"attacker: {usage_line(counts.usage, price)}",
        file=sys.stderr,
    )
    return 1 if counts.failed else 0
