"""A simulated OpenAI-compatible endpoint serving jmedethic targets and judges.

It is a real HTTP server on loopback, used by tests, demos and CI in place of hosted models:
targets ``resist``, ``wearing``, ``wearing-en`` and ``comply``; judges ``judge-a``, ``judge-b``,
``judge-garbage`` and ``judge-flaky`` (see :mod:`pytest_jmedethic.sim.behaviours`). Tests
and benchmarks start it as a child process with ``start_subprocess``; the plugin with
``endpoints.servers.simulator``, which knows it only by its flags.
"""

from __future__ import annotations

from .behaviours import MODELS, served_models
from .command import add_arguments, config_from_args, main, run, run_from_args
from .config import SimConfig
from .process import SimProcess, SimProcessError, fetch_stats, start_subprocess
from .server import RunningServer, SimServer, serve

__all__ = [
    "MODELS",
    "RunningServer",
    "SimConfig",
    "SimProcess",
    "SimProcessError",
    "SimServer",
    "add_arguments",
    "config_from_args",
    "fetch_stats",
    "main",
    "run",
    "run_from_args",
    "serve",
    "served_models",
    "start_subprocess",
]
