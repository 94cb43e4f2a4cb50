"""Running the simulator as a child process (``python -m pytest_jmedethic.sim``).

A separate process is what CI and pytest-xdist workers need: it survives test-session
teardown order, and its event loop never competes with the code under test.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

from .config import FAULT_FLAGS, SimConfig

_LISTENING = re.compile(r"^jmedethic-sim listening on (http://\S+/v1)\s*$")
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class SimProcessError(RuntimeError):
    """The simulator process could not be started."""


def config_to_argv(config: SimConfig) -> list[str]:
    argv = [
        "--host",
        config.host,
        "--port",
        str(config.port),
        "--latency",
        repr(config.latency),
        "--jitter",
        repr(config.jitter),
        "--judge-noise",
        repr(config.judge_noise),
        "--judge-disagreement",
        repr(config.judge_disagreement),
        "--seed",
        str(config.seed),
    ]
    defaults = SimConfig()
    for name, option in FAULT_FLAGS.items():
        value = getattr(config, name)
        # Only what differs: keeps the command line short, and None (no storm) has no flag.
        if value != getattr(defaults, name) and value is not None:
            argv += [option, repr(float(value))]
    return argv


class SimProcess:
    """A running simulator child process; ``stop()`` terminates it and waits."""

    def __init__(self, popen: subprocess.Popen[str], url: str, stderr: IO[bytes]) -> None:
        self.popen = popen
        self.url = url
        self._stderr = stderr

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def stop(self, timeout: float = 10.0) -> int:
        """Terminate the process (SIGTERM), kill it if it lingers; return its exit code."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self.popen.stdout is not None:
            self.popen.stdout.close()
        self._stderr.close()
        return self.popen.returncode

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _read_stderr(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    text = stderr.read().decode("utf-8", "replace").strip()
    return text[-2000:] if text else "(nothing on stderr)"


def start_subprocess(config: SimConfig | None = None, *, timeout: float = 20.0) -> SimProcess:
    """Launch the simulator in a child process and wait for its ``listening on`` line."""
    config = config or SimConfig()
    command = [sys.executable, "-m", "pytest_jmedethic.sim", *config_to_argv(config)]
    env = dict(os.environ)
    # Makes the package importable from a source checkout that is not installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    # A file rather than a pipe: nobody drains stderr while the server runs, and a full
    # pipe would block the child.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by SimProcess, closed in stop()
    popen = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()
    assert popen.stdout is not None
    stdout = popen.stdout
    # readline() cannot time out on a pipe portably, so a helper thread does the waiting.
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()

    def fail(reason: str) -> SimProcessError:
        if popen.poll() is None:
            popen.kill()
        popen.wait()
        stdout.close()
        details = _read_stderr(stderr)
        stderr.close()
        return SimProcessError(f"{reason}\ncommand: {' '.join(command)}\nstderr:\n{details}")

    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        raise fail(f"the simulator printed nothing within {timeout} s") from None
    if not line:
        popen.wait()
        raise fail(f"the simulator exited with code {popen.returncode} before listening")
    match = _LISTENING.match(line)
    if match is None:
        raise fail(f"unexpected first line from the simulator: {line.strip()!r}")
    return SimProcess(popen, match.group(1), stderr)
