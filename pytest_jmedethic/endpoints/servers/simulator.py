"""The simulated endpoint (``python -m pytest_jmedethic.sim``) as a child process.

A separate process is what CI and pytest-xdist workers need: it survives test-session
teardown order, and its event loop never competes with the code under test. This module
knows the simulator only as a program with flags (``sim.SimConfig.to_argv`` writes them),
so model access never imports the simulator.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from typing import Any

from .child_process import ChildServer, launch

_LISTENING = re.compile(r"^jmedethic-sim listening on (http://\S+/v1)\s*$")


class SimProcessError(RuntimeError):
    """The simulator process could not be started."""


def fetch_stats(url: str) -> dict[str, Any]:
    """A simulator's request counters (``GET /sim/stats``), given its ``.../v1`` URL."""
    with urllib.request.urlopen(url.removesuffix("/v1") + "/sim/stats") as response:
        return json.loads(response.read())


class SimProcess(ChildServer):
    """A running simulator child process; ``stop()`` terminates it and waits."""

    def stats(self) -> dict[str, Any]:
        """Its request counters, over HTTP (``SimServer.stats`` reads them in-process)."""
        return fetch_stats(self.url)


def start_simulator(argv: list[str], *, timeout: float = 20.0) -> SimProcess:
    """Launch the simulator with these flags and wait for its ``listening on`` line."""
    command = [sys.executable, "-m", "pytest_jmedethic.sim", *argv]
    popen, url, stderr = launch(
        command, what="simulator", listening=_LISTENING, error=SimProcessError, timeout=timeout
    )
    return SimProcess(popen, url, stderr)
