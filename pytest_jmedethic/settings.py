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
from .judging import JudgeSettings
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

JUDGE_FORMATS = ("none", "json_object", "json_schema")


@dataclass(frozen=True)
class Option:
    name: str  # the part after --jmed- / jmed_
    help: str
    default: Any = None
    type: Any = str
    multiple: bool = False  # repeatable flag / linelist ini
    metavar: str | None = None
    flag: bool = False


OPTIONS: tuple[Option, ...] = (
    Option("model", "target endpoint: MODEL@BASE_URL or sim:PROFILE", metavar="SPEC"),
    Option(
        "judge",
        "judge endpoint, given twice for the two judges (MODEL@BASE_URL or sim:NAME)",
        multiple=True,
        metavar="SPEC",
    ),
    Option(
        "conversations",
        "where conversations come from: a JSON Lines file or directory, 'builtin', 'full' "
        "(the built 50,000), or jmedethicbench:PATH (the published release); default builtin",
        multiple=True,
        metavar="SOURCE",
    ),
    Option("field-map", "JSON file mapping the published release's fields to ours", metavar="PATH"),
    Option(
        "language", "only these languages (ja, en; comma-separated)", multiple=True, metavar="LANG"
    ),
    Option("guideline", "only these guideline ids (e.g. G06,G21)", multiple=True, metavar="ID"),
    Option("strategy", "only these strategy ids (e.g. S1,S3)", multiple=True, metavar="ID"),
    Option("sample", "run a stratified sample of N conversations", type=int, metavar="N"),
    Option("seed", "seed for --jmed-sample", default=0, type=int, metavar="N"),
    Option(
        "thresholds",
        "per-turn minimum scores; the last holds for later turns",
        default=DEFAULT_THRESHOLDS,
        metavar="T1,T2,...",
    ),
    Option(
        "concurrency",
        "conversations in flight per process (times -n workers)",
        default=8,
        type=int,
        metavar="N",
    ),
    Option("system-prompt", "system prompt sent to the target", metavar="TEXT"),
    Option("temperature", "target sampling temperature", default=0.0, type=float, metavar="T"),
    Option("max-tokens", "target max tokens per reply", default=1024, type=int, metavar="N"),
    Option("timeout", "seconds before one call times out", default=120.0, type=float, metavar="S"),
    Option(
        "retries",
        "retries of a failed call (by the openai client)",
        default=2,
        type=int,
        metavar="N",
    ),
    Option("judge-temperature", "judge sampling temperature", default=0.0, type=float, metavar="T"),
    Option("judge-max-tokens", "judge max tokens per verdict", default=512, type=int, metavar="N"),
    Option(
        "judge-attempts",
        "tries to get a parseable verdict before the turn is unscored",
        default=3,
        type=int,
        metavar="N",
    ),
    Option(
        "judge-format",
        "ask judges for JSON via response_format: none, json_object, json_schema",
        default="none",
        metavar="FORMAT",
    ),
    Option("report", "write the JSON report (summary + every transcript) to PATH", metavar="PATH"),
    Option(
        "sim-latency", "seconds per call of a sim: endpoint", default=0.0, type=float, metavar="S"
    ),
    Option(
        "sim-judge-noise",
        "judge score noise (sd, points) of a sim: endpoint",
        default=0.6,
        type=float,
        metavar="SD",
    ),
    Option(
        "collect",
        "collect the benchmark items even without --jmed-model (they are skipped)",
        default=False,
        type=bool,
        flag=True,
    ),
)


def register(parser: pytest.Parser) -> None:
    group = parser.getgroup("jmedethic", "medical-ethics safety benchmark (pytest-jmedethic)")
    for option in OPTIONS:
        flag = f"--jmed-{option.name}"
        dest = "jmed_" + option.name.replace("-", "_")
        default_note = (
            "" if option.default is None or option.flag else f" (default: {option.default})"
        )
        if option.flag:
            group.addoption(flag, action="store_true", default=None, dest=dest, help=option.help)
            parser.addini(dest, option.help, type="bool", default=option.default)
        elif option.multiple:
            group.addoption(
                flag,
                action="append",
                default=None,
                dest=dest,
                metavar=option.metavar,
                help=option.help,
            )
            parser.addini(dest, option.help, type="linelist", default=[])
        else:
            group.addoption(
                flag,
                action="store",
                default=None,
                dest=dest,
                metavar=option.metavar,
                help=option.help + default_note,
            )
            parser.addini(dest, option.help + default_note, default=None)


class SettingsError(ValueError):
    pass


def _read(config: pytest.Config, option: Option) -> Any:
    dest = "jmed_" + option.name.replace("-", "_")
    value = config.getoption(dest)
    if value is None:
        value = config.getini(dest)
        if value in (None, "", []) and not option.flag:
            value = None
    if value is None:
        return [] if option.multiple else option.default
    if option.multiple:
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    if option.flag:
        return bool(value)
    try:
        return option.type(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"--jmed-{option.name} / jmed_{option.name.replace('-', '_')}: "
            f"{value!r} is not a valid {option.type.__name__}"
        ) from None


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
    retries: int
    report: Path | None
    sim_latency: float
    sim_judge_noise: float
    collect: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def active(self) -> bool:
        """Whether the built-in benchmark items are collected."""
        return self.target is not None or self.collect

    def run_config(self) -> RunConfig:
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
            max_retries=self.retries,
        )

    def endpoints(self) -> list[EndpointSpec]:
        return [s for s in (self.target, *self.judges) if s is not None]

    def with_endpoints(self, target: EndpointSpec, judges: tuple[EndpointSpec, ...]) -> Settings:
        from dataclasses import replace

        return replace(self, target=target, judges=judges)


def _positive(name: str, value: float, minimum: float = 1) -> None:
    if value < minimum:
        raise SettingsError(f"--jmed-{name}: must be at least {minimum:g}, got {value:g}")


def load_settings(config: pytest.Config) -> Settings:
    """Read and validate every option; raises SettingsError naming the option."""
    raw = {option.name: _read(config, option) for option in OPTIONS}
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
            response_format=None if raw["judge-format"] == "none" else raw["judge-format"],
        ),
        timeout=raw["timeout"],
        retries=raw["retries"],
        report=root / raw["report"] if raw["report"] else None,
        sim_latency=raw["sim-latency"],
        sim_judge_noise=raw["sim-judge-noise"],
        collect=raw["collect"],
        raw=raw,
    )
