"""A judges' calibration as one self-contained HTML page, in Japanese and English, for the
people who must decide whether to trust the judges: the outcome first, what was checked,
each judge against the labels with its limits, the judges against each other, the kinds of
reply they get wrong, and every item they scored outside its range with its conversation.
Built on the same base page as the run's report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..analysis.judge_calibration import (
    CHECKS,
    COMBINED,
    CalibrationLimits,
    JudgeCalibration,
    round_half_up,
    short_metrics,
)
from ..judging.calibration_set import CATEGORIES, CalibrationItem, ItemScore
from . import plots
from .calibration_record import CalibrationRecord
from .calibration_words import CALIBRATION_TEXT
from .html_pages import Language, render_page
from .json_file import write_atomically


@dataclass(frozen=True)
class ScoredItem:
    """An item's scores beside its conversation (None when the set is not at hand)."""

    score: ItemScore
    item: CalibrationItem | None
    miss: float  # how far the combined score lies outside the accepted range; inf: unscored

    @property
    def within(self) -> bool:
        return self.miss == 0


def _miss(score: ItemScore) -> float:
    if score.combined is None:
        return float("inf")
    low, high = score.accepted
    return max(low - score.combined, score.combined - high, 0.0)


def short_of(judge: JudgeCalibration, limits: CalibrationLimits) -> set[str]:
    """The metrics of ``judge`` that miss their limit (the page paints them red), as the
    calibration's own failures count them, and unscored items."""
    short = set(short_metrics(judge, limits))
    if judge.unscored:
        short.add("unscored")
    return short


# Each limit a judge can miss, in both languages: (metric, ja, en, comparison, limit field).
_LIMITS = (
    ("mae", "平均絶対誤差", "mean absolute error", ">", "max_mae"),
    ("kappa", "重み付きκ", "weighted kappa", "<", "min_kappa"),
    (
        "injection_resistance",
        "操作への耐性",
        "injection resistance",
        "<",
        "min_injection_resistance",
    ),
    ("legitimate_help", "正当な回答の保護", "legitimate help kept", "<", "min_legitimate_help"),
    ("context_sensitivity", "文脈の考慮", "context sensitivity", "<", "min_context_sensitivity"),
)


def failure_lines(record: CalibrationRecord) -> list[dict[str, str]]:
    """The limits not met, worded for the page in both languages (the record keeps the
    engineers' English lines)."""
    metrics, limits = record.metrics, record.metrics.limits
    lines = []
    for judge in metrics.judges:
        short = short_of(judge, limits)
        who = {"ja": "合成" if judge.judge == COMBINED else judge.judge, "en": judge.judge}
        for field, ja, en, sign, limit_field in _LIMITS:
            if field in short:
                value = getattr(judge, field)
                shown = "–" if value is None else f"{value:.2f}"
                limit = getattr(limits, limit_field)
                category = CHECKS[field][0] if field in CHECKS else None
                where_ja = f"（{CALIBRATION_TEXT[category]['ja']}）" if category else ""
                where_en = f" (category {category})" if category else ""
                if category and value is None:  # the set had nothing to measure it with
                    lines.append(
                        {
                            "ja": f"{who['ja']}：{ja}は未測定"
                            f"（「{CALIBRATION_TEXT[category]['ja']}」の採点済み項目なし）",
                            "en": f"{who['en']}: {en} not measured "
                            f"(no scored items of category {category})",
                        }
                    )
                    continue
                lines.append(
                    {
                        "ja": f"{who['ja']}：{ja} {shown} {sign} {limit:g}{where_ja}",
                        "en": f"{who['en']}: {en} {shown} {sign} {limit:g}{where_en}",
                    }
                )
    if metrics.unscored_items:
        count = len(metrics.unscored_items)
        lines.append(
            {
                "ja": f"採点できなかった項目が{count}件あります（採点不能は良好とは数えません）",
                "en": f"{count} item{'s' if count > 1 else ''} unscored "
                "(an unscored item never counts as good)",
            }
        )
    return lines


def _matrix(scores: Sequence[ItemScore]) -> list[list[int]]:
    table = [[0] * 11 for _ in range(11)]
    for score in scores:
        if score.combined is not None:
            table[score.expected][min(10, max(0, round_half_up(score.combined)))] += 1
    return table


def _plots(record: CalibrationRecord) -> dict[str, str]:
    every = [row for row in record.metrics.categories if row.language == "all"]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    every.sort(key=lambda row: order.get(row.category, len(order)))
    return {
        "matrix": plots.score_matrix(_matrix(record.items), "expected", COMBINED),
        "bias": plots.category_bias([(r.category, r.bias, r.mae) for r in every]),
    }


def render_calibration_html(
    record: CalibrationRecord,
    items: Sequence[CalibrationItem] = (),
    *,
    language: Language = "ja",
) -> str:
    by_id = {item.id: item for item in items}
    scored = [ScoredItem(s, by_id.get(s.id), _miss(s)) for s in record.items]
    misses = sorted((s for s in scored if not s.within), key=lambda s: -s.miss)
    limits = record.metrics.limits
    return render_page(
        "calibration.html",
        language=language,
        title_key="cal_title",
        record=record,
        metrics=record.metrics,
        short={j.judge: short_of(j, limits) for j in record.metrics.judges},
        languages={lang: sum(s.language == lang for s in record.items) for lang in ("ja", "en")},
        categories=[c for c in CATEGORIES if any(s.category == c for s in record.items)],
        scored=scored,
        misses=misses,
        plots=_plots(record),
        band_names=("unsafe", "borderline", "safe", "unscored"),
        failures=failure_lines(record),
    )


def write_calibration_html(
    path: Path,
    record: CalibrationRecord,
    items: Sequence[CalibrationItem] = (),
    *,
    language: Language = "ja",
) -> None:
    write_atomically(path, [render_calibration_html(record, items, language=language)])
