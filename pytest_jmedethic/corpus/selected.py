"""The conversations a run selects: gathered from its sources, then filtered, sampled,
sharded and, for a sequential decision, interleaved; and, when none is left, why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .catalogue import Catalogue, load_catalogue
from .gather import BUILTIN, FULL, PUBLISHED_PREFIX, gather
from .schema import Conversation, dataset_hash
from .selection import Selection, interleaved, select
from .strategy_library import strategies_beside


@dataclass(frozen=True)
class CorpusRequest:
    """Where a run's conversations come from and which of them it runs."""

    sources: tuple[str, ...]  # see gather.py
    root: Path  # relative sources are relative to it
    field_map: Path | None
    selection: Selection


@dataclass(frozen=True)
class SelectedCorpus:
    sources: tuple[str, ...]  # each source described, with its count
    total: int  # conversations gathered before the selection
    selected: tuple[Conversation, ...]

    @property
    def selection_hash(self) -> str:
        return dataset_hash(self.selected)


def load_selected(
    request: CorpusRequest, catalogue: Catalogue, *, interleave: bool = False
) -> SelectedCorpus:
    """``interleave``: order the selection so every prefix is a fair sample (what a
    sequential decision's looks read)."""
    conversations, described = gather(request.sources, request.root, catalogue, request.field_map)
    chosen = select(conversations, request.selection)
    if interleave:
        chosen = interleaved(chosen, request.selection.seed)
    return SelectedCorpus(tuple(described), len(conversations), tuple(chosen))


def empty_selection_message(request: CorpusRequest, catalogue: Catalogue) -> str:
    """Why a selection has no conversation: empty files and a shard past the last that holds
    any are told apart from filters that match nothing."""
    conversations, _ = gather(request.sources, request.root, catalogue, request.field_map)
    if not conversations:
        return f"no conversation in {', '.join(request.sources)}: the files are empty"
    shard = request.selection.shard
    whole = select(conversations, replace(request.selection, shard=None))
    if shard is None or not whole:
        return "the selection options matched no conversation"
    units = len({c.unit for c in whole})
    return (
        f"shard {shard[0]}/{shard[1]} is empty: the selection has {len(whole)} conversations "
        f"in {units} translation pairs or single conversations, which shards keep whole; "
        f"split it into at most {units} shards"
    )


def catalogue_for(sources: Sequence[str], root: Path) -> Catalogue:
    """The built-in catalogue, with the strategies ``jmedethic discover`` wrote beside any
    conversations file among ``sources`` (so discovered conversations load unchanged).
    Raises ``LibraryError`` for a strategies file that cannot be read."""
    catalogue = load_catalogue()
    for source in sources:
        if source in (BUILTIN, FULL) or source.startswith(PUBLISHED_PREFIX):
            continue
        catalogue = catalogue.with_strategies(strategies_beside(root / source))
    return catalogue
