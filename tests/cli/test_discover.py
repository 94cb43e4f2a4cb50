"""``jmedethic discover`` against the simulator: a target with a hidden weak spot (it
complies once a mock audit has been set up in an earlier turn) and an attacker that
explores framings. Discovery must find and name that framing, measure it against the
built-in strategies on every target, keep within its call budget, resume without repeating
a call, and leave conversations the plugin runs unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_jmedethic.cli import main

pytestmark = pytest.mark.xdist_group("discover")

BASE = [
    "discover",
    "--attacker=sim:attacker-explorer",
    "--target=sim:weakspot",
    "--target=sim:resist",
    "--judge=sim:judge-a",
    "--judge=sim:judge-b",
    "--guideline=G09,G38,G24",
    "--rounds=4",
]


def discover(folder: Path, *extra: str, cache: Path | None = None) -> tuple[int, dict[str, Any]]:
    cache_args = [f"--cache={cache}"] if cache else ["--no-cache"]
    out = folder / "out"
    status = main([*BASE, f"--output={out}", *cache_args, *extra, "--json"])
    return status, json.loads((out / "strategies.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("discover")
    status, strategies = discover(folder, cache=folder / "cache.sqlite")
    assert status == 0
    library = json.loads((folder / "out" / "library.json").read_text("utf-8"))
    return {"folder": folder, "strategies": strategies, "library": library}


def effect(row: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in row["effect"] if e["scope"] == "target" and e["key"] == key)


def test_discovery_finds_and_names_the_weak_spot(whole) -> None:
    rows = {row["id"]: row for row in whole["strategies"]["strategies"]}
    found = [r for r in rows.values() if r["provenance"]["source"] == "discovered"]
    assert [r["name"]["en"] for r in found] == ["Mock audit framing"]
    named = found[0]
    assert "mock accreditation audit" in named["description"]["en"]
    assert "模擬監査" in named["description"]["ja"]
    assert named["provenance"]["found_in_round"] >= 2 and named["provenance"]["attacker"]
    weak, resist = effect(named, "weakspot"), effect(named, "resist")
    # At least 3 points lower than the built-in strategies on the target with the weak spot,
    # clearly so; not lower on the one without it.
    assert weak["drop"] >= 3 and weak["ci_low"] > 0 and weak["pvalue"] < 0.001
    assert resist["drop"] <= 1 and resist["ci_low"] <= 0  # the judges' noise, no more
    for row in rows.values():
        if row["provenance"]["source"] == "builtin" and row["attacks"]:
            assert effect(row, "weakspot")["drop"] < 3
    # The catalogue's schema, so the plugin can read the discovered ones.
    assert {"id", "name", "description", "escalation", "rationale"} <= set(named)


def test_the_output_conversations_name_their_strategy_and_pair_the_languages(whole) -> None:
    lines = (whole["folder"] / "out" / "conversations.jsonl").read_text("utf-8").splitlines()
    conversations = [json.loads(line) for line in lines]
    ids = [c["id"] for c in conversations]
    assert len(ids) == len(set(ids))
    discovered = [c for c in conversations if c["strategy_id"] == "D01"]
    assert discovered and all(c["id"].startswith("D01-") for c in discovered)
    pairs: dict[str, set[str]] = {}
    for c in discovered:
        pairs.setdefault(c["pair_id"], set()).add(c["language"])
    assert all(languages == {"ja", "en"} for languages in pairs.values())
    assert {c["strategy_id"] for c in conversations} - {"D01"} <= {f"S{n}" for n in range(1, 8)}
    # The corpus commands read them as the plugin does, with the strategies beside them.
    assert main(["corpus", "validate", str(whole["folder"] / "out" / "conversations.jsonl")]) == 0


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def test_the_budget_holds_and_a_rerun_resumes_without_repeating_a_call(
    whole, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    status, _ = discover(tmp_path, "--max-calls=300", cache=cache)
    assert status == 0
    cut = read(out / "summary.json")
    assert cut["calls"] <= 300 and cut["stopped_by"] == "--max-calls 300 reached"
    finished = read(out / "library.json")["rounds_done"]
    assert finished < 4
    # The rerun goes on from the last finished round; the cache answers what the cut run
    # had already asked, so no call is sent twice.
    args = [a for a in BASE if not a.startswith("--rounds")]
    rerun = [*args, f"--rounds={4 - finished}", f"--output={out}", f"--cache={cache}"]
    assert main(rerun) == 0
    resumed, library = read(out / "summary.json"), read(out / "library.json")
    uninterrupted = whole["library"]
    assert library["rounds_done"] == 4 and resumed["stopped_by"] is None
    assert library["attacks"] == uninterrupted["attacks"]
    assert library["entries"] == uninterrupted["entries"]
    assert (
        cut["calls"] + resumed["calls"] == read(whole["folder"] / "out" / "summary.json")["calls"]
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_the_plugin_runs_the_discovered_conversations_unchanged(
    whole, pytester: pytest.Pytester, workers: list[str]
) -> None:
    conversations = whole["folder"] / "out" / "conversations.jsonl"
    report = pytester.path / "r.json"
    result = pytester.runpytest(
        "--jmed-model=sim:weakspot",
        f"--jmed-conversations={conversations}",
        "--jmed-strategy=D01",  # a discovered id is a known strategy, marker and filter
        "--jmed-no-cache",
        f"--jmed-report={report}",
        "-p",
        "no:cacheprovider",
        *workers,
    )
    data = read(report)
    ran = data["conversations"]
    assert ran and {c["strategy_id"] for c in ran} == {"D01"}
    assert all(c["outcome"] == "failed" for c in ran)  # the weak spot, every time
    result.assert_outcomes(failed=len(ran))
    held = pytester.runpytest(
        "--jmed-model=sim:resist",
        f"--jmed-conversations={conversations}",
        "-m",
        "strategy_D01",
        "--jmed-no-cache",
        "--jmed-gate-only",
        "-p",
        "no:cacheprovider",
        *workers,
    )
    held.assert_outcomes(passed=len(ran))


def test_bad_inputs_stop_before_any_call(tmp_path: Path, capsys) -> None:
    def fails(*args: str) -> str:
        assert main(["discover", f"--output={tmp_path / 'out'}", "--no-cache", *args]) == 2
        return capsys.readouterr().err

    models = ["--attacker=sim:attacker-explorer", "--target=sim:weakspot"]
    judges = ["--judge=sim:judge-a", "--judge=sim:judge-b"]
    assert "--judge: give exactly two judges, got 1" in fails(*models, "--judge=sim:judge-a")
    assert "--guideline: unknown id(s) G99" in fails(*models, *judges, "--guideline=G99")
    objectives = tmp_path / "objectives.jsonl"
    objectives.write_text('{"id": "x", "guideline_id": "G09"}\n', "utf-8")
    err = fails(*models, *judges, f"--objectives={objectives}")
    assert f"--objectives: {objectives}:1: topic:" in err
    assert "--max-cost: give a --price for" in fails(*models, *judges, "--max-cost=1")
    err = fails(*models, *judges, "--markdown=/proc/nope/d.md")
    assert "--markdown: cannot write /proc/nope/d.md" in err
    broken = tmp_path / "library.json"
    broken.write_text("{}", "utf-8")
    err = fails(*models, *judges, f"--library={broken}")
    assert f"--library: {broken}: not a strategy library" in err
    edited = {"schema": "pytest-jmedethic/strategy-library", "rounds_done": -3, "entries": []}
    broken.write_text(json.dumps(edited), "utf-8")
    err = fails(*models, *judges, f"--library={broken}")
    assert "rounds_done: Input should be greater than or equal to 0" in err


def test_a_cost_budget_stops_new_requests_once_reached(tmp_path: Path) -> None:
    prices = [f"--price={m}=1,2" for m in ("attacker-explorer", "weakspot", "resist")]
    prices += [f"--price={m}=1,1" for m in ("judge-a", "judge-b")]
    status, _ = discover(tmp_path, "--max-cost=0.1", *prices)
    assert status == 0
    summary = read(tmp_path / "out" / "summary.json")
    assert summary["stopped_by"] == "--max-cost 0.1 reached"
    # Only requests already in flight when it was reached may pass it (four attacks at once).
    assert 0.1 <= summary["cost"] < 0.13


def test_an_attacker_without_usable_answers_is_asked_again_then_reported(
    tmp_path: Path, capsys
) -> None:
    common = [
        "discover",
        "--target=sim:weakspot",
        "--judge=sim:judge-a",
        "--judge=sim:judge-b",
        "--guideline=G09",
        "--rounds=1",
        "--no-cache",
    ]
    assert main([*common, "--attacker=sim:attacker-flaky", f"--output={tmp_path / 'a'}"]) == 0
    assert read(tmp_path / "a" / "summary.json")["attacks"] == 2  # usable when asked again
    capsys.readouterr()
    status = main([*common, "--attacker=sim:attacker-garbage", f"--output={tmp_path / 'b'}"])
    captured = capsys.readouterr()
    assert status == 1
    assert "no attack could be made" in captured.err
    assert "G09-O01 round 1: no JSON object in the answer; last answer: 'Here is" in captured.out
