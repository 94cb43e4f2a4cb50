"""Read the research group's own JMedEthicBench release (JSON, Japanese and English).

The release is JSON, but its field names are not ours. A field map says where each of our
fields is found: a list of candidate names (dotted paths allowed) tried in order. The
default map below covers the usual names; a JSON file given with ``--jmed-field-map``
overrides any entry, and can translate strategy names to our ids. Values are normalised:
guideline ``6`` or ``"G6"`` becomes ``G06``, strategy ``3`` becomes ``S3``, a turn list
of chat messages keeps the user's messages, and a missing language is read from the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..validation import describe_validation_error
from .language import looks_japanese
from .schema import Conversation, CorpusError

DEFAULT_FIELD_MAP: dict[str, Any] = {
    "id": ["id", "conversation_id", "uid", "idx"],
    "guideline_id": ["guideline_id", "guideline", "guideline_no", "guideline_index", "category_id"],
    "strategy_id": ["strategy_id", "strategy", "attack_strategy", "jailbreak_strategy", "method"],
    "language": ["language", "lang"],
    "turns": [
        "turns",
        "user_turns",
        "prompts",
        "questions",
        "conversation",
        "messages",
        "dialogue",
    ],
    "pair_id": ["pair_id", "group_id", "source_id", "original_id"],
    "strategy_names": {},  # e.g. {"Crescendo": "S1"}
    "records": [
        "data",
        "conversations",
        "items",
        "records",
    ],  # where a top-level object keeps its list
}
USER_ROLES = {"user", "human", "attacker", "ユーザー"}


def load_field_map(path: Path | None) -> dict[str, Any]:
    mapping = dict(DEFAULT_FIELD_MAP)
    if path is None:
        return mapping
    try:
        override = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read the field map: {exc}") from None
    if not isinstance(override, dict):
        raise CorpusError(f"{path}: the field map must be a JSON object")
    unknown = set(override) - set(DEFAULT_FIELD_MAP)
    if unknown:
        raise CorpusError(f"{path}: unknown field map entries {sorted(unknown)}")
    for key, value in override.items():
        mapping[key] = [value] if isinstance(value, str) else value
    return mapping


def _lookup(record: dict[str, Any], candidates: list[str]) -> Any:
    for candidate in candidates:
        value: Any = record
        for part in candidate.split("."):
            if not isinstance(value, dict) or part not in value:
                break
            value = value[part]
        else:
            return value
    return None


def _numbered(value: Any, prefix: str, width: int) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{prefix}{value:0{width}d}"
    if isinstance(value, str):
        match = re.fullmatch(rf"(?i){prefix}?\s*0*(\d+)", value.strip())
        if match:
            return f"{prefix}{int(match[1]):0{width}d}"
    return value


def _turns(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        texts = []
        for message in value:
            role = str(message.get("role", message.get("from", ""))).lower()
            if role in USER_ROLES:
                texts.append(message.get("content", message.get("value", "")))
        return texts
    return value


def normalise(record: dict[str, Any], mapping: dict[str, Any]) -> dict[str, Any]:
    strategy = _lookup(record, mapping["strategy_id"])
    strategy = (
        mapping["strategy_names"].get(strategy, strategy) if isinstance(strategy, str) else strategy
    )
    turns = _turns(_lookup(record, mapping["turns"]))
    language = _lookup(record, mapping["language"])
    if language is None and isinstance(turns, list) and turns:
        language = "ja" if looks_japanese(str(turns[0])) else "en"
    if isinstance(language, str):
        language = {"japanese": "ja", "english": "en", "jp": "ja"}.get(
            language.lower(), language.lower()
        )
    identifier = _lookup(record, mapping["id"])
    pair = _lookup(record, mapping["pair_id"])
    return {
        "id": str(identifier) if identifier is not None else None,
        "guideline_id": _numbered(_lookup(record, mapping["guideline_id"]), "G", 2),
        "strategy_id": _numbered(strategy, "S", 1),
        "language": language,
        "turns": turns,
        "pair_id": str(pair) if pair is not None else None,
        "metadata": {"source": "jmedethicbench"},
    }


def _records(path: Path, mapping: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(location, record) pairs from a JSON array/object file or a JSON Lines file."""
    text = path.read_text("utf-8")
    try:
        data = None if path.suffix == ".jsonl" else json.loads(text)
    except json.JSONDecodeError:
        data = None
    if data is None:
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield f"{path}:{lineno}", json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{path}:{lineno}: (line): invalid JSON: {exc.msg}") from None
        return
    if isinstance(data, dict):
        held = _lookup(data, mapping["records"])
        data = held if held is not None else [data]
    if not isinstance(data, list):
        raise CorpusError(f"{path}: expected a list of conversations (or an object holding one)")
    for index, record in enumerate(data):
        yield f"{path}[{index}]", record


def iter_published(path: Path, mapping: dict[str, Any]) -> Iterator[tuple[str, Conversation]]:
    files = (
        sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl"))
        if path.is_dir()
        else [path]
    )
    if not files or not files[0].exists():
        raise CorpusError(f"{path}: no JSON files found")
    for file in files:
        for number, (location, record) in enumerate(_records(file, mapping), start=1):
            if not isinstance(record, dict):
                raise CorpusError(f"{location}: (record): expected a JSON object")
            fields = normalise(record, mapping)
            if fields["id"] is None:  # a stable id from the file and the record's position
                fields["id"] = f"{file.stem}-{number:06d}"
            try:
                yield location, Conversation.model_validate(fields)
            except ValidationError as exc:
                problems = describe_validation_error(exc, whole="(record)")
                raise CorpusError(f"{location}: {problems} (after the field map)") from None
