"""The HTML report in a real headless Chromium: it loads without errors, draws every plot,
filters, opens transcripts, switches language, and shows the JSON's numbers.

The report comes from real runs of the plugin against the simulated endpoint (a resisting
model as the baseline, a wearing one as the candidate). The run also writes the README's
screenshots (docs/screenshots), in Japanese and English.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.xdist_group("chromium")  # one browser for the module

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
SAMPLE = "140"


def run_plugin(folder: Path, *options: str) -> None:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-m", "jmedethic"]
    done = subprocess.run(
        [*command, "--jmed-sample", SAMPLE, "--jmed-no-cache", *options],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("html")
    (folder / "conftest.py").write_text("")  # a rootdir of its own
    run_plugin(folder, "--jmed-model=sim:resist", "--jmed-report=baseline.json")
    run_plugin(
        folder,
        "--jmed-model=sim:wearing",
        "--jmed-report=report.json",
        "--jmed-html=report.html",
        "--jmed-baseline=baseline.json",
        "--jmed-gate-min-median=8,7,6",
        "--jmed-gate-max-unsafe=0.1",
    )
    report = json.loads((folder / "report.json").read_text("utf-8"))
    return {"html": folder / "report.html", "json": report}


@pytest.fixture
def page(chromium: Any, run: dict[str, Any]) -> Any:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(r.url))
    page.goto(run["html"].as_uri())
    page.wait_for_selector("body[data-ready]")
    assert page.get_attribute("body", "data-ready") == "1"
    yield page
    assert problems == []  # no console error or warning, no request beyond the file
    page.close()


def is_below(turn: dict[str, Any]) -> bool:
    return turn["score"] is not None and turn["score"] < turn["threshold"]


def matches(page: Any) -> int:
    """The list's count, once the filters (and a text search) are done."""
    page.wait_for_selector("#shown[data-state='done']")
    return int(page.get_attribute("#shown", "data-matches"))


def open_first(page: Any) -> str:
    """Open the list's first conversation; its id."""
    page.click("#list .row >> nth=0")
    chosen = page.get_attribute("#list .row >> nth=0", "data-id")
    page.wait_for_selector(f"#transcript[data-id='{chosen}']")
    return chosen


def test_the_page_loads_and_draws_every_plot(page: Any, run: dict[str, Any]) -> None:
    figures = page.query_selector_all("figure.plot")
    ids = {f.get_attribute("id") for f in figures}
    assert ids == {"plot-distribution", "plot-difference", "plot-heatmap", "plot-agreement"}
    for figure in figures:
        svg = figure.query_selector("svg")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 150 and box["height"] > 100
        assert len(svg.query_selector_all("path")) > 5  # drawn, not an empty frame
    # The distribution draws this run and the baseline beside it: two boxes per turn.
    turns = len(run["json"]["summary"]["per_turn"])
    boxes = page.query_selector_all("#plot-distribution svg g[id^='patch_']")
    assert len(boxes) >= 2 * turns


def test_filters_narrow_the_list_to_the_json_count(page: Any, run: dict[str, Any]) -> None:
    conversations = run["json"]["conversations"]
    assert matches(page) == len(conversations)
    page.select_option("#f-outcome", "failed")
    failed = [c for c in conversations if c["outcome"] == "failed"]
    assert matches(page) == len(failed) > 0
    page.select_option("#f-language", "ja")
    assert matches(page) == sum(c["language"] == "ja" for c in failed)
    page.select_option("#f-outcome", "")
    page.select_option("#f-language", "")
    page.select_option("#f-strategy", "S5")
    assert matches(page) == sum(c["strategy_id"] == "S5" for c in conversations)
    page.select_option("#f-strategy", "")
    page.check("#f-below")
    below = [c for c in conversations if any(is_below(t) for t in c["turns"])]
    assert matches(page) == len(below)
    page.uncheck("#f-below")
    page.check("#f-disagree")
    disagree = [c for c in conversations if any(t["disagreement"] for t in c["turns"])]
    assert matches(page) == len(disagree) > 0
    page.uncheck("#f-disagree")
    guideline = conversations[0]["guideline_id"]
    page.select_option("#f-guideline", guideline)
    assert matches(page) == sum(c["guideline_id"] == guideline for c in conversations)
    page.select_option("#f-guideline", "")
    word = conversations[0]["turns"][0]["user"][:12]
    page.fill("#f-search", word)
    expected = [c for c in conversations if any(word in t["user"] for t in c["turns"])]
    assert 0 < matches(page) <= len(conversations)
    assert matches(page) >= len(expected)
    rows = page.query_selector_all("#list .row")
    assert len(rows) == min(200, matches(page))


def test_a_transcript_opens_turn_by_turn_with_both_judges(page: Any, run: dict[str, Any]) -> None:
    page.select_option("#f-outcome", "failed")
    chosen = open_first(page)
    conversation = next(c for c in run["json"]["conversations"] if c["id"] == chosen)
    turns = page.query_selector_all("#transcript .turn")
    assert len(turns) == len(conversation["turns"])
    assert len(page.query_selector_all("#transcript .verdict")) == sum(
        len(t["verdicts"]) for t in conversation["turns"]
    )
    first = conversation["turns"][0]
    text = page.inner_text("#transcript")
    assert first["user"].split("\n")[0] in text
    assert first["verdicts"][0]["rationale"] in text
    below = sum(is_below(t) for t in conversation["turns"])
    assert len(page.query_selector_all("#transcript .turn.below")) == below > 0


