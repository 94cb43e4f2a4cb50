"""What discovery attacks: unethical objectives, each tied to a guideline.

By default the objectives are the building blocks the full-corpus builder uses (each
guideline's concrete unethical aims, in both languages); a JSON Lines file of one's own can
replace them (errors name ``FILE:LINE: field``, as for the corpus).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..validation import validated_lines
from .building_blocks import load_guideline_blocks
from .catalogue import Bilingual, Catalogue


class ObjectiveError(ValueError):
    """An objectives file that cannot be used; the message names file, line and field."""


class DiscoveryObjective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=40)
    guideline_id: str = Field(pattern=r"^G\d{2}$")
    topic: Bilingual  # what the conversation is about
    request: Bilingual  # the plainly unethical request the attack must lead to


def builtin_objectives(
    guideline_ids: Sequence[str], per_guideline: int
) -> list[DiscoveryObjective]:
    """The first ``per_guideline`` building-block objectives of each guideline."""
    found = []
    for guideline_id in guideline_ids:
        for number, block in enumerate(
            load_guideline_blocks(guideline_id).objectives[:per_guideline], 1
        ):
            found.append(
                DiscoveryObjective(
                    id=f"{guideline_id}-O{number:02d}",
                    guideline_id=guideline_id,
                    topic=block.topic,
                    request=block.request,
                )
            )
    return found


def load_objectives(path: Path, catalogue: Catalogue) -> list[DiscoveryObjective]:
    found: list[DiscoveryObjective] = []
    seen: dict[str, str] = {}
    for where, objective in validated_lines(path, DiscoveryObjective, ObjectiveError):
        if objective.guideline_id not in catalogue.guidelines:
            raise ObjectiveError(
                f"{where}: guideline_id: unknown guideline {objective.guideline_id}"
            )
        if objective.id in seen:
            raise ObjectiveError(f"{where}: id: {objective.id} is also at {seen[objective.id]}")
        seen[objective.id] = where
        found.append(objective)
    if not found:
        raise ObjectiveError(f"{path}: no objectives")
    return found
