"""The flags every command that calls models shares (``calibrate``, ``discover``, and in part
``generate``): how a call is made, the response cache, progress lines, the simulator's
knobs; and the pieces they share: comma-separated ids, a progress line on stderr, the check
of the cache."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plugin.options import defaults

if TYPE_CHECKING:
    from ..report.progress import Progress

CACHE = Path(".jmedethic/cache.sqlite")


def comma_ids(text: str) -> list[str]:
    """Comma-separated ids, each once (an id given twice would do its work twice)."""
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def stderr_progress(
    total: int, interval: float, what: str, *, tokens: int | None = 0, cost: float | None = None
) -> Progress:
    """A progress line on stderr every ``interval`` seconds (stdout keeps the results)."""
    from ..report.progress import Progress

    return Progress(
        total=total,
        write=lambda line: print(line, file=sys.stderr, flush=True),
        interval=interval,
        what=what,
        tokens=tokens,
        cost=cost,
    )


def add_request_flags(group: Any) -> None:
    """``--timeout``, ``--retries`` and ``--progress``, with the plugin's defaults: how each
    request is made, and how often a long command says where it stands."""
    plugin = defaults()
    group.add_argument(
        "--timeout",
        type=float,
        default=plugin["timeout"],
        metavar="S",
        help=f"seconds per request (default: {plugin['timeout']:g})",
    )
    group.add_argument(
        "--retries",
        type=int,
        default=plugin["retries"],
        metavar="N",
        help=f"retries of a failed request, as --jmed-retries (default: {plugin['retries']})",
    )
    group.add_argument(
        "--progress",
        type=float,
        default=plugin["progress"],
        metavar="S",
        help=f"seconds between progress lines on stderr; 0: none (default: {plugin['progress']:g})",
    )


def add_call_flags(group: Any, *, cache_help: str) -> None:
    """The request flags, ``--cache``/``--no-cache``, ``--sim-judge-noise`` and ``--seed``,
    with the plugin's defaults."""
    plugin = defaults()
    add_request_flags(group)
    group.add_argument("--cache", type=Path, default=CACHE, help=f"{cache_help} (default {CACHE})")
    group.add_argument("--no-cache", action="store_true")
    group.add_argument(
        "--sim-judge-noise", type=float, default=plugin["sim-judge-noise"], help="for sim: judges"
    )
    group.add_argument("--seed", type=int, default=0, help="for sim: models")


def cache_problem(args: argparse.Namespace) -> str | None:
    """Why ``--cache`` cannot be used, or None; tried before any call, as the plugin does."""
    from ..endpoints.response_cache import cache_problem as problem_of

    problem = None if args.no_cache else problem_of(args.cache)
    return None if problem is None else f"--cache: cannot use {args.cache}: {problem}"


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
