"""The report as the text block printed at the end of a session (and by ``jmedethic report``)."""

from __future__ import annotations

from ..analysis.costs import TokenUse
from ..analysis.cross_lingual import CrossLingual
from ..analysis.non_inferiority import BaselineComparison
from ..analysis.number_format import count, money, number, percent, pvalue, signed
from ..analysis.release_decision import ReleaseDecision
from ..analysis.sequential import SequentialDecision
from ..analysis.stats import Agreement, Wilcoxon
from ..analysis.summary import FriedmanRow, GroupRow, OutcomeCounts, Summary, TurnRow
from .model import RunFacts, RunMetadata

SIGNIFICANCE = 0.05


def _outcomes(counts: OutcomeCounts) -> str:
    return f"{counts.passed} passed, {counts.failed} failed, {counts.error} errored"


def _per_turn_table(rows: list[TurnRow]) -> list[str]:
    lines = [f"  {'turn':>4}  {'n':>6}  {'median':>6}  {'IQR':>11}  {'below':>6}  {'unscored':>8}"]
    for row in rows:
        iqr = f"{number(row.q1)}-{number(row.q3)}" if row.n else "-"
        lines.append(
            f"  {row.turn:>4}  {row.n:>6}  {number(row.median):>6}  {iqr:>11}  "
            f"{row.below_threshold:>6}  {row.unscored:>8}"
        )
    return lines


def _decline(test: Wilcoxon) -> str:
    if test.n_pairs == 0:
        return "Decline turn 1 -> last turn: no conversation with two scored turns"
    if test.pvalue is None:
        return f"Decline turn 1 -> last turn: no change to test (n={test.n_pairs} pairs)"
    if test.pvalue >= SIGNIFICANCE:
        finding = "no significant change"
    elif (test.rank_biserial or 0) < 0:
        finding = "significant decline"
    else:
        finding = "significant rise"
    return (
        f"Decline turn 1 -> last turn: Wilcoxon W={number(test.statistic, 1)}, "
        f"p={pvalue(test.pvalue)} ({finding}), "
        f"rank-biserial r={number(test.rank_biserial)}, "
        f"median difference {number(test.median_difference)} (n={test.n_pairs} pairs)"
    )


def _friedman(rows: list[FriedmanRow]) -> list[str]:
    if not rows:
        return [
            "Friedman across turns: no group of >= 2 fully scored conversations with >= 3 turns"
        ]
    return [
        f"Friedman across turns ({row.turns}-turn conversations, n={row.n}): "
        f"chi2={number(row.statistic)}, p={pvalue(row.pvalue)}, "
        f"Kendall's W={number(row.kendalls_w)}"
        for row in rows
    ]


def _groups(title: str, table: dict[str, GroupRow]) -> str:
    parts = [
        f"{name} {number(group.median_all_turns)} (first {number(group.median_first_turn)}, "
        f"last {number(group.median_last_turn)}, n={group.conversations})"
        for name, group in table.items()
    ]
    return f"{title}: " + ("; ".join(parts) if parts else "-")


def _weakest(table: dict[str, GroupRow], count: int = 5) -> str:
    scored = [
        (g.median_all_turns, name) for name, g in table.items() if g.median_all_turns is not None
    ]
    lowest = sorted(scored)[:count]
    parts = [f"{name} {number(median)} (n={table[name].conversations})" for median, name in lowest]
    return f"Lowest guidelines ({len(lowest)} of {len(table)}): " + ("; ".join(parts) or "-")


def _agreement(agreement: Agreement) -> str:
    if not agreement.n:
        return "Judge agreement: no turn scored by both judges"
    return (
        f"Judge agreement: Spearman rho={number(agreement.spearman_rho)}, "
        f"within 1 point {percent(agreement.within_one)}, "
        f"mean |a-b| {number(agreement.mean_abs_diff)}, "
        f"disagreements (> {number(agreement.disagreement_threshold, 0)} points) "
        f"{agreement.disagreements} of {agreement.n} turns"
    )


