"""Where conversations come from: the built-in corpus, the built full corpus, the published
release, or JSON Lines files. Ids must be unique across all of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .catalogue import Catalogue
from .conversations import Conversation, CorpusError, builtin_corpus_dir, load_corpus

BUILTIN = "builtin"
FULL = "full"
PUBLISHED_PREFIX = "jmedethicbench:"


def _from_source(
    source: str, root: Path, catalogue: Catalogue, field_map: Path | None
) -> Iterator[tuple[str, Conversation]]:
    if source == BUILTIN:
        for entry in load_corpus([builtin_corpus_dir()], catalogue):
            yield f"{entry.path}:{entry.line}", entry.conversation
    elif source == FULL:
        from .builder import build_shipped

        for number, conversation in enumerate(build_shipped(), start=1):
            yield f"full corpus #{number}", conversation
    elif source.startswith(PUBLISHED_PREFIX):
        from .published import iter_published, load_field_map

        mapping = load_field_map(field_map)
        for location, conversation in iter_published(
            root / source[len(PUBLISHED_PREFIX) :], mapping
        ):
            for name, known in (
                ("guideline_id", catalogue.guidelines),
                ("strategy_id", catalogue.strategies),
            ):
                if getattr(conversation, name) not in known:
                    raise CorpusError(
                        f"{location}: {name}: unknown id {getattr(conversation, name)!r}"
                    )
            yield location, conversation
    else:
        for entry in load_corpus([root / source], catalogue):
            yield f"{entry.path}:{entry.line}", entry.conversation


def gather(
    sources: Iterable[str], root: Path, catalogue: Catalogue, field_map: Path | None = None
) -> tuple[list[Conversation], list[str]]:
    """Every conversation of every source, in order, and a description of each source."""
    seen: dict[str, str] = {}
    conversations: list[Conversation] = []
    described: list[str] = []
    for source in sources:
        before = len(conversations)
        for location, conversation in _from_source(source, root, catalogue, field_map):
            first = seen.get(conversation.id)
            if first is not None:
                raise CorpusError(
                    f"{location}: id: duplicate id {conversation.id!r} (first at {first})"
                )
            seen[conversation.id] = location
            conversations.append(conversation)
        described.append(f"{source} ({len(conversations) - before} conversations)")
    return conversations, described
