"""Render a summary (plain data) as the text block printed at the end of a session."""

from __future__ import annotations

from typing import Any

SIGNIFICANCE = 0.05


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _p(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2e}" if value < 1e-3 else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _outcomes(counts: dict[str, int]) -> str:
    return f"{counts['passed']} passed, {counts['failed']} failed, {counts['error']} errored"


def _per_turn_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"  {'turn':>4}  {'n':>6}  {'median':>6}  {'IQR':>11}  {'below':>6}  {'unscored':>8}"]
    for row in rows:
        iqr = f"{_num(row['q1'])}-{_num(row['q3'])}" if row["n"] else "-"
        lines.append(
            f"  {row['turn']:>4}  {row['n']:>6}  {_num(row['median']):>6}  {iqr:>11}  "
            f"{row['below_threshold']:>6}  {row['unscored']:>8}"
        )
    return lines


def _decline(test: dict[str, Any]) -> str:
    if test["n_pairs"] == 0:
        return "Decline turn 1 -> last turn: no conversation with two scored turns"
    if test["pvalue"] is None:
        return f"Decline turn 1 -> last turn: no change to test (n={test['n_pairs']} pairs)"
    if test["pvalue"] >= SIGNIFICANCE:
        verdict = "no significant change"
    elif (test["rank_biserial"] or 0) < 0:
        verdict = "significant decline"
    else:
        verdict = "significant rise"
    return (
        f"Decline turn 1 -> last turn: Wilcoxon W={_num(test['statistic'], 1)}, "
        f"p={_p(test['pvalue'])} ({verdict}), "
        f"rank-biserial r={_num(test['rank_biserial'])}, "
        f"median difference {_num(test['median_difference'])} (n={test['n_pairs']} pairs)"
    )


def _friedman(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return [
            "Friedman across turns: no group of >= 2 fully scored conversations with >= 3 turns"
        ]
    return [
        f"Friedman across turns ({row['turns']}-turn conversations, n={row['n']}): "
        f"chi2={_num(row['statistic'])}, p={_p(row['pvalue'])}, "
        f"Kendall's W={_num(row['kendalls_w'])}"
        for row in rows
    ]


def _groups(title: str, table: dict[str, dict[str, Any]]) -> str:
    parts = [
        f"{name} {_num(group['median_all_turns'])} (first {_num(group['median_first_turn'])}, "
        f"last {_num(group['median_last_turn'])}, n={group['conversations']})"
        for name, group in table.items()
    ]
    return f"{title}: " + ("; ".join(parts) if parts else "-")


def _weakest(table: dict[str, dict[str, Any]], count: int = 5) -> str:
    scored = [
        (g["median_all_turns"], name)
        for name, g in table.items()
        if g["median_all_turns"] is not None
    ]
    lowest = sorted(scored)[:count]
    parts = [f"{name} {_num(median)} (n={table[name]['conversations']})" for median, name in lowest]
    return f"Lowest guidelines ({len(lowest)} of {len(table)}): " + ("; ".join(parts) or "-")


def _agreement(agreement: dict[str, Any]) -> str:
    if not agreement["n"]:
        return "Judge agreement: no turn scored by both judges"
    return (
        f"Judge agreement: Spearman rho={_num(agreement['spearman_rho'])}, "
        f"within 1 point {_pct(agreement['within_one'])}, "
        f"mean |a-b| {_num(agreement['mean_abs_diff'])}, "
        f"disagreements (> {_num(agreement['disagreement_threshold'], 0)} points) "
        f"{agreement['disagreements']} of {agreement['n']} turns"
    )


def render_summary(summary: dict[str, Any], metadata: dict[str, Any]) -> list[str]:
    lines = []
    target = metadata.get("target")
    if target:
        lines.append(f"Target: {target['model']} @ {target['base_url']}")
    judges = metadata.get("judges") or []
    if judges:
        names = ", ".join(f"{j['model']} @ {j['base_url']}" for j in judges)
        lines.append(f"Judges: {names} (rubric {metadata.get('rubric_version', '?')})")
    if any(j.get("managed") not in (None, "sim") for j in judges):
        lines.append(
            "WARNING: the judges are a small local model: this run is a smoke test of the "
            "pipeline, not a release decision. Use strong judges (--jmed-judge) for that."
        )
    if metadata.get("thresholds_described"):
        lines.append(f"Thresholds: {metadata['thresholds_described']}")
    outcomes, turns = summary["outcomes"], summary["turns"]
    lines.append(f"Conversations: {outcomes['conversations']} run: {_outcomes(outcomes)}")
    lines.append(
        f"Turns: {turns['turns']} ({turns['scored']} scored, {turns['unscored']} unscored, "
        f"{turns['below_threshold']} below threshold)"
    )
    lines.append("Per-turn safety score (0 harmful .. 10 safe):")
    lines.extend(_per_turn_table(summary["per_turn"]))
    lines.append(_decline(summary["decline_first_to_last"]))
    lines.extend(_friedman(summary["friedman"]))
    lines.append(_groups("Median by language", summary["by_language"]))
    lines.append(_groups("Median by strategy", summary["by_strategy"]))
    lines.append(_weakest(summary["by_guideline"]))
    lines.append(_agreement(summary["judge_agreement"]))
    return lines


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}".rstrip("0").rstrip(".")


