"""Throughput, collection and aggregation, each against a reference measured in the same run.

    python benchmarks/throughput.py                      # N=512, C=64, L=0.5 s, 2 workers
    python benchmarks/throughput.py --n 128 --latency 0.2 --concurrency 16 --workers 1

1. A real pytest run of N three-turn conversations against the simulated endpoint with
   latency L per call and C conversations in flight (split over W xdist workers). The
   reference is the latency-bound ideal for the same N, L, C: each conversation holds its
   slot for 3 target calls plus the judging of its last reply (judges of earlier turns run
   behind the target), so ideal = ceil(N / C) x 4 x L. Printed: measured time (pytest's
   own session time, so interpreter start-up is excluded, xdist workers' start-up is not;
   the median of --repeat runs, default 3, every run's ratio printed beside it),
   ideal, ratio, calls per second, CPU seconds per conversation (every pytest process) and
   the largest process's peak RSS; then, from the simulator's own time stamps, how long
   start-up took and how long the requests themselves took against the same ideal.
2. Collection of 50,000 conversations against bare pytest collecting 50,000 trivially
   parametrized items: time and peak memory, and their ratios.
3. Aggregation: the time to summarise 50,000 conversation results.

Before anything is timed, one ``pytest --collect-only`` runs with bytecode writing on, so
that the processes timed find pytest's cache of assertion-rewritten plugin modules, as on
any machine that has run pytest once. Without it (a fresh install, or a machine that sets
PYTHONDONTWRITEBYTECODE=1 and never had the cache) every pytest process, each xdist worker
included, recompiles the ~80 modules pytest rewrites in the installed plugins: about half a
second of CPU each. ``--no-warm-up`` times that cold case.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conftest import synthetic_conversations, write_jsonl  # noqa: E402
from pytest_jmedethic.analysis.summary import summarize  # noqa: E402
from pytest_jmedethic.judging.verdicts import JudgeVerdict  # noqa: E402
from pytest_jmedethic.run.results import ConversationResult, TurnResult  # noqa: E402
from pytest_jmedethic.sim import SimConfig, start_subprocess  # noqa: E402

TIMED = re.compile(r"in ([0-9.]+)s")


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds and peak RSS (KiB) of a command, through GNU time; and its output."""
    completed = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command], cwd=cwd, capture_output=True, text=True
    )
    wall, rss = completed.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss), completed.stdout


