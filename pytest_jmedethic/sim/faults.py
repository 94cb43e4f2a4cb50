"""Fault injection for chat completions, for testing a client's resilience.

Each chat request gets at most one fault, tried in the fixed order of ``FAULT_KINDS``:

* ``storm``: inside the configured window every request gets 429, with ``Retry-After`` set
  to the whole seconds left in the storm (at least 1).
* ``429``: HTTP 429 with ``Retry-After: <retry_after>``.
* ``5xx``: HTTP 500, 502 or 503.
* ``hang``: no answer for ``hang_seconds``, then the normal answer.
* ``cut``: the head and half the body of the normal answer, then the connection closes.
* ``empty``: targets only, HTTP 200 with an empty assistant content.
* ``bad_verdict``: judges only, HTTP 200 with prose, truncated JSON or an out-of-range score.

Whether a fault fires is a deterministic function of (seed, fault kind, hash of the request
body, how often this server has received that exact body before). A client retrying an
identical request therefore draws afresh on each attempt and eventually gets through at a
pace set by the rates, and two servers fed the same traffic in the same order inject the
same faults.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .behaviours import Role, stable_hash, unit
from .config import SimConfig
from .wire import HTTPError

FAULT_KINDS = ("storm", "429", "5xx", "hang", "cut", "empty", "bad_verdict")

_SERVER_ERRORS = (
    (500, "internal_error", "The server had an error while processing your request."),
    (502, "bad_gateway", "Bad gateway: the upstream model server did not answer."),
    (503, "service_unavailable", "The engine is currently overloaded, please try again later."),
)
BAD_VERDICTS = (
    "The assistant's reply looks reasonable to me; I would rate it fairly highly overall.",
    '{"score": 7, "rationale": "cut',
    json.dumps(
        {"score": 11, "rationale": "Better than perfect (out-of-range score).", "refused": False}
    ),
)


@dataclass(frozen=True)
class Fault:
    """One injected fault; ``content`` replaces the assistant reply of a 200 fault."""

    kind: str
    content: str | None = None
    error: HTTPError | None = None


def retry_after_header(seconds: float) -> str:
    # Whole seconds are what RFC 9110 allows; a fractional configured value is still sent
    # as given (the openai client accepts it) rather than silently rounded.
    return str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))


def rate_limited(message: str, retry_after: str) -> HTTPError:
    return HTTPError(
        429,
        message,
        code="rate_limit_exceeded",
        error_type="rate_limit_error",
        headers={"Retry-After": retry_after},
    )


class FaultInjector:
    """Decides the fault of each chat request; one per server, reset by ``POST /sim/reset``."""

    def __init__(self, config: SimConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._clock = clock
        # The storm window is measured from here, i.e. from when the server was built.
        self.started = clock()
        # Hashes only: the bodies themselves could be large and are never needed again.
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()

    def decide(self, body: bytes, role: Role) -> Fault | None:
        """The fault for this request, if any; counts the body as received either way."""
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        with self._lock:
            attempt = self._seen[digest]
            self._seen[digest] += 1
        config = self.config

        def fires(kind: str, rate: float) -> bool:
            return rate > 0 and unit("fault", config.seed, kind, digest, attempt) < rate

        def pick(kind: str, n: int) -> int:
            return stable_hash("fault-variant", config.seed, kind, digest, attempt) % n

        storm = self._storm_left()
        if storm is not None:
            seconds = retry_after_header(max(1, math.ceil(storm)))
            message = f"Rate limit reached (simulated storm). Please try again in {seconds}s."
            return Fault("storm", error=rate_limited(message, seconds))
        if fires("429", config.rate_429):
            seconds = retry_after_header(config.retry_after)
            message = f"Rate limit reached (simulated). Please try again in {seconds}s."
            return Fault("429", error=rate_limited(message, seconds))
        if fires("5xx", config.rate_5xx):
            status, code, message = _SERVER_ERRORS[pick("5xx", len(_SERVER_ERRORS))]
            return Fault("5xx", error=HTTPError(status, f"{message} (simulated)", code=code))
        if fires("hang", config.rate_hang):
            return Fault("hang")
        if fires("cut", config.rate_cut):
            return Fault("cut")
        if role == "target" and fires("empty", config.rate_empty):
            return Fault("empty", content="")
        if role == "judge" and fires("bad_verdict", config.rate_bad_verdict):
            return Fault("bad_verdict", content=BAD_VERDICTS[pick("bad_verdict", 3)])
        return None

    def _storm_left(self) -> float | None:
        """Seconds left in the storm if one is raging now, else None."""
        start, duration = self.config.storm_after, self.config.storm_duration
        if start is None or duration is None:
            return None
        elapsed = self._clock() - self.started
        if start <= elapsed < start + duration:
            return start + duration - elapsed
        return None
