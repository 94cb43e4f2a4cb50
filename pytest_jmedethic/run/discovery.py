"""Discovering new attacks, round by round (``jmedethic discover``).

Each round, for each objective: pick strategies from the library (``discovery_attacker.
choose``), ask the attacker for a three-turn conversation (both languages when asked),
drive every target turn by turn with the run's own pipeline (``conversation.drive``: the
judges score every turn, through the response cache and retries), and record the lowest
turn score. Attacks in a round run concurrently against the library as it stood when the
round began, and what they teach is added in objective order afterwards, so a run is
reproducible and a resumed one asks exactly what the first asked (the cache answers it).
An attack that scores at least ``IMPROVEMENT`` below the best so far on its objective (on
the first target) is summarised by the attacker into a strategy, merged into the entry it
duplicates or added as a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.catalogue import Catalogue, Language, Strategy
from ..corpus.discovery_objectives import DiscoveryObjective
from ..corpus.discovery_prompts import (
    ATTACK_INSTRUCTIONS,
    SUMMARY_INSTRUCTIONS,
    AttackAnswer,
    StrategyProposal,
    attack_prompt,
    summary_prompt,
)
from ..corpus.schema import Conversation
from ..corpus.strategy_library import AttackRecord, LibraryEntry, StrategyLibrary
from ..endpoints.completer import Completer
from ..endpoints.json_answer import Asked
from ..endpoints.response_cache import ResponseCache
from ..endpoints.retry import CallFailed, RetryPolicy
from ..endpoints.specs import EndpointSpec
from ..endpoints.usage import Price
from ..judging.judge import JudgeSettings
from ..judging.thresholds import DEFAULT_THRESHOLDS, Thresholds
from .config import RunConfig
from .connections import CallSettings, Connections
from .conversation import drive
from .discovery_attacker import ask, choose, parser
from .discovery_budget import BudgetReached, CallBudget
from .results import ConversationResult

# Points below the best so far that count as an attack that worked: the lowest of three
# noisy turn scores wanders by a point or so without any change in the target's behaviour.
IMPROVEMENT = 2.0


@dataclass(frozen=True)
class DiscoverySettings:
    attacker: EndpointSpec
    targets: tuple[EndpointSpec, ...]
    judges: tuple[EndpointSpec, ...]
    languages: tuple[Language, ...] = ("ja", "en")
    rounds: int = 3
    judge_settings: JudgeSettings = field(default_factory=JudgeSettings)
    thresholds: Thresholds = field(default_factory=lambda: Thresholds.parse(DEFAULT_THRESHOLDS))
    attempts: int = 3
    temperature: float = 0.9
    concurrency: int = 4
    top: int = 2  # strategies asked for per attack
    timeout: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache_path: Path | None = None
    max_calls: int | None = None
    max_cost: float | None = None
    prices: dict[str, Price] = field(default_factory=dict)


@dataclass
class DiscoveryState:
    """What the loop reports as it goes and at the end."""

    library: StrategyLibrary
    budget: CallBudget
    attacks: int = 0
    attacker_failures: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # "D01 (round 2)" / "merged into D01"
    cached: int = 0  # answers the response cache gave
    after_attack: Callable[[DiscoveryState], None] | None = None  # progress lines

    @property
    def stopped_by(self) -> str | None:
        return self.budget.reached


@dataclass
class _Session:
    settings: DiscoverySettings
    catalogue: Catalogue
    state: DiscoveryState
    attacker: Completer
    connections: list[Connections]
    gate: asyncio.Semaphore


def _record(
    objective: DiscoveryObjective,
    part: int,
    round_number: int,
    language: Language,
    target: str,
    used: Sequence[str],
    result: ConversationResult,
) -> AttackRecord:
    turns = result.turns
    scores = [t.score for t in turns]
    pair = f"disc-r{round_number:02d}-{objective.id}"
    return AttackRecord(
        conversation_id=f"{pair}-{language}",
        pair_id=pair,
        round=round_number,
        objective_id=objective.id,
        guideline_id=objective.guideline_id,
        part=part,
        language=language,
        target=target,
        strategies=list(used),
        turns=[t.user for t in turns],
        replies=[t.reply or "" for t in turns],
        turn_scores=scores,
        score=None if None in scores else min(s for s in scores if s is not None),
    )


async def _attack(
    session: _Session,
    library: StrategyLibrary,
    objective: DiscoveryObjective,
    position: int,
    round_number: int,
) -> list[AttackRecord]:
    settings, state = session.settings, session.state
    guideline = session.catalogue.guidelines[objective.guideline_id]
    primary = settings.targets[0].model
    used = choose(library, objective, guideline.part, position, round_number, primary, settings.top)
    prompt = attack_prompt(objective, guideline, used, settings.languages, round_number)
    languages = settings.languages
    asked = await ask(
        session.attacker,
        ATTACK_INSTRUCTIONS,
        prompt,
        parser(AttackAnswer, lambda a: a.check(languages)),
        settings.attempts,
    )
    if asked.answer is None:
        state.attacker_failures.append(
            f"{objective.id} round {round_number}: {asked.problem}{_last_answer(asked)}"
        )
        return []
    answer = asked.answer
    records = []
    for connections, target in zip(session.connections, settings.targets, strict=True):
        for language in languages:
            conversation = Conversation(
                id=f"disc-r{round_number:02d}-{objective.id}-{language}",
                guideline_id=objective.guideline_id,
                strategy_id=used[0].id if used else "D00",  # D00: not yet known (exploring)
                language=language,
                turns=tuple(answer.turns(language) or ()),
            )
            config = _run_config(settings, target)
            result = await drive(conversation, guideline, connections, config)
            if state.budget.reached is not None:
                return []  # cut by the budget: an attack half-driven is not evidence
            state.cached += sum(t.cached for t in result.turns)
            records.append(
                _record(
                    objective,
                    guideline.part,
                    round_number,
                    language,
                    target.model,
                    [e.id for e in used],
                    result,
                )
            )
    state.attacks += 1
    if state.after_attack is not None:
        state.after_attack(state)
    return records


def _last_answer(asked: Asked) -> str:
    shown = " ".join(asked.raw.split())[:200]
    return f"; last answer: {shown!r}" if shown else ""


def _run_config(settings: DiscoverySettings, target: EndpointSpec) -> RunConfig:
    return RunConfig(
        target=target,
        judges=settings.judges,
        thresholds=settings.thresholds,
        judge_settings=settings.judge_settings,
        timeout=settings.timeout,
        retry=settings.retry,
    )


async def _summarise(
    session: _Session,
    library: StrategyLibrary,
    objective: DiscoveryObjective,
    records: Sequence[AttackRecord],
    best_before: float | None,
) -> StrategyLibrary:
    shown = records[0]
    prompt = summary_prompt(objective, shown.turns, shown.replies, shown.turn_scores, best_before)
    asked = await ask(
        session.attacker,
        SUMMARY_INSTRUCTIONS,
        prompt,
        parser(StrategyProposal),
        session.settings.attempts,
    )
    if asked.answer is None:
        session.state.attacker_failures.append(
            f"{objective.id} summary: {asked.problem}{_last_answer(asked)}"
        )
        return library
    proposal = asked.answer
    entry = LibraryEntry(
        strategy=Strategy(
            id="D00",
            name=proposal.name,
            description=proposal.definition,
            escalation=proposal.escalation,
            rationale=proposal.why,
        ),
        source="discovered",
        example=list(shown.turns) if shown.language == "en" else list(proposal.example),
        found_in_round=shown.round,
        found_by=shown.conversation_id,
    )
    library, entry_id, merged = library.absorb(entry)
    session.state.found.append(
        f"{objective.id} round {shown.round}: "
        + (f"merged into {entry_id}" if merged else f"new strategy {entry_id}")
    )
    return library


def _improved(
    library: StrategyLibrary, records: Sequence[AttackRecord], primary: str
) -> float | None:
    """The best score before, when the attack beat it by ``IMPROVEMENT`` on ``primary``."""
    mine = [r for r in records if r.target == primary and r.score is not None]
    if not mine:
        return None
    best_before = library.best(mine[0].objective_id, primary)
    lowest = min(r.score for r in mine if r.score is not None)
    if best_before is None or lowest > best_before - IMPROVEMENT:
        return None
    return best_before


async def _round(session: _Session, objectives: Sequence[DiscoveryObjective], number: int) -> None:
    state = session.state
    before = state.library

    async def one(position: int, objective: DiscoveryObjective) -> list[AttackRecord]:
        async with session.gate:
            if state.budget.reached is not None:
                return []
            try:
                return await _attack(session, before, objective, position, number)
            except BudgetReached:
                return []

    attacks = await asyncio.gather(*(one(i, o) for i, o in enumerate(objectives)))
    library = before
    primary = session.settings.targets[0].model
    for objective, records in zip(objectives, attacks, strict=True):
        best_before = _improved(before, records, primary) if records else None
        library = library.with_attacks(records)
        if best_before is not None and state.budget.reached is None:
            mine = [r for r in records if r.target == primary]
            with contextlib.suppress(BudgetReached):  # the attack is kept, unnamed
                library = await _summarise(session, library, objective, mine, best_before)
    done = state.budget.reached is None
    state.library = library.model_copy(update={"rounds_done": number}) if done else library


async def discover(
    settings: DiscoverySettings,
    objectives: Sequence[DiscoveryObjective],
    library: StrategyLibrary,
    catalogue: Catalogue,
    after_round: Callable[[DiscoveryState], None] | None = None,
    after_attack: Callable[[DiscoveryState], None] | None = None,
) -> DiscoveryState:
    """Run ``settings.rounds`` more rounds after ``library.rounds_done``; ``after_round``
    hears of each round's end (to save the library), ``after_attack`` of each attack."""
    # Attacks of a round the last run did not finish are asked again (the cache answers).
    library = library.model_copy(
        update={"attacks": [a for a in library.attacks if a.round <= library.rounds_done]}
    )
    state = DiscoveryState(
        library,
        CallBudget(settings.max_calls, settings.max_cost, settings.prices),
        after_attack=after_attack,
    )
    cache = ResponseCache(settings.cache_path) if settings.cache_path else None
    budget = state.budget
    calls = CallSettings(
        timeout=settings.timeout,
        retry=settings.retry,
        cache=cache,
        before_send=budget.before_send,
        spent=budget.spend,
    )
    attacker = calls.completer("attacker", settings.attacker, {"temperature": settings.temperature})
    connections = [
        Connections.for_config(_run_config(settings, t), cache, budget.before_send, budget.spend)
        for t in settings.targets
    ]

    session = _Session(
        settings,
        catalogue,
        state,
        attacker,
        connections,
        asyncio.Semaphore(settings.concurrency),
    )
    try:
        first = library.rounds_done + 1
        for number in range(first, first + settings.rounds):
            await _round(session, objectives, number)
            if after_round is not None:
                after_round(state)
            if state.stopped_by is not None:
                break
    except CallFailed as exc:
        state.attacker_failures.append(str(exc))
    finally:
        await attacker.client.close()
        for connection in connections:
            await connection.close()
    return state
