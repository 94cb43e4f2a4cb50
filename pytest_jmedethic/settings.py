"""Every option of the plugin: declared once, read from the command line or the ini file.

Each option is a command-line flag ``--jmed-NAME`` and an ini key ``jmed_NAME``; the command
line wins. ``Settings`` is the validated result, built once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conversations import Selection
from .endpoints import EndpointSpec, SpecError, judge_key_env, target_key_env
from .engine import RunConfig, TargetSettings
from .gates import Bands, GateSettings
from .judging import JudgeSettings
from .limits import Limit
from .options import JUDGE_FORMATS, OPTIONS, SettingsError, read
from .retry import RetryPolicy
from .thresholds import Thresholds


@dataclass(frozen=True)
class Settings:
    target: EndpointSpec | None
    judges: tuple[EndpointSpec, ...]
    corpus_sources: tuple[str, ...]  # see sources.py
    root: Path  # relative paths in options are relative to where pytest was started
    field_map: Path | None
    selection: Selection
    thresholds: Thresholds
    concurrency: int
    target_settings: TargetSettings
    judge_settings: JudgeSettings
    timeout: float
    retry: RetryPolicy
    limits: dict[str, Limit]
    cache_path: Path | None
    report: Path | None
    sim_latency: float
    sim_judge_noise: float
    collect: bool
    gates: GateSettings
    local_ctx: int
    local_parallel: int
    baseline: Path | None
    margin: float
    alpha: float
    gate_only: bool
    snapshot: bool
    snapshot_dir: Path
    snapshot_text: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def active(self) -> bool:
        """Whether the built-in benchmark items are collected."""
        return self.target is not None or self.collect

    def run_config(self, limiter_address: str | None = None) -> RunConfig:
        if self.target is None:
            raise SettingsError("no target model: pass --jmed-model")
        return RunConfig(
            target=self.target,
            judges=self.judges,
            thresholds=self.thresholds,
            target_settings=self.target_settings,
            judge_settings=self.judge_settings,
            concurrency=self.concurrency,
            timeout=self.timeout,
            retry=self.retry,
            cache_path=self.cache_path,
            limiter_address=limiter_address,
        )

    def endpoints(self) -> list[EndpointSpec]:
        return [s for s in (self.target, *self.judges) if s is not None]

    def with_endpoints(self, target: EndpointSpec, judges: tuple[EndpointSpec, ...]) -> Settings:
        from dataclasses import replace

        return replace(self, target=target, judges=judges)


def _positive(name: str, value: float, minimum: float = 1) -> None:
    if value < minimum:
        raise SettingsError(f"--jmed-{name}: must be at least {minimum:g}, got {value:g}")


LOCAL_RATIONALE_CHARS = 240  # keeps a small local judge's verdict short and complete


def load_settings(config: pytest.Config) -> Settings:
    """Read and validate every option; raises SettingsError naming the option."""
    raw = {option.name: read(config, option) for option in OPTIONS}
    try:
        target = EndpointSpec.parse(raw["model"], target_key_env()) if raw["model"] else None
        judges = tuple(
            EndpointSpec.parse(spec, judge_key_env(position))
            for position, spec in enumerate(raw["judge"], start=1)
        )
    except SpecError as exc:
        raise SettingsError(str(exc)) from None
    if target is not None and not judges and target.managed == "sim":
        judges = (
            EndpointSpec("judge-a", None, "sim", judge_key_env(1)),
            EndpointSpec("judge-b", None, "sim", judge_key_env(2)),
        )
    local_judges = False
    if target is not None and not judges and target.managed and target.managed != "sim":
        # The same local server judges too; the server constrains verdicts to the schema.
        judges = (target, target)
        local_judges = True
    if target is not None and len(judges) != 2:
        raise SettingsError(
            f"--jmed-judge: give exactly two judges (got {len(judges)}); the same spec may be "
            "given twice"
        )
    try:
        thresholds = Thresholds.parse(raw["thresholds"])
    except ValueError as exc:
        raise SettingsError(f"--jmed-thresholds: {exc}") from None
    languages = frozenset(raw["language"])
    if languages - {"ja", "en"}:
        raise SettingsError(
            f"--jmed-language: unknown language(s) {sorted(languages - {'ja', 'en'})}"
        )
    if raw["judge-format"] not in JUDGE_FORMATS:
        raise SettingsError(f"--jmed-judge-format: must be one of {', '.join(JUDGE_FORMATS)}")
    for name in ("concurrency", "max-tokens", "judge-max-tokens", "judge-attempts"):
        _positive(name, raw[name])
    _positive("retries", raw["retries"], 0)
    _positive("timeout", raw["timeout"], 0.001)
    if raw["sample"] is not None:
        _positive("sample", raw["sample"])
    root = Path(config.invocation_params.dir)
    return Settings(
        target=target,
        judges=judges,
        corpus_sources=tuple(raw["conversations"]) or ("builtin",),
        root=root,
        field_map=root / raw["field-map"] if raw["field-map"] else None,
        selection=Selection(
            languages=languages,
            guidelines=frozenset(raw["guideline"]),
            strategies=frozenset(raw["strategy"]),
            sample=raw["sample"],
            seed=raw["seed"],
            shard=_shard(raw["shard"]),
        ),
        thresholds=thresholds,
        concurrency=raw["concurrency"],
        target_settings=TargetSettings(
            system_prompt=raw["system-prompt"],
            temperature=raw["temperature"],
            max_tokens=raw["max-tokens"],
        ),
        judge_settings=JudgeSettings(
            temperature=raw["judge-temperature"],
            max_tokens=raw["judge-max-tokens"],
            attempts=raw["judge-attempts"],
            response_format="json_schema"
            if local_judges and raw["judge-format"] == "none"
            else (None if raw["judge-format"] == "none" else raw["judge-format"]),
            rationale_max_chars=LOCAL_RATIONALE_CHARS if local_judges else None,
        ),
        timeout=raw["timeout"],
        retry=RetryPolicy(attempts=raw["retries"] + 1, max_wait=raw["retry-budget"]),
        limits=_limits(raw),
        cache_path=None if raw["no-cache"] else Path(config.rootpath) / raw["cache"],
        report=root / raw["report"] if raw["report"] else None,
        sim_latency=raw["sim-latency"],
        sim_judge_noise=raw["sim-judge-noise"],
        collect=raw["collect"],
        gates=_gate_settings(raw),
        local_ctx=raw["local-ctx"],
        local_parallel=raw["local-parallel"],
        baseline=root / raw["baseline"] if raw["baseline"] else None,
        margin=raw["margin"],
        alpha=raw["alpha"],
        gate_only=raw["gate-only"],
        snapshot=raw["snapshot"],
        snapshot_dir=Path(config.rootpath) / raw["snapshot-dir"],
        snapshot_text=raw["snapshot-text"],
        raw=raw,
    )


def _shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        k, n = (int(p) for p in text.split("/"))
    except ValueError:
        raise SettingsError(f"--jmed-shard: expected K/N such as 2/8, got {text!r}") from None
    if not 1 <= k <= n:
        raise SettingsError(f"--jmed-shard: need 1 <= K <= N, got {text!r}")
    return k, n


def _share(name: str, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 1:
        raise SettingsError(f"--jmed-{name}: a share between 0 and 1, got {value:g}")
    return value


def _gate_settings(raw: dict[str, Any]) -> GateSettings:
    try:
        bands = Bands.parse(raw["bands"])
        minimum = Thresholds.parse(raw["gate-min-median"]) if raw["gate-min-median"] else None
    except ValueError as exc:
        name = "bands" if "bands" in str(exc) else "gate-min-median"
        raise SettingsError(f"--jmed-{name}: {exc}") from None
    return GateSettings(
        min_median=minimum,
        max_unsafe=_share("gate-max-unsafe", raw["gate-max-unsafe"]),
        max_unscored=_share("gate-max-unscored", raw["gate-max-unscored"]),
        bands=bands,
    )


def _limits(raw: dict[str, Any]) -> dict[str, Limit]:
    for name in ("rpm", "max-in-flight", "judge-rpm", "judge-max-in-flight"):
        if raw[name] is not None:
            _positive(name, raw[name])
    limits = {
        "target": Limit(rpm=raw["rpm"], in_flight=raw["max-in-flight"]),
        "judge": Limit(rpm=raw["judge-rpm"], in_flight=raw["judge-max-in-flight"]),
    }
    return {role: limit for role, limit in limits.items() if limit.active}
