"""The validated settings of a run, built once per process from every option's value.

``Settings.from_values`` needs no pytest config: the plugin gives it the values read from
the command line and ini file (``options.read_values``); the ``jmedethic`` CLI gives it its
own flags' values and reuses the same validation (``decision_settings_from_values``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..analysis.decision_settings import DecisionSettings
from ..corpus.selected import CorpusRequest
from ..corpus.selection import Selection
from ..endpoints.retry import RetryPolicy
from ..endpoints.servers.session import ServerOptions
from ..endpoints.shared_limits import Budget, Limit
from ..endpoints.specs import EndpointSpec, SpecError, judge_key_env, target_key_env
from ..endpoints.usage import Price
from ..judging.bands import Bands
from ..judging.judge import JudgeSettings
from ..judging.thresholds import Thresholds
from ..run.config import RunConfig, TargetSettings
from .options import JUDGE_FORMATS, SettingsError, read_values

if TYPE_CHECKING:
    import pytest

LOCAL_RATIONALE_CHARS = 240  # keeps a small local judge's verdict short and complete
LANGUAGES = frozenset({"ja", "en"})


@dataclass(frozen=True)
class Settings:
    target: EndpointSpec | None
    judges: tuple[EndpointSpec, ...]
    corpus_sources: tuple[str, ...]  # see corpus/gather.py
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
    budget: Budget
    cache_path: Path | None
    probe: bool  # one chat completion per endpoint before the run
    prices: dict[str, Price]  # per million tokens, by model
    report: Path | None
    html: Path | None
    html_language: Literal["ja", "en"] | None  # None: the language of most conversations
    html_reply_chars: int | None  # replies longer than this are cut in the HTML report
    progress: float  # seconds between progress lines; 0 for none
    servers: ServerOptions
    collect: bool
    decision: DecisionSettings
    baseline: Path | None
    calibration: Path | None  # the judges' calibration (jmedethic calibrate --output)
    gate_only: bool
    snapshot: bool
    snapshot_dir: Path
    snapshot_text: bool

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, root: Path, rootpath: Path) -> Settings:
        """Validate every option's value; raises ``SettingsError`` naming the option.

        ``root`` is where the run started (relative paths given as options); ``rootpath``
        is pytest's rootdir (the cache and snapshots live under it).
        """
        target, judges, local_judges = _endpoints(values)
        _check_numbers(values)
        selection = _selection(values)
        settings = cls(
            target=target,
            judges=judges,
            corpus_sources=tuple(values["conversations"]) or ("builtin",),
            root=root,
            field_map=_under(root, values["field-map"]),
            selection=selection,
            thresholds=_parse(Thresholds, values["thresholds"], "thresholds"),
            concurrency=values["concurrency"],
            target_settings=TargetSettings(
                system_prompt=values["system-prompt"],
                temperature=values["temperature"],
                max_tokens=values["max-tokens"],
            ),
            judge_settings=judge_settings_from_values(values, local_judges),
            timeout=values["timeout"],
            retry=RetryPolicy(attempts=values["retries"] + 1, max_wait=values["retry-budget"]),
            limits=_limits(values),
            budget=_budget(values),
            cache_path=None if values["no-cache"] else rootpath / values["cache"],
            probe=not values["no-probe"],
            prices=_prices(values["price"]),
            report=_under(root, values["report"]),
            html=_under(root, values["html"]),
            html_language=_html_language(values["html-language"]),
            html_reply_chars=values["html-reply-chars"],
            progress=values["progress"],
            servers=ServerOptions(
                sim_latency=values["sim-latency"],
                sim_judge_noise=values["sim-judge-noise"],
                sim_seed=selection.seed,
                local_ctx=values["local-ctx"],
                local_parallel=values["local-parallel"],
            ),
            collect=values["collect"],
            decision=decision_settings_from_values(values, seed=selection.seed),
            baseline=_under(root, values["baseline"]),
            calibration=_under(root, values["calibration"]),
            gate_only=values["gate-only"],
            snapshot=values["snapshot"],
            snapshot_dir=rootpath / values["snapshot-dir"],
            snapshot_text=values["snapshot-text"],
        )
        _check_prices_cover(settings)
        _check_sequential(settings)
        return settings

    @property
    def active(self) -> bool:
        """Whether the built-in benchmark items are collected."""
        return self.target is not None or self.collect

    @property
    def shares_limits(self) -> bool:
        """Whether every process must talk to one service of shared limits."""
        return bool(self.limits) or self.budget.active or self.decision.sequential

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
            rate_limited=frozenset(self.limits),
            budgeted=self.budget.active,
            prices=self.prices,
        )

    @property
    def corpus_request(self) -> CorpusRequest:
        return CorpusRequest(self.corpus_sources, self.root, self.field_map, self.selection)

    def endpoints(self) -> list[EndpointSpec]:
        return [s for s in (self.target, *self.judges) if s is not None]

    def with_endpoints(self, target: EndpointSpec, judges: tuple[EndpointSpec, ...]) -> Settings:
        return replace(self, target=target, judges=judges)


def load_settings(config: pytest.Config) -> Settings:
    """The settings of a pytest run: its options, relative to where it started."""
    return Settings.from_values(
        read_values(config),
        root=Path(config.invocation_params.dir),
        rootpath=Path(config.rootpath),
    )


def _html_language(text: str) -> Literal["ja", "en"] | None:
    if text == "auto":
        return None
    if text in ("ja", "en"):
        return "ja" if text == "ja" else "en"
    raise SettingsError(f"ja, en or auto, not {text!r}", "html-language")


def _under(root: Path, text: str | None) -> Path | None:
    return root / text if text else None


def _parse(kind: Any, text: str, option: str) -> Any:
    try:
        return kind.parse(text)
    except ValueError as exc:
        raise SettingsError(str(exc), option) from None


def _endpoints(
    values: Mapping[str, Any],
) -> tuple[EndpointSpec | None, tuple[EndpointSpec, ...], bool]:
    """The target and the two judges; ``sim:`` and local targets bring default judges."""
    try:
        target = EndpointSpec.parse(values["model"], target_key_env()) if values["model"] else None
        judges = tuple(
            EndpointSpec.parse(spec, judge_key_env(position))
            for position, spec in enumerate(values["judge"], start=1)
        )
    except SpecError as exc:
        raise SettingsError(str(exc)) from None
    local_judges = False
    if target is not None and not judges and target.managed == "sim":
        judges = (
            EndpointSpec("judge-a", None, "sim", judge_key_env(1)),
            EndpointSpec("judge-b", None, "sim", judge_key_env(2)),
        )
    elif target is not None and not judges and target.managed:
        # The same local server judges too; the server constrains verdicts to the schema.
        judges = (target, target)
        local_judges = True
    if target is not None and len(judges) != 2:
        raise SettingsError(
            f"give exactly two judges (got {len(judges)}); the same spec may be given twice",
            "judge",
        )
    return target, judges, local_judges


def _at_least(name: str, value: float | None, minimum: float = 1) -> None:
    if value is not None and value < minimum:
        raise SettingsError(f"must be at least {minimum:g}, got {value:g}", name)


def _check_numbers(values: Mapping[str, Any]) -> None:
    for name in ("concurrency", "max-tokens", "judge-max-tokens", "judge-attempts", "sample"):
        _at_least(name, values[name])
    _at_least("html-reply-chars", values["html-reply-chars"])
    for name in ("rpm", "max-in-flight", "judge-rpm", "judge-max-in-flight"):
        _at_least(name, values[name])
    _at_least("retries", values["retries"], 0)
    _at_least("timeout", values["timeout"], 0.001)
    if values["judge-format"] not in JUDGE_FORMATS:
        raise SettingsError(f"must be one of {', '.join(JUDGE_FORMATS)}", "judge-format")


def _selection(values: Mapping[str, Any]) -> Selection:
    languages = frozenset(values["language"])
    if languages - LANGUAGES:
        raise SettingsError(f"unknown language(s) {sorted(languages - LANGUAGES)}", "language")
    return Selection(
        languages=languages,
        guidelines=frozenset(values["guideline"]),
        strategies=frozenset(values["strategy"]),
        sample=values["sample"],
        seed=values["seed"],
        shard=_shard(values["shard"]),
    )


def _shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        k, n = (int(p) for p in text.split("/"))
    except ValueError:
        raise SettingsError(f"expected K/N such as 2/8, got {text!r}", "shard") from None
    if not 1 <= k <= n:
        raise SettingsError(f"need 1 <= K <= N, got {text!r}", "shard")
    return k, n


def judge_settings_from_values(values: Mapping[str, Any], local_judges: bool) -> JudgeSettings:
    """How the judges are asked; ``jmedethic calibrate`` reuses this for its own flags."""
    requested = None if values["judge-format"] == "none" else values["judge-format"]
    return JudgeSettings(
        temperature=values["judge-temperature"],
        max_tokens=values["judge-max-tokens"],
        attempts=values["judge-attempts"],
        response_format="json_schema" if local_judges and requested is None else requested,
        rationale_max_chars=LOCAL_RATIONALE_CHARS if local_judges else None,
        nonce=values["judge-nonce"],
    )


def _share(name: str, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 1:
        raise SettingsError(f"a share between 0 and 1, got {value:g}", name)
    return value


def decision_settings_from_values(values: Mapping[str, Any], *, seed: int = 0) -> DecisionSettings:
    """The gates, bands and baseline parameters; the CLI reuses this for its own flags."""
    minimum = values["gate-min-median"]
    _at_least("margin", values["margin"], 0)
    for name in ("margin", "alpha"):  # also for values given here without the option table
        if values[name] is not None and not math.isfinite(values[name]):
            raise SettingsError(f"must be a finite number, got {values[name]}", name)
    if values["alpha"] is not None and not 0 < values["alpha"] < 1:
        raise SettingsError(
            f"a share between 0 and 1, both excluded, got {values['alpha']:g}", "alpha"
        )
    if values["inconclusive"] not in ("fail", "pass"):
        raise SettingsError(f"fail or pass, not {values['inconclusive']!r}", "inconclusive")
    return DecisionSettings(
        min_median=_parse(Thresholds, minimum, "gate-min-median") if minimum else None,
        max_unsafe=_share("gate-max-unsafe", values["gate-max-unsafe"]),
        max_unscored=_share("gate-max-unscored", values["gate-max-unscored"]),
        bands=_parse(Bands, values["bands"], "bands"),
        margin=values["margin"],
        alpha=_share("alpha", values["alpha"]),
        seed=seed,
        sequential=values["sequential"],
        inconclusive=values["inconclusive"],
        require_calibration=bool(values.get("require-calibration", False)),
    )


def _prices(texts: list[str]) -> dict[str, Price]:
    prices = {}
    for text in texts:
        try:
            model, price = Price.parse(text)
        except ValueError as exc:
            raise SettingsError(str(exc), "price") from None
        prices[model] = price
    return prices


def _budget(values: Mapping[str, Any]) -> Budget:
    _at_least("max-calls", values["max-calls"])
    if values["max-cost"] is not None and values["max-cost"] <= 0:
        raise SettingsError(f"must be more than 0, got {values['max-cost']:g}", "max-cost")
    return Budget(max_calls=values["max-calls"], max_cost=values["max-cost"])


def _check_sequential(settings: Settings) -> None:
    decision = settings.decision
    gates = (decision.min_median, decision.max_unsafe, decision.max_unscored, settings.baseline)
    if decision.sequential and all(gate is None for gate in gates):
        raise SettingsError(
            "needs something to decide: --jmed-baseline or a --jmed-gate-* option", "sequential"
        )
    if decision.sequential and settings.selection.shard is not None:
        raise SettingsError(
            "decides one run as it goes; a shard is a part of a run (drop --jmed-shard)",
            "sequential",
        )


def _check_prices_cover(settings: Settings) -> None:
    """A cost budget counts only priced calls: every model must have its price."""
    if settings.budget.max_cost is None:
        return
    unpriced = sorted({s.model for s in settings.endpoints()} - set(settings.prices))
    if unpriced:
        raise SettingsError(
            f"needs a --jmed-price for every model; none for {', '.join(unpriced)}", "max-cost"
        )


def _limits(values: Mapping[str, Any]) -> dict[str, Limit]:
    limits = {
        "target": Limit(rpm=values["rpm"], in_flight=values["max-in-flight"]),
        "judge": Limit(rpm=values["judge-rpm"], in_flight=values["judge-max-in-flight"]),
    }
    return {role: limit for role, limit in limits.items() if limit.active}
