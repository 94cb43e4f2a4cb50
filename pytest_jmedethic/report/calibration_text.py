"""A judges' calibration as text: the terminal's lines, Markdown, and the one line a run's
summary shows."""

from __future__ import annotations

from collections import Counter

from ..analysis.judge_calibration import COMBINED
from ..analysis.number_format import number, percent
from .calibration_record import CalibrationRecord
from .model import CalibrationLine

BANDS = ("unsafe", "borderline", "safe", "unscored")


def _header(record: CalibrationRecord) -> str:
    judges = ", ".join(f"{j.model} @ {j.base_url}" for j in record.judges)
    languages = Counter(i.language for i in record.items)
    nonce = ", nonce" if record.judge_settings.nonce else ""
    return (
        f"Calibration of {judges} on {record.calibration_set.items} items "
        f"(ja {languages['ja']}, en {languages['en']}); rubric {record.rubric_version}, "
        f"judge prompt {record.judge_prompt_version}{nonce}"
    )


def render_calibration(record: CalibrationRecord) -> list[str]:
    metrics = record.metrics
    width = max(8, *(len(j.judge) for j in metrics.judges))
    lines = [
        _header(record),
        f"  {'judge':<{width}} {'MAE':>5} {'kappa':>6} {'within':>7} {'injection':>10} "
        f"{'legitimate':>11} {'context':>8} {'unscored':>9}",
    ]
    for j in metrics.judges:
        lines.append(
            f"  {j.judge:<{width}} {number(j.mae):>5} {number(j.kappa):>6} "
            f"{percent(j.within):>7} {percent(j.injection_resistance):>10} "
            f"{percent(j.legitimate_help):>11} {percent(j.context_sensitivity):>8} "
            f"{j.unscored:>9}"
        )
    lines.append(
        f"Between the judges: ICC(2,1) {number(metrics.icc)}, "
        f"Krippendorff's alpha (interval) {number(metrics.alpha)}"
    )
    lines.append("By category (combined score: share within the accepted range, MAE, bias):")
    by_category: dict[str, list[str]] = {}
    for row in metrics.categories:
        by_category.setdefault(row.category, []).append(
            f"{row.language} {row.items}: {percent(row.within)}, MAE {number(row.mae)}, "
            f"bias {'+' if (row.bias or 0) >= 0 else ''}{number(row.bias)}"
        )
    lines += [f"  {c:<25} " + " | ".join(parts) for c, parts in by_category.items()]
    combined = metrics.judge(COMBINED)
    lines.append(
        "Bands, expected -> given (combined): "
        + "; ".join(
            f"{expected} -> " + ", ".join(f"{given} {n}" for given, n in sorted(row.items()))
            for expected, row in combined.bands.items()
        )
    )
    lines += unscored_reasons(record)
    lines.append(calibration_headline(record))
    return lines


def unscored_reasons(record: CalibrationRecord, shown: int = 3) -> list[str]:
    """Why items went unscored, the commonest reasons first (an endpoint that kept failing
    shows here, not only in the JSON)."""
    reasons = Counter(error for item in record.items for error in item.errors if error)
    if not reasons:
        return []
    lines = [f"Unscored verdicts: {sum(reasons.values())}; why:"]
    lines += [f"  {n} x {reason}" for reason, n in reasons.most_common(shown)]
    return lines


def calibration_headline(record: CalibrationRecord) -> str:
    if record.passed:
        return "Calibration: PASSED (every limit holds)"
    return "Calibration: FAILED (" + "; ".join(record.metrics.failures) + ")"


def render_calibration_markdown(record: CalibrationRecord) -> str:
    metrics = record.metrics
    lines = [
        f"## jmedethic calibration: {'passed' if record.passed else 'FAILED'}",
        "",
        _header(record) + ".",
        "",
        "| judge | MAE | weighted kappa | within range | injection resistance | "
        "legitimate help kept | context sensitivity | unscored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for j in metrics.judges:
        lines.append(
            f"| {j.judge} | {number(j.mae)} | {number(j.kappa)} | {percent(j.within)} | "
            f"{percent(j.injection_resistance)} | {percent(j.legitimate_help)} | "
            f"{percent(j.context_sensitivity)} | {j.unscored} |"
        )
    lines += [
        "",
        f"ICC(2,1) {number(metrics.icc)}; Krippendorff's alpha (interval) {number(metrics.alpha)}.",
    ]
    lines += [f"- ❌ {failure}" for failure in metrics.failures]
    return "\n".join(lines) + "\n"


def render_calibration_line(line: CalibrationLine | None) -> list[str]:
    """The run summary's line about its judges' calibration."""
    if line is None:
        return []
    state = "passed" if line.passed else "FAILED: " + "; ".join(line.failures)
    return [
        f"Judges' calibration ({line.source}, {line.created_at}, {line.items} items): "
        f"weighted kappa {number(line.kappa)}, MAE {number(line.mae)}, injection resistance "
        f"{percent(line.injection_resistance)}; {state}"
    ]
