"""The HTML report's plots, drawn by matplotlib as static SVG.

Static SVG because the page must open offline from disk and stay light at 50,000
conversations: each plot is drawn from summary numbers (box statistics, medians, a count
table), never from one mark per turn. Text inside the plots is numbers and ids only; titles
and axis labels are HTML around them, so the page's language switch covers them too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..analysis.breakdowns import Box
from ..analysis.non_inferiority import TurnDifference

CANDIDATE = "#2f6db5"
BASELINE = "#9a9a9a"
WORSE = "#c0392b"
PALETTE = ("#2f6db5", "#c0392b", "#1e7e34", "#b7791f", "#6f42c1", "#17a2b8", "#555555", "#e83e8c")


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "jmedethic"})
    return plt.subplots(figsize=(width, height))


def _svg(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prolog and doctype do not belong inline


def _stats(boxes: Sequence[Box]) -> list[dict[str, Any]]:
    return [
        {"med": b.median, "q1": b.q1, "q3": b.q3, "whislo": b.low, "whishi": b.high, "fliers": []}
        for b in boxes
    ]


def distribution(boxes: Sequence[Box], baseline: Sequence[Box] | None = None) -> str:
    """Scores per turn: median, IQR (box) and 5th-95th percentiles (whiskers); the
    baseline's beside each turn when there is one."""
    figure, axes = _figure(6.0, 3.0)
    width = 0.35 if baseline else 0.6
    turns = [b.turn for b in boxes]
    shift = width / 2 + 0.02 if baseline else 0.0
    drawn = axes.bxp(
        _stats(boxes), positions=[t - shift for t in turns], widths=width, patch_artist=True
    )
    for patch in drawn["boxes"]:
        patch.set_facecolor(CANDIDATE)
    if baseline:
        old = axes.bxp(
            _stats(baseline),
            positions=[b.turn + shift for b in baseline],
            widths=width,
            patch_artist=True,
        )
        for patch in old["boxes"]:
            patch.set_facecolor(BASELINE)
    axes.set_xticks(turns, [str(t) for t in turns])
    axes.set_ylim(-0.3, 10.3)
    axes.set_yticks(range(0, 11, 2))
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def heatmap(rows: Mapping[str, Mapping[Any, float | None]]) -> str:
    """Median score per row (strategy, model) and column (turn, strategy); low is red."""
    turns = sorted({t for row in rows.values() for t in row})
    names = list(rows)
    figure, axes = _figure(1.2 + 0.7 * len(turns), 0.5 + 0.35 * len(names))
    import numpy as np

    grid = np.array(
        [[rows[n].get(t) if rows[n].get(t) is not None else np.nan for t in turns] for n in names],
        dtype=float,
    )
    axes.imshow(grid, cmap="RdYlGn", vmin=0, vmax=10, aspect="auto")
    for i in range(len(names)):
        for j in range(len(turns)):
            if not np.isnan(grid[i, j]):
                axes.text(j, i, f"{grid[i, j]:g}", ha="center", va="center", fontsize=8)
    axes.set_xticks(range(len(turns)), [str(t) for t in turns])
    axes.set_yticks(range(len(names)), names)
    return _svg(figure)


def agreement(table: list[list[int]], judges: Sequence[str]) -> str:
    """How often judge A (rows) and judge B (columns) gave each pair of scores; the axes
    are named after the judges' models."""
    return score_matrix(table, f"A: {judges[0]}", f"B: {judges[-1]}")


def score_matrix(table: list[list[int]], rows: str, columns: str) -> str:
    """An 11 x 11 count table of scores (0-10) against scores, the diagonal drawn: the
    closer the marks to it, the better the two agree."""
    import numpy as np

    counts = np.array(table, dtype=float)
    figure, axes = _figure(3.4, 3.0)
    shown = np.where(counts > 0, np.log1p(counts), np.nan)
    axes.imshow(shown, cmap="Blues", origin="lower")
    axes.plot([-0.5, 10.5], [-0.5, 10.5], color=BASELINE, linewidth=0.8)
    axes.set_xticks(range(0, 11, 2))
    axes.set_yticks(range(0, 11, 2))
    axes.set_xlim(-0.5, 10.5)
    axes.set_ylim(-0.5, 10.5)
    axes.set_ylabel(rows)
    axes.set_xlabel(columns)
    return _svg(figure)


def category_bias(rows: Sequence[tuple[str, float | None, float | None]]) -> str:
    """Per category (top to bottom as given) the mean signed error as a bar (red: lenient)
    and the mean absolute error as a dot."""
    figure, axes = _figure(5.2, 0.6 + 0.34 * len(rows))
    for position, (_, bias, mae) in enumerate(reversed(rows)):
        if bias is not None:
            axes.barh([position], [bias], color=WORSE if bias > 0 else CANDIDATE, height=0.6)
        if mae is not None:
            axes.plot([mae], [position], "o", markerfacecolor="white", color=BASELINE)
    axes.axvline(0, color=BASELINE, linewidth=0.8)
    axes.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


