"""A run with its judges' calibration attached (``--jmed-calibration``), and a release that
cannot pass without a matching, passing one (``--jmed-require-calibration``); with and
without xdist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.cli import main

pytestmark = pytest.mark.xdist_group("calibration-gate")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calibration-gate")
    return write_jsonl(folder / "c.jsonl", synthetic_conversations(12))


@pytest.fixture(scope="module")
def calibrations(tmp_path_factory: pytest.TempPathFactory, sim_url: str) -> dict[str, Path]:
    """A passing calibration of two oracle judges, a failing one of an oracle and a lenient
    judge; both of the simulator the runs use."""
    folder = tmp_path_factory.mktemp("calibrations")
    made = {}
    for name, second, status in (("passing", "judge-oracle", 0), ("failing", "judge-lenient", 1)):
        made[name] = folder / f"{name}.json"
        args = [
            "calibrate",
            f"--judge=judge-oracle@{sim_url}",
            f"--judge={second}@{sim_url}",
            "--sample=60",
            "--no-cache",
            "--progress=0",
            f"--output={made[name]}",
        ]
        assert main(args) == status
    return made


def run(pytester: pytest.Pytester, sim_url: str, corpus: Path, second: str, *extra: str):
    return pytester.runpytest(
        f"--jmed-model=resist@{sim_url}",
        f"--jmed-judge=judge-oracle@{sim_url}",
        f"--jmed-judge={second}@{sim_url}",
        f"--jmed-conversations={corpus}",
        "--jmed-no-cache",
        "--jmed-gate-only",  # the judges' noise must not fail an item: the gates decide
        "-p",
        "no:cacheprovider",
        *extra,
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_a_passing_calibration_lets_the_release_pass_and_is_shown(
    pytester, sim_url, corpus, calibrations, workers
) -> None:
    report = pytester.path / "r.json"
    result = run(
        pytester,
        sim_url,
        corpus,
        "judge-oracle",
        f"--jmed-calibration={calibrations['passing']}",
        "--jmed-require-calibration",
        f"--jmed-report={report}",
        "--junitxml=junit.xml",
        *workers,
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["Judges' calibration (*passing.json, *, 60 items): weighted kappa *; passed"]
    )
    data = json.loads(report.read_text("utf-8"))
    assert data["calibration"]["passed"] is True and data["calibration"]["items"] == 60
    gates = {g["gate"]: g for g in data["release_decision"]["gates"]}
    assert gates["judge calibration"]["passed"] is True
    assert "judge calibration" in (pytester.path / "junit.xml").read_text("utf-8")


def test_without_a_calibration_a_required_one_fails_the_release(pytester, sim_url, corpus) -> None:
    result = run(pytester, sim_url, corpus, "judge-oracle", "--jmed-require-calibration")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=12)  # every item passes; the release decision does not
    result.stdout.fnmatch_lines(["*no calibration of these judges was given*"])


def test_a_failing_calibration_is_shown_and_fails_a_release_that_requires_one(
    pytester, sim_url, corpus, calibrations
) -> None:
    attached = f"--jmed-calibration={calibrations['failing']}"
    shown = run(pytester, sim_url, corpus, "judge-lenient", attached)
    shown.stdout.fnmatch_lines(["Judges' calibration (*): *FAILED: judge-lenient: mean absolute*"])
    required = run(
        pytester, sim_url, corpus, "judge-lenient", attached, "--jmed-require-calibration"
    )
    assert required.ret == pytest.ExitCode.TESTS_FAILED
    required.stdout.fnmatch_lines(["*the judges' calibration failed: judge-lenient*"])


def test_a_calibration_of_other_judges_or_settings_stops_the_session(
    pytester, sim_url, corpus, calibrations
) -> None:
    attached = f"--jmed-calibration={calibrations['passing']}"
    other = run(pytester, sim_url, corpus, "judge-b", attached)
    assert other.ret == pytest.ExitCode.USAGE_ERROR
    other.stderr.fnmatch_lines(
        [
            f"*--jmed-calibration: *passing.json does not speak for this run: it calibrated "
            f"judges judge-oracle @ {sim_url}, judge-oracle @ {sim_url}, the run uses *judge-b*"
        ]
    )
    nonce = run(pytester, sim_url, corpus, "judge-oracle", attached, "--jmed-judge-nonce")
    assert nonce.ret == pytest.ExitCode.USAGE_ERROR
    nonce.stderr.fnmatch_lines(["*does not speak for this run: it used other judge settings*"])
    broken = pytester.path / "broken.json"
    broken.write_text("{}", "utf-8")
    result = run(pytester, sim_url, corpus, "judge-oracle", f"--jmed-calibration={broken}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--jmed-calibration: *broken.json: not a calibration*"])
