"""``jmedethic discover``'s inputs turned into settings, checked before any call: the
endpoints (servers started for ``sim:``/``local``), the objectives, the library to resume,
the budget and the output paths; and the summary the run's end is rendered from."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus.catalogue import Catalogue, load_catalogue
from ..corpus.discovery_objectives import (
    DiscoveryObjective,
    ObjectiveError,
    builtin_objectives,
    load_objectives,
)
from ..corpus.strategy_library import (
    STRATEGIES_FILE,
    LibraryError,
    StrategyLibrary,
    builtin_library,
    library_json,
    load_library,
)
from ..endpoints.errors import EndpointError
from ..endpoints.probe import probe_endpoints
from ..endpoints.retry import RetryPolicy
from ..endpoints.servers.session import ServerOptions, SessionServers
from ..endpoints.specs import EndpointSpec, SpecError, judge_key_env, target_key_env
from ..endpoints.usage import Price
from ..judging.thresholds import DEFAULT_THRESHOLDS, Thresholds
from ..plugin.settings import judge_settings_from_values
from ..report.discovery_files import CONVERSATIONS_FILE, SUMMARY_FILE
from ..report.json_file import path_clash, write_atomically, write_problem
from .call_flags import cache_problem, comma_ids, judge_values

if TYPE_CHECKING:
    from ..report.discovery_summary import DiscoverySummary
    from ..run.discovery import DiscoverySettings, DiscoveryState

ATTACKER_KEY_ENV = ("JMED_ATTACKER_API_KEY", "OPENAI_API_KEY")


class SetupError(ValueError):
    """An input that cannot be used; the message names the flag."""


@dataclass
class Setup:
    settings: DiscoverySettings
    objectives: list[DiscoveryObjective]
    library: StrategyLibrary
    library_path: Path
    catalogue: Catalogue
    servers: SessionServers


def _specs(args: argparse.Namespace) -> tuple[EndpointSpec, list[EndpointSpec], list[EndpointSpec]]:
    if len(args.judge) != 2:
        raise SetupError(f"--judge: give exactly two judges, got {len(args.judge)}")
    try:
        attacker = EndpointSpec.parse(args.attacker, ATTACKER_KEY_ENV)
        targets = [EndpointSpec.parse(t, target_key_env()) for t in args.target]
        judges = [EndpointSpec.parse(j, judge_key_env(i)) for i, j in enumerate(args.judge, 1)]
    except SpecError as exc:
        raise SetupError(f"--attacker/--target/--judge: {exc}") from None
    if len({t.model for t in targets}) != len(targets):
        raise SetupError("--target: give each target once (targets are told apart by model)")
    return attacker, targets, judges


def _objectives(args: argparse.Namespace, catalogue: Catalogue) -> list[DiscoveryObjective]:
    if args.objectives is not None:
        try:
            return load_objectives(args.objectives, catalogue)
        except ObjectiveError as exc:
            raise SetupError(f"--objectives: {exc}") from None
    ids = comma_ids(args.guideline)
    unknown = [g for g in ids if g not in catalogue.guidelines]
    if unknown or not ids:
        raise SetupError(f"--guideline: unknown id(s) {', '.join(unknown) or '(none given)'}")
    return builtin_objectives(ids, args.per_guideline)


def _library(path: Path, catalogue: Catalogue) -> StrategyLibrary:
    if not path.exists():
        return builtin_library(catalogue)
    try:
        return load_library(path)
    except LibraryError as exc:
        raise SetupError(f"--library: {exc}") from None


def _prices(args: argparse.Namespace) -> dict[str, Price]:
    prices = {}
    for text in args.price:
        try:
            model, price = Price.parse(text)
        except ValueError as exc:
            raise SetupError(f"--price: {exc}") from None
        prices[model] = price
    return prices


def _check_outputs(args: argparse.Namespace, library_path: Path) -> None:
    outputs: list[tuple[str, Path | None]] = [
        ("--output", args.output / STRATEGIES_FILE),
        ("--output", args.output / CONVERSATIONS_FILE),
        ("--output", args.output / SUMMARY_FILE),
        ("--library", library_path),
        ("--markdown", args.markdown),
        ("--html", args.html),
    ]
    for flag, path in outputs:
        if path is not None and (problem := write_problem(path)) is not None:
            raise SetupError(f"{flag}: cannot write {path}: {problem}")
    inputs = [("--objectives", getattr(args, "objectives", None))]
    if (clash := path_clash([*inputs, *outputs])) is not None:
        raise SetupError(clash)
    if (problem := cache_problem(args)) is not None:
        raise SetupError(problem)


def _check_resumable(
    library: StrategyLibrary,
    path: Path,
    targets: list[str],
    objectives: Sequence[DiscoveryObjective],
) -> None:
    """A library goes on only with the run that grew it: attacks on other targets or
    objectives would be mixed into this run's effects and outputs."""
    if not library.attacks:
        return
    before = sorted({a.target for a in library.attacks})
    asked = {o.id for o in objectives}
    other = sorted({a.objective_id for a in library.attacks} - asked)
    if before != sorted(targets) or other:
        what = (
            f"targets {', '.join(before)}"
            if before != sorted(targets)
            else f"objectives {', '.join(other[:5])}{' ...' if len(other) > 5 else ''}"
        )
        raise SetupError(
            f"--library: {path} holds a run with {what}, not this one's: give another "
            "--output (or --library) for a new run, or the same targets and objectives to "
            "go on with it"
        )


