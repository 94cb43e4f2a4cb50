"""Pydantic validation errors as one line of text: ``field: problem; field: problem``.

Every place that validates outside data (corpus lines, the published release, judges'
verdicts, attackers' answers, reports) says what is wrong the same way, so an error always
names the field. The two small file readers below (a JSON file one of our commands wrote,
and a JSON Lines file of items) say it the same way, with the file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)

# A check across fields (a model validator) says which field it faults as "field: problem".
_NAMED = re.compile(r"^[a-z_][a-z_0-9.]*: ")


def describe_validation_error(error: ValidationError, *, whole: str = "(line)") -> str:
    """Each problem as ``dotted.field: message``; ``whole`` names a problem with no field."""
    parts = []
    for issue in error.errors():
        field = ".".join(str(part) for part in issue["loc"]) or whole
        message = "unknown field" if issue["type"] == "extra_forbidden" else issue["msg"]
        message = message.removeprefix("Value error, ")
        named = not issue["loc"] and _NAMED.match(message)
        parts.append(message if named else f"{field}: {message}")
    return "; ".join(parts)


def load_schema_file(
    path: Path, model: type[Model], error: type[ValueError], *, schema: str, written_by: str
) -> Model:
    """A JSON file whose ``schema`` field is ``schema``, validated as ``model``; ``error``
    names the file and the field (``written_by`` says what the file should have been)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != schema:
        raise error(f"{path}: not {written_by}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{path}: {describe_validation_error(exc, whole='(file)')}") from None


def validated_lines(
    path: Path, model: type[Model], error: type[ValueError]
) -> Iterator[tuple[str, Model]]:
    """Each non-blank line of a JSON Lines file as ``model``, with where it stands
    (``FILE:LINE``); ``error`` names the file, the line and the field."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, model.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise error(f"{where}: not JSON: {exc.msg} (column {exc.colno})") from None
        except ValidationError as exc:
            raise error(f"{where}: {describe_validation_error(exc)}") from None


def first_repeat(ids: Iterable[str]) -> tuple[str, int, int] | None:
    """The first id seen a second time, with both positions; None when each is once (for
    validators of lists that must hold one of each)."""
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in first:
            return value, first[value], index
        first[value] = index
    return None
