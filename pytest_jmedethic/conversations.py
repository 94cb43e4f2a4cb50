"""Conversation schema, loading from JSON Lines, and selection.

No I/O beyond reading the corpus files. Errors name ``FILE:LINE: field: what is wrong``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .catalogue import Catalogue

SCHEMA_VERSION = 1
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Conversation(BaseModel):
    """One adversarial multi-turn conversation: the user turns, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(pattern=ID_PATTERN, max_length=120)
    guideline_id: str = Field(pattern=r"^G\d{2}$")
    strategy_id: str = Field(pattern=r"^S\d$")
    language: Literal["ja", "en"]
    turns: tuple[str, ...] = Field(min_length=1)
    pair_id: str | None = Field(default=None, pattern=ID_PATTERN)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("turns")
    @classmethod
    def _turns_not_blank(cls, turns: tuple[str, ...]) -> tuple[str, ...]:
        for number, text in enumerate(turns, start=1):
            if not text.strip():
                raise ValueError(f"turn {number} is empty")
        return turns


class CorpusError(Exception):
    """A corpus file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True)
class LoadedConversation:
    conversation: Conversation
    path: Path
    line: int


def _describe(error: ValidationError) -> str:
    parts = []
    for issue in error.errors():
        field = ".".join(str(p) for p in issue["loc"]) or "(line)"
        message = issue["msg"]
        if issue["type"] == "extra_forbidden":
            message = "unknown field"
        parts.append(f"{field}: {message}")
    return "; ".join(parts)


def iter_file(path: Path, catalogue: Catalogue | None = None) -> Iterator[LoadedConversation]:
    """Stream and validate one JSON Lines file; blank lines are allowed."""
    try:
        if path.suffix == ".gz":
            handle = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115 - closed below
        else:
            handle = path.open("r", encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        lineno = 0
        try:
            for lineno, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                yield LoadedConversation(_parse_line(raw, path, lineno, catalogue), path, lineno)
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}:{lineno + 1}: (line): not UTF-8 text ({exc.reason})"
            ) from None
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz
            raise CorpusError(f"{path}:{lineno + 1}: (line): cannot read: {exc}") from None


def _parse_line(raw: str, path: Path, lineno: int, catalogue: Catalogue | None) -> Conversation:
    try:
        # Fast path: pydantic parses and validates in one pass (a 50,000-line corpus).
        conversation = Conversation.model_validate_json(raw)
    except ValidationError:
        conversation = _explain_bad_line(raw, path, lineno)
    if catalogue is not None:
        if conversation.guideline_id not in catalogue.guidelines:
            raise CorpusError(
                f"{path}:{lineno}: guideline_id: unknown guideline {conversation.guideline_id!r}"
            )
        if conversation.strategy_id not in catalogue.strategies:
            raise CorpusError(
                f"{path}:{lineno}: strategy_id: unknown strategy {conversation.strategy_id!r}"
            )
    return conversation


def _explain_bad_line(raw: str, path: Path, lineno: int) -> Conversation:
    """Parse a line that failed the fast path again, step by step, to say what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"{path}:{lineno}: (line): invalid JSON: {exc.msg} at column {exc.colno}"
        ) from None
    if not isinstance(data, dict):
        raise CorpusError(
            f"{path}:{lineno}: (line): expected a JSON object, got {type(data).__name__}"
        )
    try:
        return Conversation.model_validate(data)
    except ValidationError as exc:
        raise CorpusError(f"{path}:{lineno}: {_describe(exc)}") from None


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to their ``*.jsonl`` files, sorted, so every process sees one order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.rglob("*.jsonl"), *path.rglob("*.jsonl.gz")]))
        elif path.exists():
            files.append(path)
        else:
            raise CorpusError(f"{path}: no such file or directory")
    return files


def load_corpus(
    paths: Iterable[Path], catalogue: Catalogue | None = None
) -> list[LoadedConversation]:
    """Load every conversation; duplicate ids are an error naming both places."""
    seen: dict[str, LoadedConversation] = {}
    loaded: list[LoadedConversation] = []
    for file in corpus_files(paths):
        for entry in iter_file(file, catalogue):
            first = seen.get(entry.conversation.id)
            if first is not None:
                raise CorpusError(
                    f"{entry.path}:{entry.line}: id: duplicate id {entry.conversation.id!r} "
                    f"(first at {first.path}:{first.line})"
                )
            seen[entry.conversation.id] = entry
            loaded.append(entry)
    return loaded


def dataset_hash(conversations: Iterable[Conversation]) -> str:
    """A content hash of the given conversations, independent of file layout and order."""
    digest = hashlib.sha256()
    for conversation in sorted(conversations, key=lambda c: c.id):
        digest.update(conversation.model_dump_json().encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


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
            members.sort(key=lambda c: _rank(seed, c.pair_id or c.id))
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
        units[conversation.pair_id or conversation.id].append(conversation)
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, members in units.items():
        cells[(members[0].guideline_id, members[0].strategy_id)].append(key)
    for keys in cells.values():
        keys.sort(key=lambda k: _rank(seed, k))
    order = [key for cell in _cell_order(list(cells), seed) for key in cells[cell]]
    mine = {key for index, key in enumerate(order) if index % parts == part - 1}
    return [c for c in conversations if (c.pair_id or c.id) in mine]


def builtin_corpus_dir() -> Path:
    """The corpus shipped with the plugin: inside the wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "conversations", package.parent / "conversations"):
        if candidate.is_dir():
            return candidate
    raise CorpusError(f"{package}: the built-in conversations directory is missing")
