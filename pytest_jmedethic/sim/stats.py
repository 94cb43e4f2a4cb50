"""Request counters of one simulator instance, served on ``GET /sim/stats``."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .faults import FAULT_KINDS


@dataclass
class Stats:
    """Request counters; guarded by a lock because SimServer reads them from another thread.

    ``report_faults`` adds ``responses_ok`` and ``faults`` to the snapshot. It is off when no
    fault is configured so that the snapshot of a plain simulator keeps its original shape.
    """

    requests_total: int = 0
    requests_by_model: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    in_flight_peak: int = 0
    # Wall-clock (Unix) times: when the first chat request arrived, and when the latest one
    # finished waiting out its latency. Benchmarks read the span of a run from these.
    first_request_at: float | None = None
    last_reply_at: float | None = None
    responses_ok: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    # Query strings seen, per path: clients must keep a base URL's query on every request.
    queries: Counter[str] = field(default_factory=Counter)
    # Tokens of every answer that reached a client, as its usage reported them.
    tokens: Counter[str] = field(default_factory=Counter)
    report_faults: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def enter(self, model: str) -> None:
        with self.lock:
            if self.first_request_at is None:
                self.first_request_at = time.time()
            self.requests_total += 1
            self.requests_by_model[model] += 1
            self.in_flight += 1
            self.in_flight_peak = max(self.in_flight_peak, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1
            self.last_reply_at = time.time()

    def used(self, usage: dict[str, Any]) -> None:
        with self.lock:
            self.tokens["prompt_tokens"] += usage["prompt_tokens"]
            self.tokens["completion_tokens"] += usage["completion_tokens"]
            self.tokens["cached_prompt_tokens"] += usage["prompt_tokens_details"]["cached_tokens"]

    def saw_query(self, path: str, query: str) -> None:
        with self.lock:
            self.queries[f"{path}?{query}"] += 1

    def fault(self, kind: str) -> None:
        with self.lock:
            self.faults[kind] += 1

    def ok(self) -> None:
        with self.lock:
            self.responses_ok += 1

    def reset(self) -> None:
        with self.lock:
            self.requests_total = 0
            self.requests_by_model.clear()
            self.responses_ok = 0
            self.faults.clear()
            self.queries.clear()
            self.tokens.clear()
            self.first_request_at = self.last_reply_at = None
            # Requests still running are real load, so the peak restarts from them.
            self.in_flight_peak = self.in_flight

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            snapshot: dict[str, Any] = {
                "requests_total": self.requests_total,
                "requests_by_model": dict(self.requests_by_model),
                "in_flight": self.in_flight,
                "in_flight_peak": self.in_flight_peak,
                "first_request_at": self.first_request_at,
                "last_reply_at": self.last_reply_at,
            }
            snapshot["tokens"] = {
                name: self.tokens[name]
                for name in ("prompt_tokens", "completion_tokens", "cached_prompt_tokens")
            }
            if self.queries:  # only then: a plain run's snapshot keeps its shape
                snapshot["queries"] = dict(self.queries)
            if self.report_faults:
                snapshot["responses_ok"] = self.responses_ok
                # Every kind, zeros included, so clients can index without .get().
                snapshot["faults"] = {kind: self.faults[kind] for kind in FAULT_KINDS}
            return snapshot
