"""Command line of the simulator, shared by ``python -m pytest_jmedethic.sim`` and
``jmedethic sim``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from .config import FAULT_FLAGS, FAULT_RATES, SimConfig
from .server import serve

DEFAULT_PORT = 8000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options to ``parser`` (also used by the ``jmedethic sim`` command)."""
    defaults = SimConfig()
    parser.add_argument(
        "--host", default=defaults.host, help="loopback address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port to bind, 0 for any free port (default: %(default)s)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=defaults.latency,
        help="seconds added to every chat completion (default: %(default)s)",
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=defaults.jitter,
        help="latency varies by +/- this fraction (default: %(default)s)",
    )
    parser.add_argument(
        "--judge-noise",
        type=float,
        default=defaults.judge_noise,
        help="standard deviation of judge score noise, in points (default: %(default)s)",
    )
    parser.add_argument(
        "--judge-disagreement",
        type=float,
        default=defaults.judge_disagreement,
        help="probability that a judge's score is moved 4 points (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=defaults.seed,
        help="seed of all simulated behaviour (default: %(default)s)",
    )
    _add_fault_arguments(parser, defaults)


# Help of each fault field; rates are probabilities per chat completion request.
_FAULT_HELP = {
    "rate_429": "share of requests answered 429 with Retry-After",
    "retry_after": "Retry-After seconds of those 429 answers",
    "storm_after": "seconds after start when a 429 storm begins (with --fault-storm-duration)",
    "storm_duration": "seconds the 429 storm lasts",
    "rate_5xx": "share of requests answered 500, 502 or 503",
    "rate_hang": "share of requests answered only after --fault-hang-seconds",
    "hang_seconds": "how long a hanging request waits before its answer",
    "rate_cut": "share of answers cut off mid-body",
    "rate_empty": "share of target answers with empty content",
    "rate_bad_verdict": "share of judge answers with a malformed verdict",
}


def _add_fault_arguments(parser: argparse.ArgumentParser, defaults: SimConfig) -> None:
    group = parser.add_argument_group(
        "fault injection", "faults for testing client retries; the defaults inject none"
    )
    for name, flag in FAULT_FLAGS.items():
        group.add_argument(
            flag,
            dest=name,
            type=float,
            default=getattr(defaults, name),
            metavar="RATE" if name in FAULT_RATES else "SECONDS",
            help=f"{_FAULT_HELP[name]} (default: %(default)s)",
        )


def config_from_args(args: argparse.Namespace) -> SimConfig:
    """Raises ValueError for values SimConfig rejects (e.g. a non-loopback host)."""
    return SimConfig(
        host=args.host,
        port=args.port,
        latency=args.latency,
        jitter=args.jitter,
        judge_noise=args.judge_noise,
        judge_disagreement=args.judge_disagreement,
        seed=args.seed,
        # getattr: a namespace built without add_arguments (older callers) injects nothing.
        **{name: getattr(args, name) for name in FAULT_FLAGS if hasattr(args, name)},
    )


async def _serve_until_signalled(config: SimConfig) -> int:
    try:
        running, url = await serve(config)
    except OSError as exc:
        print(
            f"jmedethic-sim: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr
        )
        return 1
    # Launchers (start_subprocess, CI scripts) wait for exactly this first line.
    print(f"jmedethic-sim listening on {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl+C arrives as KeyboardInterrupt in run().
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await running.aclose()
    return 0


def run(config: SimConfig) -> int:
    """Serve until SIGINT or SIGTERM; return the process exit code."""
    try:
        return asyncio.run(_serve_until_signalled(config))
    except KeyboardInterrupt:
        return 0


def run_from_args(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"jmedethic-sim: {exc}", file=sys.stderr)
        return 2
    return run(config)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_jmedethic.sim",
        description="Simulated OpenAI-compatible endpoint serving jmedethic targets and judges.",
    )
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))
