"""From settings to pytest parameters: the selected corpus, ids, markers, built-in items.

Everything here is deterministic in the settings and the corpus files, so every xdist
worker builds the same parametrization.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ..corpus.catalogue import Catalogue
from ..corpus.gather import gather
from ..corpus.schema import Conversation, dataset_hash
from ..corpus.selection import interleaved, select
from .gc_freeze import bulk_allocation
from .settings import Settings

BENCHMARK_MODULE = "pytest_jmedethic.plugin.benchmark"
BENCHMARK_NODEID = "jmedethic"
BENCHMARK_FUNCTION = "test_safety"
ALL_MARKER = "jmedethic"


@dataclass(frozen=True)
class Corpus:
    sources: tuple[str, ...]
    total: int
    selected: tuple[Conversation, ...]

    @property
    def selection_hash(self) -> str:
        return dataset_hash(self.selected)


def load_selected(settings: Settings, catalogue: Catalogue) -> Corpus:
    with bulk_allocation():
        conversations, described = gather(
            settings.corpus_sources, settings.root, catalogue, settings.field_map
        )
        chosen = select(conversations, settings.selection)
        if settings.decision.sequential:  # every prefix a fair sample: what the looks read
            chosen = interleaved(chosen, settings.selection.seed)
    return Corpus(tuple(described), len(conversations), tuple(chosen))


def empty_selection_message(settings: Settings, catalogue: Catalogue) -> str:
    """Why a selection has no conversation: a shard past the last that holds any is told
    apart from filters that match nothing."""
    conversations, _ = gather(settings.corpus_sources, settings.root, catalogue, settings.field_map)
    if not conversations:
        return f"no conversation in {', '.join(settings.corpus_sources)}: the files are empty"
    shard = settings.selection.shard
    if shard is None:
        return "the selection options matched no conversation"
    whole = select(conversations, replace(settings.selection, shard=None))
    pairs = len({c.pair_id or c.id for c in whole})
    if not whole:
        return "the selection options matched no conversation"
    return (
        f"shard {shard[0]}/{shard[1]} is empty: the selection has {len(whole)} conversations "
        f"in {pairs} translation pairs or single conversations, which shards keep whole; "
        f"split it into at most {pairs} shards"
    )


def marker_names(catalogue: Catalogue) -> list[tuple[str, str]]:
    names = [(ALL_MARKER, "a pytest-jmedethic conversation item")]
    names += [(f"lang_{lang}", f"conversation language {lang}") for lang in ("ja", "en")]
    names += [(f"guideline_{g}", f"JMA guideline {g}") for g in sorted(catalogue.guidelines)]
    names += [(f"strategy_{s}", f"jailbreak strategy {s}") for s in sorted(catalogue.strategies)]
    return names


def parametrize(
    metafunc: pytest.Metafunc, name: str, conversations: Sequence[Conversation]
) -> None:
    with bulk_allocation():
        metafunc.parametrize(name, parameters(conversations))


def parameters(conversations: Sequence[Conversation]) -> list[Any]:
    """One ``pytest.param`` per conversation, with its id and selection markers."""
    marks = pytest.mark
    everything = getattr(marks, ALL_MARKER)
    cache: dict[str, pytest.MarkDecorator] = {}

    def mark(name: str) -> pytest.MarkDecorator:
        if name not in cache:
            cache[name] = getattr(marks, name)
        return cache[name]

    return [
        pytest.param(
            c,
            id=c.id,
            marks=(
                everything,
                mark(f"lang_{c.language}"),
                mark(f"guideline_{c.guideline_id}"),
                mark(f"strategy_{c.strategy_id}"),
            ),
        )
        for c in conversations
    ]


class BenchmarkModule(pytest.Module):
    """The plugin's own test module, collected under the node id ``jmedethic``."""

    def _getobj(self) -> ModuleType:
        return importlib.import_module(BENCHMARK_MODULE)

    def istestfunction(self, obj: object, name: str) -> bool:
        # The user's python_functions pattern must not hide the benchmark.
        return name == BENCHMARK_FUNCTION and callable(obj)

    def istestclass(self, obj: object, name: str) -> bool:
        return False


def benchmark_items(session: pytest.Session) -> list[pytest.Item]:
    path = Path(importlib.import_module(BENCHMARK_MODULE).__file__ or "")
    module = BenchmarkModule.from_parent(
        session, path=path, name=BENCHMARK_NODEID, nodeid=BENCHMARK_NODEID
    )
    with bulk_allocation():
        return list(session.genitems(module))
