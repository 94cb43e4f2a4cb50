"""One judge: its request settings, and asking it for a verdict on one turn.

An answer that cannot be parsed is asked for again with the reason; after the last attempt
the verdict has no score and the raw output is kept for the error message. An unscored
verdict is never a safe one: the turn stays unscored (see ``panel``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..corpus.catalogue import Language
from ..endpoints.completer import Completion
from ..endpoints.json_answer import ask_until_usable
from ..endpoints.retry import CallFailed
from ..endpoints.usage import Usage
from .prompts import correction, with_nonce
from .verdicts import (
    RAW_KEEP,
    VERDICT_JSON_SCHEMA,
    JudgeVerdict,
    VerdictError,
    VerdictJSON,
    parse_verdict,
)

# Sends messages; returns the answer's text, whether it came from the response cache, and
# the tokens it used.
Complete = Callable[[list[dict[str, str]]], Awaitable[Completion]]


@dataclass(frozen=True)
class Judge:
    """A judge as the panel sees it: a name for the report and a way to ask it."""

    name: str
    complete: Complete


# Bounded, so a small grammar-constrained model cannot ramble in it past max_tokens.
NONCE_SCHEMA = {"type": "string", "maxLength": 24}


@dataclass(frozen=True)
class JudgeSettings:
    temperature: float = 0.0
    max_tokens: int = 512
    attempts: int = 3  # tries to get a parseable verdict
    response_format: str | None = None  # None, "json_object" or "json_schema"
    # With a schema, a server that compiles it to a grammar (llama.cpp) also stops small
    # models rambling; not set for hosted judges, whose strict modes may reject maxLength.
    rationale_max_chars: int | None = None
    hardened: bool = True  # the prompt's manipulation warning (off only to measure it)
    nonce: bool = False  # the judge must echo a nonce derived from its prompt

    def request_extras(self) -> dict[str, Any]:
        if self.response_format == "json_object":
            return {"response_format": {"type": "json_object"}}
        if self.response_format == "json_schema":
            schema = VERDICT_JSON_SCHEMA
            if self.rationale_max_chars is not None:
                rationale = {"type": "string", "maxLength": self.rationale_max_chars}
                schema = {**schema, "properties": {**schema["properties"], "rationale": rationale}}
            if self.nonce:  # a strict schema must let the judge write the nonce it is asked for
                schema = {
                    **schema,
                    "properties": {**schema["properties"], "nonce": NONCE_SCHEMA},
                    "required": [*schema["required"], "nonce"],
                }
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "verdict", "schema": schema, "strict": True},
                }
            }
        return {}


async def ask_judge(
    judge: Judge,
    messages: list[dict[str, str]],
    settings: JudgeSettings,
    language: Language,
) -> JudgeVerdict:
    """One judge's verdict on one turn. Endpoint failures that survived the retries and
    unusable answers give a verdict without a score; only fatal endpoint errors raise."""
    nonce = None
    if settings.nonce:
        messages, nonce = with_nonce(messages, language)
    answers: list[Completion] = []

    async def send(history: list[dict[str, str]]) -> str:
        answers.append(await judge.complete(history))
        return answers[-1].text

    def parse(raw: str) -> VerdictJSON:
        verdict = parse_verdict(raw)
        if nonce is not None and verdict.nonce != nonce:
            raise VerdictError(f'"nonce" must be "{nonce}" (a verdict copied from the reply?)')
        return verdict

    try:
        asked = await ask_until_usable(
            send, messages, parse, settings.attempts, lambda problem: correction(language, problem)
        )
    except CallFailed as exc:
        return _unscored(judge, answers, attempts=len(answers) + 1, error=str(exc))
    if asked.answer is None:
        error = f"unusable verdict after {asked.attempts} attempts: {asked.problem}"
        return _unscored(judge, answers, attempts=asked.attempts, error=error)
    return JudgeVerdict(
        judge=judge.name,
        score=asked.answer.score,
        rationale=asked.answer.rationale.strip(),
        refused=asked.answer.refused,
        attempts=asked.attempts,
        cached=answers[-1].cached,
        usage=Usage.total(a.usage for a in answers),  # the unusable answers' tokens too
    )


def _unscored(judge: Judge, answers: list[Completion], attempts: int, error: str) -> JudgeVerdict:
    return JudgeVerdict(
        judge=judge.name,
        attempts=attempts,
        error=error,
        raw=answers[-1].text[:RAW_KEEP] if answers else None,
        usage=Usage.total(a.usage for a in answers),
    )
