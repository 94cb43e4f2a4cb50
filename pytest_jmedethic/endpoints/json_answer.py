"""The JSON object in a model's answer, for judges' verdicts and attackers' conversations."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..validation import describe_validation_error

Answer = TypeVar("Answer", bound=BaseModel)

_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def json_object_in(text: str, error: type[ValueError]) -> dict[str, Any]:
    """The JSON object in a model's answer, tolerating code fences and prose around it."""
    stripped = _FENCE.sub("", text.strip())
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        raise error("no JSON object in the answer")
    try:
        data = json.loads(stripped[start : end + 1])
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise error("the JSON is not an object")
    return data


def parse_answer(text: str, schema: type[Answer], error: type[ValueError]) -> Answer:
    """The answer's JSON object, validated; ``error`` says which field is wrong and why."""
    data = json_object_in(text, error)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise error(describe_validation_error(exc, whole="(object)")) from None
