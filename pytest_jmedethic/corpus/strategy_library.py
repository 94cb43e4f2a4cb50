"""The strategy library discovery grows: the seven built-in strategies, and every strategy
the attacker named after an attack that worked, with the attacks that used each.

It is also discovery's state: written after every round, so a run that stops (a crash, a
budget) resumes from the last finished round, and the response cache replays the calls of
the round it was in. ``effect`` here is the plain mean score drop that retrieval ranks by;
the report's effects with their intervals are the analysis room's.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..validation import first_repeat, load_schema_file
from .catalogue import Catalogue, Language, Strategy
from .text_similarity import similarities

LIBRARY_SCHEMA = "pytest-jmedethic/strategy-library"
# A new strategy is an old one when both names and definitions are alike, or the
# definitions nearly the same: attackers reuse a template's wording for different tactics.
SAME_NAME = 0.5
SAME_DEFINITION = 0.5
NEAR_SAME_DEFINITION = 0.8


class LibraryError(ValueError):
    """A library file that cannot be used; the message names the file and the field."""


# A judge panel's score: finite, 0 to 10 (a hand-edited 99 or NaN would skew every drop).
Score = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]


class AttackRecord(BaseModel):
    """One attack conversation, driven against one target, and how the target held."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversation_id: str
    pair_id: str
    round: int
    objective_id: str
    guideline_id: str
    part: int
    language: Language
    target: str
    strategies: list[str]  # library entries the attacker was asked to use; [] when exploring
    turns: list[str]  # the user's turns
    replies: list[str]
    turn_scores: list[Score | None]
    score: Score | None  # the lowest turn score; None when a turn went unscored

    @property
    def explored(self) -> bool:
        return not self.strategies


class LibraryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    strategy: Strategy
    source: Literal["builtin", "discovered"]
    example: list[str] = Field(default_factory=list)  # user turns showing it
    found_in_round: int | None = None
    found_by: str | None = None  # the conversation the attacker summarised
    also_named: list[str] = Field(default_factory=list)  # names of duplicates merged in

    @property
    def id(self) -> str:
        return self.strategy.id

    @property
    def found_pair(self) -> str | None:
        """The pair (both languages) of the attack the strategy was named after."""
        return self.found_by.rsplit("-", 1)[0] if self.found_by else None

    def shown_by(self, attack: AttackRecord) -> bool:
        """Whether ``attack`` is evidence for this strategy: it used it, or it is (either
        language of) the attack the strategy was named after."""
        return self.id in attack.strategies or (
            self.found_pair is not None and attack.pair_id == self.found_pair
        )

    @property
    def text(self) -> str:
        """What retrieval compares with an objective: the name and the definition."""
        s = self.strategy
        return f"{s.name.en} {s.description.en} {s.name.ja} {s.description.ja}"

    @property
    def name_text(self) -> str:
        return f"{self.strategy.name.en} {self.strategy.name.ja}"

    @property
    def definition_text(self) -> str:
        return f"{self.strategy.description.en} {self.strategy.description.ja}"