def render_header(metadata: RunMetadata) -> list[str]:
    """Who was tested and judged, under which rubric and thresholds."""
    lines = []
    if metadata.target is not None:
        lines.append(f"Target: {metadata.target.model} @ {metadata.target.base_url}")
    judges = metadata.judges
    if judges:
        names = ", ".join(f"{j.model} @ {j.base_url}" for j in judges)
        lines.append(f"Judges: {names} (rubric {metadata.rubric_version})")
    if any(j.managed not in (None, "sim") for j in judges):
        lines.append(
            "WARNING: the judges are a small local model: this run is a smoke test of the "
            "pipeline, not a release decision. Use strong judges (--jmed-judge) for that."
        )
    if metadata.thresholds_described:
        lines.append(f"Thresholds: {metadata.thresholds_described}")
    return lines


def render_summary(
    summary: Summary, metadata: RunMetadata, cross_lingual: CrossLingual | None = None
) -> list[str]:
    outcomes, turns = summary.outcomes, summary.turns
    return [
        *render_header(metadata),
        f"Conversations: {outcomes.conversations} run: {_outcomes(outcomes)}",
        f"Turns: {turns.turns} ({turns.scored} scored, {turns.unscored} unscored, "
        f"{turns.below_threshold} below threshold)",
        "Per-turn safety score (0 harmful .. 10 safe):",
        *_per_turn_table(summary.per_turn),
        _decline(summary.decline_first_to_last),
        *_friedman(summary.friedman),
        _groups("Median by language", summary.by_language),
        *render_cross_lingual(cross_lingual),
        _groups("Median by strategy", summary.by_strategy),
        _weakest(summary.by_guideline),
        _agreement(summary.judge_agreement),
    ]


def render_cross_lingual(result: CrossLingual | None) -> list[str]:
    """One line: whether safety differs between a conversation and its translation."""
    if result is None or not result.n_pairs:
        return []
    p = result.pvalue
    verdict = (
        "no difference to test"
        if p is None
        else "significant difference"
        if p < 0.05
        else "no significant difference"
    )
    kappa = (
        f"; pass/fail agreement kappa {number(result.kappa)}" if result.kappa is not None else ""
    )
    return [
        f"Cross-lingual ({result.n_pairs} translation pairs): ja - en median difference "
        f"{signed(result.median_difference)} (95% CI {signed(result.ci_low)} to "
        f"{signed(result.ci_high)}), Wilcoxon p={pvalue(p)} ({verdict}){kappa}"
    ]


def render_comparison(comparison: BaselineComparison) -> list[str]:
    lines = [
        f"Baseline: {comparison.baseline or '(given)'}: {comparison.paired} paired "
        f"conversations ({comparison.unpaired_candidate} only in this run, "
        f"{comparison.unpaired_baseline} only in the baseline, not compared)",
        f"  non-inferiority margin {comparison.margin:g} points, alpha {comparison.alpha:g}, "
        "Holm-corrected across turns",
        f"  {'turn':>7}  {'n':>5}  {'median diff':>11}  {'95% CI':>15}  {'p':>9}  {'p (Holm)':>9}",
    ]
    for turn, row, p_holm in comparison.table():
        ci = f"{signed(row.ci_low)} to {signed(row.ci_high)}" if row.n else "-"
        lines.append(
            f"  {turn:>7}  {row.n:>5}  {signed(row.median_difference):>11}  {ci:>15}  "
            f"{pvalue(row.pvalue):>9}  {pvalue(p_holm):>9}"
        )
    lines.extend(f"  note: {note}" for note in comparison.notes)
    m = comparison.mcnemar
    lines.append(
        f"  McNemar (pass/fail): {m.worsened} worsened, {m.improved} improved of {m.n}, "
        f"p={pvalue(m.pvalue)} (one-sided worse p={pvalue(m.pvalue_worse)})"
    )
    return lines


def render_sequential(sequential: SequentialDecision) -> list[str]:
    settled = sequential.settled_after
    when = (
        f"{sequential.outcome.upper()} after {settled} of {len(sequential.order)} conversations"
        if settled is not None
        else f"undecided after {sequential.looks[-1].conversations if sequential.looks else 0} "
        f"of {len(sequential.order)} conversations"
    )
    spent = (
        f"; it took {count(sequential.calls)} calls, {count(sequential.tokens or 0)} tokens"
        if sequential.calls is not None
        else ""
    )
    lines = [f"Sequential decision (anytime-valid, alpha {sequential.alpha:g}): {when}{spent}"]
    for bound in sequential.final:
        lines.append(
            f"  {bound.status.upper():<4} {bound.test}: estimate {number(bound.estimate)}, "
            f"confidence sequence [{number(bound.lower)}, {number(bound.upper)}] against "
            f"{number(bound.limit)} (n={bound.n})"
        )
    return lines


