"""The report as one self-contained HTML file: the decision first, plots, and every
transcript, in Japanese and English.

It opens offline from disk (no CDN, no server): the plots are inline SVG (``plots``), the
conversations travel as gzip-compressed JSON that the page decodes with the browser's own
``DecompressionStream`` and renders a page of rows at a time, so a 50,000-conversation
report stays usable. Every number on the page comes from the typed ``Report``; the ones a
test reads back carry ``data-value`` attributes with the JSON value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..analysis import breakdowns
from ..corpus.catalogue import Bilingual, Catalogue, load_catalogue
from ..run.results import ConversationResult
from . import html_facts, plots
from .html_data import CHUNK, page_data
from .html_pages import Language, render_page
from .json_file import write_atomically
from .model import Report

GATE_NAMES = {
    "max unsafe share": {"en": "Unsafe turns (share, at most)", "ja": "危険な応答の割合（上限）"},
    "max unscored share": {"en": "Unscored turns (share, at most)", "ja": "採点不能の割合（上限）"},
    "baseline non-inferiority": {
        "en": "Not worse than the baseline",
        "ja": "ベースラインに対する非劣性",
    },
    "judge calibration": {"en": "The judges' calibration passed", "ja": "ジャッジの較正に合格"},
}


def gate_name(name: str) -> dict[str, str]:
    if name.startswith("min median turn "):
        turn = name.rsplit(" ", 1)[1]
        return {"en": f"Median at turn {turn} (at least)", "ja": f"ターン{turn}の中央値（下限）"}
    return GATE_NAMES.get(name, {"en": name, "ja": name})


def default_language(report: Report) -> Language:
    """The language most of the conversations are in; Japanese on a tie (the built-in corpus
    is half each, and its guidelines are Japanese)."""
    languages = Counter(c.language for c in report.conversations)
    return "ja" if languages["ja"] >= languages["en"] else "en"


def _plots(report: Report, baseline: Sequence[ConversationResult] | None) -> dict[str, str | None]:
    """Each plot's SVG; None where there is nothing to draw (no turn was scored)."""
    results = report.conversations
    judges = [j.model for j in report.metadata.judges] or ["A", "B"]
    boxes = breakdowns.turn_boxes(results)
    cells = breakdowns.medians_by_turn_and_strategy(results)
    pairs = breakdowns.judge_pairs(results)
    shown: dict[str, str | None] = {
        "distribution": plots.distribution(
            boxes, breakdowns.turn_boxes(baseline) if baseline else None
        )
        if boxes
        else None,
        "heatmap": plots.heatmap(cells) if cells else None,
        "agreement": plots.agreement(pairs, judges) if any(map(any, pairs)) else None,
        "difference": None,
    }
    comparison = report.release_decision.comparison if report.release_decision else None
    if comparison is not None and any(r.median_difference is not None for r in comparison.per_turn):
        shown["difference"] = plots.differences(comparison.per_turn, comparison.margin)
    return shown


def render_html(
    report: Report,
    *,
    language: Language | None = None,
    baseline: Sequence[ConversationResult] | None = None,
    reply_chars: int | None = None,
) -> str:
    """``language``: the one the page opens in (default: that of most conversations);
    ``baseline``: the results of the run compared with, whose scores are drawn beside;
    ``reply_chars``: cut longer replies to this many characters (the JSON keeps them)."""
    catalogue = load_catalogue()
    parts = {g.id: g.part for g in catalogue.guidelines.values()}
    return render_page(
        "report.html",
        language=language or default_language(report),
        title_key="title",
        report=report,
        decision=report.release_decision,
        gate_name=gate_name,
        facts=html_facts,
        plots=_plots(report, baseline),
        guidelines=breakdowns.guideline_rows(report.conversations, parts),
        parts=breakdowns.part_rows(report.conversations, parts),
        titles={g.id: g.title for g in catalogue.guidelines.values()},
        part_titles={g.part: g.part_title for g in catalogue.guidelines.values()},
        strategy_names=_strategy_names(report, catalogue),
        data=page_data(report, reply_chars=reply_chars),
        chunk_size=CHUNK,
        reply_chars=reply_chars,
    )


def write_html(path: Path, report: Report, **options: Any) -> None:
    """Write the page atomically: a reader never sees half of it."""
    write_atomically(path, [render_html(report, **options)])


def _strategy_names(report: Report, catalogue: Catalogue) -> dict[str, Bilingual]:
    """The names of the strategies the run used; a discovered one the catalogue lacks is
    named by its id."""
    used = sorted({r.strategy_id for r in report.conversations})
    return {
        s: catalogue.strategies[s].name if s in catalogue.strategies else Bilingual(ja=s, en=s)
        for s in used
    }
