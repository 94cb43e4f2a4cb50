"""The judges' calibration page, opened in Chromium: it shows the outcome, every number of
the JSON record, the failures naming the category, the items outside their range with their
conversations, and filters and a language switch that work; nothing is fetched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("chromium")
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An oracle and a gullible judge on a stratified sample, as the CLI writes them (in a
    child process: asyncio.run cannot start while Playwright holds this thread)."""
    folder = tmp_path_factory.mktemp("calibration-page")
    page, record = folder / "calibration.html", folder / "calibration.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pytest_jmedethic.cli import main; sys.exit(main(sys.argv[1:]))",
            "calibrate",
            "--judge=sim:judge-oracle",
            "--judge=sim:judge-gullible",
            "--sample=200",
            "--no-cache",
            "--progress=0",
            f"--output={record}",
            f"--html={page}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr[-2000:]  # the gullible judge fails
    return {"page": page, "record": json.loads(record.read_text("utf-8"))}


def test_the_page_shows_the_record_and_its_failures(chromium: Any, calibrated) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(r.url))
    page.goto(calibrated["page"].as_uri())
    page.wait_for_selector("body[data-ready='1']")
    record = calibrated["record"]
    metrics = record["metrics"]
    assert page.get_attribute(".banner", "data-outcome") == "failed"
    failures = page.inner_text("#failures")  # the page opens in Japanese
    assert "judge-gullible：操作への耐性 0.00 < 0.9（評価者への操作（注入））" in failures
    shown = dict(
        page.eval_on_selector_all(
            "[data-key]", "ns => ns.map(n => [n.dataset.key, n.dataset.value])"
        )
    )
    for judge in metrics["judges"]:
        name = judge["judge"]
        for field in ("mae", "kappa", "within", "injection_resistance", "legitimate_help"):
            expected = judge[field]
            assert (
                (shown[f"{field}.{name}"] == "")
                if expected is None
                else (float(shown[f"{field}.{name}"]) == pytest.approx(expected))
            )
    assert float(shown["icc"]) == pytest.approx(metrics["icc"])
    combined = next(j for j in metrics["judges"] if j["judge"] == "combined")
    for expected, row in combined["bands"].items():
        for given, count in row.items():
            assert int(shown[f"band.{expected}.{given}"]) == count
    assert int(shown["items"]) == 200
    # The gullible judge's injection cell is painted as failing.
    cell = page.query_selector("[data-key='injection_resistance.judge-gullible']")
    assert cell is not None and "fail" in (cell.get_attribute("class") or "")
    for figure in page.query_selector_all("figure.plot"):
        box = figure.query_selector("svg").bounding_box()
        assert box is not None and box["width"] > 150
    missed = [
        i
        for i in record["items"]
        if i["combined"] is None or not i["accepted"][0] <= i["combined"] <= i["accepted"][1]
    ]
    assert int(shown["misses"]) == len(missed) > 0
    first = page.query_selector("details.miss")
    first.click()
    assert first.query_selector_all(".turn")  # the conversation, turn by turn
    page.select_option("#f-outcome", "miss")
    assert int(page.inner_text("#shown-count")) == len(missed)
    page.select_option("#f-category", "injection")
    injection_misses = [i for i in missed if i["category"] == "injection"]
    assert int(page.inner_text("#shown-count")) == len(injection_misses)
    page.select_option("#f-outcome", "")
    page.select_option("#f-category", "")
    page.click("#lang-en")
    assert page.inner_text("header h1") == "Judges' calibration"
    failures = page.inner_text("#failures")
    assert "judge-gullible: injection resistance 0.00 < 0.9 (category injection)" in failures
    page.evaluate("() => { for (const d of document.querySelectorAll('details')) d.open = false; }")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.screenshot(path=SCREENSHOTS / "calibration-en.png")  # the README's picture
    page.click("#lang-ja")
    assert page.inner_text("header h1") == "ジャッジの較正"
    page.close()
    assert problems == []
