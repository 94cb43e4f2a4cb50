"""Starting the simulator in a child process from a ``SimConfig`` (tests, benchmarks, demos)."""

from __future__ import annotations

from ..endpoints.servers.simulator import SimProcess, SimProcessError, fetch_stats, start_simulator
from .config import SimConfig

__all__ = ["SimProcess", "SimProcessError", "fetch_stats", "start_subprocess"]


def start_subprocess(config: SimConfig | None = None, *, timeout: float = 20.0) -> SimProcess:
    """Launch the simulator serving ``config`` and wait until it listens."""
    return start_simulator((config or SimConfig()).to_argv(), timeout=timeout)
