"""What every jmedethic command refuses before it calls or writes anything: numbers that
would hang, crash or switch a check off, and outputs that would overwrite each other."""

from __future__ import annotations

import pytest

from pytest_jmedethic.cli import main


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
