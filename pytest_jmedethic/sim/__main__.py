"""``python -m pytest_jmedethic.sim``: run the simulated endpoint until SIGINT/SIGTERM."""

from __future__ import annotations

import sys

from .command import main

if __name__ == "__main__":
    sys.exit(main())
