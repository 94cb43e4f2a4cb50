"""Faults survived: transient failures retried to the same scores, permanent ones stopping the
run once, a shared rate limit, and runs that resume from the cache after a kill."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.sim import SimConfig, SimServer, start_subprocess
from pytest_jmedethic.sim import fetch_stats as stats


def args(
    url: str, corpus: Path, target: str = "wearing", judges=("judge-a", "judge-b")
) -> list[str]:
    return [
        f"--jmed-model={target}@{url}",
        f"--jmed-judge={judges[0]}@{url}",
        f"--jmed-judge={judges[1]}@{url}",
        f"--jmed-conversations={corpus}",
        "--jmed-gate-only",
        # These tests count requests and inject faults into the run itself: no probe call.
        "--jmed-no-probe",
        "-p",
        "no:cacheprovider",
    ]


def scores(report: Path) -> dict[str, list[float | None]]:
    data = json.loads(report.read_text("utf-8"))
    return {c["id"]: [t["score"] for t in c["turns"]] for c in data["conversations"]}


def wait_for_requests(url: str, count: int, timeout: float = 60.0) -> None:
    """Until the simulator at ``url`` has received ``count`` requests (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    while stats(url)["requests_total"] < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def corpus(tmp_path):
    return write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(40))


def test_transient_faults_are_retried_to_exactly_the_fault_free_scores(pytester, corpus, tmp_path):
    with SimServer(SimConfig()) as clean:
        pytester.runpytest(
            *args(clean.url, corpus), "--jmed-no-cache", f"--jmed-report={tmp_path / 'clean.json'}"
        )
    faults = SimConfig(
        rate_429=0.04,
        retry_after=0.05,
        rate_5xx=0.03,
        rate_cut=0.02,
        rate_hang=0.01,
        hang_seconds=3,
    )
    with SimServer(faults) as faulty:
        # A subprocess: faults must surface through a fresh import of openai and httpx.
        result = pytester.runpytest_subprocess(
            *args(faulty.url, corpus),
            "--jmed-no-cache",
            "--jmed-timeout=1",
            "--jmed-retries=8",
            f"--jmed-report={tmp_path / 'faulty.json'}",
        )
        injected = stats(faulty.url)["faults"]
    result.assert_outcomes(passed=40)
    assert sum(injected.values()) >= 20, injected  # about 10% of ~360 calls failed at first
    assert scores(tmp_path / "faulty.json") == scores(tmp_path / "clean.json")


def test_a_judge_that_always_answers_garbage_passes_nothing(pytester, corpus):
    with SimServer(SimConfig(rate_bad_verdict=1.0)) as server:
        result = pytester.runpytest_subprocess(
            *args(server.url, corpus, target="resist"), "--jmed-no-cache"
        )
    result.assert_outcomes(errors=40)


def test_retry_budget_exhausted_leaves_the_turn_unscored_with_the_last_error(pytester, corpus):
    with SimServer(SimConfig(rate_5xx=1.0)) as server:
        result = pytester.runpytest_subprocess(
            *args(server.url, corpus), "--jmed-no-cache", "--jmed-retries=1", "--jmed-sample=2"
        )
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*target: wearing @ *: HTTP 5* (gave up after 2 attempts)*"])


class _Unauthorised(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # /v1/models answers, so the session-start check passes
        self._send(200, {"object": "list", "data": [{"id": "guarded", "object": "model"}]})

    def do_POST(self) -> None:
        self._send(
            401,
            {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}},
        )

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


def test_an_error_that_will_not_heal_stops_the_run_with_one_message(pytester, corpus, sim_url):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorised)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    common = [
        f"--jmed-model=guarded@{url}",
        f"--jmed-judge=judge-a@{sim_url}",
        f"--jmed-judge=judge-b@{sim_url}",
        f"--jmed-conversations={corpus}",
        "--jmed-no-cache",
        "-p",
        "no:cacheprovider",
    ]
    try:
        # The start-of-session probe posts a chat completion as the items do: one message.
        probed = pytester.runpytest_subprocess(*common)
        # Without it, the first item meets the 401 and the run stops there.
        result = pytester.runpytest_subprocess(*common, "--jmed-no-probe")
    finally:
        server.shutdown()
    assert probed.ret == pytest.ExitCode.USAGE_ERROR
    error = probed.stderr.str()
    assert "cannot use the target endpoint: guarded @ " in error
    assert error.count("HTTP 401: Incorrect API key provided") == 1
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert (
        "Interrupted: jmedethic: guarded @ " in output
        and "HTTP 401: Incorrect API key provided" in output
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) < 40 and "passed" not in outcomes  # stopped early, no pass


