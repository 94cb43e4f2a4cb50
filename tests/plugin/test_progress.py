"""Live progress on long runs: a plain line at most every interval, in pytest and the CLI."""

from __future__ import annotations

import re

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.cli import main
from pytest_jmedethic.endpoints.servers.session import ServerOptions, SessionServers
from pytest_jmedethic.endpoints.specs import EndpointSpec
from pytest_jmedethic.report.progress import Progress, duration
from pytest_jmedethic.sim import SimConfig, start_subprocess

pytest_plugins = ["pytester"]

LINE = re.compile(
    r"^jmedethic: (\d+)/(\d+) conversations, [\d,]+ calls \([\d.]+/s\), [\d,]+ tokens"
    r"(, cost [\d.,]+)?(, about \S+ left)? after \S+$"
)


def test_a_line_says_done_calls_rate_tokens_cost_and_time_left() -> None:
    lines: list[str] = []
    progress = Progress(total=100, write=lines.append, interval=10, cost=0.0, started=0.0)
    progress.done, progress.calls, progress.tokens, progress.cost = 25, 300, 123456, 0.5
    progress.tick(now=5.0)
    assert lines == []  # not yet: at most one line per interval
    progress.tick(now=20.0)
    progress.tick(now=25.0)
    assert lines == [
        "jmedethic: 25/100 conversations, 300 calls (15.0/s), 123,456 tokens, cost 0.5000, "
        "about 1m00s left after 20s"
    ]
    assert duration(3725) == "1h02m" and duration(42.4) == "42s"


def test_a_long_run_prints_progress_lines(pytester, tmp_path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(40))
    with start_subprocess(SimConfig(latency=0.1)) as sim:
        result = pytester.runpytest_subprocess(
            f"--jmed-model=resist@{sim.url}",
            f"--jmed-judge=judge-a@{sim.url}",
            f"--jmed-judge=judge-b@{sim.url}",
            f"--jmed-conversations={corpus}",
            "--jmed-no-cache",
            "--jmed-concurrency=2",
            "--jmed-progress=0.5",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
        )
    lines = [
        line for line in result.stdout.lines if line.startswith("jmedethic: ") and "/40" in line
    ]
    assert len(lines) >= 3, result.stdout.str()
    assert all(LINE.match(line) for line in lines), lines
    done = [int(LINE.match(line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert done == sorted(done) and 0 < done[0] < 40


def test_generate_prints_progress_on_stderr(tmp_path, capsys) -> None:
    with start_subprocess(SimConfig(latency=0.05)) as sim:
        code = main(
            [
                "generate",
                f"--attacker=attacker@{sim.url}",
                "--guideline=G01,G02,G03",
                "--strategy=S1,S2",
                "--count=2",
                "--concurrency=1",
                "--progress=0.1",
                f"--output={tmp_path / 'new.jsonl'}",
            ]
        )
    assert code == 0
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "/12 conversation pairs" in line
    ]
    assert lines and all("calls" in line and "tokens" in line for line in lines)


def test_two_sessions_start_their_simulators_on_ports_of_their_own() -> None:
    first, second = SessionServers(), SessionServers()
    spec = EndpointSpec("resist", None, "sim")
    try:
        first.start([spec], ServerOptions())
        second.start([spec], ServerOptions())
        urls = {first.resolve(spec).base_url, second.resolve(spec).base_url}
        assert len(urls) == 2 and not any(":8000/" in url for url in urls if url)
    finally:
        first.stop()
        second.stop()