def render_comparison(comparison: dict[str, Any]) -> list[str]:
    lines = [
        f"Baseline: {comparison.get('baseline') or '(given)'}: {comparison['paired']} paired "
        f"conversations ({comparison['unpaired_candidate']} only in this run, "
        f"{comparison['unpaired_baseline']} only in the baseline, not compared)",
        f"  non-inferiority margin {comparison['margin']:g} points, alpha {comparison['alpha']:g}, "
        "Holm-corrected across turns",
        f"  {'turn':>7}  {'n':>5}  {'median diff':>11}  {'95% CI':>15}  {'p':>9}  {'p (Holm)':>9}",
    ]
    rows = [
        *comparison["per_turn"],
        {"turn": "overall", **comparison["overall"], "pvalue_holm": None},
    ]
    for row in rows:
        ci = f"{_signed(row['ci_low'])} to {_signed(row['ci_high'])}" if row["n"] else "-"
        lines.append(
            f"  {row['turn']!s:>7}  {row['n']:>5}  {_signed(row['median_difference']):>11}  "
            f"{ci:>15}  {_p(row['pvalue']):>9}  {_p(row['pvalue_holm']):>9}"
        )
    lines.extend(f"  note: {note}" for note in comparison.get("notes", []))
    m = comparison["mcnemar"]
    lines.append(
        f"  McNemar (pass/fail): {m['worsened']} worsened, {m['improved']} improved of {m['n']}, "
        f"p={_p(m['pvalue'])} (one-sided worse p={_p(m['pvalue_worse'])})"
    )
    return lines


def render_verdict(verdict: dict[str, Any]) -> list[str]:
    lines = []
    if verdict.get("comparison"):
        lines.extend(render_comparison(verdict["comparison"]))
    gates = verdict["gates"]
    if not gates:
        return lines
    lines.append("Gates:")
    lines.extend(
        f"  {'PASS' if g['passed'] else 'FAIL'} {g['gate']}: {g['message']}" for g in gates
    )
    failed = sum(not g["passed"] for g in gates)
    lines.append(
        "Release verdict: PASSED (every gate holds)"
        if not failed
        else f"Release verdict: FAILED ({failed} of {len(gates)} gates failed)"
    )
    return lines


def render_run(run: dict[str, Any]) -> list[str]:
    lines = [
        f"Calls sent: {run['calls_sent']}; from the cache: {run['replies_cached']} of "
        f"{run['replies_cached'] + run['replies_live']} replies, {run['verdicts_cached']} of "
        f"{run['verdicts_cached'] + run['verdicts_live']} verdicts"
        + (f" ({run['cache']})" if run["cache"] else " (cache off)")
    ]
    if run["missing"]:
        shown = ", ".join(run["missing"][:5]) + (" ..." if len(run["missing"]) > 5 else "")
        lines.append(
            f"Missing: {len(run['missing'])} selected conversations have no result ({shown}): "
            "a worker died or the run was interrupted; run again to complete them from the cache"
        )
    return lines
