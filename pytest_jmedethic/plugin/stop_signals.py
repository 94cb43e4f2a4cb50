"""SIGTERM and SIGHUP end a run the way Ctrl-C does.

CI systems cancel and time out jobs with SIGTERM (some with SIGHUP, when the terminal
goes); Python's default for both is to die on the spot, losing every result and the report.
Here the first such signal raises ``KeyboardInterrupt`` in the main thread, so pytest
stops sending, the session finishes, and the report of what completed is written with the
signal's name. Later signals are ignored while that happens: the report is being written,
and a process that still hangs gets the SIGKILL that CI sends after its grace period.
A handler someone else installed (a CI wrapper, an embedding tool) is left alone.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class StopSignals:
    def __init__(self) -> None:
        self.received: str | None = None  # the name of the first signal, once one came
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread
        for number in STOP_SIGNALS:
            if signal.getsignal(number) in (signal.SIG_DFL, None):
                self._previous[number] = signal.signal(number, self._stop)

    def _stop(self, number: int, frame: FrameType | None) -> None:
        if self.received is not None:
            return
        self.received = signal.Signals(number).name
        raise KeyboardInterrupt(f"stopped by {self.received}")

    def restore(self) -> None:
        for number, previous in self._previous.items():
            if signal.getsignal(number) == self._stop:
                signal.signal(number, previous)
        self._previous.clear()
