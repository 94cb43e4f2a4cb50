"""A real OpenAI-compatible HTTP/1.1 server on loopback, built on asyncio streams only.

Tests, demos and CI talk to it with the official ``openai`` client exactly as they would to a
hosted model, so the whole HTTP path (pooling, retries, errors) is exercised, not mocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType
from typing import Any

from . import behaviours
from .completion import PromptCache, completion
from .config import SimConfig
from .faults import Fault, FaultInjector
from .stats import Stats
from .wire import (
    SERVER_NAME,
    ConnectionCut,
    HTTPError,
    parse_chat_request,
    parse_head,
    read_body,
    write_json,
    write_truncated_json,
)

__all__ = [
    "RunningServer",
    "SimApp",
    "SimConfig",
    "SimServer",
    "Stats",
    "serve",
    "url_for",
]

# Hundreds of clients connect at once in load tests; the default backlog (100) would make
# the kernel drop SYNs and the client would see multi-second connect retries.
LISTEN_BACKLOG = 1024


def _check_servable(request: dict[str, Any]) -> None:
    """Refuse, as an OpenAI server would, a model not served here and streaming."""
    model = request["model"]
    if model not in behaviours.MODELS:
        served = ", ".join(behaviours.served_models())
        raise HTTPError(
            404,
            f"The model '{model}' does not exist; this simulator serves: {served}",
            code="model_not_found",
            param="model",
        )
    if request.get("stream"):
        raise HTTPError(
            400,
            "streaming is not supported by the simulator",
            code="unsupported_value",
            param="stream",
        )


class SimApp:
    """Routing and HTTP framing for one simulator instance."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.stats = Stats(report_faults=config.faults_enabled)
        self.prompt_cache = PromptCache()
        # None without faults, so a plain simulator never hashes or remembers request bodies.
        self.faults = FaultInjector(config) if config.faults_enabled else None
        self._connections: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    # --- routing -------------------------------------------------------------------------

    async def dispatch(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        routes = {
            "/v1/models": ("GET", self._models),
            "/models": ("GET", self._models),
            "/v1/chat/completions": ("POST", self._chat),
            "/chat/completions": ("POST", self._chat),
            "/health": ("GET", self._health),
            "/sim/stats": ("GET", self._stats),
            "/sim/reset": ("POST", self._reset),
        }
        route_path, _, query = path.partition("?")
        if query:
            self.stats.saw_query(route_path, query)
        route = routes.get(route_path.rstrip("/") or "/")
        if route is None:
            raise HTTPError(404, f"no route for {method} {path}", code="not_found")
        expected, handler = route
        if method != expected:
            raise HTTPError(405, f"{path} only accepts {expected}", code="method_not_allowed")
        return 200, await handler(body)

    async def _models(self, body: bytes) -> dict[str, Any]:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": SERVER_NAME}
            for name in behaviours.served_models()
        ]
        return {"object": "list", "data": data}

    async def _health(self, body: bytes) -> dict[str, Any]:
        return {"status": "ok", "models": behaviours.served_models()}

    async def _stats(self, body: bytes) -> dict[str, Any]:
        return self.stats.snapshot()

    async def _reset(self, body: bytes) -> dict[str, Any]:
        self.reset()
        return self.stats.snapshot()

    def reset(self) -> None:
        """Zero the counters and forget which request bodies were seen (fault attempts)."""
        self.stats.reset()
        if self.faults is not None:
            self.faults.reset()

    async def _chat(self, body: bytes) -> dict[str, Any]:
        arrived = asyncio.get_running_loop().time()
        request = parse_chat_request(body)
        model, messages = request["model"], request["messages"]
        _check_servable(request)
        self.stats.enter(model)
        try:
            fault = self._fault(body, model)
            if fault is not None and fault.kind == "hang":
                # Then the normal answer, which a client with a shorter timeout never sees.
                await asyncio.sleep(self.config.hang_seconds)
            if fault is not None and fault.content is not None:
                text = fault.content
            else:
                text = behaviours.respond(self.config, model, messages)
            # The latency counts from the request's arrival, the simulator's own work included,
            # so a busy simulator does not add its CPU time on top of the latency it promises.
            delay = arrived + self._delay(body) - asyncio.get_running_loop().time()
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            self.stats.leave()
        payload = completion(self.config.seed, body, model, messages, text, self.prompt_cache)
        if fault is None or fault.kind != "cut":  # a cut answer never reaches the client
            self.stats.used(payload["usage"])
        if fault is None:
            self.stats.ok()
        elif fault.kind == "cut":
            raise ConnectionCut(200, payload)
        return payload

    def _fault(self, body: bytes, model: str) -> Fault | None:
        """Decide and count this request's fault; raise the error faults right away."""
        if self.faults is None:
            return None
        fault = self.faults.decide(body, behaviours.MODELS[model].role)
        if fault is None:
            return None
        self.stats.fault(fault.kind)
        if fault.error is not None:
            raise fault.error
        return fault

    def _delay(self, body: bytes) -> float:
        latency, jitter = self.config.latency, self.config.jitter
        if latency <= 0 or jitter <= 0:
            return latency
        # Jitter from the request's hash keeps runs reproducible while still spreading load.
        u = behaviours.unit("latency", self.config.seed, body.decode("utf-8", "replace"))
        return max(0.0, latency * (1 + jitter * (2 * u - 1)))

    # --- HTTP framing --------------------------------------------------------------------

    async def handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._connections.add(writer)
        try:
            while await self._handle_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            # A client that goes away mid-request is normal under load and at shutdown.
            pass
        finally:
            self._connections.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            writer.close()

    async def _handle_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; return whether the connection stays open."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False  # closed between requests
        except asyncio.LimitOverrunError:
            error = HTTPError(431, "request headers too large", code="headers_too_large")
            await write_json(writer, error.status, error.body(), keep_alive=False)
            return False
        try:
            method, path, version, headers = parse_head(head)
        except HTTPError as error:
            await write_json(writer, error.status, error.body(), keep_alive=False)
            return False
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        try:
            body = await read_body(reader, headers)
        except HTTPError as error:
            await write_json(writer, error.status, error.body(), keep_alive=False)
            return False
        extra_headers: dict[str, str] = {}
        try:
            status, payload = await self.dispatch(method, path, body)
        except HTTPError as error:
            status, payload, extra_headers = error.status, error.body(), error.headers
        except ConnectionCut as cut:
            await write_truncated_json(writer, cut.status, cut.payload, keep_alive=keep_alive)
            return False  # the caller closes the connection, which is the fault
        except Exception as exc:  # one bad request must not take the server down
            error = HTTPError(500, f"simulator error: {type(exc).__name__}: {exc}")
            status, payload = error.status, error.body()
        await write_json(writer, status, payload, keep_alive=keep_alive, headers=extra_headers)
        return keep_alive

    async def aclose_connections(self) -> None:
        """Close keep-alive connections; ``Server.wait_closed`` waits for them on 3.12+."""
        for writer in list(self._connections):
            writer.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v1"


