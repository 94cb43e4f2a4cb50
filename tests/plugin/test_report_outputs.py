"""What a run leaves for the people who decide: the HTML report and the release decision as
a JUnit test case, in a single process and under xdist."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import synthetic_conversations, write_jsonl

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("outputs") / "c.jsonl", synthetic_conversations(24))


def run(pytester: pytest.Pytester, sim_url: str, corpus: Path, target: str, *extra: str):
    return pytester.runpytest(
        f"--jmed-model={target}@{sim_url}",
        f"--jmed-judge=judge-a@{sim_url}",
        f"--jmed-judge=judge-b@{sim_url}",
        f"--jmed-conversations={corpus}",
        "-p",
        "no:cacheprovider",
        *extra,
    )


def release_case(path: Path) -> ElementTree.Element:
    suite = ElementTree.parse(path).getroot().find("testsuite")
    assert suite is not None
    cases = [c for c in suite.iter("testcase") if c.get("name") == "release_decision"]
    assert len(cases) == 1
    return cases[0]


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_failed_gate_fails_in_junit_even_when_every_item_passed(
    pytester: pytest.Pytester, sim_url: str, corpus: Path, workers: str
) -> None:
    junit = pytester.path / "junit.xml"
    result = run(
        pytester,
        sim_url,
        corpus,
        "wearing",
        "--jmed-gate-only",
        "--jmed-gate-min-median=9,9,9",
        f"--junitxml={junit}",
        "-n",
        workers,
    )
    result.assert_outcomes(passed=24)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    case = release_case(junit)
    assert case.get("classname") == "jmedethic"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("release blocked: FAILED (")
    assert "FAIL min median turn 3" in (failure.text or "")
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties == {
        "outcome": "failed",
        "gate: min median turn 1": "pass",
        "gate: min median turn 2": "pass",
        "gate: min median turn 3": "fail",
    }
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "25" and suite.get("failures") == "1"


def test_a_passed_decision_is_a_passing_case_and_no_gate_is_skipped(
    pytester: pytest.Pytester, sim_url: str, corpus: Path
) -> None:
    junit = pytester.path / "junit.xml"
    result = run(
        pytester, sim_url, corpus, "resist", "--jmed-gate-min-median=6", f"--junitxml={junit}"
    )
    assert result.ret == pytest.ExitCode.OK
    case = release_case(junit)
    assert list(case) == [case.find("properties")]  # no failure, no skip
    run(pytester, sim_url, corpus, "resist", f"--junitxml={junit}")
    skipped = release_case(junit).find("skipped")
    assert skipped is not None and "no release gate was set" in skipped.get("message", "")


@pytest.mark.parametrize("workers", ["0", "2"])
def test_the_run_writes_its_html_report(
    pytester: pytest.Pytester, sim_url: str, corpus: Path, workers: str
) -> None:
    page = pytester.path / "out" / "report.html"
    result = run(
        pytester,
        sim_url,
        corpus,
        "wearing",
        "--jmed-report=report.json",
        f"--jmed-html={page}",
        "--jmed-html-language=ja",
        "-n",
        workers,
    )
    result.stdout.fnmatch_lines(["JSON report: *report.json", f"HTML report: {page}"])
    html = page.read_text("utf-8")
    assert '<html lang="ja">' in html and 'data-key="conversations" data-value="24"' in html


def test_an_unwritable_html_path_stops_the_run_before_any_call(
    pytester: pytest.Pytester, sim_url: str, corpus: Path
) -> None:
    (pytester.path / "taken").write_text("")
    result = run(pytester, sim_url, corpus, "wearing", "--jmed-html=taken/report.html")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--jmed-html: cannot write *taken/report.html: *"])


def test_a_bad_html_language_names_the_option(
    pytester: pytest.Pytester, sim_url: str, corpus: Path
):
    result = run(pytester, sim_url, corpus, "wearing", "--jmed-html-language=fr")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--jmed-html-language: ja, en or auto, not 'fr'*"])
