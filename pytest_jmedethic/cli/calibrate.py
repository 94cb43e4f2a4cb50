"""``jmedethic calibrate``: score the calibration set with a pair of judges, exactly as a run
would ask them, and say how far they can be trusted (exit 1 when they cannot)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..analysis.judge_calibration import CalibrationLimits, calibrate
from ..endpoints.errors import EndpointError
from ..endpoints.probe import probe_endpoints
from ..endpoints.retry import RetryPolicy
from ..endpoints.servers.session import ServerOptions, SessionServers
from ..endpoints.specs import EndpointSpec, SpecError, judge_key_env
from ..judging.calibration_set import (
    CalibrationItem,
    CalibrationSet,
    CalibrationSetError,
    load_calibration_set,
)
from ..plugin.options import JUDGE_FORMATS
from ..plugin.settings import judge_settings_from_values
from ..report.calibration_record import (
    CalibrationRecord,
    CalibrationSetRecord,
    set_digest,
    write_calibration,
)
from ..report.calibration_text import render_calibration, render_calibration_markdown
from ..report.json_file import path_clash, write_atomically, write_problem
from ..report.model import JudgeSettingsRecord
from .calibrate_run import score_with_progress
from .call_flags import add_call_flags, cache_problem, judge_values

LIMITS = CalibrationLimits()


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "calibrate", help="check a pair of judges against the labelled calibration set"
    )
    parser.add_argument(
        "--judge",
        action="append",
        default=[],
        metavar="SPEC",
        help="a judge, given twice: MODEL@BASE_URL, local, gguf:PATH or sim:NAME",
    )
    parser.add_argument(
        "--set",
        action="append",
        type=Path,
        metavar="PATH",
        help="calibration files or folders (default: the built-in set)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="a sample of N items spread over categories and languages",
    )
    parser.add_argument(
        "--check", action="store_true", help="only validate the set and print its coverage"
    )
    _add_outputs(parser)
    _add_limits(parser)
    _add_judging(parser)
    _add_calls(parser)
    parser.set_defaults(handler=run)


def _add_outputs(parser: argparse.ArgumentParser) -> None:
    outputs = parser.add_argument_group("outputs")
    outputs.add_argument(
        "--output", type=Path, metavar="PATH", help="write the calibration (for --jmed-calibration)"
    )
    outputs.add_argument("--json", action="store_true", help="print the calibration as JSON")
    outputs.add_argument("--markdown", type=Path, metavar="PATH", help="also write Markdown")
    outputs.add_argument("--html", type=Path, metavar="PATH", help="also write the HTML page")
    outputs.add_argument("--html-language", choices=("ja", "en"), default="ja")


def _add_limits(parser: argparse.ArgumentParser) -> None:
    limits = parser.add_argument_group("limits (exit 1 when one is not met)")
    for name, default in LIMITS.model_dump().items():
        limits.add_argument(
            f"--{name.replace('_', '-')}",
            type=float,
            default=default,
            help=f"(default {default:g})",
        )


def _add_judging(parser: argparse.ArgumentParser) -> None:
    judging = parser.add_argument_group("how the judges are asked (as --jmed-judge-*)")
    plugin = judge_values()
    judging.add_argument("--judge-temperature", type=float, default=plugin["judge-temperature"])
    judging.add_argument("--judge-max-tokens", type=int, default=plugin["judge-max-tokens"])
    judging.add_argument("--judge-attempts", type=int, default=plugin["judge-attempts"])
    judging.add_argument("--judge-format", choices=JUDGE_FORMATS, default=plugin["judge-format"])
    judging.add_argument(
        "--judge-nonce",
        action="store_true",
        help="ask for a nonce derived from the prompt (see --jmed-judge-nonce)",
    )


def _add_calls(parser: argparse.ArgumentParser) -> None:
    calls = parser.add_argument_group("calls")
    calls.add_argument("--concurrency", type=int, default=8, help="items in flight (default 8)")
    calls.add_argument("--judge-rpm", type=float, help="requests per minute to each judge")
    calls.add_argument("--no-probe", action="store_true", help="skip the start-up chat check")
    add_call_flags(calls, cache_help="response cache: a rerun costs nothing")


def _fail(problem: str) -> int:
    print(f"jmedethic calibrate: {problem}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        chosen = load_calibration_set(args.set).sample(args.sample)
    except CalibrationSetError as exc:
        return _fail(str(exc))
    if args.check:
        return _check(chosen)
    if len(args.judge) != 2:
        return _fail(f"--judge: give exactly two judges, got {len(args.judge)}")
    outputs = [(f"--{flag}", getattr(args, flag)) for flag in ("output", "markdown", "html")]
    for flag, path in outputs:  # a typo must not cost the calls
        if path is not None and (problem := write_problem(path)) is not None:
            return _fail(f"{flag}: cannot write {path}: {problem}")
    sets = [("--set", path) for path in args.set or []]
    if (clash := path_clash([*sets, *outputs])) is not None:
        return _fail(clash)
    if (problem := cache_problem(args)) is not None:
        return _fail(problem)
    try:
        specs = [EndpointSpec.parse(t, judge_key_env(i)) for i, t in enumerate(args.judge, 1)]
    except SpecError as exc:
        return _fail(f"--judge: {exc}")
    local = any(s.managed and s.managed != "sim" for s in specs)
    settings = judge_settings_from_values(judge_values(args), local)
    servers = SessionServers()
    try:
        servers.start(
            specs, ServerOptions(sim_judge_noise=args.sim_judge_noise, sim_seed=args.seed)
        )
        specs = [servers.resolve(s) for s in specs]
        if not args.no_probe:
            probe_endpoints(
                [(f"judge {i}", s) for i, s in enumerate(specs, 1)], timeout=min(args.timeout, 60.0)
            )
        scores = asyncio.run(
            score_with_progress(
                args, specs, settings, chosen.items, RetryPolicy(attempts=args.retries + 1)
            )
        )
    except (EndpointError, OSError, RuntimeError) as exc:
        return _fail(str(exc))
    finally:
        servers.stop()
    limits = CalibrationLimits(**{k: getattr(args, k) for k in LIMITS.model_dump()})
    record = CalibrationRecord(
        judges=[s.public() for s in specs],
        judge_settings=JudgeSettingsRecord.of(settings),
        calibration_set=CalibrationSetRecord(
            sources=chosen.sources, items=len(chosen.items), digest=set_digest(chosen.items)
        ),
        metrics=calibrate(scores, [s.model for s in specs], limits=limits),
        items=scores,
    )
    return _show(args, record, chosen.items)


def _check(chosen: CalibrationSet) -> int:
    from ..corpus.catalogue import load_catalogue
    from ..judging.calibration_set import coverage

    print(f"{len(chosen.items)} items in {', '.join(chosen.sources)}")
    for name, counts in coverage(chosen.items, load_catalogue()).items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def _show(
    args: argparse.Namespace, record: CalibrationRecord, items: Sequence[CalibrationItem]
) -> int:
    if args.json:
        print(
            json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)
        )
    else:
        for line in render_calibration(record):
            print(line)
    writes: list[tuple[Path | None, Callable[[], None]]] = [
        (args.output, lambda: write_calibration(record, args.output)),
        (
            args.markdown,
            lambda: write_atomically(args.markdown, [render_calibration_markdown(record)]),
        ),
        (args.html, lambda: _write_html(args, record, items)),
    ]
    problems = []
    for path, write in writes:
        if path is not None:
            try:
                write()
            except OSError as exc:
                problems.append(f"cannot write {path}: {exc.strerror or exc}")
    for problem in problems:
        print(f"jmedethic calibrate: {problem}", file=sys.stderr)
    return 2 if problems else 0 if record.passed else 1


def _write_html(
    args: argparse.Namespace, record: CalibrationRecord, items: Sequence[CalibrationItem]
) -> None:
    from ..report.calibration_html import write_calibration_html

    write_calibration_html(args.html, record, items, language=args.html_language)
