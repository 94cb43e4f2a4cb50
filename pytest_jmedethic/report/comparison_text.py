"""A model comparison as text: the terminal's lines, and Markdown for a CI job page."""

from __future__ import annotations

from ..analysis.model_comparison import ModelComparison
from ..analysis.number_format import number, percent, pvalue, signed

TESTS = {
    "wilcoxon": "paired Wilcoxon of conversation scores, Holm-adjusted",
    "mannwhitney": "unpaired Mann-Whitney U of conversation scores, Bonferroni-adjusted "
    "(the paper's test)",
}


def _interval(low: float | None, high: float | None, as_percent: bool = False) -> str:
    if as_percent:
        return f"{percent(low, 1)}-{percent(high, 1)}"
    return f"{number(low)}-{number(high)}"


def _turns(medians: list[float | None]) -> str:
    return " ".join(number(m) for m in medians)


def render_alignment(comparison: ModelComparison) -> list[str]:
    dropped = ", ".join(f"{m.name} {m.dropped}" for m in comparison.models)
    lines = [
        f"Models compared on the {comparison.common} conversations they all have "
        f"(dropped as not shared: {dropped})"
    ]
    lines += [f"Note: {note}" for note in comparison.notes]
    return lines


def render_leaderboard(comparison: ModelComparison) -> list[str]:
    width = max(5, *(len(r.name) for r in comparison.leaderboard))
    lines = [
        "Leaderboard, best first (score: mean conversation score with bootstrap 95% CI; "
        "rank range: bootstrap 95%):",
        f"  {'rank':>4} {'range':>6}  {'model':<{width}} {'n':>6} {'score':>6} {'CI':>11} "
        f"{'pass':>6} {'CI':>12} {'unsafe':>7} {'unscored':>8}  median per turn; decline",
    ]
    for r in comparison.leaderboard:
        decline = r.decline
        lines.append(
            f"  {r.rank:>4} {f'{r.rank_low}-{r.rank_high}':>6}  {r.name:<{width}} "
            f"{r.conversations:>6} {number(r.score):>6} "
            f"{_interval(r.score_ci_low, r.score_ci_high):>11} {percent(r.pass_rate, 1):>6} "
            f"{_interval(r.pass_ci_low, r.pass_ci_high, True):>12} "
            f"{percent(r.unsafe_share, 1):>7} {percent(r.unscored_share, 1):>8}  "
            f"{_turns(r.median_per_turn)}; {signed(decline.median_difference)} "
            f"(p={pvalue(decline.pvalue)})"
        )
    return lines


def render_between(comparison: ModelComparison) -> list[str]:
    f = comparison.friedman
    lines = [
        f"Friedman across models (n={f.n} conversations scored by every model, k={f.k}): "
        f"chi2={number(f.statistic)}, p={pvalue(f.pvalue)}, Kendall's W={number(f.kendalls_w)}",
        f"Between models ({TESTS[comparison.test]} across {len(comparison.pairwise)} pairs):",
    ]
    for p in comparison.pairwise:
        lines.append(
            f"  {p.a} vs {p.b}: median difference {signed(p.median_difference)} (n={p.n}), "
            f"p={pvalue(p.pvalue)}, adjusted p={pvalue(p.p_adjusted)}"
        )
    return lines


def render_groups(comparison: ModelComparison) -> list[str]:
    if not comparison.groups:
        return []
    lines = ["Groups:"]
    for g in comparison.groups:
        lines.append(
            f"  {g.name} ({', '.join(g.models)}): pass rate {percent(g.pass_rate, 1)} "
            f"({_interval(g.pass_ci_low, g.pass_ci_high, True)}), median per turn "
            f"{_turns(g.median_per_turn)}"
        )
    for c in comparison.group_comparisons:
        lines.append(f"  {c.a} - {c.b}, paired by conversation over the group means:")
        for d in c.differences:
            lines.append(
                f"    {d.language:<3} n={d.n}: median difference {signed(d.median_difference)} "
                f"(95% CI {signed(d.ci_low)} to {signed(d.ci_high)}), Wilcoxon "
                f"p={pvalue(d.pvalue)}; unpaired Mann-Whitney p={pvalue(d.mannwhitney_pvalue)}"
            )
    return lines


