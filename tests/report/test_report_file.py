"""The JSON report: its layout on disk, atomic writing, and every version it was written in.

The fixtures under ``tests/fixtures/reports`` were written by version 1 of the report
(before the release ``verdict`` became ``release_decision``): a run with gates and a
baseline comparison, a merge of two shards, and a run with unscored turns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_jmedethic.analysis.summary import summarize
from pytest_jmedethic.report.json_file import ReportError, load_report, write_report
from pytest_jmedethic.report.model import REPORT_SCHEMA_VERSION, Report
from pytest_jmedethic.run.results import ConversationResult

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"
VERSION_1 = sorted(FIXTURES.glob("*-v1.json"))


def without_usage(value: object) -> object:
    """Version 1 recorded no tokens: the fields that hold them load as null."""
    if isinstance(value, dict):
        return {k: without_usage(v) for k, v in value.items() if not (k == "usage" and v is None)}
    if isinstance(value, list):
        return [without_usage(v) for v in value]
    return value


def test_there_are_version_1_fixtures() -> None:
    assert [p.name for p in VERSION_1] == [
        "baseline-v1.json",
        "merged-v1.json",
        "report-v1.json",
        "unscored-v1.json",
    ]


@pytest.mark.parametrize("path", VERSION_1, ids=lambda p: p.name)
def test_a_version_1_report_loads_with_every_number_it_held(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    report = load_report(path)
    assert report.schema_version == REPORT_SCHEMA_VERSION
    dumped = report.model_dump(mode="json", by_alias=True)
    # Version 2 writes the optional fields as null where version 1 left them out.
    metadata = {"merged_from": None, **raw["metadata"], "prices": {}}
    metadata["dataset"] = {"error": None, **metadata["dataset"]}
    # Version 1 judges never answered with a nonce.
    metadata["judge_settings"] = {**metadata["judge_settings"], "nonce": False}
    assert dumped["metadata"] == metadata
    assert dumped["summary"] == raw["summary"]
    assert without_usage(dumped["conversations"]) == raw["conversations"]
    fresh = {"stopped_by": None, "ended_early": None}
    assert dumped["run"] == ({**fresh, **raw["run"]} if raw.get("run") else None)
    decision, old = dumped["release_decision"], raw["verdict"]
    new_settings = {"sequential": False, "inconclusive": "fail", "require_calibration": False}
    assert decision["settings"] == {**old["settings"], **new_settings}
    assert decision["gates"] == old["gates"]
    assert decision["passed"] == old["passed"]
    assert decision["outcome"] == ("passed" if old["passed"] else "failed")
    if old["comparison"] is not None:  # the comparison's "verdict" is now its "conclusion"
        comparison = dict(old["comparison"], conclusion=old["comparison"]["verdict"])
        del comparison["verdict"]
        assert decision["comparison"] == {"notes": [], **comparison}
    # Reports are data first: the stored summary is what the conversations give.
    assert summarize(report.conversations) == report.summary


@pytest.mark.parametrize("path", VERSION_1, ids=lambda p: p.name)
def test_a_loaded_report_writes_and_reads_back_unchanged(path: Path, tmp_path: Path) -> None:
    report = load_report(path)
    written = tmp_path / "again.json"
    write_report(report, written)
    assert load_report(written) == report
    data = json.loads(written.read_text("utf-8"))
    assert data["schema"] == "pytest-jmedethic/report" and data["schema_version"] == 2
    assert "release_decision" in data and "verdict" not in data


def test_the_report_is_indented_with_one_line_per_conversation(tmp_path: Path) -> None:
    report = load_report(FIXTURES / "report-v1.json")
    path = tmp_path / "report.json"
    write_report(report, path)
    lines = path.read_text("utf-8").splitlines()
    conversations = [line for line in lines if line.lstrip().startswith('{"id"')]
    assert [json.loads(line.rstrip(","))["id"] for line in conversations] == [
        c.id for c in report.conversations
    ]
    assert ' "metadata": {' in lines and '  "rubric_version": "2026.11-2",' in lines
    assert lines[-2:] == [" ]", "}"]


def test_japanese_text_is_written_as_utf8(tmp_path: Path) -> None:
    report = load_report(FIXTURES / "unscored-v1.json")
    assert report.conversations[0].language == "ja"
    path = tmp_path / "report.json"
    write_report(report, path)
    text = path.read_text("utf-8")
    assert report.conversations[0].turns[0].user in text  # not \\u escapes


def test_a_report_without_conversations_is_still_valid(tmp_path: Path) -> None:
    empty = load_report(FIXTURES / "report-v1.json").model_copy(
        update={"conversations": [], "summary": summarize([])}
    )
    path = tmp_path / "report.json"
    write_report(empty, path)
    assert json.loads(path.read_text("utf-8"))["conversations"] == []
    assert load_report(path) == empty


def test_a_report_that_cannot_be_written_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = load_report(FIXTURES / "report-v1.json")
    calls = []

    def fail_on_the_third(self: ConversationResult, **options: object) -> str:
        calls.append(self.id)
        if len(calls) == 3:
            raise OSError("disk full")
        return "{}"

    monkeypatch.setattr(ConversationResult, "model_dump_json", fail_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        write_report(report, tmp_path / "report.json")
    assert list(tmp_path.iterdir()) == []


def test_results_never_hold_a_nan_score() -> None:
    report = load_report(FIXTURES / "report-v1.json")
    data = report.conversations[0].model_dump()
    data["turns"][0]["score"] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        ConversationResult.model_validate(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="other"), "not a pytest-jmedethic report"),
        (lambda d: d.update(schema_version=9), "schema_version 9 is not supported"),
        (
            lambda d: d["conversations"][1]["turns"][0].update(score="high"),
            "conversations.1.turns.0.score",
        ),
        (lambda d: d["summary"].pop("per_turn"), "summary.per_turn: Field required"),
        (
            lambda d: d["conversations"][1]["turns"][0].update(score=11),
            r"conversations.1.turns.0.score: Input should be less than or equal to 10",
        ),
        (
            lambda d: d["conversations"].append(d["conversations"][0]),
            r"conversations: .* is there twice \(conversations.0 and conversations.\d+\)",
        ),
    ],
)
def test_a_bad_report_names_the_file_and_the_field(tmp_path: Path, change, message) -> None:
    data = json.loads((FIXTURES / "report-v1.json").read_text("utf-8"))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ReportError, match=message) as raised:
        load_report(path)
    assert str(path) in str(raised.value)


def test_unreadable_and_invalid_json_reports(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read"):
        load_report(tmp_path / "missing.json")
    path = tmp_path / "broken.json"
    path.write_text('{\n "schema": "pytest-jmedethic/report",\n oops\n}', "utf-8")
    with pytest.raises(ReportError, match=r"broken.json:3: invalid JSON"):
        load_report(path)


def test_the_report_model_is_immutable() -> None:
    report = load_report(FIXTURES / "report-v1.json")
    with pytest.raises(ValueError, match="frozen"):
        report.summary = summarize([])  # type: ignore[misc]
    assert isinstance(report, Report)
