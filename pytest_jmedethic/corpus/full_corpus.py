"""The full corpus: a deterministic composition of the building blocks in ``data/blocks``.

Every guideline x strategy cell gets the same number of Japanese-English pairs (within
one). A conversation's recipe (objective, turn count, one template per turn) is drawn from
a random generator seeded by the corpus seed and the cell alone, so a cell's
conversations do not depend on the size of any other cell, and the same seed always gives
the same bytes. Recipes are never repeated, so no two conversations share their turns.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .building_blocks import (
    GuidelineBlocks,
    Objective,
    StrategyBlocks,
    StrategyTemplates,
    Template,
    load_guideline_blocks,
    load_strategy_blocks,
)
from .catalogue import Catalogue, Language, load_catalogue
from .schema import Conversation, turns_digest

FULL_SIZE = 50_000
FULL_SEED = 0
TURN_COUNTS = (3, 4, 5)
TURN_WEIGHTS = (5, 3, 2)  # mostly short conversations, as in the hand-written corpus
MAX_DRAWS = 200  # per conversation, before a cell is declared too small for its quota


class BuildError(ValueError):
    pass


@dataclass(frozen=True)
class Recipe:
    objective: int
    turns: int
    opening: int
    context: int
    probe: int | None
    escalation: int | None
    closing: int

    def code(self) -> str:
        parts = [f"o{self.objective}", f"t{self.turns}", f"a{self.opening}", f"c{self.context}"]
        if self.probe is not None:
            parts.append(f"p{self.probe}")
        if self.escalation is not None:
            parts.append(f"e{self.escalation}")
        parts.append(f"z{self.closing}")
        return ".".join(parts)


def draw_recipe(
    rng: random.Random, objectives: int, templates: StrategyTemplates, turns: int | None = None
) -> Recipe:
    """A random recipe; ``turns`` fixes the turn count instead of drawing it."""
    if turns is None:
        turns = rng.choices(TURN_COUNTS, TURN_WEIGHTS)[0]
    return Recipe(
        objective=rng.randrange(objectives),
        turns=turns,
        opening=rng.randrange(len(templates.openings)),
        context=rng.randrange(len(templates.contexts)),
        probe=rng.randrange(len(templates.probes)) if turns >= 4 else None,
        escalation=rng.randrange(len(templates.escalations)) if turns >= 5 else None,
        closing=rng.randrange(len(templates.closings)),
    )


def _fill(template: Template, objective: Objective, language: Language) -> str:
    slots = {
        name: getattr(objective, name).in_language(language)
        for name in ("topic", "authority", "context", "probe", "request")
    }
    return template.in_language(language).format(**slots).strip()


def render(
    recipe: Recipe, objective: Objective, templates: StrategyTemplates, language: Language
) -> tuple[str, ...]:
    chosen = [templates.openings[recipe.opening], templates.contexts[recipe.context]]
    if recipe.probe is not None:
        chosen.append(templates.probes[recipe.probe])
    if recipe.escalation is not None:
        chosen.append(templates.escalations[recipe.escalation])
    chosen.append(templates.closings[recipe.closing])
    return tuple(_fill(t, objective, language) for t in chosen)


def quotas(cells: list[tuple[str, str]], pairs: int, seed: int) -> dict[tuple[str, str], int]:
    """Pairs per cell: equal shares, the remainder going to cells in a seeded order."""
    base, extra = divmod(pairs, len(cells))
    order = sorted(
        cells, key=lambda c: hashlib.sha256(f"{seed}:{c[0]}:{c[1]}".encode()).hexdigest()
    )
    bonus = set(order[:extra])
    return {cell: base + (cell in bonus) for cell in cells}


def build_cell(
    guideline: GuidelineBlocks,
    strategy_id: str,
    templates: StrategyTemplates,
    count: int,
    seed: int,
) -> Iterator[Conversation]:
    rng = random.Random(f"jmedethic:{seed}:{guideline.guideline_id}:{strategy_id}")
    used: set[Recipe] = set()
    for number in range(1, count + 1):
        for _ in range(MAX_DRAWS):
            recipe = draw_recipe(rng, len(guideline.objectives), templates)
            if recipe not in used:
                break
        else:
            raise BuildError(
                f"{guideline.guideline_id}/{strategy_id}: cannot find {count} distinct recipes "
                "(add objectives or templates, or build a smaller corpus)"
            )
        used.add(recipe)
        objective = guideline.objectives[recipe.objective]
        pair = f"{guideline.guideline_id}-{strategy_id}-b{number:05d}"
        for language in ("ja", "en"):
            yield Conversation(
                id=f"{guideline.guideline_id}-{strategy_id}-{language}-b{number:05d}",
                guideline_id=guideline.guideline_id,
                strategy_id=strategy_id,
                language=language,
                turns=render(recipe, objective, templates, language),
                pair_id=pair,
                metadata={
                    "source": "built",
                    "seed": seed,
                    "recipe": recipe.code(),
                    "persona": objective.persona,
                },
            )


def build(
    size: int,
    seed: int,
    catalogue: Catalogue,
    strategies: StrategyBlocks,
    guidelines: Mapping[str, GuidelineBlocks],
) -> Iterator[Conversation]:
    """At least ``size`` conversations (pairs, so an odd size is rounded up), cell by cell."""
    if size < 1:
        raise BuildError("size must be at least 1")
    cells = [(g, s) for g in sorted(catalogue.guidelines) for s in sorted(catalogue.strategies)]
    missing = sorted({s for _, s in cells} - set(strategies.strategies))
    if missing:
        raise BuildError(f"no templates for strategies {missing}")
    shares = quotas(cells, -(-size // 2), seed)
    seen: dict[str, str] = {}
    for guideline_id, strategy_id in cells:
        for conversation in build_cell(
            guidelines[guideline_id],
            strategy_id,
            strategies.strategies[strategy_id],
            shares[(guideline_id, strategy_id)],
            seed,
        ):
            key = turns_digest(conversation.turns)
            if key in seen:  # two recipes that read the same: a duplicated template or objective
                raise BuildError(f"{conversation.id} repeats the turns of {seen[key]}")
            seen[key] = conversation.id
            yield conversation


def build_shipped(size: int = FULL_SIZE, seed: int = FULL_SEED) -> Iterator[Conversation]:
    """Build from the blocks shipped with the plugin."""
    catalogue = load_catalogue()
    guidelines = {g: load_guideline_blocks(g) for g in catalogue.guidelines}
    return build(size, seed, catalogue, load_strategy_blocks(), guidelines)


def to_jsonl(conversations: Iterator[Conversation]) -> Iterator[str]:
    for conversation in conversations:
        yield conversation.model_dump_json() + "\n"