def render_decision(decision: ReleaseDecision) -> list[str]:
    lines = render_comparison(decision.comparison) if decision.comparison else []
    if decision.sequential is not None:
        lines.extend(render_sequential(decision.sequential))
    gates = decision.gates
    if gates:
        lines.append(
            "Gates (fixed-sample, for reference: the sequential decision decides):"
            if decision.sequential is not None
            else "Gates:"
        )
        lines.extend(f"  {'PASS' if g.passed else 'FAIL'} {g.gate}: {g.message}" for g in gates)
    if decision.decides:
        lines.append(f"Release decision: {decision_line(decision)}")
    return lines


def decision_line(decision: ReleaseDecision) -> str:
    """PASSED, FAILED or INCONCLUSIVE, and why, in one line."""
    reasons = decision_reasons(decision)
    shown = decision.outcome.upper()
    if decision.passed and decision.outcome == "inconclusive":
        shown = "PASSED (INCONCLUSIVE, and --jmed-inconclusive=pass)"
    if not reasons:
        return f"{shown} (every gate holds)"
    return f"{shown} ({'; '.join(reasons)})"


def decision_reasons(decision: ReleaseDecision) -> list[str]:
    sequential = decision.sequential
    if sequential is not None:
        failed = [b.test for b in sequential.final if b.status == "fail"]
        open_ = [b.test for b in sequential.final if b.status == "open"]
        if sequential.outcome == "failed":
            reasons = [f"{', '.join(failed)} failed after {sequential.settled_after} conversations"]
        elif sequential.outcome == "passed":
            reasons = [f"every test passed after {sequential.settled_after} conversations"]
        else:
            reasons = [f"still open when the run ended: {', '.join(open_)}"]
    else:
        failed_gates, gates = len(decision.failed_gates), len(decision.gates)
        reasons = [f"{failed_gates} of {gates} gates failed"] if failed_gates else []
    if decision.incomplete:
        reasons.append(decision.incomplete)
    return reasons


def render_tokens(tokens: TokenUse) -> list[str]:
    """Tokens and cost by role; answers from the response cache used none."""
    lines = [
        "Tokens (live calls; answers from the response cache used none):",
        f"  {'role':<8} {'model':<20} {'answers':>7} {'prompt':>12} {'cached':>6} "
        f"{'completion':>11} {'cost':>10}",
    ]
    for row in [*tokens.rows, tokens.total]:
        usage = row.usage
        lines.append(
            f"  {row.role:<8} {row.model[:20]:<20} {usage.calls:>7} "
            f"{count(usage.prompt_tokens):>12} {percent(row.cached_share):>6} "
            f"{count(usage.completion_tokens):>11} {money(row.cost):>10}"
        )
    cached = [f"{row.from_cache} {row.role}" for row in tokens.rows if row.from_cache]
    if cached:
        lines.append(f"  from the response cache: {', '.join(cached)} answers")
    return lines


def render_run(run: RunFacts) -> list[str]:
    lines = [
        f"Calls sent: {run.calls_sent}; from the cache: {run.replies_cached} of "
        f"{run.replies_cached + run.replies_live} replies, {run.verdicts_cached} of "
        f"{run.verdicts_cached + run.verdicts_live} verdicts"
        + (f" ({run.cache})" if run.cache else " (cache off)")
    ]
    if run.ended_early is not None:
        lines.append(
            f"Ended early: {run.ended_early.reason}; {len(run.ended_early.not_run)} selected "
            "conversations were not run (those under way then were finished: 'Calls sent' "
            "counts their calls too)"
        )
    if run.missing:
        shown = ", ".join(run.missing[:5]) + (" ..." if len(run.missing) > 5 else "")
        why = (
            f"the run was stopped by {run.stopped_by}"
            if run.stopped_by
            else ("the run was interrupted" if run.interrupted else "a worker died")
        )
        again = (
            "run again: what completed comes from the cache"
            if run.cache
            else "run again with the cache on to send only what is missing"
        )
        lines.append(
            f"Missing: {len(run.missing)} selected conversations have no result ({shown}): "
            f"{why}; {again}"
        )
    return lines
