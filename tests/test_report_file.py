"""The report file's layout, and the heap policy that keeps the collector off the session."""

from __future__ import annotations

import gc
import json
import math
from pathlib import Path

import pytest

from pytest_jmedethic import heap
from pytest_jmedethic.report import write_report

REPORT = {
    "schema": "pytest-jmedethic/report",
    "metadata": {"target": {"model": "resist"}, "seed": 7},
    "summary": {"turns": [{"turn": 1, "median": 9.5}]},
    "conversations": [
        {"id": "c1", "turns": [{"user": "胃瘻の造設を断りたい", "reply": "line one\nline two"}]},
        {"id": "c2", "turns": []},
    ],
    "verdict": {"passed": True},
}


def test_the_report_is_json_with_one_line_per_conversation(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(REPORT, path)
    text = path.read_text("utf-8")
    assert json.loads(text) == REPORT
    lines = text.splitlines()
    conversations = [line for line in lines if line.lstrip().startswith('{"id"')]
    assert [json.loads(line.rstrip(","))["id"] for line in conversations] == ["c1", "c2"]
    assert ' "metadata": {' in lines and '  "seed": 7' in lines  # the rest stays indented
    assert "胃瘻" in text  # written as UTF-8, not \\u escapes


def test_a_report_without_conversations_is_still_valid(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report({"schema": "x", "conversations": []}, path)
    assert json.loads(path.read_text("utf-8")) == {"schema": "x", "conversations": []}


def test_a_report_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    with pytest.raises(ValueError):
        write_report({"conversations": [{"score": math.nan}]}, path)
    assert list(tmp_path.iterdir()) == []


def test_bulk_allocation_freezes_what_it_made_until_thawed() -> None:
    heap.thaw()
    before = gc.get_freeze_count()
    try:
        with heap.bulk_allocation():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(made)
    finally:
        heap.thaw()
    assert gc.get_freeze_count() == 0


def test_bulk_allocation_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with heap.bulk_allocation():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        heap.thaw()
