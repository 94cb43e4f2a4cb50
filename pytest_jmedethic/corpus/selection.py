"""Which conversations run: filters, a stratified sample, and deterministic shards.

Everything here depends only on the conversations and the seed, so every xdist worker and
every CI shard computes the same selection.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .schema import Conversation


@dataclass(frozen=True)
class Selection:
    """Which conversations to run. Empty filters select everything."""

    languages: frozenset[str] = frozenset()
    guidelines: frozenset[str] = frozenset()
    strategies: frozenset[str] = frozenset()
    sample: int | None = None
    seed: int = 0
    shard: tuple[int, int] | None = None  # (K, N): the K-th of N parts, 1-based

    @property
    def is_partial(self) -> bool:
        """Whether this selection may leave out conversations of the corpus."""
        return bool(
            self.languages or self.guidelines or self.strategies or self.sample or self.shard
        )

    def keeps(self, conversation: Conversation) -> bool:
        return (
            (not self.languages or conversation.language in self.languages)
            and (not self.guidelines or conversation.guideline_id in self.guidelines)
            and (not self.strategies or conversation.strategy_id in self.strategies)
        )


def select(conversations: Sequence[Conversation], selection: Selection) -> list[Conversation]:
    kept = [c for c in conversations if selection.keeps(c)]
    if selection.sample is not None:
        kept = stratified_sample(kept, selection.sample, selection.seed)
    if selection.shard is not None:
        kept = shard(kept, *selection.shard, seed=selection.seed)
    return kept


def _rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def _cell_order(cells: list[tuple[str, str]], seed: int) -> list[tuple[str, str]]:
    """Cells in visiting order: one per strategy in turn, each strategy starting its walk
    through a seeded permutation of the guidelines at a different offset, so consecutive
    cells differ in strategy and, as far as the corpus allows, in guideline."""
    strategies = sorted({s for _, s in cells}, key=lambda s: _rank(seed, s))
    guidelines = sorted({g for g, _ in cells}, key=lambda g: _rank(seed, g))
    position = {g: i for i, g in enumerate(guidelines)}
    step = max(1, len(guidelines) // max(1, len(strategies)))
    walks = [
        sorted(
            (cell for cell in cells if cell[1] == strategy),
            key=lambda cell, j=j: (position[cell[0]] - j * step) % len(guidelines),
        )
        for j, strategy in enumerate(strategies)
    ]
    longest = max((len(w) for w in walks), default=0)
    return [walk[k] for k in range(longest) for walk in walks if k < len(walk)]


def stratified_sample(
    conversations: Sequence[Conversation], size: int, seed: int
) -> list[Conversation]:
    """Pick ``size`` conversations spread as evenly as possible over guideline x strategy cells.

    Cells are visited round-robin in an order that alternates strategies and rotates
    guidelines (see ``_cell_order``), so even a small sample covers every strategy and many
    guidelines. Within a cell conversations are ranked by a hash of their pair id, so a
    sampled Japanese conversation brings its English translation with it when both languages
    are selected. The result keeps corpus order and depends only on the inputs and the seed
    (identical on every xdist worker).
    """
    if size >= len(conversations):
        return list(conversations)
    cells: dict[tuple[str, str], dict[str, list[Conversation]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for conversation in conversations:
        cell = cells[(conversation.guideline_id, conversation.strategy_id)]
        cell[conversation.language].append(conversation)
    for cell in cells.values():
        for members in cell.values():
            members.sort(key=lambda c: _rank(seed, c.unit))
    order = _cell_order(list(cells), seed)
    picked: set[str] = set()
    depth = 0
    while len(picked) < size:
        for key in order:
            for language in sorted(cells[key]):
                members = cells[key][language]
                if depth < len(members) and len(picked) < size:
                    picked.add(members[depth].id)
        depth += 1
    return [c for c in conversations if c.id in picked]


def shard(
    conversations: Sequence[Conversation], part: int, parts: int, seed: int
) -> list[Conversation]:
    """The ``part``-th of ``parts`` disjoint shards that together hold every conversation.

    Translation pairs stay together, and pairs are dealt out in the stratified visiting
    order of ``stratified_sample``, so every shard gets a fair spread of guidelines,
    strategies and languages. Depends only on the inputs and the seed.
    """
    units: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        units[conversation.unit].append(conversation)
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, members in units.items():
        cells[(members[0].guideline_id, members[0].strategy_id)].append(key)
    for keys in cells.values():
        keys.sort(key=lambda k: _rank(seed, k))
    order = [key for cell in _cell_order(list(cells), seed) for key in cells[cell]]
    mine = {key for index, key in enumerate(order) if index % parts == part - 1}
    return [c for c in conversations if c.unit in mine]


def interleaved(conversations: Sequence[Conversation], seed: int) -> list[Conversation]:
    """The conversations in a seeded order that interleaves guideline, strategy and language,
    so that every prefix is a fair sample of the whole (what a sequential decision reads).

    Cells are visited round-robin in the order of ``_cell_order``; within a cell the seeded
    rank of the translation pair decides, and every other cell starts with English, so that
    each round holds both languages. Depends only on the inputs and the seed (identical on
    every xdist worker).
    """
    cells: dict[tuple[str, str], list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        cells[(conversation.guideline_id, conversation.strategy_id)].append(conversation)
    order = _cell_order(list(cells), seed)
    for position, key in enumerate(order):
        english_first = position % 2 == 1
        cells[key].sort(
            key=lambda c, e=english_first: (_rank(seed, c.unit), (c.language == "ja") == e)
        )
    result: list[Conversation] = []
    depth = 0
    while len(result) < len(conversations):
        result.extend(cells[key][depth] for key in order if depth < len(cells[key]))
        depth += 1
    return result
