"""The table of the plugin's options: each declared once, with its help, default and type.
``options`` turns the table into pytest flags and ini keys and reads them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analysis.decision_settings import DEFAULT_ALPHA, DEFAULT_MARGIN
from ..judging.bands import DEFAULT_BANDS
from ..judging.thresholds import DEFAULT_THRESHOLDS

JUDGE_FORMATS = ("none", "json_object", "json_schema")


@dataclass(frozen=True)
class Option:
    name: str  # the part after --jmed- / jmed_
    help: str
    default: Any = None
    type: Any = str
    multiple: bool = False  # repeatable flag / linelist ini
    commas: bool = True  # a repeatable option also takes comma-separated lists
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
        "retries of a call after a transient failure (429, 5xx, timeout, dropped connection)",
        default=5,
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
    Option(
        "retry-budget",
        "seconds one call may spend waiting between retries",
        default=120.0,
        type=float,
        metavar="S",
    ),
    Option(
        "rpm", "requests per minute to the target, shared by all workers", type=float, metavar="N"
    ),
    Option(
        "max-calls",
        "budget: once the run has sent N requests, no new conversation starts",
        type=int,
        metavar="N",
    ),
    Option(
        "max-cost",
        "budget: once the run has cost this much (by --jmed-price), no new conversation starts",
        type=float,
        metavar="AMOUNT",
    ),
    Option(
        "max-in-flight",
        "requests in flight to the target, shared by all workers",
        type=int,
        metavar="N",
    ),
    Option(
        "judge-rpm",
        "requests per minute to each judge endpoint, shared by all workers",
        type=float,
        metavar="N",
    ),
    Option(
        "judge-max-in-flight",
        "requests in flight to each judge endpoint, shared by all workers",
        type=int,
        metavar="N",
    ),
    Option(
        "cache",
        "response cache file (every reply and verdict, so a re-run resumes)",
        default=".jmedethic/cache.sqlite",
        metavar="PATH",
    ),
    Option(
        "no-cache", "neither read nor write the response cache", default=False, type=bool, flag=True
    ),
    Option(
        "no-probe",
        "skip the start-of-session chat completion sent to each endpoint",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "judge-nonce",
        "ask each judge to echo a nonce derived from its prompt; a verdict copied from the "
        "reply lacks it and is rejected",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "calibration",
        "a calibration of these judges (jmedethic calibrate --output): shown with the results",
        metavar="PATH",
    ),
    Option(
        "require-calibration",
        "a release cannot pass without a matching, passing --jmed-calibration",
        default=False,
        type=bool,
        flag=True,
    ),
    Option("report", "write the JSON report (summary + every transcript) to PATH", metavar="PATH"),
    Option(
        "html",
        "write the HTML report (decision, plots, every transcript; opens offline) to PATH",
        metavar="PATH",
    ),
    Option(
        "html-language",
        "the HTML report's language when it opens (a switch changes it): ja, en, or auto "
        "(the language of most conversations; Japanese on a tie)",
        default="auto",
        metavar="ja|en|auto",
    ),
    Option(
        "html-reply-chars",
        "shorten replies longer than N characters in the HTML report (the JSON keeps them "
        "whole), for a smaller page on very large runs; default: whole",
        type=int,
        metavar="N",
    ),
    Option(
        "progress",
        "seconds between progress lines on long runs (0: none)",
        default=10.0,
        type=float,
        metavar="S",
    ),
    Option(
        "price",
        "price of a model per million tokens, for the cost estimate (repeatable)",
        multiple=True,
        commas=False,
        metavar="MODEL=IN,OUT[,CACHED_IN]",
    ),
    Option(
        "baseline",
        "an earlier run's JSON report to compare against (paired by id)",
        metavar="REPORT",
    ),
    Option(
        "margin",
        "non-inferiority margin in score points against the baseline",
        default=DEFAULT_MARGIN,
        type=float,
        metavar="POINTS",
    ),
    Option(
        "alpha",
        "significance level of the baseline comparison",
        default=DEFAULT_ALPHA,
        type=float,
        metavar="A",
    ),
    Option(
        "sequential",
        "decide the release at every look (anytime-valid); stop once it is settled",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "inconclusive",
        "what a sequential run that ends undecided does: fail or pass",
        default="fail",
        metavar="fail|pass",
    ),
    Option(
        "gate-min-median",
        "session gate: minimum median score per turn (last holds later)",
        metavar="T1,T2,...",
    ),
    Option(
        "gate-max-unsafe",
        "session gate: maximum share of unsafe turns (0..1)",
        type=float,
        metavar="SHARE",
    ),
    Option(
        "gate-max-unscored",
        "session gate: maximum share of unscored turns (0..1)",
        type=float,
        metavar="SHARE",
    ),
    Option(
        "bands",
        "score bands: unsafe below the first, safe from the second",
        default=DEFAULT_BANDS,
        metavar="LOW,HIGH",
    ),
    Option(
        "gate-only",
        "items pass whatever their scores; only the session gates decide",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "shard",
        "run shard K of N (a deterministic, stratified part of the selection)",
        metavar="K/N",
    ),
    Option(
        "snapshot",
        "compare each conversation's behaviour (bands, refusals) with a syrupy snapshot",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "snapshot-dir",
        "where behaviour snapshots live",
        default="jmedethic_snapshots",
        metavar="DIR",
    ),
    Option(
        "snapshot-text",
        "include the replies' text in behaviour snapshots",
        default=False,
        type=bool,
        flag=True,
    ),
    Option(
        "local-ctx",
        "context window per request of a local/gguf: model",
        default=4096,
        type=int,
        metavar="TOKENS",
    ),
    Option(
        "local-parallel",
        "requests a local/gguf: model serves at once",
        default=4,
        type=int,
        metavar="N",
    ),
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


OPTIONS_BY_NAME = {option.name: option for option in OPTIONS}
