"""How a run talks to its endpoints: the target's and the judges' settings, concurrency,
timeouts, retries, the response cache, and the limits shared by every process (rate,
budget, stop)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..endpoints.retry import RetryPolicy
from ..endpoints.specs import EndpointSpec
from ..endpoints.usage import Price
from ..judging.judge import JudgeSettings
from ..judging.thresholds import Thresholds


@dataclass(frozen=True)
class TargetSettings:
    system_prompt: str | None = None
    temperature: float = 0.0
    max_tokens: int = 1024


@dataclass(frozen=True)
class RunConfig:
    target: EndpointSpec
    judges: tuple[EndpointSpec, ...]
    thresholds: Thresholds
    target_settings: TargetSettings = field(default_factory=TargetSettings)
    judge_settings: JudgeSettings = field(default_factory=JudgeSettings)
    concurrency: int = 8
    timeout: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache_path: Path | None = None
    limiter_address: str | None = None
    rate_limited: frozenset[str] = frozenset()  # roles ("target", "judge") with a rate limit
    budgeted: bool = False  # tell the shared limits each request and its cost
    prices: dict[str, Price] = field(default_factory=dict)  # by model
