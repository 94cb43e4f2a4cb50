"""Limits shared by every process of a run: one service, many clients.

The controller runs a small service on 127.0.0.1; every process (each xdist worker, or the
single process with ``-n 0``) talks to it. It holds three kinds of limit:

- **Rate.** A process asks for a slot before each request and gives it back after, so 16
  workers under a limit of R requests per minute send R, not 16 R. Requests are spaced
  ``60 / rpm`` seconds apart per key, and at most ``in_flight`` hold a slot at once; slots
  of a process that dies are given back when its connection closes. Keys are per role and
  endpoint, so the target and the judges have separate limits.
- **Budget.** Each process reports every request it sends and its cost; when the run's
  calls or cost reach the budget, the service tells every process to stop.
- **Stop.** The controller may tell every process to stop (its release decision is
  settled). A stopped process starts no new conversation; those in flight finish.

Protocol: one JSON object per line. Client: {"op": "acquire", "id": N, "key": K},
{"op": "release", "id": N}, {"op": "spend", "calls": N, "cost": X}; server: {"id": N}
when the slot is granted, {"op": "stop", "kind": K, "reason": R} to every client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limit:
    rpm: float | None = None
    in_flight: int | None = None

    @property
    def active(self) -> bool:
        return self.rpm is not None or self.in_flight is not None


@dataclass(frozen=True)
class Budget:
    """What the whole run may spend: requests sent (retries included), and cost."""

    max_calls: int | None = None
    max_cost: float | None = None  # in the currency of --jmed-price

    @property
    def active(self) -> bool:
        return self.max_calls is not None or self.max_cost is not None

    def exceeded(self, calls: int, cost: float) -> str | None:
        """Why the run must stop, once it has spent this much."""
        if self.max_calls is not None and calls >= self.max_calls:
            unit = "call" if self.max_calls == 1 else "calls"
            return f"the budget of {self.max_calls} {unit} was reached ({calls} sent)"
        if self.max_cost is not None and cost >= self.max_cost:
            return f"the budget of {self.max_cost:g} was reached ({cost:.4g} spent)"
        return None


@dataclass(frozen=True)
class Stop:
    kind: str  # "budget" or "decision"
    reason: str


@dataclass
class _KeyState:
    limit: Limit
    waiting: deque[tuple[asyncio.StreamWriter, int]] = field(default_factory=deque)
    held: int = 0
    next_slot: float = 0.0
    timer: asyncio.TimerHandle | None = None


class SharedLimits:
    """The service, on 127.0.0.1, in a background thread of the controller."""

    def __init__(self, limits: dict[str, Limit], budget: Budget | None = None) -> None:
        self.limits = limits
        self.budget = budget or Budget()
        self.calls = 0  # spent by every process together
        self.cost = 0.0
        self.stopped: Stop | None = None
        self._clients: set[asyncio.StreamWriter] = set()
        self._keys: dict[str, _KeyState] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="jmedethic-limiter"
        )
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result()
        self.address = f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    def _state(self, key: str) -> _KeyState:
        if key not in self._keys:
            role = key.split(":", 1)[0]
            self._keys[key] = _KeyState(self.limits.get(role, Limit()))
        return self._keys[key]

    def _pump(self, key: str) -> None:
        state = self._state(key)
        state.timer = None
        while state.waiting:
            writer, request = state.waiting[0]
            if writer.is_closing():
                state.waiting.popleft()
                continue
            limit = state.limit
            if limit.in_flight is not None and state.held >= limit.in_flight:
                return  # a release pumps again
            now = time.monotonic()
            if limit.rpm is not None and now < state.next_slot:
                state.timer = self._loop.call_later(state.next_slot - now, self._pump, key)
                return
            state.waiting.popleft()
            state.held += 1
            if limit.rpm is not None:
                state.next_slot = max(now, state.next_slot) + 60.0 / limit.rpm
            writer.write(json.dumps({"id": request}).encode() + b"\n")

    def stop(self, kind: str, reason: str) -> None:
        """Tell every process to start no new conversation (from any thread; first wins)."""
        self._loop.call_soon_threadsafe(self._stop, Stop(kind, reason))

    def _stop(self, stop: Stop) -> None:
        if self.stopped is not None:
            return
        self.stopped = stop
        for writer in self._clients:
            self._tell_stop(writer)

    def _tell_stop(self, writer: asyncio.StreamWriter) -> None:
        if self.stopped is not None and not writer.is_closing():
            message = {"op": "stop", "kind": self.stopped.kind, "reason": self.stopped.reason}
            writer.write(json.dumps(message).encode() + b"\n")

    def _spend(self, calls: int, cost: float) -> None:
        self.calls += calls
        self.cost += cost
        reason = self.budget.exceeded(self.calls, self.cost)
        if reason is not None:
            self._stop(Stop("budget", reason))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        holding: dict[int, str] = {}
        self._clients.add(writer)
        self._tell_stop(writer)  # a process that connects late learns of a stop at once
        try:
            while line := await reader.readline():
                message: dict[str, Any] = json.loads(line)
                key = str(message.get("key", ""))
                if message["op"] == "spend":
                    self._spend(int(message["calls"]), float(message["cost"]))
                elif message["op"] == "acquire":
                    holding[message["id"]] = key
                    self._state(key).waiting.append((writer, message["id"]))
                    if self._state(key).timer is None:
                        self._pump(key)
                elif message["op"] == "release" and message["id"] in holding:
                    self._release(holding.pop(message["id"]))
        except (ConnectionError, json.JSONDecodeError, KeyError):
            pass
        finally:
            # A process that died gives its slots back; its queued requests are skipped.
            for key in holding.values():
                self._release(key)
            self._clients.discard(writer)
            writer.close()

    def _release(self, key: str) -> None:
        state = self._state(key)
        state.held = max(0, state.held - 1)
        if state.timer is None:
            self._pump(key)

    def close(self) -> None:
        async def shutdown() -> None:
            self._server.close()
            await self._server.wait_closed()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


class SharedLimitsClient:
    """One process's connection to the limiter; used from the engine's event loop."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._granted: dict[int, asyncio.Future[None]] = {}
        self._next = 0
        self._connecting: asyncio.Lock | None = None
        self.stopped: Stop | None = None  # set when the service says so

    async def connect(self) -> None:
        """Connect now (a process must hear of a stop before it asks for anything)."""
        await self._connect()

    async def _connect(self) -> None:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._writer is None:
                host, port = self.address.rsplit(":", 1)
                self._reader, self._writer = await asyncio.open_connection(host, int(port))
                asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        assert self._reader is not None
        while line := await self._reader.readline():
            message = json.loads(line)
            if message.get("op") == "stop":
                self.stopped = Stop(message["kind"], message["reason"])
                continue
            future = self._granted.pop(message["id"], None)
            if future is not None and not future.done():
                future.set_result(None)
        for future in self._granted.values():  # the limiter went away: stop waiting on it
            if not future.done():
                future.set_exception(ConnectionError("the rate limiter closed the connection"))

    @contextlib.asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        await self._connect()
        assert self._writer is not None
        self._next += 1
        request = self._next
        granted = asyncio.get_running_loop().create_future()
        self._granted[request] = granted
        self._writer.write(
            json.dumps({"op": "acquire", "id": request, "key": key}).encode() + b"\n"
        )
        try:
            await granted
            yield
        finally:
            self._granted.pop(request, None)
            if not self._writer.is_closing():
                self._writer.write(json.dumps({"op": "release", "id": request}).encode() + b"\n")

    def spend(self, calls: int, cost: float) -> None:
        """Report requests sent and what they cost (call once connected, from its loop)."""
        if self._writer is not None and not self._writer.is_closing():
            message = {"op": "spend", "calls": calls, "cost": cost}
            self._writer.write(json.dumps(message).encode() + b"\n")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
