"""``jmedethic discover``: find new multi-turn attacks with an attacker model, as the paper
did, and grow a strategy library from what works (see ``run.discovery``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from .call_flags import add_call_flags, stderr_progress
from .discover_setup import Setup, SetupError, prepare


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "discover", help="discover new attacks and grow a strategy library"
    )
    who = parser.add_argument_group("models")
    who.add_argument("--attacker", required=True, metavar="SPEC", help="MODEL@BASE_URL or sim:NAME")
    who.add_argument(
        "--target",
        action="append",
        required=True,
        metavar="SPEC",
        help="a target; give several to measure how attacks transfer (the first leads)",
    )
    who.add_argument("--judge", action="append", default=[], metavar="SPEC", help="given twice")
    _add_what(parser)
    _add_outputs(parser)
    _add_calls(parser)
    parser.set_defaults(handler=run)


def _add_what(parser: argparse.ArgumentParser) -> None:
    what = parser.add_argument_group("what to attack")
    what.add_argument("--guideline", default="G09,G38", help="guideline ids (default G09,G38)")
    what.add_argument(
        "--objectives",
        type=Path,
        metavar="PATH",
        help="a JSON Lines file of objectives (default: the building blocks)",
    )
    what.add_argument(
        "--per-guideline",
        type=int,
        default=2,
        help="building-block objectives per guideline (default 2)",
    )
    what.add_argument("--language", default="ja,en", help="ja, en or ja,en (default ja,en)")
    what.add_argument("--rounds", type=int, default=3, help="rounds to run now (default 3)")
    budget = parser.add_argument_group("budget")
    budget.add_argument("--max-calls", type=int, metavar="N", help="never send more requests")
    budget.add_argument("--max-cost", type=float, metavar="X", help="stop once this is spent")
    budget.add_argument(
        "--price",
        action="append",
        default=[],
        metavar="MODEL=IN,OUT[,CACHED]",
        help="a model's price per million tokens (for --max-cost)",
    )


def _add_outputs(parser: argparse.ArgumentParser) -> None:
    out = parser.add_argument_group("outputs")
    out.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="strategies.json and conversations.jsonl go here",
    )
    out.add_argument(
        "--library",
        type=Path,
        metavar="PATH",
        help="the library to grow and resume from (default DIR/library.json)",
    )
    out.add_argument("--markdown", type=Path, metavar="PATH")
    out.add_argument("--html", type=Path, metavar="PATH")
    out.add_argument("--html-language", choices=("ja", "en"), default="ja")
    out.add_argument("--json", action="store_true", help="print the summary as JSON")


def _add_calls(parser: argparse.ArgumentParser) -> None:
    calls = parser.add_argument_group("calls")
    calls.add_argument("--concurrency", type=int, default=4, help="attacks in flight (default 4)")
    calls.add_argument("--attempts", type=int, default=3, help="tries per attacker answer")
    calls.add_argument("--temperature", type=float, default=0.9, help="the attacker's")
    add_call_flags(calls, cache_help="response cache: a rerun resumes without repeating calls")


def run(args: argparse.Namespace) -> int:
    try:
        setup = prepare(args)
    except SetupError as exc:
        print(f"jmedethic discover: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, setup)
    finally:
        setup.servers.stop()


def _run(args: argparse.Namespace, setup: Setup) -> int:
    from ..report.discovery_files import write_discovery
    from ..run.discovery import discover
    from .discover_setup import save_library, summary_of

    after_round, after_attack = _reporters(args, setup)
    state = asyncio.run(
        discover(
            setup.settings,
            setup.objectives,
            setup.library,
            setup.catalogue,
            after_round,
            after_attack,
        )
    )
    save_library(setup.library_path, state.library)
    summary = summary_of(setup, state)
    write_discovery(args.output, summary, state.library)
    if args.json:
        print(
            json.dumps(summary.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)
        )
    else:
        from ..report.discovery_text import render_discovery

        for line in render_discovery(summary):
            print(line)
        print(f"Written: {args.output / 'strategies.json'}, {args.output / 'conversations.jsonl'}")
    status = _write_pages(args, summary)
    if summary.attacks == 0 and summary.attacker_failures and not summary.stopped_by:
        print(
            "jmedethic discover: no attack could be made: the attacker gave no usable answer "
            f"(see above; after {args.attempts} attempts each)",
            file=sys.stderr,
        )
        return 1
    if summary.unscored:
        print(
            f"jmedethic discover: {summary.unscored} of {len(state.library.attacks)} attacks "
            "have a turn the judges could not score (check them with jmedethic calibrate); "
            "they count neither as held nor as broken",
            file=sys.stderr,
        )
        return max(status, 1)
    return status


def _reporters(args: argparse.Namespace, setup: Setup) -> tuple[Any, Any]:
    """What the loop calls after each round (save the library, one line) and after each
    attack (a progress line every ``--progress`` seconds)."""
    from ..run.discovery import DiscoveryState
    from .discover_setup import save_library

    priced = bool(setup.settings.prices)

    def after_round(state: DiscoveryState) -> None:
        save_library(setup.library_path, state.library)
        print(
            f"jmedethic discover: round {state.library.rounds_done + bool(state.stopped_by)} "
            f"{'cut short' if state.stopped_by else 'done'}: {state.attacks} "
            f"attack{'' if state.attacks == 1 else 's'}, "
            f"{_strategies(len(state.library.discovered))} found, "
            f"{state.budget.calls} calls"
            + (f", cost {state.budget.cost:.2f}" if priced else "")
            + (f" ({state.stopped_by})" if state.stopped_by else ""),
            file=sys.stderr,
            flush=True,
        )

    progress = stderr_progress(
        args.rounds * len(setup.objectives),
        args.progress,
        "attacks",
        tokens=None,
        cost=0.0 if priced else None,
    )

    def after_attack(state: DiscoveryState) -> None:
        progress.done, progress.calls = state.attacks, state.budget.calls
        progress.cost = state.budget.cost if priced else None
        progress.tick()

    return after_round, after_attack


def _write_pages(args: argparse.Namespace, summary: Any) -> int:
    from ..report.discovery_text import render_discovery_markdown
    from ..report.json_file import write_atomically

    try:
        if args.markdown is not None:
            write_atomically(args.markdown, [render_discovery_markdown(summary)])
        if args.html is not None:
            from ..report.discovery_html import write_discovery_html

            write_discovery_html(args.html, summary, language=args.html_language)
    except OSError as exc:
        print(f"jmedethic discover: cannot write: {exc}", file=sys.stderr)
        return 2
    return 0


def _strategies(count: int) -> str:
    return f"{count} strateg{'y' if count == 1 else 'ies'}"
