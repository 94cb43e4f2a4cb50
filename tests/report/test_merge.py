"""Merging shard reports: one run's shards merge, different runs are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_jmedethic.analysis.summary import summarize
from pytest_jmedethic.endpoints.specs import PublicEndpoint
from pytest_jmedethic.report.json_file import load_report
from pytest_jmedethic.report.merge import MergeError, merge_reports
from pytest_jmedethic.report.model import EarlyEnd, Report

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"


def split(report: Report) -> tuple[Report, Report]:
    half = len(report.conversations) // 2
    first, second = report.conversations[:half], report.conversations[half:]
    return (
        report.model_copy(update={"conversations": first, "summary": summarize(first)}),
        report.model_copy(update={"conversations": second, "summary": summarize(second)}),
    )


def with_target(report: Report, **changes: object) -> Report:
    assert report.metadata.target is not None
    target = report.metadata.target.model_copy(update=changes)
    return report.model_copy(
        update={"metadata": report.metadata.model_copy(update={"target": target})}
    )


def test_shards_of_one_run_merge_into_the_whole_summary() -> None:
    whole = load_report(FIXTURES / "report-v1.json")
    first, second = split(whole)
    merged = merge_reports([(Path("a.json"), first), (Path("b.json"), second)])
    assert merged.summary == whole.summary
    assert merged.conversations == whole.conversations
    assert [m.path for m in merged.metadata.merged_from or []] == ["a.json", "b.json"]


def test_a_started_simulator_on_another_port_is_the_same_endpoint() -> None:
    whole = load_report(FIXTURES / "report-v1.json")
    assert whole.metadata.target == PublicEndpoint(
        model="wearing", base_url=whole.metadata.target.base_url, managed="sim"
    )
    first, second = split(whole)
    elsewhere = with_target(second, base_url="http://127.0.0.1:1/v1")
    assert merge_reports([(Path("a"), first), (Path("b"), elsewhere)]).summary == whole.summary


def test_reports_of_different_runs_are_refused_by_the_setting_that_differs() -> None:
    whole = load_report(FIXTURES / "report-v1.json")
    first, second = split(whole)
    other_model = with_target(second, model="resist")
    with pytest.raises(MergeError, match=r"b.json: metadata 'target' differs from a.json"):
        merge_reports([(Path("a.json"), first), (Path("b.json"), other_model)])
    strict = second.model_copy(
        update={"metadata": second.metadata.model_copy(update={"thresholds": "9,9,9"})}
    )
    with pytest.raises(MergeError, match="'thresholds' differs"):
        merge_reports([(Path("a.json"), first), (Path("b.json"), strict)])


def test_one_conversation_scored_two_ways_is_refused() -> None:
    whole = load_report(FIXTURES / "report-v1.json")
    changed = whole.conversations[0].model_copy(update={"outcome": "error"})
    edited = whole.model_copy(update={"conversations": [changed, *whole.conversations[1:]]})
    with pytest.raises(MergeError, match=f"conversation {changed.id} differs"):
        merge_reports([(Path("a.json"), whole), (Path("b.json"), edited)])


def test_a_shard_cut_short_by_its_budget_leaves_the_merged_run_short() -> None:
    whole = load_report(FIXTURES / "report-v1.json")
    assert whole.run is not None
    first, second = split(whole)
    end = EarlyEnd(
        kind="budget", reason="the budget of 9 calls was reached (9 sent)", not_run=["x"]
    )
    cut = first.model_copy(update={"run": whole.run.model_copy(update={"ended_early": end})})
    second = second.model_copy(update={"run": whole.run})
    merged = merge_reports([(Path("a.json"), cut), (Path("b.json"), second)])
    assert merged.run is not None and merged.run.ended_early == end
    assert merged.run.incomplete == (
        "the run was cut short: the budget of 9 calls was reached (9 sent); 1 not run"
    )