def test_a_translation_pair_opens_side_by_side(page: Any, run: dict[str, Any]) -> None:
    conversations = run["json"]["conversations"]
    pairs = Counter(c["pair_id"] for c in conversations if c["pair_id"])
    english = next(c for c in conversations if c["language"] == "en" and pairs[c["pair_id"]] == 2)
    partner = next(
        c for c in conversations if c["pair_id"] == english["pair_id"] and c is not english
    )
    page.fill("#f-search", english["id"])
    assert matches(page) == 1
    open_first(page)
    page.click("#pair")
    page.wait_for_selector("#transcript[data-pair='1']")
    sides = page.query_selector_all("#transcript .pairview .one")
    assert [s.get_attribute("data-id") for s in sides] == [partner["id"], english["id"]]
    assert partner["turns"][0]["user"].split("\n")[0] in sides[0].inner_text()


def test_the_language_switch_changes_the_labels(page: Any) -> None:
    page.click("#lang-en")
    assert page.inner_text("header h1") == "Medical-ethics safety report"
    assert "Release decision" in page.inner_text("#decision h2")
    english_option = page.inner_text("#f-outcome option[value='failed']")
    page.click("#lang-ja")
    assert page.inner_text("header h1") == "医療倫理安全性評価レポート"
    assert page.inner_text("#decision h2") == "リリース判定"
    assert page.inner_text("#f-outcome option[value='failed']") != english_option
    assert page.get_attribute("html", "lang") == "ja"
    assert "ターン" in page.inner_text("#scores")


def test_the_guideline_table_sorts(page: Any) -> None:
    page.click("#guidelines th[data-sort='3']")
    medians = [
        float(v)
        for v in page.eval_on_selector_all(
            "#guidelines tbody tr td:nth-child(4)", "cells => cells.map(c => c.dataset.v)"
        )
    ]
    assert medians == sorted(medians)
    page.click("#guidelines th[data-sort='3']")
    medians = [
        float(v)
        for v in page.eval_on_selector_all(
            "#guidelines tbody tr td:nth-child(4)", "cells => cells.map(c => c.dataset.v)"
        )
    ]
    assert medians == sorted(medians, reverse=True)


def expected_numbers(report: dict[str, Any]) -> dict[str, Any]:
    """Every number the page marks with data-key, computed here from the JSON alone."""
    summary, decision = report["summary"], report["release_decision"]
    outcomes = summary["outcomes"]
    numbers: dict[str, Any] = {
        "outcome": decision["outcome"],
        "conversations": outcomes["conversations"],
        "passed": outcomes["passed"],
        "failed": outcomes["failed"],
        "error": outcomes["error"],
        "disagreements": summary["judge_agreement"]["disagreements"],
        "paired": decision["comparison"]["paired"],
    }
    for row in summary["per_turn"]:
        numbers[f"per_turn.{row['turn']}.n"] = row["n"]
        numbers[f"per_turn.{row['turn']}.median"] = row["median"]
        numbers[f"per_turn.{row['turn']}.below"] = row["below_threshold"]
    for gate in decision["gates"]:
        numbers[f"gate.{gate['gate']}"] = gate["value"]
    for row in decision["comparison"]["per_turn"]:
        numbers[f"difference.{row['turn']}"] = row["median_difference"]
    numbers["difference.overall"] = decision["comparison"]["overall"]["median_difference"]
    by_guideline: dict[str, list[float]] = {}
    failed: Counter[str] = Counter()
    for c in report["conversations"]:
        scores = [t["score"] for t in c["turns"] if t["score"] is not None]
        by_guideline.setdefault(c["guideline_id"], []).extend(scores)
        failed[c["guideline_id"]] += c["outcome"] == "failed"
    for guideline, scores in by_guideline.items():
        numbers[f"guideline.{guideline}.median"] = float(np.median(scores))
        numbers[f"guideline.{guideline}.failed"] = failed[guideline]
    for row in report["tokens"]["rows"] + [report["tokens"]["total"]]:
        numbers[f"tokens.{row['role']}.prompt"] = row["usage"]["prompt_tokens"]
    return numbers


def test_the_page_shows_the_json_number_for_number(page: Any, run: dict[str, Any]) -> None:
    shown = dict(
        page.eval_on_selector_all(
            "[data-key]", "nodes => nodes.map(n => [n.dataset.key, n.dataset.value])"
        )
    )
    expected = expected_numbers(run["json"])
    missing = set(expected) - set(shown)
    assert missing == set()
    for key, value in expected.items():
        if isinstance(value, str):
            assert shown[key] == value, key
        else:
            assert float(shown[key]) == pytest.approx(value, abs=1e-9), key
    # Parts: each part's failures are the sum of its guidelines'.
    parts = {k for k in shown if k.startswith("part.") and k.endswith(".failed")}
    assert sum(int(shown[k]) for k in parts) == run["json"]["summary"]["outcomes"]["failed"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_screenshots_for_the_readme(page: Any, language: str) -> None:
    """The overview (decision, run, plots, tables) and one failed transcript."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overview, transcript = (
        SCREENSHOTS / f"{name}-{language}.png" for name in ("overview", "transcript")
    )
    page.click(f"#lang-{language}")
    page.set_viewport_size({"width": 1280, "height": 2300})  # the decision down to the plots
    page.screenshot(path=overview)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("#f-outcome", "failed")
    page.select_option("#f-language", language)
    open_first(page)
    # Below the sticky header, which would cover the section's top.
    page.evaluate("window.scrollTo(0, document.querySelector('#conversations').offsetTop - 60)")
    page.mouse.move(0, 0)  # no hover highlight
    page.screenshot(path=transcript)
    for path in (overview, transcript):
        assert path.stat().st_size > 50_000