def prepare(args: argparse.Namespace) -> Setup:
    from ..run.discovery import DiscoverySettings

    catalogue = load_catalogue()
    attacker, targets, judges = _specs(args)
    languages = tuple(x.strip() for x in args.language.split(",") if x.strip())
    if not languages or set(languages) - {"ja", "en"}:
        raise SetupError(f"--language: ja, en or ja,en, not {args.language!r}")
    objectives = _objectives(args, catalogue)
    library_path = args.library or args.output / "library.json"
    _check_outputs(args, library_path)
    library = _library(library_path, catalogue)
    _check_resumable(library, library_path, [t.model for t in targets], objectives)
    if args.max_cost is not None:
        missing = sorted({s.model for s in (attacker, *targets, *judges)} - set(_prices(args)))
        if missing:
            raise SetupError(f"--max-cost: give a --price for {', '.join(missing)}")
    servers = SessionServers()
    local = any(s.managed and s.managed != "sim" for s in judges)
    try:
        servers.start(
            [attacker, *targets, *judges],
            ServerOptions(sim_judge_noise=args.sim_judge_noise, sim_seed=args.seed),
        )
        attacker, targets, judges = (
            servers.resolve(attacker),
            [servers.resolve(t) for t in targets],
            [servers.resolve(j) for j in judges],
        )
        named = [
            ("attacker", attacker),
            *((f"target {t.model}", t) for t in targets),
            *((f"judge {i}", j) for i, j in enumerate(judges, 1)),
        ]
        probe_endpoints(named, timeout=min(args.timeout, 60.0))
    except (EndpointError, OSError, RuntimeError) as exc:
        servers.stop()
        raise SetupError(str(exc)) from None
    settings = DiscoverySettings(
        attacker=attacker,
        targets=tuple(targets),
        judges=tuple(judges),
        languages=languages,  # type: ignore[arg-type]
        rounds=args.rounds,
        judge_settings=judge_settings_from_values(judge_values(), local),
        thresholds=Thresholds.parse(DEFAULT_THRESHOLDS),
        attempts=args.attempts,
        temperature=args.temperature,
        concurrency=args.concurrency,
        timeout=args.timeout,
        retry=RetryPolicy(attempts=args.retries + 1),
        cache_path=None if args.no_cache else args.cache,
        max_calls=args.max_calls,
        max_cost=args.max_cost,
        prices=_prices(args),
    )
    return Setup(settings, objectives, library, library_path, catalogue, servers)


def save_library(path: Path, library: StrategyLibrary) -> None:
    write_atomically(path, [library_json(library), "\n"])


def summary_of(setup: Setup, state: DiscoveryState) -> DiscoverySummary:
    from ..report.discovery_summary import DiscoverySummary, strategy_rows

    settings = setup.settings
    targets = [t.model for t in settings.targets]
    library = state.library
    return DiscoverySummary(
        attacker=settings.attacker.public(),
        targets=[t.public() for t in settings.targets],
        judges=[j.public() for j in settings.judges],
        rounds_done=library.rounds_done,
        objectives=len(setup.objectives),
        attacks=len({a.pair_id for a in library.attacks}),
        calls=state.budget.calls,
        cached=state.cached,
        cost=state.budget.cost if settings.prices else None,
        stopped_by=state.stopped_by,
        references={t: library.reference(t) for t in targets},
        strategies=strategy_rows(library, targets, settings.attacker.model),
        found=state.found,
        attacker_failures=state.attacker_failures,
        unscored=sum(1 for attack in library.attacks if attack.score is None),
    )
