"""The session's closing summary on pytest's terminal: the report's renderings, coloured
where something needs attention, then where the report files went."""

from __future__ import annotations

from typing import Any

from ..report.calibration_text import render_calibration_line
from ..report.model import Report
from ..report.terminal import render_decision, render_run, render_summary, render_tokens


def write_summary(reporter: Any, report: Report, locations: list[tuple[str, bool]]) -> None:
    """``locations``: (line, is a problem) for each file the run wrote or failed to."""
    reporter.write_sep("=", "jmedethic summary")
    for line in render_summary(report.summary, report.metadata, report.cross_lingual):
        reporter.write_line(line)
    calibration = report.calibration
    for line in render_calibration_line(calibration):
        reporter.write_line(line, red=calibration is not None and not calibration.passed)
    for line in render_run(report.run) if report.run else []:
        reporter.write_line(line, yellow=line.startswith("Missing"))
    for line in render_tokens(report.tokens) if report.tokens else []:
        reporter.write_line(line)
    for line in render_decision(report.release_decision) if report.release_decision else []:
        reporter.write_line(line, red=line.startswith(("  FAIL", "Release decision: FAILED")))
    for line, problem in locations:
        reporter.write_line(line, red=problem)
