"""What a run says and writes: its header lines, the files it writes (checked before any
call is sent), and the report written at the end, beside the cache if its own path fails by
then."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..report.model import Report
    from ..run.results import ConversationResult


def header_lines(settings: Settings) -> list[str]:
    """What pytest's header says of the run: who is tested and judged, and how."""
    if settings.target is None:
        return ["jmedethic: no target model (benchmark items are skipped or not collected)"]
    judges = ", ".join(str(j) for j in settings.judges)
    lines = [
        f"jmedethic: target {settings.target}; judges {judges}",
        f"jmedethic: thresholds {settings.thresholds.describe()}; "
        f"concurrency {settings.concurrency} per process",
    ]
    unused = sorted(set(settings.prices) - {s.model for s in settings.endpoints()})
    if unused:  # a typo in a model's name would leave its calls unpriced
        lines.append(
            f"jmedethic: --jmed-price for a model this run does not call: {', '.join(unused)}"
        )
    return lines


def check_outputs(settings: Settings, config: Any) -> None:
    """A typo in a path must not cost a whole run: exit 4 with one message instead."""
    from ..report.json_file import write_problem

    xmlpath = getattr(config.option, "xmlpath", None)
    outputs: list[tuple[str, Path | None]] = [
        ("--jmed-report", settings.report),
        ("--jmed-html", settings.html),
        ("--junitxml", Path(xmlpath).absolute() if xmlpath else None),
    ]
    if settings.snapshot:  # a folder: checked by writing a file in it
        outputs.append(("--jmed-snapshot-dir", settings.snapshot_dir / "snapshot.json"))
    for flag, path in outputs:
        problem = write_problem(path) if path is not None else None
        if problem is not None:
            raise pytest.UsageError(f"jmedethic: {flag}: cannot write {path}: {problem}")
    clash = _clash(settings, outputs)
    if clash is not None:
        raise pytest.UsageError(f"jmedethic: {clash}")


def _clash(settings: Settings, outputs: Sequence[tuple[str, Path | None]]) -> str | None:
    """An output on another, or on a file the run reads (the run would overwrite it)."""
    from ..report.json_file import path_clash

    inputs = [
        ("--jmed-conversations", settings.root / source)
        for source in settings.corpus_sources
        if (settings.root / source).is_file()
    ]
    inputs += [
        ("--jmed-baseline", settings.baseline),
        ("--jmed-calibration", settings.calibration),
        ("--jmed-cache", settings.cache_path),
    ]
    return path_clash([*inputs, *outputs])


def write_report_file(report: Report, settings: Settings) -> tuple[Path | None, str | None]:
    """Where the report went, and why not to its own path (None when it did)."""
    from ..report.json_file import ReportError, write_report_or_fallback

    assert settings.report is not None
    fallbacks = [settings.cache_path.parent] if settings.cache_path is not None else []
    fallbacks.append(Path(tempfile.gettempdir()))
    try:
        return write_report_or_fallback(report, settings.report, fallbacks)
    except ReportError as exc:
        return None, str(exc)


def report_location(settings: Settings, path: Path | None, problem: str | None) -> str:
    """The summary's last line: where the JSON report is."""
    if problem is None:
        return f"JSON report: {path}"
    if path is not None:
        return (
            f"JSON report: could not write {settings.report} ({problem}); the report is in {path}"
        )
    return f"JSON report: NOT WRITTEN: {problem}"


def write_html_file(
    report: Report, settings: Settings, baseline: Sequence[ConversationResult] | None
) -> str | None:
    """Write the HTML report; None when written, else why not."""
    from ..report.html import write_html
    from ..report.json_file import write_problem

    assert settings.html is not None
    try:
        write_html(
            settings.html,
            report,
            language=settings.html_language,
            baseline=baseline,
            reply_chars=settings.html_reply_chars,
        )
    except OSError as exc:
        return write_problem(settings.html) or exc.strerror or str(exc)
    except Exception as exc:  # the page is a view of the JSON report: never lose the run to it
        return f"{type(exc).__name__}: {exc}"
    return None


def html_location(settings: Settings, json_path: Path | None, problem: str | None) -> str:
    """Where the HTML report is, or how to make it from the JSON report."""
    if problem is None:
        return f"HTML report: {settings.html}"
    again = (
        f"; make it from the JSON report with: jmedethic report {json_path} --html {settings.html}"
        if json_path is not None
        else ""
    )
    return f"HTML report: NOT WRITTEN to {settings.html}: {problem}{again}"
