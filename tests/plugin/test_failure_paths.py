"""What goes wrong in real use, reproduced against real servers on 127.0.0.1: nothing lost,
nothing leaked, one clear message.

SIGTERM mid-run (in-process and under xdist), an output path that cannot be written (before
the run and at its end), credentials and a query string in a base URL, a start-of-session
probe that tests what the items do, exceptions the HTTP stack was never meant to raise.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import ClassVar

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.sim import SimConfig, SimServer, start_subprocess

pytest_plugins = ["pytester"]

RECORDER = """
import os
import pytest

@pytest.hookimpl(trylast=True)  # after xdist has sent the report on to the controller
def pytest_runtest_logreport(report):
    payload = getattr(report, "jmedethic_result", None)
    if payload is not None:
        with open(os.environ["JMED_DONE_FILE"], "a", encoding="utf-8") as done:
            done.write(payload["id"] + "\\n")
"""


def endpoint_args(url: str, target: str = "resist") -> list[str]:
    return [
        f"--jmed-model={target}@{url}",
        f"--jmed-judge=judge-a@{url}",
        f"--jmed-judge=judge-b@{url}",
    ]


def done_ids(path: Path) -> set[str]:
    return set(path.read_text("utf-8").split()) if path.exists() else set()


@pytest.mark.parametrize(
    ("workers", "to"),
    [("0", "pytest"), ("2", "pytest"), ("2", "process group")],
    ids=["in-process", "xdist", "xdist-group"],
)
def test_sigterm_keeps_every_completed_conversation(pytester, tmp_path, workers, to):
    pytester.makepyfile(recorder=RECORDER)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(400))
    report, done = tmp_path / "r.json", tmp_path / "done.txt"
    with start_subprocess(SimConfig(latency=0.05)) as sim:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "recorder",
                *endpoint_args(sim.url),
                f"--jmed-conversations={corpus}",
                f"--jmed-report={report}",
                "--jmed-no-cache",
                "-n",
                workers,
                "-p",
                "no:cacheprovider",
            ],
            cwd=pytester.path,
            env={**os.environ, "JMED_DONE_FILE": str(done)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while len(done_ids(done)) < 12 and time.monotonic() < deadline:
            time.sleep(0.02)
        completed = done_ids(done)
        if to == "pytest":
            run.send_signal(signal.SIGTERM)
        else:
            os.killpg(run.pid, signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    assert run.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    assert "KeyboardInterrupt: stopped by SIGTERM" in output
    assert "PluggyTeardownRaisedWarning" not in output and "INTERNALERROR" not in output
    data = json.loads(report.read_text("utf-8"))
    have = {c["id"] for c in data["conversations"]}
    assert len(completed) >= 12 and completed <= have  # every one that had completed
    run_facts = data["run"]
    assert run_facts["interrupted"] and run_facts["stopped_by"] == "SIGTERM"
    assert len(run_facts["missing"]) == 400 - len(have) and run_facts["calls_sent"] > 0
    assert data["release_decision"]["passed"] is False
    assert f"Conversations: {len(have)} run:" in output  # the summary of what completed
    assert "Release decision: INCONCLUSIVE (the run was interrupted by SIGTERM:" in output


@pytest.mark.parametrize("workers", ["0", "2"], ids=["in-process", "xdist"])
def test_a_stop_before_any_conversation_completes_still_writes_the_report(
    pytester, tmp_path, workers
):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(20))
    report = tmp_path / "r.json"
    with start_subprocess(SimConfig(latency=3.0)) as sim:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                *endpoint_args(sim.url),
                f"--jmed-conversations={corpus}",
                f"--jmed-report={report}",
                "--jmed-no-cache",
                "--jmed-no-probe",
                "-n",
                workers,
                "-p",
                "no:cacheprovider",
            ],
            cwd=pytester.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while sim.stats()["requests_total"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # the first request is out; no conversation can have finished
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    assert run.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    data = json.loads(report.read_text("utf-8"))  # an artifact CI can upload, not nothing
    assert data["conversations"] == [] and data["run"]["interrupted"]
    assert len(data["run"]["missing"]) == 20 and data["release_decision"]["passed"] is False
    assert "Release decision: INCONCLUSIVE (the run was interrupted by SIGTERM:" in output


def test_an_unwritable_report_path_stops_the_run_before_any_call(pytester, tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(8))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    with SimServer(SimConfig()) as sim:
        result = pytester.runpytest_subprocess(
            *endpoint_args(sim.url),
            f"--jmed-conversations={corpus}",
            f"--jmed-report={blocker / 'r.json'}",
            "-p",
            "no:cacheprovider",
        )
        sent = sim.stats()["requests_total"]
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert sent == 0
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    path = blocker / "r.json"
    assert errors == [
        f"ERROR: jmedethic: --jmed-report: cannot write {path}: {blocker} is a file, not a folder"
    ]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--jmed-report=out.json", "--jmed-html=out.json"], "--jmed-html and --jmed-report"),
        (["--jmed-report=c.jsonl"], "--jmed-report and --jmed-conversations"),
        (["--junitxml=c.jsonl"], "--junitxml and --jmed-conversations"),
    ],
)
def test_outputs_on_one_file_or_on_an_input_are_refused_before_any_call(
    pytester, tmp_path, flags, message
):
    corpus = write_jsonl(pytester.path / "c.jsonl", synthetic_conversations(4))
    kept = corpus.read_text("utf-8")
    with SimServer(SimConfig()) as sim:
        result = pytester.runpytest_subprocess(
            *endpoint_args(sim.url),
            "--jmed-conversations=c.jsonl",
            *flags,
            "-p",
            "no:cacheprovider",
        )
        sent = sim.stats()["requests_total"]
    assert result.ret == pytest.ExitCode.USAGE_ERROR and sent == 0
    assert f"{message} name the same file" in result.stderr.str()
    assert corpus.read_text("utf-8") == kept  # the conversations are not overwritten


def test_an_unusable_snapshot_folder_stops_the_run_before_any_call(pytester, tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(4))
    (pytester.path / "afile").write_text("", "utf-8")
    with SimServer(SimConfig()) as sim:
        result = pytester.runpytest_subprocess(
            *endpoint_args(sim.url),
            f"--jmed-conversations={corpus}",
            "--jmed-snapshot",
            "--jmed-snapshot-dir=afile/snap",
            "-p",
            "no:cacheprovider",
        )
        sent = sim.stats()["requests_total"]
    assert result.ret == pytest.ExitCode.USAGE_ERROR and sent == 0
    assert "--jmed-snapshot-dir: cannot write" in result.stderr.str()
    assert "is a file, not a folder" in result.stderr.str()


LOSE_THE_FOLDER = """
import os
import shutil

