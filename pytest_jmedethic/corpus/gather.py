"""Gathering conversations from every source a run names: the built-in corpus (``builtin``),
the built 50,000 (``full``), the published release (``jmedethicbench:PATH``), or JSON Lines
files and directories. Ids must be unique across all of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .catalogue import Catalogue
from .jsonl import builtin_corpus_dir, load_corpus
from .schema import Conversation, CorpusError, UniqueIds

BUILTIN = "builtin"
FULL = "full"
PUBLISHED_PREFIX = "jmedethicbench:"


def _from_source(
    source: str, root: Path, catalogue: Catalogue, field_map: Path | None
) -> Iterator[tuple[str, Conversation]]:
    if source == BUILTIN:
        for entry in load_corpus([builtin_corpus_dir()], catalogue):
            yield entry.location, entry.conversation
    elif source == FULL:
        from .full_corpus import build_shipped

        for number, conversation in enumerate(build_shipped(), start=1):
            yield f"full corpus #{number}", conversation
    elif source.startswith(PUBLISHED_PREFIX):
        from .published_release import iter_published, load_field_map

        mapping = load_field_map(field_map)
        path = root / source[len(PUBLISHED_PREFIX) :]
        for location, conversation in iter_published(path, mapping):
            unknown = catalogue.unknown_reference(
                conversation.guideline_id, conversation.strategy_id
            )
            if unknown is not None:
                raise CorpusError(f"{location}: {unknown}")
            yield location, conversation
    else:
        for entry in load_corpus([root / source], catalogue):
            yield entry.location, entry.conversation


def gather(
    sources: Iterable[str], root: Path, catalogue: Catalogue, field_map: Path | None = None
) -> tuple[list[Conversation], list[str]]:
    """Every conversation of every source, in order, and a description of each source."""
    ids = UniqueIds()
    conversations: list[Conversation] = []
    described: list[str] = []
    for source in sources:
        before = len(conversations)
        for location, conversation in _from_source(source, root, catalogue, field_map):
            ids.add(conversation.id, location)
            conversations.append(conversation)
        described.append(f"{source} ({len(conversations) - before} conversations)")
    return conversations, described