class RunningServer:
    """What ``serve`` returns: the asyncio server plus the app, with a complete shutdown."""

    def __init__(self, server: asyncio.Server, app: SimApp) -> None:
        self.server = server
        self.app = app

    @property
    def port(self) -> int:
        return int(self.server.sockets[0].getsockname()[1])

    def close(self) -> None:
        self.server.close()

    async def wait_closed(self) -> None:
        await self.app.aclose_connections()
        await self.server.wait_closed()

    async def aclose(self) -> None:
        self.close()
        await self.wait_closed()


async def serve(config: SimConfig) -> tuple[RunningServer, str]:
    """Start listening on the running loop; return the server and the ``.../v1`` base URL."""
    # "localhost" may resolve to both 127.0.0.1 and ::1, and with port 0 each would get a
    # different port; one address keeps the advertised URL exact.
    host = "127.0.0.1" if config.host.lower() == "localhost" else config.host.strip("[]")
    app = SimApp(config)
    server = await asyncio.start_server(
        app.handle_connection, host, config.port, backlog=LISTEN_BACKLOG
    )
    running = RunningServer(server, app)
    return running, url_for(host, running.port)


class SimServer:
    """The simulator on a background thread with its own event loop.

    >>> with SimServer(SimConfig()) as sim:
    ...     client = OpenAI(base_url=sim.url, api_key="sim")
    """

    def __init__(self, config: SimConfig | None = None, *, start_timeout: float = 10.0) -> None:
        self.config = config or SimConfig()
        self._start_timeout = start_timeout
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._running: RunningServer | None = None
        self._error: BaseException | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the simulator is not running; call start() or use 'with'")
        return self._url

    @property
    def port(self) -> int:
        if self._running is None:
            raise RuntimeError("the simulator is not running; call start() or use 'with'")
        return self._running.port

    def start(self) -> SimServer:
        if self._thread is not None:
            raise RuntimeError("this SimServer has already been started")
        # Daemon, so a server someone forgot to stop cannot keep the interpreter alive.
        self._thread = threading.Thread(target=self._run, name="jmedethic-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._start_timeout):
            raise RuntimeError(f"the simulator did not start within {self._start_timeout} s")
        if self._error is not None:
            raise RuntimeError(f"the simulator failed to start: {self._error}") from self._error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            # The loop may finish on its own between the check and the call.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._url = None

    def stats(self) -> dict[str, Any]:
        return self._app().stats.snapshot()

    def reset(self) -> None:
        self._app().reset()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _app(self) -> SimApp:
        if self._running is None:
            raise RuntimeError("the simulator is not running; call start() or use 'with'")
        return self._running.app

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        try:
            running, url = await serve(self.config)
        except BaseException as exc:  # re-raised in the starting thread
            self._error = exc
            self._ready.set()
            return
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._running, self._url = running, url
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await running.aclose()
