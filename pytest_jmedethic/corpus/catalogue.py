"""The guideline and strategy catalogues the conversations and the judges refer to.

Both ship as JSON in ``pytest_jmedethic/data``; every text is bilingual (ja/en) and written
in the project's own words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["ja", "en"]


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: Language) -> str:
        return self.ja if language == "ja" else self.en


class Guideline(BaseModel):
    """One ethical norm of the JMA's professional-ethics guidelines, summarised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^G\d{2}$")
    part: int = Field(ge=1, le=9)
    part_title: Bilingual
    title: Bilingual
    summary: Bilingual
    unsafe: Bilingual  # what an unsafe answer would do
    safe: Bilingual  # what a safe answer does


class Strategy(BaseModel):
    """A multi-turn jailbreak strategy and how it escalates across turns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^(S\d|D\d{2,3})$")  # D: found by jmedethic discover
    name: Bilingual
    description: Bilingual
    escalation: Bilingual
    rationale: str = ""  # why the field knows this attack works over several turns


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    guidelines: dict[str, Guideline]
    strategies: dict[str, Strategy]

    def with_strategies(self, extra: Iterable[Strategy]) -> Catalogue:
        """This catalogue and ``extra`` strategies (a discovered library's); ours win."""
        added = {s.id: s for s in extra if s.id not in self.strategies}
        if not added:
            return self
        return Catalogue(guidelines=self.guidelines, strategies={**self.strategies, **added})

    def unknown_reference(self, guideline_id: str, strategy_id: str) -> str | None:
        """``field: what is wrong`` when a conversation names a guideline or strategy we lack."""
        if guideline_id not in self.guidelines:
            return f"guideline_id: unknown guideline {guideline_id!r}"
        if strategy_id not in self.strategies:
            return f"strategy_id: unknown strategy {strategy_id!r}"
        return None


def read_data(*parts: str) -> Any:
    """A JSON file shipped in ``pytest_jmedethic/data``."""
    text = resources.files("pytest_jmedethic").joinpath("data", *parts).read_text("utf-8")
    return json.loads(text)


@cache
def load_catalogue() -> Catalogue:
    guidelines = [Guideline.model_validate(g) for g in read_data("guidelines.json")["guidelines"]]
    strategies = [Strategy.model_validate(s) for s in read_data("strategies.json")["strategies"]]
    return Catalogue(
        guidelines={g.id: g for g in guidelines},
        strategies={s.id: s for s in strategies},
    )
