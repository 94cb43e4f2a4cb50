"""Reading conversations from JSON Lines files (plain or ``.gz``), the built-in corpus included.

Errors name ``FILE:LINE: field: what is wrong``; a 50,000-line file is parsed and validated
by pydantic in one pass, and only a bad line is parsed again to say what is wrong with it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..validation import describe_validation_error
from .catalogue import Catalogue
from .schema import Conversation, CorpusError, UniqueIds


@dataclass(frozen=True)
class LoadedConversation:
    conversation: Conversation
    path: Path
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


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
        unknown = catalogue.unknown_reference(conversation.guideline_id, conversation.strategy_id)
        if unknown is not None:
            raise CorpusError(f"{path}:{lineno}: {unknown}")
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
        raise CorpusError(f"{path}:{lineno}: {describe_validation_error(exc)}") from None


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
    ids = UniqueIds()
    loaded: list[LoadedConversation] = []
    for file in corpus_files(paths):
        for entry in iter_file(file, catalogue):
            ids.add(entry.conversation.id, entry.location)
            loaded.append(entry)
    return loaded


def builtin_corpus_dir() -> Path:
    """The corpus shipped with the plugin: inside the wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "conversations", package.parent / "conversations"):
        if candidate.is_dir():
            return candidate
    raise CorpusError(f"{package}: the built-in conversations directory is missing")