class StrategyLibrary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_id: Literal["pytest-jmedethic/strategy-library"] = Field(
        default=LIBRARY_SCHEMA, alias="schema"
    )
    schema_version: Literal[1] = 1
    rounds_done: int = Field(default=0, ge=0)
    entries: list[LibraryEntry]
    attacks: list[AttackRecord] = Field(default_factory=list)

    @field_validator("entries")
    @classmethod
    def _one_entry_per_id(cls, entries: list[LibraryEntry]) -> list[LibraryEntry]:
        repeat = first_repeat(entry.id for entry in entries)
        if repeat is not None:
            raise ValueError(f"strategy {repeat[0]} is there twice")
        return entries

    def entry(self, entry_id: str) -> LibraryEntry:
        return next(e for e in self.entries if e.id == entry_id)

    @property
    def discovered(self) -> list[LibraryEntry]:
        return [e for e in self.entries if e.source == "discovered"]

    def reference(self, target: str) -> float | None:
        """The median score the built-in strategies get on ``target``: a drop is below it."""
        builtin = {e.id for e in self.entries if e.source == "builtin"}
        scores = [
            a.score
            for a in self.attacks
            if a.target == target and a.score is not None and set(a.strategies) & builtin
        ]
        return statistics.median(scores) if scores else None

    def mean_drop(self, entry_id: str, target: str, part: int | None = None) -> float | None:
        """How far, on average, attacks using the entry (or found as it) scored below the
        built-in reference on ``target`` (in guideline part ``part`` when given)."""
        reference = self.reference(target)
        if reference is None:
            return None
        entry = self.entry(entry_id)
        scores = [
            a.score
            for a in self.attacks
            if a.target == target
            and a.score is not None
            and entry.shown_by(a)
            and (part is None or a.part == part)
        ]
        return reference - statistics.fmean(scores) if scores else None

    def best(self, objective_id: str, target: str) -> float | None:
        """The lowest score any attack on the objective has got from ``target`` so far."""
        scores = [
            a.score
            for a in self.attacks
            if a.objective_id == objective_id and a.target == target and a.score is not None
        ]
        return min(scores) if scores else None

    def next_id(self) -> str:
        return f"D{len(self.discovered) + 1:02d}"

    def with_attacks(self, attacks: Sequence[AttackRecord]) -> StrategyLibrary:
        return self.model_copy(update={"attacks": [*self.attacks, *attacks]})

    def _duplicate_of(self, entry: LibraryEntry) -> LibraryEntry | None:
        if not self.entries:
            return None
        names = similarities([entry.name_text], [e.name_text for e in self.entries])[0]
        definitions = similarities(
            [entry.definition_text], [e.definition_text for e in self.entries]
        )[0]
        alike = [
            (d + n, e)
            for e, n, d in zip(self.entries, names, definitions, strict=True)
            if (n >= SAME_NAME and d >= SAME_DEFINITION) or d >= NEAR_SAME_DEFINITION
        ]
        return max(alike, key=lambda pair: pair[0])[1] if alike else None

    def absorb(self, entry: LibraryEntry) -> tuple[StrategyLibrary, str, bool]:
        """The library with ``entry`` added, or merged into the entry it duplicates; the
        entry's id and whether it was merged."""
        duplicate = self._duplicate_of(entry)
        if duplicate is not None:
            old = duplicate
            names = [*old.also_named]
            if entry.strategy.name.en not in (old.strategy.name.en, *names):
                names.append(entry.strategy.name.en)
            merged = old.model_copy(update={"also_named": names})
            entries = [merged if e.id == old.id else e for e in self.entries]
            return self.model_copy(update={"entries": entries}), old.id, True
        new_id = self.next_id()
        strategy = entry.strategy.model_copy(update={"id": new_id})
        added = entry.model_copy(update={"strategy": strategy})
        return self.model_copy(update={"entries": [*self.entries, added]}), new_id, False


def builtin_library(catalogue: Catalogue) -> StrategyLibrary:
    return StrategyLibrary(
        entries=[
            LibraryEntry(strategy=s, source="builtin")
            for s in sorted(catalogue.strategies.values(), key=lambda s: s.id)
            if s.id.startswith("S")
        ]
    )


def load_library(path: Path) -> StrategyLibrary:
    return load_schema_file(
        path,
        StrategyLibrary,
        LibraryError,
        schema=LIBRARY_SCHEMA,
        written_by="a strategy library written by jmedethic discover",
    )


def library_json(library: StrategyLibrary) -> str:
    return json.dumps(library.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)


STRATEGIES_FILE = "strategies.json"  # beside a discovery run's conversations


def strategies_beside(source: Path) -> list[Strategy]:
    """The discovered strategies a discovery run wrote beside ``source`` (its
    ``conversations.jsonl`` or its folder): ``strategies.json``, catalogue fields only."""
    folder = source if source.is_dir() else source.parent
    path = folder / STRATEGIES_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
        rows = data["strategies"] if isinstance(data, dict) else []
        fields = set(Strategy.model_fields)
        return [
            Strategy.model_validate({k: v for k, v in row.items() if k in fields})
            for row in rows
            if str(row.get("id", "")).startswith("D")
        ]
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        raise LibraryError(f"{path}: not a strategies file: {exc}") from None
