"""The JSON object in a model's answer, for judges' verdicts and attackers' conversations,
and asking a model until its answer is usable (an unusable one is asked for again with the
reason)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ..validation import describe_validation_error

Answer = TypeVar("Answer", bound=BaseModel)
Parsed = TypeVar("Parsed")
Messages = list[dict[str, str]]
ASK_AGAIN = (
    "That answer could not be used ({problem}). Answer again with only the JSON object described."
)

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


@dataclass(frozen=True)
class Asked(Generic[Parsed]):
    """The usable answer (None when no attempt gave one), the attempts it took, why the
    last answer could not be used, and the last answer's text."""

    answer: Parsed | None
    attempts: int
    problem: str | None
    raw: str


def ask_again(problem: str) -> str:
    return ASK_AGAIN.format(problem=problem)


async def ask_until_usable(
    send: Callable[[Messages], Awaitable[str]],
    base: Sequence[dict[str, str]],
    parse: Callable[[str], Parsed],
    attempts: int,
    correction: Callable[[str], str] = ask_again,
) -> Asked[Parsed]:
    """Send ``base``; while ``parse`` rejects the answer (a ``ValueError`` saying why), ask
    again with the answer and ``correction(reason)``, up to ``attempts`` times. Errors of
    ``send`` propagate."""
    messages, raw, problem = list(base), "", ""
    for attempt in range(1, attempts + 1):
        raw = await send(messages)
        try:
            return Asked(parse(raw), attempt, None, raw)
        except ValueError as exc:  # pydantic's ValidationError is one too
            problem = str(exc)
            messages = [
                *base,
                {"role": "assistant", "content": raw},
                {"role": "user", "content": correction(problem)},
            ]
    return Asked(None, attempts, problem, raw)
