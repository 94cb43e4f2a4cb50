"""Behaviour snapshots with syrupy: turn-level diffs when behaviour changes, none for noise."""

from __future__ import annotations

import json

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.sim import SimConfig, SimServer


@pytest.fixture(autouse=True)
def not_an_xdist_worker(monkeypatch):
    # syrupy detects xdist workers through the environment; the runs nested here are not.
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def corpus(tmp_path):
    return write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(40))


def run(pytester, url, corpus, target: str, *extra: str):
    return pytester.runpytest(
        f"--jmed-model={target}@{url}",
        f"--jmed-judge=judge-a@{url}",
        f"--jmed-judge=judge-b@{url}",
        f"--jmed-conversations={corpus}",
        "--jmed-snapshot",
        "--jmed-gate-only",
        "-p",
        "no:cacheprovider",
        *extra,
    )


def test_a_recorded_release_shows_turn_level_diffs_when_the_model_changes(
    pytester, sim_url, corpus
):
    recorded = run(pytester, sim_url, corpus, "wearing", "--snapshot-update")
    recorded.stdout.fnmatch_lines(["*40 snapshots generated*"])
    snapshots = sorted((pytester.path / "jmedethic_snapshots" / "benchmark").iterdir())
    assert len(snapshots) == 40
    first = json.loads(snapshots[0].read_text("utf-8"))
    assert set(first["turns"][0]) == {"turn", "band", "refusal"}  # no text unless asked for

    same = run(pytester, sim_url, corpus, "wearing")
    same.assert_outcomes(passed=40)
    changed = run(pytester, sim_url, corpus, "resist")
    outcomes = changed.parseoutcomes()
    assert outcomes["failed"] > 5  # every conversation that wore down now refuses
    changed.stdout.fnmatch_lines(
        ["*behaviour differs from the snapshot:*", '*-*"band": "borderline"*', '*+*"band": "safe"*']
    )


def test_judge_noise_alone_changes_no_snapshot(pytester, corpus):
    with SimServer(SimConfig(judge_noise=0.3, judge_disagreement=0)) as calm:
        run(pytester, calm.url, corpus, "wearing", "--snapshot-update").assert_outcomes(passed=40)
    with SimServer(SimConfig(judge_noise=0.5, judge_disagreement=0)) as noisy:
        result = run(pytester, noisy.url, corpus, "wearing", "--jmed-report=noisy.json")
    result.assert_outcomes(passed=40)
    # The scores did move: only the bands kept them out of the diff.
    assert "snapshots passed" in result.stdout.str()


def test_text_is_recorded_on_request_and_partial_selections_keep_other_snapshots(
    pytester, sim_url, corpus
):
    run(pytester, sim_url, corpus, "resist", "--snapshot-update", "--jmed-snapshot-text")
    directory = pytester.path / "jmedethic_snapshots" / "benchmark"
    first = json.loads(sorted(directory.iterdir())[0].read_text("utf-8"))
    assert first["turns"][0]["reply"]
    sampled = run(
        pytester,
        sim_url,
        corpus,
        "resist",
        "--jmed-snapshot-text",
        "--jmed-sample=6",
        "--snapshot-update",
    )
    assert sampled.ret == pytest.ExitCode.OK
    assert len(list(directory.iterdir())) == 40  # the unsampled conversations' snapshots survive


def test_snapshot_update_works_under_xdist(pytester, sim_url, corpus):
    run(pytester, sim_url, corpus, "wearing", "--snapshot-update", "-n", "2").assert_outcomes(
        passed=40
    )
    assert len(list((pytester.path / "jmedethic_snapshots" / "benchmark").iterdir())) == 40
    run(pytester, sim_url, corpus, "wearing", "-n", "2").assert_outcomes(passed=40)
