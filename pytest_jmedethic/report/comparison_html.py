"""A model comparison as one self-contained HTML page, in Japanese and English: the
leaderboard with a forest plot, the per-turn lines of every model (the paper's figure), the
tests between models and groups, Japanese against English per model, and which strategies
work on which model. Built on the same base page as the run's report."""

from __future__ import annotations

from pathlib import Path

from ..analysis.leaderboard import ModelRow
from ..analysis.model_comparison import ModelComparison
from ..corpus.catalogue import load_catalogue
from . import html_facts, plots
from .html_pages import Language, render_page
from .json_file import write_atomically

SPARSE_TURNS = 0.05  # turns fewer conversations reach are left out of the lines


def _common_turns(row: ModelRow) -> list[float | None]:
    """The per-turn medians, without the turns only a few conversations reach (a median of
    two conversations would draw a jump that means nothing)."""
    enough = SPARSE_TURNS * row.conversations
    return [
        m if n >= enough else None for m, n in zip(row.median_per_turn, row.n_per_turn, strict=True)
    ]


def _plots(comparison: ModelComparison) -> dict[str, str]:
    board = comparison.leaderboard
    return {
        "forest": plots.forest([(r.name, r.score, r.score_ci_low, r.score_ci_high) for r in board]),
        "lines": plots.turn_lines({r.name: _common_turns(r) for r in board}),
        "languages": plots.language_pairs(
            [
                (r.name, x.pass_rate_ja, x.pass_rate_en)
                for r in board
                if (x := comparison.cross_lingual.get(r.name)) is not None
            ]
        ),
        "strategies": plots.heatmap({r.name: comparison.strategies[r.name] for r in board}),
    }


def render_comparison_html(comparison: ModelComparison, *, language: Language = "ja") -> str:
    catalogue = load_catalogue()
    used = {s for row in comparison.strategies.values() for s in row}
    return render_page(
        "compare.html",
        language=language,
        title_key="cmp_title",
        comparison=comparison,
        facts=html_facts,
        plots=_plots(comparison),
        strategy_names={
            s.id: s.name
            for s in sorted(catalogue.strategies.values(), key=lambda s: s.id)
            if s.id in used
        },
    )


def write_comparison_html(path: Path, comparison: ModelComparison, **options: Language) -> None:
    write_atomically(path, [render_comparison_html(comparison, **options)])
