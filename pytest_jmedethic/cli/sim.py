"""``jmedethic sim``: serve the simulated OpenAI-compatible endpoint."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    from ..sim import command

    parser = commands.add_parser("sim", help="serve the simulated OpenAI-compatible endpoint")
    command.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..sim import command

    return command.run_from_args(args)
