"""The simulated endpoint (``pytest_jmedethic.sim``) as a child process.

A separate process is what CI and pytest-xdist workers need: it survives test-session
teardown order, and its event loop never competes with the code under test.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from typing import Any

from ...sim.config import FAULT_FLAGS, SimConfig
from .child_process import ChildServer, launch

_LISTENING = re.compile(r"^jmedethic-sim listening on (http://\S+/v1)\s*$")


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


def fetch_stats(url: str) -> dict[str, Any]:
    """A simulator's request counters (``GET /sim/stats``), given its ``.../v1`` URL."""
    with urllib.request.urlopen(url.removesuffix("/v1") + "/sim/stats") as response:
        return json.loads(response.read())


class SimProcess(ChildServer):
    """A running simulator child process; ``stop()`` terminates it and waits."""

    def stats(self) -> dict[str, Any]:
        """Its request counters, over HTTP (``SimServer.stats`` reads them in-process)."""
        return fetch_stats(self.url)


def start_subprocess(config: SimConfig | None = None, *, timeout: float = 20.0) -> SimProcess:
    """Launch the simulator in a child process and wait for its ``listening on`` line."""
    config = config or SimConfig()
    command = [sys.executable, "-m", "pytest_jmedethic.sim", *config_to_argv(config)]
    popen, url, stderr = launch(
        command, what="simulator", listening=_LISTENING, error=SimProcessError, timeout=timeout
    )
    return SimProcess(popen, url, stderr)
