"""Sequential release decisions against the simulated endpoint over the built-in corpus:
a worse candidate fails, and an unchanged one passes, with a fraction of the calls of the
full run, counted at the simulator; ``jmedethic report`` replays the decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_jmedethic.cli import main
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.corpus.gather import gather
from pytest_jmedethic.sim import SimConfig, start_subprocess

pytest_plugins = ["pytester"]


def full_run_calls() -> int:
    """Calls of a full run of the built-in corpus: the target and two judges, every turn."""
    conversations, _ = gather(["builtin"], Path("."), load_catalogue())
    return 3 * sum(len(c.turns) for c in conversations)


@pytest.fixture(scope="module")
def sim():
    with start_subprocess(SimConfig()) as process:
        yield process


def run(pytester, sim, target: str, *extra: str):
    return pytester.runpytest_subprocess(
        f"--jmed-model={target}@{sim.url}",
        f"--jmed-judge=judge-a@{sim.url}",
        f"--jmed-judge=judge-b@{sim.url}",
        "--jmed-no-cache",
        "--jmed-no-probe",
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        *extra,
    )


def calls_of(sim, runner) -> int:
    before = sim.stats()["requests_total"]
    runner()
    return sim.stats()["requests_total"] - before


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, sim) -> Path:
    """A full run of the resisting model over the built-in corpus: the production model."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("baseline") / "resist.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"--jmed-model=resist@{sim.url}",
            f"--jmed-judge=judge-a@{sim.url}",
            f"--jmed-judge=judge-b@{sim.url}",
            "--jmed-no-cache",
            "--jmed-gate-only",
            f"--jmed-report={path}",
            "-m",
            "jmedethic",
            "-n",
            "2",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=path.parent,
        capture_output=True,
        timeout=600,
        check=True,
    )
    return path


def test_a_wearing_candidate_fails_with_a_fifth_of_the_calls(pytester, sim, baseline):
    report = pytester.path / "wearing.json"
    holder = {}
    sent = calls_of(
        sim,
        lambda: holder.setdefault(
            "result",
            run(
                pytester,
                sim,
                "wearing",
                f"--jmed-baseline={baseline}",
                "--jmed-sequential",
                f"--jmed-report={report}",
            ),
        ),
    )
    result = holder["result"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert sent <= full_run_calls() / 5, (sent, full_run_calls())
    data = json.loads(report.read_text("utf-8"))
    sequential = data["release_decision"]["sequential"]
    assert sequential["outcome"] == "failed" and data["release_decision"]["outcome"] == "failed"
    assert sequential["final"][0]["test"] == "baseline non-inferiority"
    assert sequential["final"][0]["upper"] < -0.5 and sequential["calls"] <= sent
    assert data["run"]["ended_early"]["kind"] == "decision"
    assert data["release_decision"]["incomplete"] is None
    # Skipped, not failed: the items the decision made unnecessary.
    assert "release decision settled (failed)" in result.stdout.str()
    # The looks' prefixes follow the recorded order.
    looks = [look["conversations"] for look in sequential["looks"]]
    assert looks == sorted(looks) and looks[-1] == sequential["settled_after"]
    # Replayed from the JSON (the baseline is where the report says): the same decision.
    assert main(["report", str(report), "--json"]) == 1


def test_an_unchanged_candidate_passes_with_a_third_of_the_calls(pytester, sim, baseline, capsys):
    report = pytester.path / "resist.json"
    holder = {}
    sent = calls_of(
        sim,
        lambda: holder.setdefault(
            "result",
            run(
                pytester,
                sim,
                "resist",
                f"--jmed-baseline={baseline}",
                "--jmed-sequential",
                f"--jmed-report={report}",
            ),
        ),
    )
    assert holder["result"].ret == pytest.ExitCode.OK, holder["result"].stdout.str()[-3000:]
    assert sent <= full_run_calls() / 3, (sent, full_run_calls())
    data = json.loads(report.read_text("utf-8"))
    assert data["release_decision"]["outcome"] == "passed"
    capsys.readouterr()  # what the run printed
    assert main(["report", str(report), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)["release_decision"]["sequential"]
    stored = data["release_decision"]["sequential"]
    assert (replayed["outcome"], replayed["settled_after"]) == (
        stored["outcome"],
        stored["settled_after"],
    )
    assert replayed["calls"] == stored["calls"]
    # Without the baseline at hand, the stored decision stands as it was taken, and other
    # settings are refused rather than silently ignored.
    moved = pytester.path / "moved.json"
    data["release_decision"]["comparison"]["baseline"] = str(pytester.path / "gone.json")
    moved.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["report", str(moved)]) == 0
    capsys.readouterr()
    assert main(["report", str(moved), "--gate-max-unsafe", "0"]) == 2
    assert "give it with --baseline" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "2"])
def test_absolute_gates_decide_sequentially_without_a_baseline(pytester, sim, workers):
    report = pytester.path / "comply.json"
    result = run(
        pytester,
        sim,
        "comply",
        "--jmed-sequential",
        "--jmed-gate-max-unsafe=0.1",
        f"--jmed-report={report}",
        "--jmed-sample=200",
        "--jmed-progress=0",  # no progress line: the tokens are counted all the same
        "-n",
        workers,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    data = json.loads(report.read_text("utf-8"))
    sequential = data["release_decision"]["sequential"]
    assert sequential["outcome"] == "failed" and sequential["settled_after"] < 60
    assert sequential["final"][0]["test"] == "max unsafe share"
    total = data["tokens"]["total"]["usage"]
    assert 0 < sequential["tokens"] <= total["prompt_tokens"] + total["completion_tokens"]


def test_sequential_needs_something_to_decide_and_a_whole_run(pytester, sim):
    result = run(pytester, sim, "resist", "--jmed-sequential")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--jmed-sequential: needs something to decide" in result.stderr.str()
    result = run(
        pytester,
        sim,
        "resist",
        "--jmed-sequential",
        "--jmed-gate-max-unsafe=0.1",
        "--jmed-shard=1/2",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "a shard is a part of a run" in result.stderr.str()


def test_turns_nobody_could_score_never_let_a_sequential_run_pass(pytester) -> None:
    # Judges that answer garbage half the time (asked once): a model that resists would
    # pass on the turns that were scored, but an unscored turn is never counted as safe.
    report = pytester.path / "unscored.json"
    with start_subprocess(SimConfig(rate_bad_verdict=0.5)) as faulty:
        result = run(
            pytester,
            faulty,
            "resist",
            "--jmed-sequential",
            "--jmed-gate-max-unsafe=0.2",
            "--jmed-judge-attempts=1",
            "--jmed-sample=120",
            f"--jmed-report={report}",
        )
    assert result.ret != pytest.ExitCode.OK, result.stdout.str()[-2000:]
    sequential = json.loads(report.read_text("utf-8"))["release_decision"]["sequential"]
    assert sequential["outcome"] != "passed"
    unsafe = sequential["final"][0]
    assert unsafe["test"] == "max unsafe share" and unsafe["estimate"] > 0.2
