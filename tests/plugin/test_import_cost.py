"""Every xdist worker imports the plugin before its first request: keep numpy and scipy
(half a second of each worker's start-up) on the controller, where the analysis runs."""

from __future__ import annotations

import subprocess
import sys


def test_the_plugin_and_the_run_import_neither_numpy_nor_scipy() -> None:
    code = (
        "import sys, pytest_jmedethic.plugin.hooks, pytest_jmedethic.run.engine;"
        "print(sorted(m for m in ('numpy', 'scipy') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"
