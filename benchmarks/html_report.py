"""How large the HTML report gets and how soon it is usable, at 1,000 and 50,000 conversations.

    python benchmarks/html_report.py                       # a fresh simulated run as the source
    python benchmarks/html_report.py --source REPORT.json  # any report, repeated to each size
    python benchmarks/html_report.py --reply-length 1200   # long, varied replies (stress)
    python benchmarks/html_report.py --reply-length 1200 --reply-chars 400

A real run of the plugin against the simulated endpoint (the 938 built-in conversations,
wearing target) gives real transcripts; the report is repeated with fresh ids to 1,000 and
50,000 conversations. For each size it prints the time to write the page (Python), the file
size, and, in headless Chromium (Debian's chromium via Playwright): the time from opening
the file until the page is interactive (``body[data-ready="1"]``: data decoded, filters
filled, first rows drawn), the time a filter and a text search take to redraw the list, and
the JavaScript heap. The search time includes the 200 ms the page waits for typing to pause. Targets: interactive in under 3 s (1,000) and 15 s (50,000) on a
2-core machine, under 40 MB at 50,000. Ratios are against the 1,000-conversation page
measured in the same run, since these machines are noisy.

The simulated endpoint's replies are short and few (phrases it recombines), which gzip
shrinks to almost nothing. ``--reply-length N`` replaces every reply and rationale with N
(a rationale: N/6) characters of natural text, sentences of the corpus's own user turns in
the conversation's language drawn at random, to see the size and speed of a run whose
model writes long, varied answers; ``--reply-chars`` is the page's ``--html-reply-chars``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import launch_chromium, run_simulated
from pytest_jmedethic.report.html import write_html
from pytest_jmedethic.report.json_file import load_report
from pytest_jmedethic.report.model import Report, new_report

SIZES = (1_000, 50_000)
TARGET_SECONDS = {1_000: 3.0, 50_000: 15.0}
TARGET_MB = 40.0


def source_report(folder: Path) -> Path:
    path = folder / "source.json"
    run_simulated(folder, "wearing", path)
    if not path.exists():
        raise SystemExit("the simulated run wrote no report")
    return path


def repeated(report: Report, size: int) -> Report:
    """``size`` conversations: the source's, again and again under new ids (pairs kept)."""
    results = []
    for index in range(size):
        result = report.conversations[index % len(report.conversations)]
        copy = index // len(report.conversations)
        suffix = f"-r{copy:03d}"
        results.append(
            result.model_copy(
                update={
                    "id": result.id + suffix,
                    "pair_id": result.pair_id + suffix if result.pair_id else None,
                }
            )
        )
    return new_report(report.metadata, results, decision=report.release_decision)


def lengthened(report: Report, length: int, seed: int = 0) -> Report:
    """Every reply ``length`` characters, every rationale a sixth of that, of real text."""
    sentences: dict[str, list[str]] = {"ja": [], "en": []}
    for result in report.conversations:
        sentences[result.language].extend(t.user for t in result.turns)
    rng = random.Random(seed)

    def text(language: str, size: int) -> str:
        parts, total = [], 0
        while total < size:
            parts.append(rng.choice(sentences[language]))
            total += len(parts[-1]) + 1
        return (" " if language == "en" else "").join(parts)[:size]

    results = []
    for result in report.conversations:
        turns = [
            turn.model_copy(
                update={
                    "reply": text(result.language, length),
                    "verdicts": [
                        v.model_copy(update={"rationale": text(result.language, length // 6)})
                        for v in turn.verdicts
                    ],
                }
            )
            for turn in result.turns
        ]
        results.append(result.model_copy(update={"turns": turns}))
    return report.model_copy(update={"conversations": results})


def measure(browser: object, path: Path) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector('body[data-ready="1"]', timeout=120_000)
    interactive = time.perf_counter() - start

    def redraw(action: str) -> float:
        begin = time.perf_counter()
        page.evaluate(action)  # the state turns "working" at once
        page.wait_for_selector("#shown[data-state='done']", timeout=120_000)
        return time.perf_counter() - begin

    filtering = redraw(
        "(() => { const s = document.getElementById('f-outcome'); s.value = 'failed';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    search = redraw(
        "(() => { const s = document.getElementById('f-search'); s.value = 'consent';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    page.close()
    if errors:
        raise SystemExit(f"{path.name}: page errors: {errors}")
    return {"interactive": interactive, "filter": filtering, "search": search, "heap": heap}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a JSON report to repeat (default: a sim run)")
    parser.add_argument("--repeats", type=int, default=3, help="page loads per size (median)")
    parser.add_argument(
        "--reply-length", type=int, default=0, help="long varied replies (0: as run)"
    )
    parser.add_argument(
        "--reply-chars", type=int, help="shorten replies in the page (--html-reply-chars)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        source = load_report(args.source or source_report(folder))
        print(f"source: {len(source.conversations)} conversations")
        rows = {}
        with launch_chromium() as browser:
            for size in SIZES:
                report = repeated(source, size)
                if args.reply_length:
                    report = lengthened(report, args.reply_length)
                path = folder / f"report-{size}.html"
                begin = time.perf_counter()
                write_html(path, report, reply_chars=args.reply_chars)
                written = time.perf_counter() - begin
                runs = sorted(
                    (measure(browser, path) for _ in range(args.repeats)),
                    key=lambda r: r["interactive"],
                )
                rows[size] = {
                    "write": written,
                    "mb": path.stat().st_size / 1e6,
                    **runs[len(runs) // 2],
                }
    reference = rows[SIZES[0]]
    print(
        f"{'conversations':>13} {'write s':>8} {'MB':>7} {'interactive s':>14} {'target':>7} "
        f"{'x 1,000':>8} {'filter s':>9} {'search s':>9} {'heap MB':>8}"
    )
    for size, row in rows.items():
        target = TARGET_SECONDS[size]
        ok = "ok" if row["interactive"] < target else "SLOW"
        print(
            f"{size:>13,} {row['write']:>8.2f} {row['mb']:>7.1f} {row['interactive']:>14.2f} "
            f"{'<' + format(target, 'g'):>6} {row['interactive'] / reference['interactive']:>8.1f} "
            f"{row['filter']:>9.3f} {row['search']:>9.3f} {row['heap'] / 1e6:>8.0f}  {ok}"
        )
    big = rows[SIZES[-1]]["mb"]
    print(
        f"file at {SIZES[-1]:,}: {big:.1f} MB ({'ok' if big < TARGET_MB else 'TOO LARGE'}: < {TARGET_MB:g} MB)"
    )


if __name__ == "__main__":
    main()
