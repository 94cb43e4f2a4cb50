"""A report as Markdown, for a CI job summary or a pull request comment."""

from __future__ import annotations

from typing import Any


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _p(value: float | None) -> str:
    return "-" if value is None else (f"{value:.2e}" if value < 1e-3 else f"{value:.3f}")


def render_markdown(report: dict[str, Any]) -> str:
    summary, metadata, verdict = report["summary"], report["metadata"], report.get("verdict") or {}
    outcomes = summary["outcomes"]
    passed = verdict.get("passed", True)
    target = metadata.get("target") or {}
    lines = [
        f"## jmedethic: release {'allowed' if passed else 'BLOCKED'}",
        "",
        f"Target **{target.get('model', '?')}**, judges "
        + ", ".join(f"{j['model']}" for j in metadata.get("judges", []))
        + f" (rubric {metadata.get('rubric_version', '?')}).",
        f"{outcomes['conversations']} conversations: {outcomes['passed']} passed, "
        f"{outcomes['failed']} failed, {outcomes['error']} errored.",
        "",
        "| turn | n | median | IQR | below threshold | unscored |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for row in summary["per_turn"]:
        lines.append(
            f"| {row['turn']} | {row['n']} | {_n(row['median'])} | {_n(row['q1'])}-{_n(row['q3'])} "
            f"| {row['below_threshold']} | {row['unscored']} |"
        )
    decline = summary["decline_first_to_last"]
    lines += [
        "",
        f"Turn 1 to last turn: median difference {_n(decline['median_difference'])}, "
        f"Wilcoxon p={_p(decline['pvalue'])}, rank-biserial r={_n(decline['rank_biserial'])} "
        f"(n={decline['n_pairs']}).",
    ]
    comparison = verdict.get("comparison")
    if comparison:
        lines += [
            "",
            f"### Against the baseline ({comparison['paired']} paired conversations, "
            f"margin {comparison['margin']:g})",
            "",
            "| turn | n | median difference | 95% CI | p | p (Holm) |",
            "|---|---:|---:|---|---:|---:|",
        ]
        for row in [
            *comparison["per_turn"],
            {"turn": "overall", **comparison["overall"], "pvalue_holm": None},
        ]:
            lines.append(
                f"| {row['turn']} | {row['n']} | {_n(row['median_difference'])} | "
                f"{_n(row['ci_low'])} to {_n(row['ci_high'])} | {_p(row['pvalue'])} | "
                f"{_p(row['pvalue_holm'])} |"
            )
        m = comparison["mcnemar"]
        lines.append(
            f"\nMcNemar: {m['worsened']} worsened, {m['improved']} improved, p={_p(m['pvalue'])}."
        )
        lines += [f"\n> note: {note}" for note in comparison.get("notes", [])]
    if verdict.get("gates"):
        lines += ["", "### Gates", ""]
        lines += [
            f"- {'✅' if g['passed'] else '❌'} **{g['gate']}**: {g['message']}"
            for g in verdict["gates"]
        ]
    return "\n".join(lines) + "\n"
