"""``jmedethic report`` (re-render and re-gate a report) and ``jmedethic merge`` (shards)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .gates import Bands, GateSettings
from .markdown import render_markdown
from .render import render_summary, render_verdict
from .report import ReportError, load_report, write_report
from .results import ConversationResult
from .summary import summarize
from .thresholds import Thresholds
from .verdict import release_verdict

# Metadata that must agree for shard reports to be one run.
SAME_RUN_KEYS = (
    "target",
    "judges",
    "rubric_version",
    "thresholds",
    "target_settings",
    "judge_settings",
)


def add_gate_arguments(parser: argparse.ArgumentParser) -> None:
    gates = parser.add_argument_group("gates (default: those stored in the report)")
    gates.add_argument("--baseline", type=Path, help="an earlier report to compare against")
    gates.add_argument("--margin", type=float, help="non-inferiority margin in points")
    gates.add_argument("--alpha", type=float, help="significance level")
    gates.add_argument("--gate-min-median", metavar="T1,T2,...", help="minimum median per turn")
    gates.add_argument(
        "--gate-max-unsafe", type=float, metavar="SHARE", help="maximum unsafe share"
    )
    gates.add_argument(
        "--gate-max-unscored", type=float, metavar="SHARE", help="maximum unscored share"
    )
    gates.add_argument("--bands", metavar="LOW,HIGH", help="score bands")
    parser.add_argument("--markdown", type=Path, help="also write the summary as Markdown here")
    parser.add_argument("--json", action="store_true", help="print the summary and verdict as JSON")


def _gates(
    args: argparse.Namespace, stored: dict[str, Any]
) -> tuple[GateSettings, float, float, int]:
    def pick(name: str, default: Any = None) -> Any:
        value = getattr(args, name.replace("-", "_"))
        return value if value is not None else stored.get(name.replace("-", "_"), default)

    minimum = pick("gate-min-median")
    settings = GateSettings(
        min_median=Thresholds.parse(minimum) if minimum else None,
        max_unsafe=pick("gate-max-unsafe"),
        max_unscored=pick("gate-max-unscored"),
        bands=Bands.parse(pick("bands", str(Bands()))),
    )
    return settings, pick("margin", 0.5), pick("alpha", 0.05), int(stored.get("seed", 0))


def _verdict(
    args: argparse.Namespace, report: dict[str, Any], results: list[ConversationResult]
) -> None:
    stored = (report.get("verdict") or {}).get("settings", {})
    gates, margin, alpha, seed = _gates(args, stored)
    baseline = baseline_metadata = None
    if args.baseline is not None:
        data, baseline = load_report(args.baseline)
        baseline_metadata = data.get("metadata", {})
    report["verdict"] = release_verdict(
        results,
        gates,
        baseline=baseline,
        baseline_label=str(args.baseline) if args.baseline else None,
        margin=margin,
        alpha=alpha,
        seed=seed,
        summary=report["summary"],
        metadata=report["metadata"],
        baseline_metadata=baseline_metadata,
    )


def _show(args: argparse.Namespace, report: dict[str, Any]) -> int:
    if args.json:
        print(
            json.dumps(
                {"summary": report["summary"], "verdict": report["verdict"]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for line in [
            *render_summary(report["summary"], report["metadata"]),
            *render_verdict(report["verdict"]),
        ]:
            print(line)
    if args.markdown is not None:
        args.markdown.write_text(render_markdown(report), "utf-8")
    return 0 if report["verdict"]["passed"] else 1


def run_report(args: argparse.Namespace) -> int:
    try:
        report, results = load_report(args.path)
        summary = summarize(results)
        consistent = report.get("summary") is None or json.dumps(
            report["summary"], sort_keys=True
        ) == json.dumps(summary, sort_keys=True)
        report["summary"] = summary
        _verdict(args, report, results)
    except (ReportError, ValueError) as exc:
        print(f"jmedethic report: {exc}", file=sys.stderr)
        return 2
    status = _show(args, report)
    if not consistent:
        print(
            "jmedethic report: the summary stored in the report differs from the one recomputed "
            "from its conversations (edited file, or another plugin version)",
            file=sys.stderr,
        )
        return 1
    return status


def merge_reports(
    loaded: list[tuple[Path, dict[str, Any], list[ConversationResult]]],
) -> dict[str, Any]:
    """One report from shard reports of the same run; raises ValueError when they are not."""
    (first_path, first, _), *rest = loaded
    for path, report, _ in rest:
        for key in SAME_RUN_KEYS:
            if report["metadata"].get(key) != first["metadata"].get(key):
                raise ValueError(
                    f"{path}: metadata {key!r} differs from {first_path}: not the same run"
                )
    merged: dict[str, ConversationResult] = {}
    origin: dict[str, Path] = {}
    for path, _, results in loaded:
        for result in results:
            known = merged.get(result.id)
            if known is not None and known != result:
                raise ValueError(
                    f"{path}: conversation {result.id} differs from the one in {origin[result.id]}"
                )
            merged[result.id], origin[result.id] = result, path
    ordered = sorted(merged.values(), key=lambda r: r.id)
    metadata = dict(first["metadata"])
    metadata["merged_from"] = [
        {
            "path": str(path),
            "shard": report["metadata"].get("selection", {}).get("shard"),
            "conversations": len(results),
        }
        for path, report, results in loaded
    ]
    return {
        "schema": first["schema"],
        "schema_version": first["schema_version"],
        "metadata": metadata,
        "summary": summarize(ordered),
        "verdict": first.get("verdict"),
        "conversations": [r.model_dump(mode="json") for r in ordered],
    }


def run_merge(args: argparse.Namespace) -> int:
    try:
        loaded = [(path, *load_report(path)) for path in args.paths]
        merged = merge_reports(loaded)
        results = [ConversationResult.model_validate(c) for c in merged["conversations"]]
        _verdict(args, merged, results)
    except (ReportError, ValueError) as exc:
        print(f"jmedethic merge: {exc}", file=sys.stderr)
        return 2
    write_report(merged, args.output)
    print(
        f"jmedethic merge: {len(results)} conversations from {len(loaded)} reports -> {args.output}"
    )
    return _show(args, merged)
