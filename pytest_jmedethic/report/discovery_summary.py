"""What a discovery run found, as one typed record: every strategy of the library with its
provenance and its effect (per target, and on the first target per guideline part and per
language), the run's facts, and the files it wrote. ``discovery_files`` writes it as the
catalogue-schema ``strategies.json``; the text and HTML renderings read it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..analysis.strategy_effects import StrategyEffect, strategy_effect
from ..corpus.catalogue import Bilingual
from ..corpus.strategy_library import AttackRecord, LibraryEntry, StrategyLibrary
from ..endpoints.specs import PublicEndpoint

SUMMARY_SCHEMA = "pytest-jmedethic/discovered-strategies"


class Provenance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["builtin", "discovered"]
    found_in_round: int | None = None
    found_by: str | None = None
    also_named: list[str] = Field(default_factory=list)
    attacker: str | None = None


class StrategyRow(BaseModel):
    """A strategy in the catalogue's schema, with where it came from and what it does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: Bilingual
    description: Bilingual
    escalation: Bilingual
    rationale: str = ""
    example: list[str] = Field(default_factory=list)
    provenance: Provenance
    attacks: int
    conversations: list[str]
    effect: list[StrategyEffect]

    def on(self, scope: str, key: str) -> StrategyEffect | None:
        return next((e for e in self.effect if e.scope == scope and e.key == key), None)


class DiscoverySummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["pytest-jmedethic/discovered-strategies"] = Field(
        default=SUMMARY_SCHEMA, alias="schema"
    )
    version: Literal[1] = 1
    attacker: PublicEndpoint
    targets: list[PublicEndpoint]
    judges: list[PublicEndpoint]
    rounds_done: int
    objectives: int
    attacks: int  # attack conversations written (each driven against every target)
    calls: int  # requests sent (retries included; answers from the cache are not calls)
    cached: int  # target replies the response cache gave
    cost: float | None
    stopped_by: str | None
    references: dict[str, float | None]  # per target: the built-in strategies' median score
    strategies: list[StrategyRow]  # discovered first, most harmful on the first target first
    found: list[str]
    attacker_failures: list[str]
    # Attacks (against one target) with a turn no judge pair could score: never counted as
    # held, never as broken; the strategy's drop leaves them out.
    unscored: int = 0

    @property
    def discovered(self) -> list[StrategyRow]:
        return [s for s in self.strategies if s.provenance.source == "discovered"]


def _uses(entry: LibraryEntry) -> Callable[[AttackRecord], bool]:
    return entry.shown_by


def _effects(
    library: StrategyLibrary, entry: LibraryEntry, targets: Sequence[str]
) -> list[StrategyEffect]:
    uses = _uses(entry)
    builtin = {e.id for e in library.entries if e.source == "builtin"}

    def reference(target: str, keep: Callable[[AttackRecord], bool]) -> list[float]:
        return [
            a.score
            for a in library.attacks
            if a.target == target
            and a.score is not None
            and set(a.strategies) & builtin
            and keep(a)
        ]

    def mine(target: str, keep: Callable[[AttackRecord], bool]) -> list[float]:
        return [
            a.score
            for a in library.attacks
            if a.target == target and a.score is not None and uses(a) and keep(a)
        ]

    effects = [
        strategy_effect(mine(t, _all), reference(t, _all), scope="target", key=t) for t in targets
    ]
    primary = targets[0]
    parts = sorted({a.part for a in library.attacks if a.target == primary and uses(a)})
    for part in parts:
        keep = _in_part(part)
        effects.append(
            strategy_effect(
                mine(primary, keep), reference(primary, keep), scope="part", key=str(part)
            )
        )
    for language in sorted({a.language for a in library.attacks if uses(a)}):
        keep = _in_language(language)
        effects.append(
            strategy_effect(
                mine(primary, keep), reference(primary, keep), scope="language", key=language
            )
        )
    return effects


def _all(_: AttackRecord) -> bool:
    return True


def _in_part(part: int) -> Callable[[AttackRecord], bool]:
    return lambda a: a.part == part


def _in_language(language: str) -> Callable[[AttackRecord], bool]:
    return lambda a: a.language == language


def strategy_rows(
    library: StrategyLibrary, targets: Sequence[str], attacker: str | None
) -> list[StrategyRow]:
    rows = []
    for entry in library.entries:
        s = entry.strategy
        uses = _uses(entry)
        conversations = sorted({a.conversation_id for a in library.attacks if uses(a)})
        rows.append(
            StrategyRow(
                id=s.id,
                name=s.name,
                description=s.description,
                escalation=s.escalation,
                rationale=s.rationale,
                example=entry.example,
                provenance=Provenance(
                    source=entry.source,
                    found_in_round=entry.found_in_round,
                    found_by=entry.found_by,
                    also_named=entry.also_named,
                    attacker=attacker if entry.source == "discovered" else None,
                ),
                attacks=len({a.pair_id for a in library.attacks if uses(a)}),
                conversations=conversations,
                effect=_effects(library, entry, targets),
            )
        )

    def order(row: StrategyRow) -> tuple[int, float, str]:
        effect = row.on("target", targets[0])
        drop = effect.drop if effect is not None and effect.drop is not None else -99.0
        return (row.provenance.source != "discovered", -drop, row.id)

    return sorted(rows, key=order)