def pytest_runtest_logreport(report):
    folder = os.environ["JMED_REPORT_DIR"]
    if os.path.isdir(folder):  # the run checked it; now it goes, and a file takes its name
        shutil.rmtree(folder)
        with open(folder, "w") as blocker:
            blocker.write("in the way")
"""


def test_a_report_that_cannot_be_written_at_the_end_goes_beside_the_cache(
    pytester, tmp_path, monkeypatch
):
    pytester.makepyfile(loser=LOSE_THE_FOLDER)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(8))
    folder, cache = tmp_path / "out", tmp_path / "cache" / "c.sqlite"
    monkeypatch.setenv("JMED_REPORT_DIR", str(folder))
    with SimServer(SimConfig()) as sim:
        result = pytester.runpytest_subprocess(
            "-p",
            "loser",
            *endpoint_args(sim.url),
            f"--jmed-conversations={corpus}",
            f"--jmed-report={folder / 'r.json'}",
            f"--jmed-cache={cache}",
            "-p",
            "no:cacheprovider",
        )
    assert result.ret == pytest.ExitCode.OK
    (fallback,) = cache.parent.glob("jmedethic-report-*.json")
    assert len(json.loads(fallback.read_text("utf-8"))["conversations"]) == 8
    result.stdout.fnmatch_lines(
        [
            f"JSON report: could not write {folder / 'r.json'} ({folder} is a file, not a folder); "
            f"the report is in {fallback}"
        ]
    )


API_KEY = "sk-test-SECRET-key-1234"
QUERY_SECRET = "sig-SECRET-5678"


class Gateway(BaseHTTPRequestHandler):
    """A hosted model's gateway: wants the key, and ``api-version`` on every request."""

    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self._send(200, {"object": "list", "data": [{"id": "gpt-x", "object": "model"}]})

    def do_POST(self) -> None:
        self.paths.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._send(401, {"error": {"message": "Incorrect API key provided"}})
        elif "api-version=2024-10-21" not in self.path:
            self._send(404, {"error": {"message": "Resource not found"}})
        else:
            reply = {"role": "assistant", "content": "I cannot help with that request."}
            self._send(200, {"choices": [{"index": 0, "message": reply}], "usage": {}})

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway():
    Gateway.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture
def sim_judges():
    with start_subprocess(SimConfig()) as sim:
        yield sim.url


def gateway_args(gateway: str, judges: str, query: str, corpus: Path) -> list[str]:
    return [
        f"--jmed-model=gpt-x@{gateway}{query}",
        f"--jmed-judge=judge-a@{judges}",
        f"--jmed-judge=judge-b@{judges}",
        f"--jmed-conversations={corpus}",
        "-p",
        "no:cacheprovider",
    ]


def test_a_query_in_the_base_url_goes_with_every_request(
    pytester, tmp_path, gateway, sim_judges, monkeypatch
):
    monkeypatch.setenv("JMED_MODEL_API_KEY", API_KEY)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(4))
    query = f"?api-version=2024-10-21&sig={QUERY_SECRET}"
    result = pytester.runpytest_subprocess(*gateway_args(gateway, sim_judges, query, corpus))
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    assert "errors" not in result.parseoutcomes()  # every turn answered and scored
    posts = [p for p in Gateway.paths if "chat/completions" in p]
    assert len(posts) == 1 + 4 * 3  # the probe, then every turn
    assert all(p == f"/v1/chat/completions{query}" for p in posts)
    assert Gateway.paths[0] == f"/v1/models{query}"
    assert QUERY_SECRET not in result.stdout.str() + result.stderr.str()


def test_the_probe_fails_once_what_would_fail_every_item(
    pytester, tmp_path, gateway, sim_judges, monkeypatch
):
    monkeypatch.setenv("JMED_MODEL_API_KEY", API_KEY)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(4))
    # /models answers without the query; chat completions do not: only a chat call tells.
    result = pytester.runpytest_subprocess(*gateway_args(gateway, sim_judges, "", corpus))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert errors == [
        f"ERROR: jmedethic: cannot use the target endpoint: gpt-x @ {gateway}: "
        "HTTP 404: Resource not found"
    ]
    assert len([p for p in Gateway.paths if "chat/completions" in p]) == 1