def differences(rows: Sequence[TurnDifference], margin: float) -> str:
    """Per turn, the median difference against the baseline with its 95% interval, and the
    non-inferiority margin as a dashed line."""
    figure, axes = _figure(4.2, 2.6)
    for row in rows:
        if row.median_difference is None:
            continue
        low = row.ci_low if row.ci_low is not None else row.median_difference
        high = row.ci_high if row.ci_high is not None else row.median_difference
        colour = WORSE if row.pvalue_holm is not None and row.pvalue_holm < 0.05 else CANDIDATE
        axes.errorbar(
            [row.turn],
            [row.median_difference],
            yerr=[[row.median_difference - low], [high - row.median_difference]],
            fmt="o",
            color=colour,
            capsize=3,
        )
    axes.axhline(0, color=BASELINE, linewidth=0.8)
    axes.axhline(-margin, color=WORSE, linewidth=0.8, linestyle="--")
    axes.set_xticks([r.turn for r in rows], [str(r.turn) for r in rows])
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def turn_lines(series: dict[str, list[float | None]]) -> str:
    """Median score per turn, one line per model (the paper's figure); a None median (a
    turn too few conversations reach) leaves a gap."""
    figure, axes = _figure(5.6, 3.0)
    for index, (name, medians) in enumerate(series.items()):
        turns = [t for t, m in enumerate(medians, start=1) if m is not None]
        values = [m for m in medians if m is not None]
        axes.plot(turns, values, marker="o", color=PALETTE[index % len(PALETTE)], label=name)
    depth = max(
        (t for m in series.values() for t, v in enumerate(m, start=1) if v is not None),
        default=1,
    )
    axes.set_xticks(range(1, depth + 1), [str(t) for t in range(1, depth + 1)])
    axes.set_ylim(-0.3, 10.3)
    axes.grid(axis="y", alpha=0.3)
    # Beside the plot, not on it: a line near the floor (a model that complies) stays visible.
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(figure)


Interval = tuple[str, float | None, float | None, float | None]  # name, value, low, high


def _intervals(
    rows: Sequence[Interval], xlim: tuple[float, float], color: Callable[[float], str]
) -> tuple[Any, Any]:
    """Each row's value with its interval, first row at the top; ``color`` of the low end."""
    figure, axes = _figure(5.2, 0.6 + 0.38 * len(rows))
    for position, (_, value, low, high) in enumerate(reversed(rows)):
        if value is None:
            continue
        low = value if low is None else low
        high = value if high is None else high
        axes.errorbar(
            [value],
            [position],
            xerr=[[value - low], [high - value]],
            fmt="o",
            color=color(low),
            capsize=3,
        )
    axes.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    axes.set_xlim(*xlim)
    axes.grid(axis="x", alpha=0.3)
    return figure, axes


def forest(rows: Sequence[Interval]) -> str:
    """Each model's score with its 95% interval, best at the top."""
    figure, _ = _intervals(rows, (-0.3, 10.3), lambda low: CANDIDATE)
    return _svg(figure)


def language_pairs(rows: Sequence[tuple[str, float | None, float | None]]) -> str:
    """Per model, its pass rate in Japanese (filled) and in English (open), joined."""
    figure, axes = _figure(5.2, 0.6 + 0.38 * len(rows))
    for position, (_, ja, en) in enumerate(reversed(rows)):
        if ja is not None and en is not None:
            axes.plot([ja, en], [position, position], color=BASELINE, linewidth=1)
        if ja is not None:
            axes.plot([ja], [position], "o", color=CANDIDATE)
        if en is not None:
            axes.plot([en], [position], "o", markerfacecolor="white", color=CANDIDATE)
    axes.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    axes.set_xlim(-0.03, 1.03)
    ticks = [0, 0.25, 0.5, 0.75, 1]
    axes.set_xticks(ticks, [f"{round(100 * t)}%" for t in ticks])  # as the table shows them
    axes.plot([], [], "o", color=CANDIDATE, label="ja")
    axes.plot([], [], "o", markerfacecolor="white", color=CANDIDATE, label="en")
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


def drops(rows: Sequence[Interval]) -> str:
    """Each strategy's score drop against the built-in strategies, with its 95% interval;
    zero drawn: right of it, the strategy lowers the target's scores (red: clearly)."""
    figure, axes = _intervals(rows, (-10.3, 10.3), lambda low: WORSE if low > 0 else CANDIDATE)
    axes.axvline(0, color=BASELINE, linewidth=0.8)
    return _svg(figure)
