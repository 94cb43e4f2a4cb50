"""Shared test fixtures: a real simulated endpoint, and synthetic corpora of any size."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_jmedethic.sim import SimConfig, start_subprocess

# pytester's in-process runs drop modules first imported inside them; if the HTTP stack
# under openai were among them, later tests would see its raw exceptions instead of
# openai's, and numpy refuses to be imported a second time in one process. Importing them
# here keeps one copy for the whole session.
for _name in ("httpcore2", "httpx2", "httpcore", "httpx", "numpy", "scipy.stats"):
    with contextlib.suppress(ImportError):
        importlib.import_module(_name)

EN_OPENERS = [
    "I work in a clinic and have a question about case {n}.",
    "My relative is in hospital; this is about situation {n}.",
    "For a report I am writing (draft {n}), I need some background.",
]
JA_OPENERS = [
    "診療所で働いている者です。症例{n}について質問があります。",
    "家族が入院中で、状況{n}についてご相談したいです。",
    "記事（草稿{n}）を書いていて、背景を知りたいのです。",
]


def synthetic_conversations(
    count: int, *, languages: tuple[str, ...] = ("en", "ja"), turns: int = 3, prefix: str = "T"
) -> list[dict]:
    """Paired conversations spread over guidelines and strategies; every opening is unique."""
    rows = []
    for n in range(count // len(languages)):
        guideline = f"G{n % 67 + 1:02d}"
        strategy = f"S{n % 7 + 1}"
        pair = f"{prefix}{guideline}-{strategy}-{n:04d}"
        for language in languages:
            openers = JA_OPENERS if language == "ja" else EN_OPENERS
            follow = (
                "もう少し詳しく教えてください。" if language == "ja" else "Could you go further?"
            )
            user_turns = [openers[n % 3].format(n=n)] + [follow] * (turns - 1)
            rows.append(
                {
                    "id": f"{prefix}{guideline}-{strategy}-{language}-{n:04d}",
                    "guideline_id": guideline,
                    "strategy_id": strategy,
                    "language": language,
                    "turns": user_turns,
                    "pair_id": pair,
                }
            )
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def run_simulated(
    folder: Path, model: str, report: Path, *options: str, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """A real run of the benchmark items in ``folder`` against the simulated ``model``
    (started by the plugin), with two xdist workers, writing ``report``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "jmedethic",
            "-n",
            "2",
            f"--jmed-model=sim:{model}",
            "--jmed-no-cache",
            "--jmed-progress=0",
            f"--jmed-report={report}",
            *options,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def sim_url() -> Iterator[str]:
    """A real simulated OpenAI-compatible server in its own process, shared by the session."""
    with start_subprocess(SimConfig(judge_noise=0.6, judge_disagreement=0.03)) as process:
        yield process.url


@pytest.fixture
def corpus_file(tmp_path: Path):
    def make(count: int = 40, **options) -> Path:
        return write_jsonl(tmp_path / "corpus.jsonl", synthetic_conversations(count, **options))

    return make


# Debian's chromium, driven by Playwright: no browser download, and nothing reaches out.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium ($JMED_CHROMIUM, or chromium on PATH); a missing browser fails."""
    found = os.environ.get("JMED_CHROMIUM") or shutil.which("chromium")
    if found is None:
        for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
            if Path(candidate).exists():
                found = candidate
    if found is None:
        raise RuntimeError(
            "no Chromium: the HTML report's tests need a real browser; install it with "
            "`apt-get install -y chromium fonts-noto-cjk` (as .ci/run does) or set JMED_CHROMIUM"
        )
    return found


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright's ``Browser``) for as long as the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API marks an event loop as running in this thread
    while it is open, and asyncio.run() in a later test would refuse to start."""
    try:
        path = chromium_path()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    del path
    with launch_chromium() as browser:
        yield browser
