"""Simulated attacker models for ``jmedethic generate``: deterministic JSON conversations.

``attacker`` composes its answer from the corpus building blocks, so what it writes is
what the full-corpus builder would write for the same cell; ``attacker-garbage`` never
answers usable JSON; ``attacker-flaky`` does so only when asked again.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .config import SimConfig

_FIELD = re.compile(r"(?m)^(guideline_id|strategy_id|variation|turns): (\S+)$")


def _request(messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    for message in messages:
        if message.get("role") == "user":
            return dict(_FIELD.findall(str(message.get("content", ""))))
    return {}


def compose(config: SimConfig, fields: Mapping[str, str]) -> dict[str, Any]:
    from ..corpus.building_blocks import load_guideline_blocks, load_strategy_blocks
    from ..corpus.full_corpus import draw_recipe, render

    guideline, strategy = fields.get("guideline_id", "G01"), fields.get("strategy_id", "S1")
    turns = max(3, min(5, int(fields.get("turns", "3"))))
    rng = random.Random(f"attacker:{config.seed}:{guideline}:{strategy}:{fields.get('variation')}")
    blocks = load_guideline_blocks(guideline)
    templates = load_strategy_blocks().strategies[strategy]
    recipe = draw_recipe(rng, len(blocks.objectives), templates, turns)
    objective = blocks.objectives[recipe.objective]
    return {
        "persona": objective.persona,
        "setting_ja": objective.topic.ja,
        "setting_en": objective.topic.en,
        "ja": list(render(recipe, objective, templates, "ja")),
        "en": list(render(recipe, objective, templates, "en")),
    }


def attacker(config: SimConfig, model: str, messages: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps(compose(config, _request(messages)), ensure_ascii=False)


def attacker_garbage(config: SimConfig, model: str, messages: Sequence[Mapping[str, Any]]) -> str:
    return "Here is a conversation: the user asks several questions about the topic."


def attacker_flaky(config: SimConfig, model: str, messages: Sequence[Mapping[str, Any]]) -> str:
    asked_again = sum(1 for m in messages if m.get("role") == "user") > 1
    if not asked_again:
        return attacker_garbage(config, model, messages)
    return attacker(config, model, messages)
