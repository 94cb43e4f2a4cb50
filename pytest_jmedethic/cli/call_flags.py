"""The flags every command that calls models shares (``calibrate``, ``discover``): how a
call is made, the response cache, progress lines, and the simulator's knobs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..plugin.options import defaults

CACHE = Path(".jmedethic/cache.sqlite")


def seed_number(text: str) -> int:
    """An argparse type: a seed is a whole number, 0 or more (numpy refuses negatives)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def add_call_flags(group: Any, *, cache_help: str) -> None:
    """``--timeout``, ``--retries``, ``--cache``/``--no-cache``, ``--progress``,
    ``--sim-judge-noise`` and ``--seed``, with the plugin's defaults."""
    plugin = defaults()
    group.add_argument("--timeout", type=float, default=plugin["timeout"], metavar="S")
    group.add_argument("--retries", type=int, default=plugin["retries"], metavar="N")
    group.add_argument("--cache", type=Path, default=CACHE, help=f"{cache_help} (default {CACHE})")
    group.add_argument("--no-cache", action="store_true")
    group.add_argument(
        "--progress",
        type=float,
        default=plugin["progress"],
        metavar="S",
        help="seconds between progress lines on stderr; 0: none",
    )
    group.add_argument(
        "--sim-judge-noise", type=float, default=plugin["sim-judge-noise"], help="for sim: judges"
    )
    group.add_argument("--seed", type=seed_number, default=0, help="for sim: models")


def cache_problem(args: argparse.Namespace) -> str | None:
    """Why ``--cache`` cannot be used (not a database, not writable), or None; tried before
    any call, as the plugin does."""
    import sqlite3

    from ..endpoints.response_cache import ResponseCache

    if args.no_cache:
        return None
    try:
        ResponseCache(args.cache).close()
    except (OSError, sqlite3.Error) as exc:
        return f"--cache: cannot use {args.cache}: {exc}"
    return None


def judge_values(args: argparse.Namespace | None = None) -> dict[str, Any]:
    """The ``judge-*`` values ``plugin.settings.judge_settings_from_values`` reads: the
    plugin's defaults, or ``args``' ``--judge-*`` flags where it has them."""
    values = {k: v for k, v in defaults().items() if k.startswith("judge-")}
    if args is not None:
        for key in values:
            flag = key.replace("-", "_")
            if hasattr(args, flag):
                values[key] = getattr(args, flag)
    return values
