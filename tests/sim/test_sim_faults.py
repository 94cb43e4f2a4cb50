"""Fault injection of the simulated endpoint, over real HTTP with the official openai client."""

from __future__ import annotations

import argparse
import http.client
import json
import math
import socket
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpcore2  # noqa: F401  (see below)
import openai
import pytest
from openai import OpenAI

from pytest_jmedethic.sim import (
    SimConfig,
    SimServer,
    add_arguments,
    config_from_args,
    start_subprocess,
)
from pytest_jmedethic.sim.behaviours import classify
from pytest_jmedethic.sim.faults import BAD_VERDICTS, FAULT_KINDS

# httpx2 imports httpcore2 only when the first client is built. If that happens inside an
# in-process ``pytester.runpytest`` (other test modules), pytester drops it from sys.modules
# afterwards, and the next client's transport errors are classes httpx2 no longer maps, so
# they escape as raw httpcore2 errors instead of openai.APITimeoutError/APIConnectionError.
# Importing it here, at collection time, keeps one copy for the whole session.

HELLO = [{"role": "user", "content": "hello"}]
JUDGE = [
    {"role": "system", "content": "You are a strict medical-ethics judge."},
    {
        "role": "user",
        "content": '<turn_to_score turn="1">I can&#x27;t help with that.</turn_to_score>',
    },
]


@contextmanager
def faulty(**fields: Any) -> Iterator[tuple[SimServer, OpenAI]]:
    timeout = fields.pop("timeout", 10.0)
    retries = fields.pop("max_retries", 0)
    with (
        SimServer(SimConfig(**fields)) as server,
        OpenAI(base_url=server.url, api_key="sim", max_retries=retries, timeout=timeout) as client,
    ):
        yield server, client


def ask(client: OpenAI, model: str, messages: list[dict[str, str]]) -> str:
    reply = client.chat.completions.create(model=model, messages=messages)  # type: ignore[arg-type]
    content = reply.choices[0].message.content
    assert content is not None
    return content


def chat_body(model: str, text: str) -> bytes:
    return json.dumps({"model": model, "messages": [{"role": "user", "content": text}]}).encode()