def _cached_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]


def test_a_killed_run_resumes_sending_only_what_had_not_completed(pytester, tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(60))
    cache = tmp_path / "cache.sqlite"
    with start_subprocess(SimConfig(latency=0.05)) as sim:
        command = [
            sys.executable,
            "-m",
            "pytest",
            *args(sim.url, corpus),
            f"--jmed-cache={cache}",
            "--jmed-concurrency=4",
            "-q",
        ]
        first = subprocess.Popen(
            command,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_requests(sim.url, 150)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        completed = _cached_rows(cache)
        assert 0 < completed < 540
        sent_before = stats(sim.url)["requests_total"]
        second = subprocess.run(
            [*command, f"--jmed-report={tmp_path / 'r.json'}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        resent = stats(sim.url)["requests_total"] - sent_before
    assert second.returncode == 0, second.stdout[-2000:]
    # 60 conversations x (3 target replies + 2 x 3 verdicts) = 540 calls in a clean run.
    assert resent == 540 - completed
    run = json.loads((tmp_path / "r.json").read_text("utf-8"))["run"]
    assert run["missing"] == [] and run["calls_sent"] == resent and run["replies_cached"] > 0


def test_a_dead_xdist_worker_loses_only_its_conversation(pytester, corpus, tmp_path):
    # A plugin, not a conftest: conftest hooks only see items under their own directory.
    pytester.makepyfile(
        killer="""
        import os
        import pytest

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_setup(item):  # before the conversation's result exists
            if item.nodeid.endswith("[TG05-S5-en-0004]") and not os.path.exists("died"):
                open("died", "w").close()
                os._exit(1)
        """
    )
    with SimServer(SimConfig()) as server:
        report = tmp_path / "r.json"
        first = pytester.runpytest_subprocess(
            *args(server.url, corpus), "-n", "2", "-p", "killer", f"--jmed-report={report}"
        )
        first.stdout.fnmatch_lines(
            ["*Missing: 1 selected conversations have no result (TG05-S5-en-0004)*"]
        )
        data = json.loads(report.read_text("utf-8"))
        assert data["run"]["missing"] == ["TG05-S5-en-0004"] and len(data["conversations"]) == 39
        sent = stats(server.url)["requests_total"]
        second = pytester.runpytest_subprocess(
            *args(server.url, corpus), "-n", "2", f"--jmed-report={report}"
        )
        second.assert_outcomes(passed=40)
        # Only the lost conversation may need calls (it may have been cached before the
        # kill, having been fetched ahead): at most its 3 replies and 6 verdicts.
        assert stats(server.url)["requests_total"] - sent <= 9
    assert json.loads(report.read_text("utf-8"))["run"]["replies_cached"] >= 117


def test_ctrl_c_writes_a_partial_report(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(60))
    report = tmp_path / "partial.json"
    with start_subprocess(SimConfig(latency=0.1)) as sim:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                *args(sim.url, corpus),
                "--jmed-no-cache",
                "--jmed-concurrency=2",
                f"--jmed-report={report}",
                "-q",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for_requests(sim.url, 60)
        run.send_signal(signal.SIGINT)
        output, _ = run.communicate(timeout=60)
    assert run.returncode == pytest.ExitCode.INTERRUPTED, output[-2000:]
    data = json.loads(report.read_text("utf-8"))
    assert data["run"]["interrupted"] and 0 < len(data["conversations"]) < 60
    assert len(data["run"]["missing"]) == 60 - len(data["conversations"])


@pytest.mark.parametrize(
    ("workers", "conversations", "rpm"),
    [(4, 20, 900), (16, 32, 600)],
    ids=["4-workers", "16-workers"],
)
def test_workers_share_one_rate_limit_and_one_in_flight_limit(
    pytester, corpus, workers, conversations, rpm
):
    # Judges on a server of their own, so the target's server sees only target traffic.
    with SimServer(SimConfig(latency=0.05)) as target, SimServer(SimConfig()) as judges:
        samples: list[tuple[float, int]] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                samples.append((time.monotonic(), stats(target.url)["requests_total"]))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            result = pytester.runpytest_subprocess(
                f"--jmed-model=wearing@{target.url}",
                f"--jmed-judge=judge-a@{judges.url}",
                f"--jmed-judge=judge-b@{judges.url}",
                f"--jmed-conversations={corpus}",
                f"--jmed-sample={conversations}",
                "--jmed-gate-only",
                "--jmed-no-cache",
                f"--jmed-rpm={rpm}",
                "--jmed-max-in-flight=2",
                "--jmed-no-probe",  # the probe comes before the limiter: count only the run
                "-n",
                str(workers),
                "-p",
                "no:cacheprovider",
            )
        finally:
            stop.set()
            watcher.join()
        peak = target.stats()["in_flight_peak"]
    result.assert_outcomes(passed=conversations)
    # The limit holds for the run, not per worker: check every window of one to two seconds.
    per_second = rpm / 60
    for t0, n0 in samples:
        for t1, n1 in samples:
            if 1.0 <= t1 - t0 <= 2.0:
                assert n1 - n0 <= per_second * (t1 - t0) + 2, (t1 - t0, n1 - n0)
    sent = [(t, n) for t, n in samples if n > 0]
    (first_time, _), (last_time, total) = sent[0], sent[-1]
    assert total == 3 * conversations and peak <= 2
    assert total - 1 <= per_second * (last_time - first_time) + 2


def test_a_started_simulator_is_cached_across_sessions(pytester, corpus, tmp_path):
    # sim: starts a new server on a new port every session; the cache must still match.
    cache = tmp_path / "cache.sqlite"
    common = [
        "--jmed-model=sim:wearing",
        f"--jmed-conversations={corpus}",
        f"--jmed-cache={cache}",
        "--jmed-sample=6",
        "-p",
        "no:cacheprovider",
    ]
    first = pytester.runpytest(*common, f"--jmed-report={tmp_path / 'first.json'}")
    second = pytester.runpytest(*common, f"--jmed-report={tmp_path / 'second.json'}")
    assert first.ret == second.ret
    runs = [
        json.loads((tmp_path / f"{n}.json").read_text("utf-8"))["run"] for n in ("first", "second")
    ]
    assert runs[0]["calls_sent"] > 0 and runs[0]["replies_cached"] == 0
    assert runs[1]["calls_sent"] == 0 and runs[1]["replies_live"] == 0
    # Another judge noise is another simulator: nothing it would answer is in the cache.
    third = pytester.runpytest(
        *common, "--jmed-sim-judge-noise=1.5", f"--jmed-report={tmp_path / 't.json'}"
    )
    assert third.ret in (0, 1)
    run = json.loads((tmp_path / "t.json").read_text("utf-8"))["run"]
    assert run["replies_cached"] == 0 and run["verdicts_cached"] == 0


REFUSAL = "I can't help with that request."


class _StructuredRefusal(BaseHTTPRequestHandler):
    """Answers as OpenAI's models do when they refuse: no content, the text in ``refusal``."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        message = {"role": "assistant", "content": None, "refusal": REFUSAL}
        body = {
            "id": "x",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
        }
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_a_structured_refusal_is_the_reply_the_judges_read(pytester, corpus, sim_url, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StructuredRefusal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report = tmp_path / "r.json"
    try:
        result = pytester.runpytest_subprocess(
            f"--jmed-model=refuser@http://127.0.0.1:{server.server_address[1]}/v1",
            f"--jmed-judge=judge-a@{sim_url}",
            f"--jmed-judge=judge-b@{sim_url}",
            f"--jmed-conversations={corpus}",
            f"--jmed-report={report}",
            "--jmed-no-cache",
            "-p",
            "no:cacheprovider",
        )
    finally:
        server.shutdown()
    assert result.ret in (0, 1), result.stdout.str()[-2000:]
    replies = {
        t["reply"]
        for c in json.loads(report.read_text("utf-8"))["conversations"]
        for t in c["turns"]
    }
    assert replies == {REFUSAL}
