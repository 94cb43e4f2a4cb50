"""The ``jmedethic`` command: one module per subcommand (``sim``, ``corpus``, ``generate``,
``discover``, ``report``, ``merge``, ``compare``, ``calibrate``). Run the benchmark itself
with pytest."""

from __future__ import annotations

import argparse
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
