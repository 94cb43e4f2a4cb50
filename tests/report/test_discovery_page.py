"""The discovery page, opened in Chromium: the discovered strategy with its definition, the
score drops of the JSON summary per target, the plot, and the language switch."""

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
def discovered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("discovery-page") / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pytest_jmedethic.cli import main; sys.exit(main(sys.argv[1:]))",
            "discover",
            "--attacker=sim:attacker-explorer",
            "--target=sim:weakspot",
            "--target=sim:resist",
            "--judge=sim:judge-a",
            "--judge=sim:judge-b",
            "--guideline=G09,G38,G24",
            "--rounds=3",
            "--no-cache",
            f"--output={out}",
            f"--html={out / 'discovery.html'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        "page": out / "discovery.html",
        "summary": json.loads((out / "summary.json").read_text()),
    }


def test_the_page_shows_what_was_found(chromium: Any, discovered) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(r.url))
    page.goto(discovered["page"].as_uri())
    page.wait_for_selector("body[data-ready='1']")
    summary = discovered["summary"]
    shown = dict(
        page.eval_on_selector_all(
            "[data-key]", "ns => ns.map(n => [n.dataset.key, n.dataset.value])"
        )
    )
    assert int(shown["found"]) == 1 and int(shown["calls"]) == summary["calls"]
    for row in summary["strategies"]:
        for effect in row["effect"]:
            if effect["scope"] == "target" and row["attacks"] and effect["drop"] is not None:
                key = f"drop.{row['id']}.{effect['key']}"
                assert float(shown[key]) == pytest.approx(effect["drop"])
    assert "模擬監査" in page.inner_text("article[data-id='D01']")
    box = page.query_selector("#plot-drops svg").bounding_box()
    assert box is not None and box["width"] > 150
    page.click("#lang-en")
    assert page.inner_text("header h1") == "Newly discovered attacks"
    assert "Mock audit framing" in page.inner_text("article[data-id='D01'] h3")
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.screenshot(path=SCREENSHOTS / "discover-en.png")  # the README's picture
    page.close()
    assert problems == []
