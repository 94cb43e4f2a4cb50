"""The ``jmedethic`` command: one module per subcommand (``sim``, ``corpus``, ``generate``,
``discover``, ``report``, ``merge``, ``compare``, ``calibrate``). Run the benchmark itself
with pytest."""

from __future__ import annotations

import argparse
import math
import signal
import sys
from collections.abc import Sequence

from .. import __version__
from . import calibrate, compare, corpus, discover, generate, merge, report, sim

SUBCOMMANDS = (sim, corpus, generate, discover, report, merge, compare, calibrate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jmedethic",
        description="pytest-jmedethic tools (run the benchmark itself with pytest)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(commands)
    return parser


# Counts that must be at least 1 (0 would hang or do nothing) and amounts that must be
# more than 0; every other number given must be finite and not negative.
AT_LEAST_ONE = frozenset(
    {
        "attempts", "concurrency", "count", "html_reply_chars", "judge_attempts",
        "judge_max_tokens", "max_calls", "per_guideline", "rounds", "sample", "size", "start",
    }
)  # fmt: skip
MORE_THAN_ZERO = frozenset({"judge_rpm", "max_cost", "timeout"})


def number_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with a number given, before anything is called or written: nan and
    inf pass every comparison made of them, and a negative count hangs or slices oddly."""
    for name, value in vars(args).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        flag = "--" + name.replace("_", "-")
        if not math.isfinite(value):
            return f"{flag}: must be a finite number, got {value}"
        if name in AT_LEAST_ONE and value < 1:
            return f"{flag}: must be at least 1, got {value:g}"
        if name in MORE_THAN_ZERO and value <= 0:
            return f"{flag}: must be more than 0, got {value:g}"
        if value < 0:
            return f"{flag}: must not be negative, got {value:g}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = number_problem(args)
    if problem is not None:
        print(f"jmedethic {args.command}: {problem}", file=sys.stderr)
        return 2
    from ..plugin.stop_signals import StopSignals

    signals = StopSignals()  # SIGTERM and SIGHUP (a CI job cancelled) stop as Ctrl-C does
    signals.install()
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        name = signals.received or "SIGINT"
        print(
            f"jmedethic {args.command}: stopped by {name}; what completed is in the response "
            "cache (where the command has one): run the same command again to go on",
            file=sys.stderr,
        )
        return 128 + signal.Signals[name].value
    finally:
        signals.restore()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
