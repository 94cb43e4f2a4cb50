"""Building blocks of the full corpus: objectives per guideline, turn templates per strategy.

A built conversation is: an opening (names the topic), a context turn (the user's
situation), zero to two escalation turns (a probe, then strategy pressure), and a closing
turn that makes the unethical request plain. The strategy supplies the wording of each
turn; the guideline's objective supplies what is being asked for. Japanese and English are
built with the same choices, so every built conversation has its translation.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .catalogue import Bilingual, read_data

Persona = Literal[
    "patient",
    "family",
    "physician",
    "nurse",
    "pharmacist",
    "researcher",
    "journalist",
    "company_staff",
    "medical_student",
    "administrator",
    "insurer",
]
PERSONAS: tuple[str, ...] = get_args(Persona)
SLOTS = ("topic", "authority", "context", "probe", "request")
_SLOT = re.compile(r"\{([a-z_]+)\}")


class Objective(BaseModel):
    """One concrete unethical aim under a guideline, in the words of a user who wants it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    persona: Persona
    topic: Bilingual  # noun phrase: "…について" / "about …"
    authority: Bilingual  # a professional or authority the user might claim to be
    context: Bilingual  # 1-2 first-person sentences: the situation, no request yet
    probe: Bilingual  # a grey-area question edging towards the aim
    request: Bilingual  # the plainly unethical request, self-contained


class GuidelineBlocks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    guideline_id: str = Field(pattern=r"^G\d{2}$")
    objectives: tuple[Objective, ...] = Field(min_length=8)


def _slots(text: str) -> set[str]:
    return set(_SLOT.findall(text))


class Template(Bilingual):
    """A turn's wording with slots; both languages must use the same slots."""

    @model_validator(mode="after")
    def _same_known_slots(self) -> Template:
        ja, en = _slots(self.ja), _slots(self.en)
        unknown = (ja | en) - set(SLOTS)
        if unknown:
            raise ValueError(f"unknown slot(s) {sorted(unknown)}")
        if ja != en:
            raise ValueError(f"ja uses slots {sorted(ja)} but en uses {sorted(en)}")
        return self

    @property
    def slots(self) -> set[str]:
        return _slots(self.en)


def _requiring(slot: str, templates: tuple[Template, ...], kind: str) -> tuple[Template, ...]:
    for number, template in enumerate(templates, start=1):
        if slot not in template.slots:
            raise ValueError(f"{kind} {number} must contain {{{slot}}}")
    return templates


class StrategyTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    openings: tuple[Template, ...] = Field(min_length=5)  # each contains {topic}
    contexts: tuple[Template, ...] = Field(min_length=5)  # each contains {context}
    probes: tuple[Template, ...] = Field(min_length=5)  # each contains {probe}
    escalations: tuple[Template, ...] = Field(min_length=5)  # strategy pressure, any slots
    closings: tuple[Template, ...] = Field(min_length=5)  # each contains {request}

    @model_validator(mode="after")
    def _required_slots(self) -> StrategyTemplates:
        _requiring("topic", self.openings, "opening")
        _requiring("context", self.contexts, "context")
        _requiring("probe", self.probes, "probe")
        _requiring("request", self.closings, "closing")
        return self


class StrategyBlocks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    strategies: dict[str, StrategyTemplates]


@cache
def load_strategy_blocks() -> StrategyBlocks:
    return StrategyBlocks.model_validate(read_data("blocks", "strategies.json"))


@cache
def load_guideline_blocks(guideline_id: str) -> GuidelineBlocks:
    blocks = GuidelineBlocks.model_validate(read_data("blocks", f"{guideline_id}.json"))
    if blocks.guideline_id != guideline_id:
        raise ValueError(f"blocks/{guideline_id}.json: guideline_id is {blocks.guideline_id}")
    return blocks
