"""Running ``jmedethic calibrate``'s judges: the response cache, an optional shared rate
limit, progress lines on stderr, and the run's own scoring (``run.calibration``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..endpoints.response_cache import ResponseCache
from ..endpoints.retry import RetryPolicy
from ..endpoints.shared_limits import Limit, SharedLimits, SharedLimitsClient
from ..endpoints.specs import EndpointSpec
from ..endpoints.usage import Usage
from ..judging.calibration_set import CalibrationItem, ItemScore
from ..judging.judge import JudgeSettings
from ..run.calibration import CalibrationRun, score_items
from ..run.connections import CallSettings
from .call_flags import stderr_progress


async def score_with_progress(
    args: argparse.Namespace,
    specs: Sequence[EndpointSpec],
    settings: JudgeSettings,
    items: Sequence[CalibrationItem],
    retry: RetryPolicy,
) -> list[ItemScore]:
    cache = None if args.no_cache else ResponseCache(args.cache)
    service = SharedLimits({"judge": Limit(rpm=args.judge_rpm)}) if args.judge_rpm else None
    limiter = SharedLimitsClient(service.address) if service is not None else None
    progress = stderr_progress(len(items), args.progress, "calibration items")

    def done(_: ItemScore) -> None:
        progress.done += 1
        progress.tick()

    def spent(_: str, usage: Usage) -> None:  # every answered request, cached ones excepted
        progress.calls += usage.calls
        progress.tokens = (progress.tokens or 0) + usage.tokens

    try:
        if limiter is not None:
            await limiter.connect()
        calls = CallSettings(
            timeout=args.timeout,
            retry=retry,
            cache=cache,
            limiter=limiter,
            rate_limited=frozenset({"judge"}) if limiter is not None else frozenset(),
            spent=spent,
        )
        run = CalibrationRun(specs, settings, calls, concurrency=args.concurrency)
        return await score_items(run, items, done)
    finally:
        if limiter is not None:
            await limiter.close()
        if service is not None:
            service.close()
        if cache is not None:
            cache.close()
