"""A server in a child process that announces its URL on its first line of output.

Both the simulated endpoint and the local llama.cpp server run this way: a separate
process survives test-session teardown order and never competes with the code under test
for the GIL. ``launch`` starts one and waits for its ``... listening on URL`` line;
``ChildServer`` stops it.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

# The folder that holds the package: a child can import it from a checkout not installed.
PACKAGE_ROOT = Path(__file__).resolve().parents[3]


def read_tail(stderr: IO[bytes], limit: int = 2000) -> str:
    """The end of a child's stderr file, without moving the offset the child writes at."""
    fd = stderr.fileno()
    size = os.fstat(fd).st_size
    start = max(0, size - 4 * limit)  # bytes, not characters: UTF-8 takes up to 4 a char
    if hasattr(os, "pread"):
        data = os.pread(fd, size - start, start)
    else:  # Windows
        stderr.seek(start)
        data = stderr.read()
    text = data.decode("utf-8", "replace").strip()
    return text[-limit:] if text else "(nothing on stderr)"


class ChildServer:
    """A running child server; ``stop()`` terminates it and waits."""

    stop_timeout = 10.0

    def __init__(self, popen: subprocess.Popen[str], url: str, stderr: IO[bytes]) -> None:
        self.popen = popen
        self.url = url
        self._stderr = stderr

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def stop(self, timeout: float | None = None) -> int:
        """Terminate the process (SIGTERM), kill it if it lingers; return its exit code."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(self.stop_timeout if timeout is None else timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                stream.close()
        self._stderr.close()
        return self.popen.returncode

    def __enter__(self) -> ChildServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _spawn(
    command: list[str], stderr: IO[bytes], *, watch_stdin: bool, env: dict[str, str] | None
) -> subprocess.Popen[str]:
    environment = dict(os.environ if env is None else env)
    # Makes the package importable from a source checkout that is not installed.
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PACKAGE_ROOT), environment.get("PYTHONPATH", "")) if p
    )
    # stderr is a file rather than a pipe: nobody drains it while the server runs, and a
    # full pipe would block the child.
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr,
        stdin=subprocess.PIPE if watch_stdin else subprocess.DEVNULL,
        env=environment,
        text=True,
        encoding="utf-8",
    )


def launch(
    command: list[str],
    *,
    what: str,
    listening: re.Pattern[str],
    error: type[Exception],
    timeout: float,
    watch_stdin: bool = False,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[str], str, IO[bytes]]:
    """Start ``command`` and wait for its first stdout line to match ``listening``.

    Returns the process, the URL (the pattern's first group) and its stderr file. Raises
    ``error`` with the child's stderr tail if it dies, says something else, or says
    nothing within ``timeout`` seconds. With ``watch_stdin`` the child gets a pipe that is
    never written: it can stop when it reads end-of-file, i.e. when this process dies.
    """
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the ChildServer, closed in stop()
    popen = _spawn(command, stderr, watch_stdin=watch_stdin, env=env)
    lines: queue.Queue[str] = queue.Queue()
    assert popen.stdout is not None
    stdout = popen.stdout
    # readline() cannot time out on a pipe portably, so a helper thread does the waiting.
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()

    def fail(reason: str) -> Exception:
        if popen.poll() is None:
            popen.kill()
        popen.wait()
        stdout.close()
        if popen.stdin is not None:
            popen.stdin.close()
        details = read_tail(stderr)
        stderr.close()
        return error(f"{reason}\ncommand: {' '.join(command)}\nstderr:\n{details}")

    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        raise fail(f"the {what} printed nothing within {timeout} s") from None
    if not line:
        popen.wait()
        raise fail(f"the {what} exited with code {popen.returncode} before listening")
    match = listening.match(line)
    if match is None:
        raise fail(f"unexpected first line from the {what}: {line.strip()!r}")
    return popen, match.group(1), stderr
