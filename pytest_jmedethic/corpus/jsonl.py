"""Reading conversations from JSON Lines files (plain or ``.gz``), the built-in corpus included.

Errors name ``FILE:LINE: field: what is wrong``; a 50,000-line file is parsed and validated
by pydantic in one pass, and only a bad line is parsed again to say what is wrong with it.
Every bad line is found in one reading (the first ``SHOWN_PROBLEMS`` are listed), so a file
with several mistakes is not fixed one run at a time.
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

SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class LoadedConversation:
    conversation: Conversation
    path: Path
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def iter_lines(
    path: Path, catalogue: Catalogue | None = None
) -> Iterator[LoadedConversation | CorpusError]:
    """Each line of one JSON Lines file, read and validated, or what is wrong with it; a file
    that cannot be read on (not UTF-8, a truncated ``.gz``) ends with its error."""
    try:
        if path.suffix == ".gz":
            handle = gzip.open(path, "rt", encoding="utf-8-sig")  # noqa: SIM115 - closed below
        else:
            handle = path.open("r", encoding="utf-8-sig")  # a BOM (Windows editors) is skipped
    except OSError as exc:
        yield CorpusError(f"{path}: cannot read: {exc.strerror or exc}")
        return
    with handle:
        lineno = 0
        try:
            for lineno, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                entry: LoadedConversation | CorpusError
                try:
                    conversation = _parse_line(raw, path, lineno, catalogue)
                    entry = LoadedConversation(conversation, path, lineno)
                except CorpusError as exc:
                    entry = exc
                yield entry
        except UnicodeDecodeError as exc:
            yield CorpusError(f"{path}:{lineno + 1}: (line): not UTF-8 text ({exc.reason})")
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz
            yield CorpusError(f"{path}:{lineno + 1}: (line): cannot read: {exc}")


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
    """Load every conversation; duplicate ids are an error naming both places. Every bad
    line of every file is found before one ``CorpusError`` lists them."""
    ids = UniqueIds()
    loaded: list[LoadedConversation] = []
    problems: list[str] = []
    for file in corpus_files(paths):
        for entry in iter_lines(file, catalogue):
            if isinstance(entry, CorpusError):
                problems.append(str(entry))
                continue
            try:
                ids.add(entry.conversation.id, entry.location)
            except CorpusError as exc:
                problems.append(str(exc))
                continue
            loaded.append(entry)
    if problems:
        raise CorpusError(problem_list(problems))
    return loaded


def problem_list(problems: list[str]) -> str:
    """One problem as it is; several as a count and one per line, the first few."""
    if len(problems) == 1:
        return problems[0]
    shown = problems[:SHOWN_PROBLEMS]
    more = len(problems) - len(shown)
    lines = [f"{len(problems)} problems in the conversations:", *(f"  {p}" for p in shown)]
    return "\n".join(lines + ([f"  ... and {more} more"] if more else []))


def builtin_corpus_dir() -> Path:
    """The corpus shipped with the plugin: inside the wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "conversations", package.parent / "conversations"):
        if candidate.is_dir():
            return candidate
    raise CorpusError(f"{package}: the built-in conversations directory is missing")
