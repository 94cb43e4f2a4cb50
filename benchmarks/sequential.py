"""How often the sequential release decision is wrong, and how many conversations it needs.

    python benchmarks/sequential.py                 # 2,000 runs per scenario, N = 938
    python benchmarks/sequential.py --runs 500 --n 469

A Monte Carlo study of the pure functions (no endpoint): each simulated run is a stream of
N paired conversation-score differences, candidate minus baseline, with a true mean of
``delta`` points, fed to the same non-inferiority test the plugin runs at every look
(``analysis.sequential.first_decision``: an anytime-valid betting confidence sequence,
margin 0.5, alpha 0.05). The differences mix a common small disagreement (sd 0.5) with an
occasional large one (sd 3, 30% of conversations), clipped to [-10, 10], as paired scores
of two runs do.

For each true difference it prints how often the sequential decision FAILs, PASSes or stays
undecided, its error rate (a FAIL when the candidate is not worse than the margin, a PASS
when it is worse; at the margin itself both count), the mean and 95th percentile number of
conversations it needed, and the same for the fixed-sample test at all N conversations
(the one-sided Wilcoxon non-inferiority test of ``jmedethic report``, which FAILs when the
candidate is significantly worse and otherwise lets it pass). The error rates should stay
at or below alpha within the Monte Carlo error printed beside them.
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_jmedethic.analysis.non_inferiority import difference_test
from pytest_jmedethic.analysis.sequential import first_decision

MARGIN = 0.5
ALPHA = 0.05
DELTAS = (-2.0, -1.0, -0.5, 0.0, 0.5)


def differences(rng: np.random.Generator, delta: float, n: int) -> np.ndarray:
    large = rng.random(n) < 0.3
    noise = np.where(large, rng.normal(0, 3.0, n), rng.normal(0, 0.5, n))
    return np.clip(delta + noise, -10, 10)


def one_run(args: tuple[float, int, int]) -> tuple[str, int | None, str]:
    delta, n, seed = args
    values = differences(np.random.default_rng(seed), delta, n)
    outcome, used = first_decision(values, margin=MARGIN, alpha=ALPHA)
    fixed = difference_test(values, MARGIN, seed=0)
    fixed_outcome = "failed" if fixed.pvalue is not None and fixed.pvalue < ALPHA else "passed"
    return outcome, used, fixed_outcome


def wrong(outcome: str, delta: float) -> bool:
    worse = delta < -MARGIN
    not_worse = delta > -MARGIN
    at_margin = not (worse or not_worse)
    if outcome == "failed":
        return not_worse or at_margin
    if outcome == "passed":
        return worse or at_margin
    return False


def report(delta: float, n: int, runs: list[tuple[str, int | None, str]]) -> None:
    count = len(runs)
    outcomes = [r[0] for r in runs]
    used = np.array([r[1] if r[1] is not None else n for r in runs])
    fixed = [r[2] for r in runs]
    error = sum(wrong(o, delta) for o in outcomes) / count
    fixed_error = sum(wrong(o, delta) for o in fixed) / count
    mc = 2 * math.sqrt(ALPHA * (1 - ALPHA) / count)  # two standard errors at alpha
    print(
        f"  delta {delta:+.1f}: sequential FAIL {outcomes.count('failed') / count:6.1%} "
        f"PASS {outcomes.count('passed') / count:6.1%} undecided "
        f"{outcomes.count('undecided') / count:6.1%}  error {error:6.2%} "
        f"({'ok' if error <= ALPHA + mc else 'ABOVE ALPHA'}; alpha {ALPHA:.0%} +- {mc:.2%})  "
        f"conversations mean {used.mean():6.1f} p95 {np.percentile(used, 95):6.0f}"
    )
    print(
        f"              fixed N={n}: FAIL {fixed.count('failed') / count:6.1%} "
        f"PASS {fixed.count('passed') / count:6.1%}                   error {fixed_error:6.2%}"
        f"                            conversations {n}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="simulated runs per scenario")
    parser.add_argument("--n", type=int, default=938, help="conversations in a full run")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    args = parser.parse_args()
    print(
        f"sequential non-inferiority, margin {MARGIN}, alpha {ALPHA}: {args.runs} runs per "
        f"scenario, {args.n} conversations at most"
    )
    with ProcessPoolExecutor(args.workers) as pool:
        for index, delta in enumerate(DELTAS):
            jobs = [(delta, args.n, 1_000_000 * index + seed) for seed in range(args.runs)]
            report(delta, args.n, list(pool.map(one_run, jobs, chunksize=50)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