def request(
    url: str, method: str, path: str, body: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    """(status, headers, parsed JSON body) over http.client, so the body bytes are exact."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def is_valid_verdict(text: str) -> bool:
    try:
        verdict = json.loads(text)
    except json.JSONDecodeError:
        return False
    score = verdict.get("score") if isinstance(verdict, dict) else None
    return isinstance(score, int) and 0 <= score <= 10


# --- one kind at a time --------------------------------------------------------------------


def test_rate_limit_carries_retry_after() -> None:
    with faulty(rate_429=1.0, retry_after=2.0) as (server, client):
        with pytest.raises(openai.RateLimitError) as caught:
            ask(client, "resist", HELLO)
        assert caught.value.response.headers["retry-after"] == "2"
        assert caught.value.code == "rate_limit_exceeded"
        assert caught.value.body["type"] == "rate_limit_error"  # type: ignore[index]
        assert server.stats()["faults"]["429"] == 1


def test_client_retries_through_rate_limits() -> None:
    # The openai client retries the identical body and honours the fractional Retry-After.
    with faulty(rate_429=0.5, retry_after=0.05, max_retries=20) as (server, client):
        for n in range(5):
            assert classify(ask(client, "resist", [{"role": "user", "content": f"q{n}"}])) == (
                "refusal"
            )
        stats = server.stats()
    assert stats["responses_ok"] == 5
    assert stats["requests_total"] == 5 + stats["faults"]["429"]
    assert stats["faults"]["429"] > 0


def test_storm_then_recovery() -> None:
    with faulty(storm_after=0.0, storm_duration=1.0) as (server, client):
        with pytest.raises(openai.RateLimitError) as caught:
            ask(client, "resist", HELLO)
        retry_after = int(caught.value.response.headers["retry-after"])
        assert 1 <= retry_after <= math.ceil(1.0)
        with pytest.raises(openai.RateLimitError):
            ask(client, "judge-a", JUDGE)  # every request, whatever the model
        time.sleep(retry_after)
        assert classify(ask(client, "resist", HELLO)) == "refusal"
        assert server.stats()["faults"]["storm"] == 2


@pytest.mark.parametrize("model", ["resist", "judge-a"])
def test_server_errors(model: str) -> None:
    with faulty(rate_5xx=1.0) as (server, client):
        statuses = set()
        for n in range(12):
            with pytest.raises(openai.InternalServerError) as caught:
                ask(client, model, [{"role": "user", "content": f"x{n}"}])
            statuses.add(caught.value.status_code)
            assert caught.value.body["type"] == "server_error"  # type: ignore[index]
        assert statuses == {500, 502, 503}
        assert server.stats()["faults"]["5xx"] == 12


def test_hang_makes_the_client_time_out() -> None:
    with faulty(rate_hang=1.0, hang_seconds=2.0, timeout=0.5) as (server, client):
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            ask(client, "resist", HELLO)
        assert time.monotonic() - started < 1.5
        assert server.stats()["faults"]["hang"] == 1


def test_cut_response_is_an_error_and_the_server_survives() -> None:
    with faulty(rate_cut=1.0) as (server, client):
        with pytest.raises(openai.APIConnectionError):
            ask(client, "resist", HELLO)
        parts = urlsplit(server.url)
        body = chat_body("resist", "raw")
        raw = (
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: sim\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(raw)
            received = b""
            while chunk := sock.recv(65536):  # ends because the server closes
                received += chunk
        head, _, partial = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        declared = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        assert 0 < len(partial) < declared
        with pytest.raises(json.JSONDecodeError):
            json.loads(partial)
        status, _, health = request(server.url, "GET", "/health")
        assert (status, health["status"]) == (200, "ok")
        with pytest.raises(openai.APIConnectionError):
            ask(client, "resist", HELLO)
        assert server.stats()["faults"]["cut"] == 3


def test_empty_content_only_for_targets() -> None:
    with faulty(rate_empty=1.0) as (server, client):
        assert ask(client, "resist", HELLO) == ""
        assert ask(client, "wearing", HELLO) == ""
        assert is_valid_verdict(ask(client, "judge-a", JUDGE))
        stats = server.stats()
    assert stats["faults"]["empty"] == 2 and stats["responses_ok"] == 1


def test_bad_verdicts_only_for_judges() -> None:
    with faulty(rate_bad_verdict=1.0) as (server, client):
        seen = set()
        for n in range(20):
            messages = [JUDGE[0], {"role": "user", "content": f"{JUDGE[1]['content']} #{n}"}]
            answer = ask(client, "judge-b", messages)
            assert not is_valid_verdict(answer), answer
            seen.add(answer)
        assert seen == set(BAD_VERDICTS)
        assert classify(ask(client, "resist", HELLO)) == "refusal"
        assert server.stats()["faults"]["bad_verdict"] == 20


# --- determinism, retries and counting -----------------------------------------------------


def statuses(config: SimConfig, bodies: list[bytes]) -> list[int]:
    with SimServer(config) as server:
        return [request(server.url, "POST", "/v1/chat/completions", body)[0] for body in bodies]


def test_retrying_succeeds_and_faults_are_reproducible() -> None:
    config = SimConfig(rate_5xx=0.5, seed=3)
    body = chat_body("resist", "retry me")
    with SimServer(config) as server:
        attempts = [request(server.url, "POST", "/v1/chat/completions", body)[0] for _ in range(30)]
    assert 200 in attempts and set(attempts) - {200} <= {500, 502, 503}
    assert any(status != 200 for status in attempts)  # at rate 0.5, 30 straight passes is 2^-30

    traffic = [chat_body(model, text) for text in "abc" for model in ("resist", "judge-a")] * 4
    first = statuses(config, traffic)
    assert first == statuses(config, traffic)
    assert {200, 500} <= set(first) or {200, 502} <= set(first) or {200, 503} <= set(first)
    assert first != statuses(SimConfig(rate_5xx=0.5, seed=4), traffic)


def test_stats_count_faults_and_reset_forgets_attempts() -> None:
    config = SimConfig(rate_429=0.2, rate_5xx=0.2, rate_empty=0.3)
    traffic = [chat_body("resist", f"t{n % 7}") for n in range(40)]
    with SimServer(config) as server:
        replies = [request(server.url, "POST", "/v1/chat/completions", body) for body in traffic]
        _, _, stats = request(server.url, "GET", "/sim/stats")
        counts = Counter(status for status, _, _ in replies)
        empty = sum(
            status == 200 and reply["choices"][0]["message"]["content"] == ""
            for status, _, reply in replies
        )
        assert stats["requests_total"] == len(traffic)
        assert stats["faults"]["429"] == counts[429] > 0
        assert stats["faults"]["5xx"] == sum(counts[s] for s in (500, 502, 503)) > 0
        assert stats["faults"]["empty"] == empty > 0
        assert set(stats["faults"]) == set(FAULT_KINDS)
        assert stats["responses_ok"] + sum(stats["faults"].values()) == len(traffic)
        assert all(h["Retry-After"] == "1" for s, h, _ in replies if s == 429)

        status, _, after_reset = request(server.url, "POST", "/sim/reset", b"")
        assert status == 200 and after_reset["requests_total"] == after_reset["responses_ok"] == 0
        assert set(after_reset["faults"].values()) == {0}
        # Attempt counters were forgotten too, so the same traffic meets the same faults.
        again = [request(server.url, "POST", "/v1/chat/completions", body)[0] for body in traffic]
        assert again == [status for status, _, _ in replies]


def test_plain_simulator_reports_no_fault_stats() -> None:
    assert not SimConfig().faults_enabled
    with SimServer(SimConfig()) as server, OpenAI(base_url=server.url, api_key="s") as client:
        ask(client, "resist", HELLO)
        assert "faults" not in server.stats() and "responses_ok" not in server.stats()


# --- configuration, command line and subprocess --------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"rate_429": 1.5},
        {"rate_cut": -0.1},
        {"retry_after": -1.0},
        {"hang_seconds": math.inf},
        {"storm_after": 1.0},
        {"storm_after": 0.0, "storm_duration": 0.0},
    ],
)
def test_invalid_fault_settings_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        SimConfig(**fields)  # type: ignore[arg-type]


def test_cli_accepts_fault_options() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert not config_from_args(parser.parse_args([])).faults_enabled
    argv = [
        "--port", "0", "--fault-429", "0.1", "--fault-retry-after", "2.5",
        "--fault-storm-after", "3", "--fault-storm-duration", "4", "--fault-5xx", "0.2",
        "--fault-hang", "0.3", "--fault-hang-seconds", "5", "--fault-cut", "0.4",
        "--fault-empty", "0.5", "--fault-bad-verdict", "0.6",
    ]  # fmt: skip
    config = config_from_args(parser.parse_args(argv))
    assert config == SimConfig(
        rate_429=0.1, retry_after=2.5, storm_after=3.0, storm_duration=4.0, rate_5xx=0.2,
        rate_hang=0.3, hang_seconds=5.0, rate_cut=0.4, rate_empty=0.5, rate_bad_verdict=0.6,
    )  # fmt: skip
    assert config_from_args(parser.parse_args(config.to_argv())) == config


def test_subprocess_passes_faults_on() -> None:
    with (
        start_subprocess(SimConfig(rate_5xx=1.0, seed=5)) as process,
        OpenAI(base_url=process.url, api_key="sim", max_retries=0) as client,
    ):
        with pytest.raises(openai.InternalServerError):
            ask(client, "resist", HELLO)
        _, _, stats = request(process.url, "GET", "/sim/stats")
    assert stats["faults"]["5xx"] == 1 and stats["requests_total"] == 1
