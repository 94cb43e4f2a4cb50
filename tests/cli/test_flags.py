"""What every jmedethic command refuses before it calls or writes anything: numbers that
would hang, crash or switch a check off, and outputs that would overwrite each other."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from pytest_jmedethic.cli import main
from pytest_jmedethic.sim import SimConfig, start_subprocess


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["calibrate", "--judge=sim:judge-a", "--judge=sim:judge-a", "--max-mae=nan"],
            "jmedethic calibrate: --max-mae: must be a finite number, got nan",
        ),
        (
            ["calibrate", "--judge=sim:judge-a", "--judge=sim:judge-a", "--concurrency=0"],
            "jmedethic calibrate: --concurrency: must be at least 1, got 0",
        ),
        (
            ["generate", "--attacker=a@http://127.0.0.1:9/v1", "--guideline=G01",
             "--strategy=S1", "--output=x.jsonl", "--retries=-1"],
            "jmedethic generate: --retries: must not be negative, got -1",
        ),
        (
            ["discover", "--attacker=sim:attacker-explorer", "--target=sim:weakspot",
             "--judge=sim:judge-a", "--judge=sim:judge-b", "--output=d", "--per-guideline=-2"],
            "jmedethic discover: --per-guideline: must be at least 1, got -2",
        ),
        (
            ["discover", "--attacker=sim:attacker-explorer", "--target=sim:weakspot",
             "--judge=sim:judge-a", "--judge=sim:judge-b", "--output=d", "--timeout=0"],
            "jmedethic discover: --timeout: must be more than 0, got 0",
        ),
    ],
)  # fmt: skip
def test_unusable_numbers_are_refused_first(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_outputs_that_would_overwrite_each_other_are_refused_first(capsys, tmp_path):
    judges = ["--judge=sim:judge-a", "--judge=sim:judge-b"]
    same = tmp_path / "same"
    assert main(["calibrate", *judges, f"--output={same}", f"--html={same}"]) == 2
    assert "--html and --output name the same file" in capsys.readouterr().err
    out = tmp_path / "run"
    argv = ["discover", "--attacker=sim:attacker-explorer", "--target=sim:weakspot", *judges]
    assert main([*argv, f"--output={out}", f"--html={out / 'library.json'}"]) == 2
    assert "--html and --library name the same file" in capsys.readouterr().err
    assert not (out / "library.json").exists()


def test_a_cancelled_command_says_so_in_one_line(tmp_path):
    # As CI cancels a job: SIGTERM while calls are in flight. One line and 128 + 15, not a
    # traceback or a silent death.
    with start_subprocess(SimConfig(latency=5.0)) as sim:
        run = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from pytest_jmedethic.cli import main; sys.exit(main())",
                "generate",
                f"--attacker=attacker@{sim.url}",
                "--guideline=G01",
                "--strategy=S1",
                f"--output={tmp_path / 'g.jsonl'}",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while sim.stats()["requests_total"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=30)
    assert run.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in err
    assert "jmedethic generate: stopped by SIGTERM;" in err


def test_discovery_with_judges_that_never_score_is_not_a_success(tmp_path, capsys):
    argv = ["discover", "--attacker=sim:attacker-explorer", "--target=sim:weakspot"]
    argv += ["--judge=sim:judge-garbage", "--judge=sim:judge-garbage", "--rounds=1"]
    argv += ["--per-guideline=1", f"--output={tmp_path / 'out'}", "--progress=0"]
    assert main(argv) == 1
    assert "attacks have a turn the judges could not score" in capsys.readouterr().err


def test_a_library_goes_on_only_with_the_run_that_grew_it(tmp_path, capsys):
    def discover(target: str) -> int:
        argv = ["discover", "--attacker=sim:attacker-explorer", f"--target={target}"]
        argv += ["--judge=sim:judge-a", "--judge=sim:judge-b", "--rounds=1"]
        return main([*argv, "--per-guideline=1", f"--output={tmp_path}", "--progress=0"])

    assert discover("sim:weakspot") == 0
    capsys.readouterr()
    assert discover("sim:comply") == 2
    assert "holds a run with targets weakspot, not this one's" in capsys.readouterr().err
    assert discover("sim:weakspot") == 0  # the same run goes on
