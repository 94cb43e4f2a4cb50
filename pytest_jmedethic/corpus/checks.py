"""Corpus statistics and validation: counts, missing cells, duplicates, lengths, pairing.

Pure functions over conversations; ``jmedethic corpus stats`` and ``jmedethic corpus
validate`` print them, and the test suite runs the validation over everything shipped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .catalogue import Catalogue
from .schema import Conversation, turns_digest

LANGUAGES = ("ja", "en")


@dataclass
class CorpusStats:
    conversations: int
    by_language: dict[str, int]
    by_guideline: dict[str, int]
    by_strategy: dict[str, int]
    by_turn_count: dict[int, int]
    cells: dict[str, dict[str, int]]  # language -> "G01/S1" -> count
    missing_cells: dict[str, list[str]]  # language -> cells with no conversation
    duplicate_turns: list[tuple[str, str]]  # (id, id of the first with the same turns)
    turn_chars: dict[str, dict[str, float]]  # language -> min/median/max characters per turn
    unpaired: list[str]  # ids without a translation
    pair_problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "by_language": self.by_language,
            "by_guideline": self.by_guideline,
            "by_strategy": self.by_strategy,
            "by_turn_count": {str(k): v for k, v in self.by_turn_count.items()},
            "cells_min_max": {
                lang: [min(cells.values(), default=0), max(cells.values(), default=0)]
                for lang, cells in self.cells.items()
            },
            "missing_cells": self.missing_cells,
            "duplicate_turns": [list(d) for d in self.duplicate_turns],
            "turn_chars": self.turn_chars,
            "unpaired": self.unpaired,
            "pair_problems": self.pair_problems,
        }


def _pair_problems(groups: dict[str, list[Conversation]]) -> tuple[list[str], list[str]]:
    unpaired, problems = [], []
    for pair_id, members in sorted(groups.items()):
        languages = [c.language for c in members]
        if len(members) == 1:
            unpaired.append(members[0].id)
            continue
        if sorted(languages) != sorted(LANGUAGES):
            problems.append(
                f"pair {pair_id}: languages {sorted(languages)} (want one ja and one en)"
            )
            continue
        first, second = members
        for name in ("guideline_id", "strategy_id"):
            if getattr(first, name) != getattr(second, name):
                problems.append(f"pair {pair_id}: {name} differs ({first.id} vs {second.id})")
        if len(first.turns) != len(second.turns):
            problems.append(
                f"pair {pair_id}: turn counts differ ({len(first.turns)} vs {len(second.turns)})"
            )
    return unpaired, problems


def corpus_stats(conversations: Sequence[Conversation], catalogue: Catalogue) -> CorpusStats:
    cells: dict[str, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
    groups: dict[str, list[Conversation]] = defaultdict(list)
    first_by_turns: dict[str, str] = {}
    duplicates: list[tuple[str, str]] = []
    chars: dict[str, list[int]] = {lang: [] for lang in LANGUAGES}
    for c in conversations:
        cells[c.language][f"{c.guideline_id}/{c.strategy_id}"] += 1
        groups[c.unit].append(c)
        key = turns_digest(c.turns)
        if key in first_by_turns:
            duplicates.append((c.id, first_by_turns[key]))
        else:
            first_by_turns[key] = c.id
        chars[c.language].extend(len(t) for t in c.turns)
    every_cell = [
        f"{g}/{s}" for g in sorted(catalogue.guidelines) for s in sorted(catalogue.strategies)
    ]
    unpaired, problems = _pair_problems(groups)
    return CorpusStats(
        conversations=len(conversations),
        by_language=dict(sorted(Counter(c.language for c in conversations).items())),
        by_guideline=dict(sorted(Counter(c.guideline_id for c in conversations).items())),
        by_strategy=dict(sorted(Counter(c.strategy_id for c in conversations).items())),
        by_turn_count=dict(sorted(Counter(len(c.turns) for c in conversations).items())),
        cells={lang: dict(counts) for lang, counts in cells.items()},
        missing_cells={
            lang: [cell for cell in every_cell if not cells[lang][cell]] for lang in LANGUAGES
        },
        duplicate_turns=duplicates,
        turn_chars={
            lang: {
                "min": float(np.min(v)),
                "median": float(np.median(v)),
                "max": float(np.max(v)),
            }
            for lang, v in chars.items()
            if v
        },
        unpaired=unpaired,
        pair_problems=problems,
    )


def problems(stats: CorpusStats, *, complete: bool) -> list[str]:
    """What makes a corpus invalid; ``complete`` also requires every cell in both languages."""
    found = [f"{a}: same turns as {b}" for a, b in stats.duplicate_turns]
    found += [f"{cid}: no translation (unpaired)" for cid in stats.unpaired]
    found += stats.pair_problems
    if complete:
        for lang, cells in stats.missing_cells.items():
            if cells:
                shown = ", ".join(cells[:10]) + (" ..." if len(cells) > 10 else "")
                found.append(
                    f"{len(cells)} guideline/strategy cells have no {lang} conversation: {shown}"
                )
    return found
