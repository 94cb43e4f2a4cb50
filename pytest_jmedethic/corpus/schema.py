"""The conversation schema: one adversarial multi-turn conversation, and what identifies it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# S1-S9: the built-in strategies; D01-D999: strategies found by ``jmedethic discover``.
STRATEGY_ID_PATTERN = r"^(S\d|D\d{2,3})$"


class Conversation(BaseModel):
    """One adversarial multi-turn conversation: the user turns, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(pattern=ID_PATTERN, max_length=120)
    guideline_id: str = Field(pattern=r"^G\d{2}$")
    strategy_id: str = Field(pattern=STRATEGY_ID_PATTERN)
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

    @property
    def unit(self) -> str:
        """What sampling and sharding keep together: the translation pair, else itself."""
        return self.pair_id or self.id


class CorpusError(Exception):
    """A corpus file that cannot be used; the message names file, line and field."""


class UniqueIds:
    """Remembers where each id was first seen; a second sighting is a ``CorpusError``."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def add(self, conversation_id: str, location: str) -> None:
        first = self._first.get(conversation_id)
        if first is not None:
            raise CorpusError(
                f"{location}: id: duplicate id {conversation_id!r} (first at {first})"
            )
        self._first[conversation_id] = location


def turns_digest(turns: Iterable[str]) -> str:
    """A hash of a conversation's turns: two conversations with equal digests read the same."""
    return hashlib.sha256("\x1f".join(turns).encode()).hexdigest()


def dataset_hash(conversations: Iterable[Conversation]) -> str:
    """A content hash of the given conversations, independent of file layout and order."""
    digest = hashlib.sha256()
    for conversation in sorted(conversations, key=lambda c: c.id):
        digest.update(conversation.model_dump_json().encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()