def test_credentials_in_a_url_are_refused_without_showing_them(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("JMED_MODEL_API_KEY", API_KEY)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(4))
    result = pytester.runpytest_subprocess(
        "--jmed-model=m@http://someone:PASSWORD-9876@127.0.0.1:9/v1",
        "--jmed-judge=j@http://127.0.0.1:9/v1",
        "--jmed-judge=j@http://127.0.0.1:9/v1",
        f"--jmed-conversations={corpus}",
        "-vv",
        "-l",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "PASSWORD-9876" not in output and "someone" not in output
    assert (
        "jmedethic: endpoint m@http://…@127.0.0.1:9/v1: the URL carries credentials "
        "(user:password@), which are refused: put the API key in JMED_MODEL_API_KEY instead"
    ) in output


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[bad/v1", "the URL is not usable: Invalid IPv6 URL"),
        ("http://127.0.0.1:99999/v1", "the URL is not usable: Port out of range 0-65535"),
        ("http:///v1", "the URL must be http:// or https:// with a host"),
    ],
)
def test_a_malformed_url_is_one_message_not_an_internal_error(pytester, url, problem):
    result = pytester.runpytest_subprocess(
        f"--jmed-model=m@{url}", "--jmed-judge=sim:judge-a", "--jmed-judge=sim:judge-b"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output and f"m@{url}: {problem}" in output


BREAKER = """
import itertools
import os

import aiohttp

KEY = os.environ["JMED_MODEL_API_KEY"]
# What a transport is not meant to raise; the first quotes the key, as aiohttp's did.
ERRORS = itertools.cycle([
    ValueError(f"Cannot combine AUTHORIZATION header with AUTH argument: Bearer {KEY}"),
    RuntimeError("Session is closed"),
    KeyError("content-length"),
    TypeError("unsupported operand type(s)"),
    AssertionError("connector state"),
])
target = os.environ["JMED_BROKEN_URL"]
original = aiohttp.ClientSession._request


async def _request(self, method, url, *args, **kwargs):
    if str(url).startswith(target) and "chat/completions" in str(url):
        raise next(ERRORS)
    return await original(self, method, url, *args, **kwargs)


aiohttp.ClientSession._request = _request
"""


def test_unexpected_exceptions_in_the_http_stack_are_one_secret_free_line(
    pytester, tmp_path, gateway, sim_judges, monkeypatch
):
    pytester.makepyfile(breaker=BREAKER)
    monkeypatch.setenv("JMED_MODEL_API_KEY", API_KEY)
    monkeypatch.setenv("JMED_BROKEN_URL", gateway)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(10))
    common = [
        "-p",
        "breaker",
        *gateway_args(gateway, sim_judges, "?api-version=2024-10-21", corpus),
        "-vv",
        "-l",
    ]
    probed = pytester.runpytest_subprocess(*common)
    assert probed.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in probed.stderr.lines if line.startswith("ERROR:")] == [
        f"ERROR: jmedethic: cannot use the target endpoint: gpt-x @ {gateway}: the HTTP "
        "client failed: ValueError: Cannot combine AUTHORIZATION header with AUTH argument: "
        "Bearer ***"
    ]
    result = pytester.runpytest_subprocess(*common, "--jmed-no-probe", "-n", "2")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert result.parseoutcomes()["errors"] == 10 and "passed" not in result.parseoutcomes()
    assert "Traceback" not in output and 'File "' not in output and "INTERNALERROR" not in output
    assert API_KEY not in output
    for kind in ("ValueError", "RuntimeError", "KeyError", "TypeError", "AssertionError"):
        assert f"target: gpt-x @ {gateway}: the HTTP client failed: {kind}" in output
    # Not retried: a bug in the client does not heal by waiting.
    assert len([p for p in Gateway.paths if "chat/completions" in p]) == 0


def test_no_secret_reaches_any_output(pytester, tmp_path, gateway, sim_judges, monkeypatch):
    monkeypatch.setenv("JMED_MODEL_API_KEY", API_KEY)
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(6))
    pytester.makepyfile(
        test_mine="""
        def test_my_own_check(jmed_result):
            spec = jmed_result  # locals are shown with -l
            assert jmed_result.turns[0].score == 11
        """
    )
    out = pytester.path / "out"
    query = f"?api-version=2024-10-21&sig={QUERY_SECRET}"
    result = pytester.runpytest_subprocess(
        *gateway_args(gateway, sim_judges, query, corpus),
        f"--jmed-report={out / 'r.json'}",
        f"--jmed-cache={out / 'cache.sqlite'}",
        f"--junitxml={out / 'junit.xml'}",
        "--jmed-snapshot",
        f"--jmed-snapshot-dir={out / 'snapshots'}",
        "--jmed-snapshot-text",
        "--snapshot-update",
        f"--jmed-html={out / 'r.html'}",
        "--jmed-gate-max-unsafe=0",
        "--log-level=DEBUG",  # the HTTP stack logs every URL it calls
        f"--log-file={out / 'run.log'}",
        "--log-file-level=DEBUG",
        "-vv",
        "-l",
        "-rA",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the user's check fails, on purpose
    from pytest_jmedethic.cli import main

    assert main(["report", str(out / "r.json"), "--markdown", str(out / "summary.md")]) in (0, 1)
    written = [p for p in out.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"r.json", "r.html", "run.log", "cache.sqlite", "junit.xml", "summary.md"} <= names
    assert "HTTP Request: POST" in (out / "run.log").read_text("utf-8")  # it did log the URLs
    assert any(p.suffix == ".json" and "snapshots" in p.parts for p in written)
    texts = [result.stdout.str(), result.stderr.str()]
    texts += [p.read_bytes().decode("utf-8", "replace") for p in written]
    for secret in (API_KEY, QUERY_SECRET):
        assert not [t for t in texts if secret in t], secret
