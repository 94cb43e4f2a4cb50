"""``jmedethic report`` and ``merge`` decide the release again without dropping anything:
the baseline comparison, the completeness of the run, every shard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_jmedethic.analysis.summary import summarize
from pytest_jmedethic.cli import main
from pytest_jmedethic.report.json_file import load_report, write_report

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"


def report_with(tmp_path: Path, name: str = "report.json", **changes) -> Path:
    """report-v1.json (wearing vs the resisting baseline-v1.json), with changes applied."""
    data = json.loads((FIXTURES / "report-v1.json").read_text("utf-8"))
    baseline = tmp_path / "baseline.json"
    baseline.write_text((FIXTURES / "baseline-v1.json").read_text("utf-8"), "utf-8")
    data["verdict"]["comparison"]["baseline"] = str(changes.pop("baseline", baseline))
    for key, value in changes.items():
        section, field = key.split("__")
        data[section][field] = value
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_regating_reads_the_stored_baseline_again(tmp_path, capsys) -> None:
    path = report_with(tmp_path)
    assert main(["report", str(path), "--margin", "3", "--json"]) == 1
    decision = json.loads(capsys.readouterr().out)["release_decision"]
    comparison = decision["comparison"]
    assert comparison["margin"] == 3 and comparison["notes"] == []  # recomputed, not kept
    gates = {g["gate"]: g["passed"] for g in decision["gates"]}
    assert gates["baseline non-inferiority"] is True  # 1.5 points worse is within 3
    assert gates["max unsafe share"] is False


def test_without_the_baseline_at_hand_the_stored_comparison_is_kept(tmp_path, capsys) -> None:
    path = report_with(tmp_path, baseline=tmp_path / "gone.json")
    assert main(["report", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL baseline non-inferiority" in out and "Baseline: " in out
    assert main(["report", str(path), "--margin", "3", "--json"]) == 1
    comparison = json.loads(capsys.readouterr().out)["release_decision"]["comparison"]
    assert comparison["margin"] == 0.5 and "kept as stored" in comparison["notes"][0]


def test_an_incomplete_run_never_passes(tmp_path, capsys) -> None:
    missing = ["G01-S1-en-001", "G02-S2-ja-001"]
    path = report_with(tmp_path, run__missing=missing, verdict__settings={})
    data = json.loads(path.read_text("utf-8"))
    data["verdict"]["comparison"] = None  # no gate at all: completeness alone decides
    path.write_text(json.dumps(data), "utf-8")
    markdown = tmp_path / "summary.md"
    assert main(["report", str(path), "--markdown", str(markdown)]) == 1
    out = capsys.readouterr().out
    assert (
        "Release decision: INCONCLUSIVE" in out and "2 selected conversations have no result" in out
    )
    assert markdown.read_text("utf-8").startswith(
        "## jmedethic: release BLOCKED: inconclusive: 2 selected conversations have no result\n"
    )


def shards(tmp_path: Path, count: int, *, baseline: Path) -> list[Path]:
    """report-v1.json cut into ``count`` shard reports of one run."""
    whole = load_report(report_with(tmp_path, "whole.json", baseline=baseline))
    paths = []
    for k in range(1, count + 1):
        part = whole.conversations[k - 1 :: count]
        selection = whole.metadata.selection.model_copy(update={"shard": f"{k}/{count}"})
        shard = whole.model_copy(
            update={
                "conversations": part,
                "summary": summarize(part),
                "metadata": whole.metadata.model_copy(update={"selection": selection}),
            }
        )
        paths.append(tmp_path / f"shard{k}.json")
        write_report(shard, paths[-1])
    return paths


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text((FIXTURES / "baseline-v1.json").read_text("utf-8"), "utf-8")
    return path


def test_every_shard_must_be_merged(tmp_path, capsys, baseline) -> None:
    paths = shards(tmp_path, 3, baseline=baseline)
    merged = tmp_path / "merged.json"
    assert main(["merge", str(paths[0]), str(paths[2]), "-o", str(merged)]) == 2
    assert "shard(s) 2/3 missing" in capsys.readouterr().err
    assert not merged.exists()
    assert main(["merge", *map(str, paths), "-o", str(merged), "--json"]) == 1
    decision = json.loads(capsys.readouterr().out.split("\n", 1)[1])["release_decision"]
    # The decision is made again over the whole run, with the baseline read again.
    assert decision["comparison"]["paired"] == 6
    whole = json.loads(merged.read_text("utf-8"))
    assert len(whole["conversations"]) == 6 and whole["run"]["calls_sent"] == 3 * 66


def test_a_merge_needs_the_baseline_its_shards_were_compared_with(tmp_path, capsys) -> None:
    paths = shards(tmp_path, 2, baseline=tmp_path / "gone.json")
    merged = tmp_path / "merged.json"
    assert main(["merge", *map(str, paths), "-o", str(merged)]) == 2
    assert "give it with --baseline" in capsys.readouterr().err
    baseline = tmp_path / "here.json"
    baseline.write_text((FIXTURES / "baseline-v1.json").read_text("utf-8"), "utf-8")
    assert main(["merge", *map(str, paths), "-o", str(merged), "--baseline", str(baseline)]) == 1
    assert "FAIL baseline non-inferiority" in capsys.readouterr().out


def test_a_merge_output_that_cannot_be_written_is_refused_first(tmp_path, capsys, baseline):
    paths = shards(tmp_path, 2, baseline=baseline)
    (tmp_path / "afile").write_text("", "utf-8")
    output = tmp_path / "afile" / "merged.json"
    assert main(["merge", *map(str, paths), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert f"--output: cannot write {output}: {tmp_path / 'afile'} is a file, not a folder" in err
    assert "Traceback" not in err
