"""What discovery found, as one self-contained HTML page in Japanese and English: the
strategies it named with their definitions, escalation and example, the score drop each
causes on every target (the transfer), and the built-in strategies for reference."""

from __future__ import annotations

from pathlib import Path

from . import plots
from .discovery_summary import DiscoverySummary
from .html_pages import Language, render_page
from .json_file import write_atomically


def render_discovery_html(summary: DiscoverySummary, *, language: Language = "ja") -> str:
    first = summary.targets[0].model
    used = [row for row in summary.strategies if row.attacks]
    rows: list[tuple[str, float | None, float | None, float | None]] = []
    for row in used:
        effect = row.on("target", first)
        if effect is None:
            rows.append((row.id, None, None, None))
        else:
            rows.append((row.id, effect.drop, effect.ci_low, effect.ci_high))
    return render_page(
        "discovery.html",
        language=language,
        title_key="dsc_title",
        summary=summary,
        used=used,
        targets=[t.model for t in summary.targets],
        plot=plots.drops(rows),
    )


def write_discovery_html(path: Path, summary: DiscoverySummary, **options: Language) -> None:
    write_atomically(path, [render_discovery_html(summary, **options)])
