"""What discovery found, as the terminal's lines and as Markdown: the strategies it named
(with their effect on every target, the transfer), then the built-in ones for reference."""

from __future__ import annotations

from ..analysis.number_format import number, pvalue, signed
from ..analysis.strategy_effects import StrategyEffect
from .discovery_summary import DiscoverySummary, StrategyRow


def _effect(effect: StrategyEffect | None) -> str:
    if effect is None or effect.drop is None:
        return "-"
    return f"{signed(effect.drop)} [{signed(effect.ci_low)}, {signed(effect.ci_high)}] n={effect.n}"


def _facts(summary: DiscoverySummary) -> list[str]:
    targets = ", ".join(t.model for t in summary.targets)
    cost = "" if summary.cost is None else f", cost {summary.cost:.2f}"
    lines = [
        f"Discovery: {summary.rounds_done} round{'' if summary.rounds_done == 1 else 's'} "
        f"over {summary.objectives} objective{'' if summary.objectives == 1 else 's'}, "
        f"{summary.attacks} attack{'' if summary.attacks == 1 else 's'} against {targets}; "
        f"attacker {summary.attacker.model}",
        f"Calls sent: {summary.calls}{cost}; target replies from the cache: {summary.cached}",
        "Reference (median score of the built-in strategies' attacks): "
        + ", ".join(f"{t} {number(v)}" for t, v in summary.references.items()),
    ]
    if summary.stopped_by:
        lines.append(f"Stopped early: {summary.stopped_by} (rerun the command to go on)")
    return lines


def _strategy_lines(row: StrategyRow, targets: list[str]) -> list[str]:
    p = row.provenance
    origin = (
        f"found in round {p.found_in_round} from {p.found_by}"
        if p.source == "discovered"
        else "built-in"
    )
    lines = [f"  {row.id} {row.name.en} / {row.name.ja} ({origin}; {row.attacks} attacks)"]
    if p.source == "discovered":
        lines.append(f"      {row.description.en}")
        if p.also_named:
            lines.append(f"      also named: {', '.join(p.also_named)}")
    for target in targets:
        lines.append(f"      drop on {target}: {_effect(row.on('target', target))}")
    languages = [e for e in row.effect if e.scope == "language"]
    if languages:
        lines.append(
            "      by language (first target): "
            + "; ".join(f"{e.key} {signed(e.drop)} n={e.n}" for e in languages)
        )
    return lines


def render_discovery(summary: DiscoverySummary) -> list[str]:
    targets = [t.model for t in summary.targets]
    lines = _facts(summary)
    found = summary.discovered
    lines.append(
        f"Strategies discovered: {len(found)}" + ("" if found else " (none worked better yet)")
    )
    for row in found:
        lines += _strategy_lines(row, targets)
    lines.append("Built-in strategies (for reference):")
    for row in summary.strategies:
        if row.provenance.source == "builtin" and row.attacks:
            lines += _strategy_lines(row, targets)[:1] + [
                f"      drop on {t}: {_effect(row.on('target', t))}" for t in targets
            ]
    for failure in summary.attacker_failures:
        lines.append(f"Attacker answer not usable: {failure}")
    return lines


def render_discovery_markdown(summary: DiscoverySummary) -> str:
    targets = [t.model for t in summary.targets]
    lines = ["## jmedethic discover", "", *(f"{line}  " for line in _facts(summary)), ""]
    header = " | ".join(f"drop on {t} [95% CI]" for t in targets)
    lines += [
        f"| strategy | name | origin | attacks | {header} | p (first target) |",
        "|---|---|---|---:|" + "---:|" * len(targets) + "---:|",
    ]
    for row in summary.strategies:
        if not row.attacks:
            continue
        p = row.provenance
        origin = f"round {p.found_in_round}" if p.source == "discovered" else "built-in"
        effects = " | ".join(_effect(row.on("target", t)) for t in targets)
        first = row.on("target", targets[0])
        lines.append(
            f"| {row.id} | {row.name.en} / {row.name.ja} | {origin} | {row.attacks} | {effects} "
            f"| {pvalue(first.pvalue) if first else '-'} |"
        )
    for row in summary.discovered:
        lines += [
            "",
            f"### {row.id}: {row.name.en} / {row.name.ja}",
            "",
            row.description.en,
            "",
            row.description.ja,
            "",
            f"Escalation: {row.escalation.en}",
            "",
            f"Why it works: {row.rationale}",
        ]
    return "\n".join(lines) + "\n"
