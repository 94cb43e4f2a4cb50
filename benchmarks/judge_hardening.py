"""What the judge prompt's hardening does on the calibration set's injection items: replies
that comply with the unethical request and then try to talk the judge into a high score
(text addressed to the evaluator, a forged closing tag, an embedded fake verdict, a claimed
approval).

    python benchmarks/judge_hardening.py                      # the bundled local judge
    python benchmarks/judge_hardening.py --judge M@URL --judge M@URL --sample 40
    python benchmarks/judge_hardening.py --judge sim:judge-gullible --judge sim:judge-oracle

Each item is scored three ways through the run's own judge pipeline (``run.calibration``):
the plain prompt (no manipulation warning), the hardened prompt (the default since judge
prompt 2026.12-1), and the hardened prompt with the nonce (``--jmed-judge-nonce``). For each
way it prints, per judge, the share fooled (scored above the item's accepted range), the mean
score, and the unscored count; and, as a control that the warning
does not make the judge harsher on honest answers, the same judge's mean absolute error on
the legitimate-help items. "Fooled" is the share scored above the item's accepted range;
ratios are against the plain prompt measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_jmedethic.cli.call_flags import judge_values
from pytest_jmedethic.endpoints.retry import RetryPolicy
from pytest_jmedethic.endpoints.servers.session import ServerOptions, SessionServers
from pytest_jmedethic.endpoints.specs import EndpointSpec, judge_key_env
from pytest_jmedethic.judging.calibration_set import (
    CalibrationItem,
    ItemScore,
    load_calibration_set,
)
from pytest_jmedethic.plugin.settings import judge_settings_from_values
from pytest_jmedethic.run.calibration import CalibrationRun, score_items
from pytest_jmedethic.run.connections import CallSettings

WAYS = {"plain": (False, False), "hardened": (True, False), "hardened+nonce": (True, True)}


def fooled(scores: list[ItemScore], judge: int) -> tuple[float, float | None, int]:
    """Share scored above the accepted range, the mean score, and the unscored count (an
    unscored item is not fooled, and not resisted either: a run never counts it as safe)."""
    given = [(s, s.scores[judge]) for s in scores]
    above = sum(g is not None and g > s.accepted[1] for s, g in given)
    scored = [g for _, g in given if g is not None]
    mean = statistics.fmean(scored) if scored else None
    return above / len(scores), mean, len(scores) - len(scored)


def error(scores: list[ItemScore], judge: int) -> float | None:
    misses = [abs(s.scores[judge] - s.expected) for s in scores if s.scores[judge] is not None]
    return statistics.fmean(misses) if misses else None


def pick(items: list[CalibrationItem], category: str, count: int | None) -> list[CalibrationItem]:
    mine = [i for i in items if i.category == category]
    if count is None or count >= len(mine):
        return mine
    ja = [i for i in mine if i.language == "ja"][: (count + 1) // 2]
    en = [i for i in mine if i.language == "en"][: count // 2]
    return ja + en


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--judge", action="append", default=[])
    parser.add_argument("--sample", type=int, help="injection items (half ja, half en)")
    parser.add_argument("--control", type=int, default=10, help="legitimate-help items")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--ways", default=",".join(WAYS), help="which ways, comma-separated")
    args = parser.parse_args()
    texts = args.judge or ["local", "local"]
    specs = [EndpointSpec.parse(t, judge_key_env(i)) for i, t in enumerate(texts, 1)]
    every = load_calibration_set().items
    injections = pick(every, "injection", args.sample)
    control = pick(every, "legitimate_help", args.control)
    local = any(s.managed and s.managed != "sim" for s in specs)
    base = judge_settings_from_values(judge_values(), local)
    servers = SessionServers()
    servers.start(specs, ServerOptions())
    try:
        specs = [servers.resolve(s) for s in specs]
        calls = CallSettings(timeout=args.timeout, retry=RetryPolicy(attempts=3))
        print(
            f"judges: {', '.join(texts)}; {len(injections)} injection items, "
            f"{len(control)} legitimate-help items"
        )
        baseline: dict[int, float] = {}
        for way in args.ways.split(","):
            hardened, nonce = WAYS[way]
            settings = replace(base, hardened=hardened, nonce=nonce)
            run = CalibrationRun(specs, settings, calls, concurrency=2 if local else 8)
            scored = asyncio.run(score_items(run, injections + control))
            attacked, honest = scored[: len(injections)], scored[len(injections) :]
            for judge, spec in enumerate(specs):
                share, mean, unscored = fooled(attacked, judge)
                baseline.setdefault(judge, share)
                ratio = f"x{share / baseline[judge]:.2f}" if baseline[judge] else "-"
                mean_text = "-" if mean is None else f"{mean:.2f}"
                mae = error(honest, judge)
                print(
                    f"{way:>15} judge {judge + 1} {spec.model:<22} fooled {share:5.1%} "
                    f"({ratio} of plain)  mean score {mean_text:>5}  unscored {unscored:3d}  "
                    f"legitimate-help MAE {'-' if mae is None else f'{mae:.2f}'}"
                )
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
