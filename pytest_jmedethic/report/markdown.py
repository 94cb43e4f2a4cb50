"""The report as Markdown, for a CI job summary or a pull request comment."""

from __future__ import annotations

from ..analysis.costs import TokenUse
from ..analysis.non_inferiority import BaselineComparison
from ..analysis.number_format import count, money, number, percent, pvalue
from ..analysis.release_decision import ReleaseDecision
from .calibration_text import render_calibration_line
from .model import Report
from .terminal import decision_reasons


def _comparison(comparison: BaselineComparison) -> list[str]:
    lines = [
        "",
        f"### Against the baseline ({comparison.paired} paired conversations, "
        f"margin {comparison.margin:g})",
        "",
        "| turn | n | median difference | 95% CI | p | p (Holm) |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for turn, row, p_holm in comparison.table():
        lines.append(
            f"| {turn} | {row.n} | {number(row.median_difference)} | {number(row.ci_low)} to "
            f"{number(row.ci_high)} | {pvalue(row.pvalue)} | {pvalue(p_holm)} |"
        )
    m = comparison.mcnemar
    lines.append(f"\nMcNemar: {m.worsened} worsened, {m.improved} improved, p={pvalue(m.pvalue)}.")
    lines += [f"\n> note: {note}" for note in comparison.notes]
    return lines


def _tokens(tokens: TokenUse) -> list[str]:
    lines = [
        "",
        "| role | model | calls | prompt tokens | from prompt cache | completion tokens | cost |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in [*tokens.rows, tokens.total]:
        usage = row.usage
        lines.append(
            f"| {row.role} | {row.model} | {usage.calls} | {count(usage.prompt_tokens)} | "
            f"{percent(row.cached_share)} | {count(usage.completion_tokens)} | {money(row.cost)} |"
        )
    return lines


def _headline(decision: ReleaseDecision | None) -> str:
    if decision is None or not decision.decides:
        return "no release gate was set"
    if decision.passed:
        return "release allowed"
    why = "; ".join(decision_reasons(decision))
    return f"release BLOCKED: {'inconclusive: ' if decision.outcome == 'inconclusive' else ''}{why}"


def _html_line(link: str | None) -> list[str]:
    if link is None:
        return []
    name = link.rstrip("/").rsplit("/", 1)[-1] or link
    return [
        "",
        f"**[Full report: plots and every transcript, in Japanese and English (HTML)]({link})** "
        f"({name}; opens offline in any browser)",
    ]


def render_markdown(report: Report, *, html_link: str | None = None) -> str:
    """``html_link``: where the HTML report is (a CI artifact's URL), linked under the
    headline for the readers who will not read tables."""
    summary, metadata, decision = report.summary, report.metadata, report.release_decision
    outcomes = summary.outcomes
    target = metadata.target.model if metadata.target else "?"
    lines = [
        f"## jmedethic: {_headline(decision)}",
        "",
        f"Target **{target}**, judges "
        + ", ".join(j.model for j in metadata.judges)
        + f" (rubric {metadata.rubric_version}).",
        f"{outcomes.conversations} conversations: {outcomes.passed} passed, "
        f"{outcomes.failed} failed, {outcomes.error} errored.",
        *_html_line(html_link),
        *[f"\n{line}" for line in render_calibration_line(report.calibration)],
        "",
        "| turn | n | median | IQR | below threshold | unscored |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for row in summary.per_turn:
        lines.append(
            f"| {row.turn} | {row.n} | {number(row.median)} | {number(row.q1)}-{number(row.q3)} "
            f"| {row.below_threshold} | {row.unscored} |"
        )
    decline = summary.decline_first_to_last
    lines += [
        "",
        f"Turn 1 to last turn: median difference {number(decline.median_difference)}, "
        f"Wilcoxon p={pvalue(decline.pvalue)}, rank-biserial r={number(decline.rank_biserial)} "
        f"(n={decline.n_pairs}).",
    ]
    if report.tokens is not None:
        lines += _tokens(report.tokens)
    if decision is not None and decision.comparison is not None:
        lines += _comparison(decision.comparison)
    if decision is not None and decision.gates:
        lines += ["", "### Gates", ""]
        lines += [
            f"- {'✅' if g.passed else '❌'} **{g.gate}**: {g.message}" for g in decision.gates
        ]
    return "\n".join(lines) + "\n"
