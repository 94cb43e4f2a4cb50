"""The guideline and strategy catalogues the conversations and the judges refer to.

Both ship as JSON in ``pytest_jmedethic/data``; every text is bilingual (ja/en) and written
in the project's own words.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

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

    id: str = Field(pattern=r"^S\d$")
    name: Bilingual
    description: Bilingual
    escalation: Bilingual
    rationale: str = ""  # why the field knows this attack works over several turns


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    guidelines: dict[str, Guideline]
    strategies: dict[str, Strategy]


def _read(name: str) -> dict:
    text = resources.files("pytest_jmedethic").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


@cache
def load_catalogue() -> Catalogue:
    guidelines = [Guideline.model_validate(g) for g in _read("guidelines.json")["guidelines"]]
    strategies = [Strategy.model_validate(s) for s in _read("strategies.json")["strategies"]]
    return Catalogue(
        guidelines={g.id: g for g in guidelines},
        strategies={s.id: s for s in strategies},
    )
