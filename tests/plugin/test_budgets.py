"""Budgets: once the run has sent N requests, or cost that much, no new conversation
starts; those in flight finish, the rest are skipped, and the release is undecided."""

from __future__ import annotations

import json

import pytest

from conftest import synthetic_conversations, write_jsonl

pytest_plugins = ["pytester"]


def run(pytester, sim_url, tmp_path, *extra: str, workers: str = "0"):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(60))
    report = tmp_path / "r.json"
    result = pytester.runpytest_subprocess(
        f"--jmed-model=resist@{sim_url}",
        f"--jmed-judge=judge-a@{sim_url}",
        f"--jmed-judge=judge-b@{sim_url}",
        f"--jmed-conversations={corpus}",
        f"--jmed-report={report}",
        "--jmed-no-cache",
        "--jmed-concurrency=2",
        "-p",
        "no:cacheprovider",
        "-n",
        workers,
        *extra,
    )
    return result, json.loads(report.read_text("utf-8")) if report.exists() else None


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_call_budget_stops_new_conversations_and_leaves_the_release_undecided(
    pytester, sim_url, tmp_path, workers
):
    result, data = run(pytester, sim_url, tmp_path, "--jmed-max-calls=90", workers=workers)
    assert data is not None
    facts = data["run"]
    ended = facts["ended_early"]
    assert ended["kind"] == "budget" and ended["reason"].startswith("the budget of 90 calls")
    done = len(data["conversations"])
    assert 10 <= done < 60 and done + len(ended["not_run"]) == 60
    assert facts["missing"] == [] and not facts["interrupted"]
    # What was in flight when the budget was reached finished: at most 2 per process more.
    processes = max(1, int(workers))
    assert 90 <= facts["calls_sent"] <= 90 + 2 * processes * 9
    assert all(c["outcome"] == "passed" for c in data["conversations"])  # none cut mid-way
    decision = data["release_decision"]
    assert decision["outcome"] == "inconclusive" and not decision["passed"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "Release decision: INCONCLUSIVE (the run was cut short: the budget of 90 calls" in output
    assert "INTERNALERROR" not in output


def test_a_cost_budget_needs_every_price_and_then_stops(pytester, sim_url, tmp_path):
    result, _ = run(pytester, sim_url, tmp_path, "--jmed-max-cost=0.01", "--jmed-price=resist=1,2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--jmed-max-cost: needs a --jmed-price for every model; none for judge-a, judge-b" in (
        result.stderr.str()
    )
    prices = [
        "--jmed-price=resist=10,20",
        "--jmed-price=judge-a=10,20",
        "--jmed-price=judge-b=10,20",
    ]
    result, data = run(pytester, sim_url, tmp_path, "--jmed-max-cost=0.2", *prices)
    assert data is not None and data["run"]["ended_early"]["kind"] == "budget"
    assert data["tokens"]["total"]["cost"] >= 0.2
    assert len(data["conversations"]) < 60 and result.ret == pytest.ExitCode.TESTS_FAILED
