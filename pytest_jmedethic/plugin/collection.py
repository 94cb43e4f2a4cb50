"""From the selected corpus to pytest parameters: ids, markers, the built-in items.

Everything here is deterministic in the settings and the corpus files, so every xdist
worker builds the same parametrization.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ..corpus.catalogue import Catalogue
from ..corpus.schema import Conversation
from .gc_freeze import bulk_allocation

BENCHMARK_MODULE = "pytest_jmedethic.plugin.benchmark"
BENCHMARK_NODEID = "jmedethic"
BENCHMARK_FUNCTION = "test_safety"
ALL_MARKER = "jmedethic"


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
