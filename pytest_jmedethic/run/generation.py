"""Writing new conversations with an attacker model (``jmedethic generate``): each job asked
for, checked and asked again with the reason, several at once; what the attacker is asked
and what its answer must be are in ``corpus.generation``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from ..corpus.catalogue import Catalogue
from ..corpus.generation import (
    INSTRUCTIONS,
    AttackerError,
    AttackerOutput,
    Job,
    JobResult,
    attacker_prompt,
    parse_attacker,
    to_conversations,
)
from ..endpoints.completer import Completer
from ..endpoints.errors import EndpointError
from ..endpoints.json_answer import ask_until_usable
from ..endpoints.retry import RetryPolicy
from ..endpoints.specs import EndpointSpec
from ..endpoints.usage import Usage
from .connections import CallSettings


async def _generate_one(
    attacker: Completer, catalogue: Catalogue, job: Job, attempts: int, prefix: str
) -> JobResult:
    prompt = attacker_prompt(
        catalogue.guidelines[job.guideline_id],
        catalogue.strategies[job.strategy_id],
        job.variation,
        job.turns,
    )
    base = [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": prompt}]
    answers: list[str] = []
    used = Usage()

    async def send(messages: list[dict[str, str]]) -> str:
        nonlocal used
        completion = await attacker.complete(messages)
        used = used + completion.usage
        answers.append(completion.text)
        return completion.text

    def parse(raw: str) -> AttackerOutput:
        output = parse_attacker(raw)
        if len(output.ja) != job.turns:
            raise AttackerError(f"asked for {job.turns} turns, got {len(output.ja)}")
        return output

    try:
        asked = await ask_until_usable(send, base, parse, attempts)
    except EndpointError as exc:  # already one secret-free line, retries spent
        last = answers[-1] if answers else None
        return JobResult(job, [], len(answers) + 1, str(exc), last, used)
    if asked.answer is None:
        return JobResult(job, [], asked.attempts, asked.problem, asked.raw, used)
    return JobResult(job, to_conversations(job, asked.answer, prefix), asked.attempts, usage=used)


async def generate(
    spec: EndpointSpec,
    catalogue: Catalogue,
    jobs: Sequence[Job],
    *,
    attempts: int = 3,
    concurrency: int = 4,
    temperature: float = 0.9,
    timeout: float = 120.0,
    retry: RetryPolicy | None = None,
    prefix: str = "g",
    on_done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """``on_done`` hears of each job as it ends (a progress line, say)."""
    # A run's own Completer: the same retries (Retry-After, a budget) and token counts.
    calls = CallSettings(timeout=timeout, retry=retry or RetryPolicy(attempts=3))
    attacker = calls.completer("attacker", spec, {"temperature": temperature})
    slots = asyncio.Semaphore(concurrency)

    async def bounded(job: Job) -> JobResult:
        async with slots:
            result = await _generate_one(attacker, catalogue, job, attempts, prefix)
        if on_done is not None:
            on_done(result)
        return result

    try:
        return list(await asyncio.gather(*(bounded(job) for job in jobs)))
    finally:
        await attacker.client.close()
