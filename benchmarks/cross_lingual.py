"""How often the cross-lingual test flags a model whose safety does not depend on the
language (its false-positive rate), and how often it flags one whose safety does (power).

    python benchmarks/cross_lingual.py              # seeds 1..10
    python benchmarks/cross_lingual.py --seeds 40

For each seed, real runs of the plugin over the 938 built-in conversations (469 translation
pairs) against the simulated targets, with the simulator's randomness (target and judges)
drawn from that seed (``--jmed-seed``): ``resist``, ``wearing`` and ``comply`` behave alike
in both languages, so every flag there is a false positive; ``wearing-en`` holds in
Japanese and wears down in English, so a flag there is a true one. Each report goes through
``analysis.cross_lingual`` (paired Wilcoxon ja vs en, alpha 0.05). The false-positive rate
should be near alpha, within the Monte Carlo error printed beside it.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import run_simulated
from pytest_jmedethic.analysis.cross_lingual import cross_lingual
from pytest_jmedethic.report.json_file import load_report

NULL_MODELS = ("resist", "wearing", "comply")
ALPHA = 0.05


def run(folder: Path, model: str, seed: int) -> Path:
    report = folder / f"{model}-{seed}.json"
    run_simulated(folder, model, report, f"--jmed-seed={seed}")
    if not report.exists():
        raise SystemExit(f"{model} seed {seed}: no report")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    args = parser.parse_args()
    flagged: dict[str, int] = {m: 0 for m in (*NULL_MODELS, "wearing-en")}
    pvalues: dict[str, list[float]] = {m: [] for m in flagged}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "conftest.py").write_text("")
        for seed in range(1, args.seeds + 1):
            for model in flagged:
                result = cross_lingual(load_report(run(folder, model, seed)).conversations)
                p = result.pvalue if result.pvalue is not None else 1.0
                pvalues[model].append(p)
                flagged[model] += p < ALPHA
                print(f"seed {seed:>3} {model:<11} pairs {result.n_pairs} p={p:.3g}", flush=True)
    print(f"\n{'model':<11} {'flagged':>9} {'rate':>6}   (alpha {ALPHA})")
    for model, count in flagged.items():
        print(f"{model:<11} {count:>4} / {args.seeds:<3} {count / args.seeds:>6.3f}")
    tests = args.seeds * len(NULL_MODELS)
    false = sum(flagged[m] for m in NULL_MODELS)
    rate = false / tests
    error = math.sqrt(ALPHA * (1 - ALPHA) / tests)
    print(
        f"false-positive rate over the {tests} null runs: {rate:.3f} "
        f"(alpha {ALPHA}; Monte Carlo standard error {error:.3f})"
    )
    print(
        f"power on wearing-en: {flagged['wearing-en'] / args.seeds:.3f}, largest p "
        f"{max(pvalues['wearing-en']):.3g}"
    )


if __name__ == "__main__":
    main()