def collect_only(corpus: Path | None = None) -> list[str]:
    """``pytest --collect-only``, collecting the benchmark items of ``corpus`` if given."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    if corpus is not None:
        command += ["--jmed-collect", f"--jmed-conversations={corpus}"]
    return command


def warm_up(work: Path) -> None:
    """One collect-only run that may write bytecode: pytest caches the plugin modules it
    rewrites for assertions next to their sources, and later runs read that cache even
    under PYTHONDONTWRITEBYTECODE=1."""
    corpus = write_jsonl(work / "warm-up.jsonl", synthetic_conversations(8))
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(collect_only(corpus), cwd=work, env=environment, capture_output=True, check=True)


@dataclass
class ThroughputRun:
    session: float  # pytest's own session time
    wall: float  # the whole command, interpreter start-up included
    calls: int
    cpu: float  # CPU seconds of every pytest process
    rss_kib: int  # peak RSS of the largest process
    first_request: float | None  # seconds from the command's start, by the simulator's clock
    span: float | None  # first request to last reply, at the simulator


def run_throughput(
    n: int, latency: float, per_worker: int, workers: int, work: Path
) -> ThroughputRun:
    corpus = write_jsonl(work / "throughput.jsonl", synthetic_conversations(n))
    with start_subprocess(SimConfig(latency=latency)) as sim:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--jmed-model=resist@{sim.url}",
            f"--jmed-judge=judge-a@{sim.url}",
            f"--jmed-judge=judge-b@{sim.url}",
            f"--jmed-conversations={corpus}",
            "--jmed-no-cache",
            f"--jmed-concurrency={per_worker}",
            "-n",
            str(workers),
            f"--jmed-report={work / 'throughput.json'}",
        ]
        usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()  # the simulator stamps its first and last requests in Unix time
        wall, rss, output = timed(command, work)
        usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        seen = sim.stats()
    first, last = seen["first_request_at"], seen["last_reply_at"]
    return ThroughputRun(
        session=float(TIMED.findall(output)[-1]),
        wall=wall,
        calls=json.loads((work / "throughput.json").read_text("utf-8"))["run"]["calls_sent"],
        cpu=(usage_after.ru_utime + usage_after.ru_stime)
        - (usage_before.ru_utime + usage_before.ru_stime),
        rss_kib=rss,
        first_request=None if first is None else first - started,
        span=None if first is None or last is None else last - first,
    )


def throughput(
    n: int, latency: float, concurrency: int, workers: int, repeat: int, work: Path
) -> None:
    workers = max(1, workers)
    per_worker = max(1, concurrency // workers)
    ideal = math.ceil(n / (per_worker * workers)) * 4 * latency
    runs = [run_throughput(n, latency, per_worker, workers, work) for _ in range(repeat)]
    # This machine's noise is one-sided (a slow process start, a stalled core), so the
    # median run is reported, and every run's ratio with it.
    run = sorted(runs, key=lambda r: r.session)[(len(runs) - 1) // 2]
    print(f"throughput: N={n} L={latency}s C={per_worker * workers} ({workers} x {per_worker})")
    print(
        f"  measured {run.session:.2f}s  ideal {ideal:.2f}s  ratio {run.session / ideal:.3f}"
        + (f"  (median of {repeat} runs)" if repeat > 1 else "")
    )
    if repeat > 1:
        print("  every run's ratio: " + ", ".join(f"{r.session / ideal:.3f}" for r in runs))
    print(
        f"  calls {run.calls}  calls/s {run.calls / run.session:.1f}  "
        f"CPU s/conversation {run.cpu / n:.4f}  "
        f"peak RSS (largest process) {run.rss_kib / 1024:.0f} MiB"
    )
    if run.first_request is not None and run.span is not None:
        # Where the time went, seen from the endpoint: start-up until the first request
        # (process start included), then the requests themselves, whose own ideal is the
        # same latency-bound time.
        print(
            f"  at the endpoint: first request {run.first_request:.2f}s after the command "
            f"started ({run.wall:.2f}s in all); first request to last reply "
            f"{run.span:.2f}s, ratio {run.span / ideal:.3f} to the ideal"
        )


def collection(work: Path) -> None:
    corpus = write_jsonl(work / "fifty.jsonl", synthetic_conversations(50_000))
    bare, ours = work / "bare", work / "ours"  # separate folders: neither collects the other
    bare.mkdir(exist_ok=True)
    ours.mkdir(exist_ok=True)
    (bare / "test_bare.py").write_text(
        "import pytest\n\n@pytest.mark.parametrize('x', range(50000))\ndef test_bare(x):\n    pass\n"
    )
    runs = {"bare pytest": (collect_only(), bare), "jmedethic": (collect_only(corpus), ours)}
    measured = {}
    for name, (command, cwd) in runs.items():
        wall, rss, output = timed(command, cwd)
        measured[name] = (float(TIMED.findall(output)[-1]), wall, rss)
    (bare_c, bare_w, bare_m), (ours_c, ours_w, ours_m) = (
        measured["bare pytest"],
        measured["jmedethic"],
    )
    print("collection of 50,000 items (jmedethic vs bare pytest, same run):")
    print(f"  collection time {ours_c:.2f}s vs {bare_c:.2f}s  ratio {ours_c / bare_c:.2f}")
    print(f"  whole command   {ours_w:.2f}s vs {bare_w:.2f}s  ratio {ours_w / bare_w:.2f}")
    print(
        f"  peak memory     {ours_m / 1024:.0f} MiB vs {bare_m / 1024:.0f} MiB  ratio {ours_m / bare_m:.2f}"
    )


def aggregation() -> None:
    rng = random.Random(0)
    results = []
    for i in range(50_000):
        turns = []
        for t in range(1, rng.choice((3, 4, 5)) + 1):
            a, b = rng.randint(0, 10), rng.randint(0, 10)
            turns.append(
                TurnResult(
                    turn=t,
                    user="u",
                    reply="r",
                    score=(a + b) / 2,
                    threshold=6,
                    verdicts=[JudgeVerdict(judge="a", score=a), JudgeVerdict(judge="b", score=b)],
                )
            )
        results.append(
            ConversationResult(
                id=f"c{i}",
                guideline_id=f"G{i % 67 + 1:02d}",
                strategy_id=f"S{i % 7 + 1}",
                language="ja" if i % 2 else "en",
                turns=turns,
                outcome="passed",
            )
        )
    started = time.perf_counter()
    summarize(results)
    print(f"aggregation of 50,000 results: {time.perf_counter() - started:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--repeat", type=int, default=3, help="throughput runs; the median is reported (3)"
    )
    parser.add_argument(
        "--no-warm-up",
        action="store_true",
        help="time cold processes: no collect-only run to fill the bytecode caches first",
    )
    parser.add_argument(
        "--skip", choices=("throughput", "collection", "aggregation"), action="append", default=[]
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        if args.no_warm_up:
            print("no warm-up: processes start with whatever bytecode caches exist")
        else:
            warm_up(work)
            print("warm-up: one collect-only run filled the bytecode caches (see --help)")
        if "throughput" not in args.skip:
            throughput(args.n, args.latency, args.concurrency, args.workers, args.repeat, work)
        if "collection" not in args.skip:
            collection(work)
        if "aggregation" not in args.skip:
            aggregation()


if __name__ == "__main__":
    main()