def render_cross_lingual_table(comparison: ModelComparison) -> list[str]:
    lines = ["Cross-lingual, ja - en over translation pairs (paired Wilcoxon; kappa: pass/fail):"]
    for name, x in comparison.cross_lingual.items():
        lines.append(
            f"  {name}: {x.n_pairs} pairs, median difference {signed(x.median_difference)} "
            f"(95% CI {signed(x.ci_low)} to {signed(x.ci_high)}), p={pvalue(x.pvalue)}, "
            f"kappa {number(x.kappa)}; pass rate ja {percent(x.pass_rate_ja, 1)}, "
            f"en {percent(x.pass_rate_en, 1)}"
        )
    return lines


def render_strategies(comparison: ModelComparison) -> list[str]:
    strategies = sorted({s for row in comparison.strategies.values() for s in row})
    width = max(5, *(len(n) for n in comparison.strategies))
    lines = [
        "Median turn score by model and strategy:",
        f"  {'':<{width}} " + " ".join(f"{s:>5}" for s in strategies),
    ]
    for row in comparison.leaderboard:
        medians = comparison.strategies.get(row.name, {})
        cells = " ".join(f"{number(medians.get(s)):>5}" for s in strategies)
        lines.append(f"  {row.name:<{width}} {cells}")
    return lines


def render_model_comparison(comparison: ModelComparison) -> list[str]:
    return [
        *render_alignment(comparison),
        *render_leaderboard(comparison),
        *render_between(comparison),
        *render_groups(comparison),
        *render_cross_lingual_table(comparison),
        *render_strategies(comparison),
    ]


def render_comparison_markdown(comparison: ModelComparison, html_link: str | None = None) -> str:
    lines = ["## jmedethic: model comparison", ""]
    lines += [f"> note: {note}" for note in comparison.notes]
    if html_link:
        lines += [f"**[Plots and tables in Japanese and English (HTML)]({html_link})**", ""]
    lines += [
        f"{comparison.common} conversations shared by every model.",
        "",
        "| rank (95%) | model | score (95% CI) | pass rate (95% CI) | unsafe turns | "
        "median per turn |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in comparison.leaderboard:
        lines.append(
            f"| {r.rank} ({r.rank_low}-{r.rank_high}) | {r.name} | {number(r.score)} "
            f"({_interval(r.score_ci_low, r.score_ci_high)}) | {percent(r.pass_rate, 1)} "
            f"({_interval(r.pass_ci_low, r.pass_ci_high, True)}) | "
            f"{percent(r.unsafe_share, 1)} | {_turns(r.median_per_turn)} |"
        )
    lines += ["", f"Pairs ({TESTS[comparison.test]}):", ""]
    lines += ["| a | b | median difference | p | adjusted p |", "|---|---|---:|---:|---:|"]
    for p in comparison.pairwise:
        lines.append(
            f"| {p.a} | {p.b} | {signed(p.median_difference)} | {pvalue(p.pvalue)} | "
            f"{pvalue(p.p_adjusted)} |"
        )
    lines += ["", "Cross-lingual (ja - en):", ""]
    lines += [
        "| model | pairs | median difference (95% CI) | p | kappa |",
        "|---|---:|---|---:|---:|",
    ]
    for name, x in comparison.cross_lingual.items():
        lines.append(
            f"| {name} | {x.n_pairs} | {signed(x.median_difference)} ({signed(x.ci_low)} to "
            f"{signed(x.ci_high)}) | {pvalue(x.pvalue)} | {number(x.kappa)} |"
        )
    for c in comparison.group_comparisons:
        lines += ["", f"Groups {c.a} - {c.b} (paired by conversation):", ""]
        lines += [
            "| language | n | median difference (95% CI) | Wilcoxon p | Mann-Whitney p |",
            "|---|---:|---|---:|---:|",
        ]
        for d in c.differences:
            lines.append(
                f"| {d.language} | {d.n} | {signed(d.median_difference)} ({signed(d.ci_low)} "
                f"to {signed(d.ci_high)}) | {pvalue(d.pvalue)} | {pvalue(d.mannwhitney_pvalue)} |"
            )
    return "\n".join(lines) + "\n"
