"""``jmedethic compare``: several models' reports ranked and tested against each other, in
groups and across languages (no endpoint is called)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..judging.bands import Bands
from ..report.comparison_html import write_comparison_html
from ..report.comparison_inputs import ComparisonError, NamedReport, compare_reports
from ..report.comparison_text import render_comparison_markdown, render_model_comparison
from ..report.json_file import ReportError, load_report, write_atomically


def parse_named(text: str) -> tuple[str, Path]:
    """``NAME=REPORT``; a bare path is named after its file."""
    name, sep, path = text.partition("=")
    if not sep:
        return Path(text).stem, Path(text)
    if not name or not path:
        raise ComparisonError(f"{text!r}: expected NAME=REPORT.json")
    return name, Path(path)


def parse_groups(texts: Sequence[str], names: Sequence[str]) -> dict[str, list[str]]:
    """``GROUP=NAME,NAME`` each; every name must be a compared model."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        group, sep, members = text.partition("=")
        models = [m.strip() for m in members.split(",") if m.strip()]
        if not sep or not group or not models:
            raise ComparisonError(f"--group {text!r}: expected GROUP=NAME,NAME")
        unknown = [m for m in models if m not in names]
        if unknown:
            raise ComparisonError(
                f"--group {group}: {', '.join(unknown)} not among the models compared "
                f"({', '.join(names)})"
            )
        if group in groups:
            raise ComparisonError(f"--group {group} given twice")
        groups[group] = models
    return groups


def load_named(texts: Sequence[str]) -> list[NamedReport]:
    named = []
    for text in texts:
        name, path = parse_named(text)
        if any(n.name == name for n in named):
            raise ComparisonError(f"two reports are named {name!r}: name them NAME=REPORT")
        named.append(NamedReport(name, path, load_report(path)))
    if len(named) < 2:
        raise ComparisonError("compare needs at least two reports")
    return named


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "compare",
        help="rank several models' reports, test them pairwise, in groups and across languages",
    )
    parser.add_argument(
        "reports", nargs="+", metavar="NAME=REPORT", help="one report per model (same corpus)"
    )
    parser.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="GROUP=NAME,NAME",
        help="a group of models (repeatable), e.g. medical=ft1,ft2 general=gpt",
    )
    parser.add_argument(
        "--test",
        choices=("wilcoxon", "mannwhitney"),
        default="wilcoxon",
        help="between models: paired Wilcoxon with Holm (default), or the paper's unpaired "
        "Mann-Whitney U with Bonferroni",
    )
    parser.add_argument(
        "--allow-different-judges",
        action="store_true",
        help="compare reports scored by different judges or rubric versions (marked)",
    )
    parser.add_argument("--bands", default="4,8", metavar="LOW,HIGH", help="score bands")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap intervals")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write Markdown")
    parser.add_argument("--html", type=Path, metavar="PATH", help="also write the HTML page")
    parser.add_argument(
        "--html-language", choices=("ja", "en"), default="ja", help="the page's first language"
    )
    parser.add_argument("--html-link", metavar="URL", help="where the Markdown links the page")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        named = load_named(args.reports)
        groups = parse_groups(args.group, [n.name for n in named])
        bands = Bands.parse(args.bands)
        comparison = compare_reports(
            named,
            groups=groups,
            test=args.test,
            bands=bands,
            seed=args.seed,
            allow_different_judges=args.allow_different_judges,
        )
    except (ReportError, ComparisonError, ValueError) as exc:
        print(f"jmedethic compare: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(comparison.model_dump(mode="json"), ensure_ascii=False, indent=1))
    else:
        for line in render_model_comparison(comparison):
            print(line)
    problems = []
    link = args.html_link or (str(args.html) if args.html is not None else None)
    outputs = [
        (
            args.markdown,
            lambda: write_atomically(args.markdown, [render_comparison_markdown(comparison, link)]),
        ),
        (
            args.html,
            lambda: write_comparison_html(args.html, comparison, language=args.html_language),
        ),
    ]
    for path, write in outputs:
        if path is None:
            continue
        try:
            write()
        except OSError as exc:
            problems.append(f"cannot write {path}: {exc.strerror or exc}")
    for problem in problems:
        print(f"jmedethic compare: {problem}", file=sys.stderr)
    return 2 if problems else 0
