"""``jmedethic compare`` over real runs: the simulated targets over the built-in corpus
(run with -n 2), ranked, tested pairwise, in groups and across languages; in text, JSON,
Markdown and an HTML page opened in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_simulated
from pytest_jmedethic.cli import main

pytestmark = pytest.mark.xdist_group("compare")  # the four runs are made once

MODELS = ("resist", "wearing", "comply", "wearing-en")
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compare")
    (folder / "conftest.py").write_text("")
    paths = {}
    for name in MODELS:
        paths[name] = folder / f"{name}.json"
        done = run_simulated(folder, name, paths[name], timeout=600)
        assert paths[name].exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return paths


def compare(reports: dict[str, Path], capsys, *extra: str) -> tuple[int, Any]:
    status = main(
        [
            "compare",
            *(f"{name}={path}" for name, path in reports.items()),
            "--group",
            "safe=resist",
            "--group",
            "unsafe=wearing,comply",
            "--json",
            *extra,
        ]
    )
    out = capsys.readouterr().out
    return status, json.loads(out) if status == 0 else out


def test_the_simulated_models_rank_in_order_and_every_pair_differs(reports, capsys) -> None:
    status, data = compare(reports, capsys)
    assert status == 0 and data["common"] == 938
    order = [row["name"] for row in data["leaderboard"]]
    assert order == ["resist", "wearing-en", "wearing", "comply"]
    assert [row["rank"] for row in data["leaderboard"]] == [1, 2, 3, 4]
    for row in data["leaderboard"]:
        assert row["rank_low"] == row["rank_high"] == row["rank"]  # clearly apart
    assert len(data["pairwise"]) == 6
    for pair in data["pairwise"]:
        assert pair["p_holm"] < 0.001 and pair["median_difference"] > 0, pair
    assert data["friedman"]["pvalue"] < 0.001


def test_the_cross_lingual_test_flags_only_the_model_that_differs(reports, capsys) -> None:
    _, data = compare(reports, capsys)
    cross = data["cross_lingual"]
    assert cross["wearing-en"]["n_pairs"] == 469 and cross["wearing-en"]["pvalue"] < 0.001
    assert cross["wearing-en"]["median_difference"] > 1  # safer in Japanese
    assert cross["resist"]["pvalue"] > 0.05 and cross["wearing"]["pvalue"] > 0.05


def test_the_group_gap_shows_in_both_languages(reports, capsys) -> None:
    _, data = compare(reports, capsys)
    (comparison,) = data["group_comparisons"]
    assert (comparison["a"], comparison["b"]) == ("safe", "unsafe")
    gaps = {d["language"]: d for d in comparison["differences"]}
    for language in ("all", "ja", "en"):
        assert gaps[language]["median_difference"] > 3 and gaps[language]["pvalue"] < 0.001
    assert [g["name"] for g in data["groups"]] == ["safe", "unsafe"]


def test_the_papers_unpaired_test_on_request(reports, capsys) -> None:
    _, data = compare(reports, capsys, "--test", "mannwhitney")
    assert {p["test"] for p in data["pairwise"]} == {"mannwhitney"}
    assert all(p["adjustment"] == "bonferroni" for p in data["pairwise"])


def test_text_markdown_and_the_run_summarys_cross_lingual_line(reports, tmp_path, capsys) -> None:
    markdown = tmp_path / "compare.md"
    assert (
        main(["compare", *(f"{n}={p}" for n, p in reports.items()), "--markdown", str(markdown)])
        == 0
    )
    out = capsys.readouterr().out
    assert "Models compared on the 938 conversations they all have" in out
    assert "     1    1-1  resist" in out
    assert "wearing-en: 469 pairs, median difference +1.67" in out
    text = markdown.read_text("utf-8")
    assert "| 1 (1-1) | resist |" in text and "| wearing-en | 469 |" in text
    assert main(["report", str(reports["wearing-en"])]) == 0
    assert "Cross-lingual (469 translation pairs): ja - en median difference +1.67" in (
        capsys.readouterr().out
    )


def with_judges(path: Path, folder: Path, **changes: Any) -> Path:
    data = json.loads(path.read_text("utf-8"))
    for key, value in changes.items():
        data["metadata"][key] = value
    copy = folder / f"changed-{path.name}"
    copy.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return copy


def test_other_judges_are_refused_unless_allowed_and_then_marked(reports, tmp_path, capsys) -> None:
    data = json.loads(reports["wearing"].read_text("utf-8"))
    judges = [dict(j, model=f"other-{j['model']}") for j in data["metadata"]["judges"]]
    other = with_judges(reports["wearing"], tmp_path, judges=judges)
    args = ["compare", f"resist={reports['resist']}", f"wearing={other}"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "wearing was scored by other-judge-a, other-judge-b under rubric" in err
    assert "--allow-different-judges" in err
    page = tmp_path / "c.html"
    assert main([*args, "--allow-different-judges", "--json", "--html", str(page)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["notes"][0].startswith("DIFFERENT JUDGES: wearing was scored by other-judge-a")
    assert "DIFFERENT JUDGES" in page.read_text("utf-8")
    assert main([*args, "--allow-different-judges"]) == 0
    assert "Note: DIFFERENT JUDGES" in capsys.readouterr().out


def test_unusable_inputs_say_what_is_wrong(reports, tmp_path, capsys) -> None:
    thresholds = with_judges(reports["wearing"], tmp_path, thresholds="9,9,9")
    assert main(["compare", f"a={reports['resist']}", f"b={thresholds}"]) == 2
    assert "run them with the same --jmed-thresholds" in capsys.readouterr().err
    assert main(["compare", f"a={reports['resist']}", "--group", "g=a"]) == 2
    assert "at least two reports" in capsys.readouterr().err
    both = [f"a={reports['resist']}", f"b={reports['wearing']}"]
    assert main(["compare", *both, "--group", "g=a,zz"]) == 2
    assert "--group g: zz not among the models compared (a, b)" in capsys.readouterr().err
    assert main(["compare", f"a={reports['resist']}", f"a={reports['wearing']}"]) == 2
    assert "two reports are named 'a'" in capsys.readouterr().err
    assert main(["compare", f"a={reports['resist']}", f"b={tmp_path / 'missing.json'}"]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_conversations_not_shared_are_dropped_and_counted(reports, tmp_path, capsys) -> None:
    data = json.loads(reports["comply"].read_text("utf-8"))
    data["conversations"] = data["conversations"][:-10]
    fewer = tmp_path / "fewer.json"
    fewer.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    status = main(["compare", f"resist={reports['resist']}", f"comply={fewer}", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert status == 0 and result["common"] == 928
    assert {m["name"]: m["dropped"] for m in result["models"]} == {"resist": 10, "comply": 0}
    data["conversations"] = []  # a report of another selection altogether
    fewer.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["compare", f"resist={reports['resist']}", f"comply={fewer}"]) == 2
    assert "no conversation is in every report (resist 938, comply 0 conversations)" in (
        capsys.readouterr().err
    )


def test_the_comparison_page_in_chromium(reports, tmp_path, capsys, chromium) -> None:
    page_path = tmp_path / "compare.html"
    status, data = compare(reports, capsys, "--html", str(page_path))
    assert status == 0
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(r.url))
    page.goto(page_path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    for figure in page.query_selector_all("figure.plot"):
        box = figure.query_selector("svg").bounding_box()
        assert box is not None and box["width"] > 150
    assert len(page.query_selector_all("figure.plot")) == 4
    shown = dict(
        page.eval_on_selector_all(
            "[data-key]", "ns => ns.map(n => [n.dataset.key, n.dataset.value])"
        )
    )
    for row in data["leaderboard"]:
        assert int(shown[f"rank.{row['name']}"]) == row["rank"]
        assert float(shown[f"score.{row['name']}"]) == pytest.approx(row["score"])
        assert float(shown[f"pass_rate.{row['name']}"]) == pytest.approx(row["pass_rate"])
    for pair in data["pairwise"]:
        assert float(shown[f"pair.{pair['a']}.{pair['b']}"]) == pytest.approx(pair["p_holm"])
    for name, cross in data["cross_lingual"].items():
        assert float(shown[f"cross.{name}.p"]) == pytest.approx(cross["pvalue"])
    assert int(shown["common"]) == 938
    page.click("#lang-en")
    assert page.inner_text("header h1") == "Model comparison: medical-ethics safety"
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=SCREENSHOTS / "compare-en.png")  # the README's picture
    page.click("#lang-ja")
    assert page.inner_text("header h1") == "モデル比較：医療倫理の安全性"
    page.close()
    assert problems == []
