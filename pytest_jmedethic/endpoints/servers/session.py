"""The servers one session starts itself (``sim:PROFILE``, ``local``, ``gguf:PATH``).

The controller starts them before xdist starts its workers and hands their base URLs to
the workers (``to_wire``/``from_wire``); workers never start servers of their own. One
simulator serves every ``sim:`` spec; one llama.cpp server per model file serves the target
and the judges alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..specs import EndpointSpec

SIMULATOR = "sim"


@dataclass(frozen=True)
class ServerOptions:
    """How the started servers run: the simulator's latency and noise, llama.cpp's slots."""

    sim_latency: float = 0.0
    sim_judge_noise: float = 0.6
    sim_seed: int = 0
    local_ctx: int = 4096
    local_parallel: int = 4

    def identity(self, key: str) -> str:
        """What shapes a started server's answers (not its port, not its speed)."""
        if key == SIMULATOR:
            return f"{SIMULATOR}:judge-noise={self.sim_judge_noise!r}:seed={self.sim_seed}"
        return key  # llama.cpp: the model file; its sampling seed is fixed


@dataclass(frozen=True)
class StartedServer:
    url: str
    identity: str


class SessionServers:
    """Starts what the specs need, resolves specs to the started URLs, stops them at the end."""

    def __init__(self, started: Mapping[str, StartedServer] | None = None) -> None:
        self._stack = ExitStack()
        self._started: dict[str, StartedServer] = dict(started or {})

    def start(self, specs: Iterable[EndpointSpec], options: ServerOptions) -> None:
        needed = {spec.managed for spec in specs if spec.managed and spec.base_url is None}
        if SIMULATOR in needed:
            url = self._start_simulator(options)
            self._started[SIMULATOR] = StartedServer(url, options.identity(SIMULATOR))
        for key in sorted(needed - {SIMULATOR}):
            url = self._start_llamacpp(key, options)
            self._started[key] = StartedServer(url, options.identity(key))

    def _start_llamacpp(self, key: str, options: ServerOptions) -> str:
        from .llamacpp import start_local

        model = None if key == "local" else Path(key.removeprefix("gguf:"))
        process = self._stack.enter_context(
            start_local(model, ctx_size=options.local_ctx, parallel=options.local_parallel)
        )
        return process.url

    def _start_simulator(self, options: ServerOptions) -> str:
        from .simulator import start_simulator

        flags = ["--port", "0", "--latency", repr(options.sim_latency)]  # 0: any free port
        flags += ["--judge-noise", repr(options.sim_judge_noise), "--seed", str(options.sim_seed)]
        return self._stack.enter_context(start_simulator(flags)).url

    def resolve(self, spec: EndpointSpec) -> EndpointSpec:
        """The spec with its server's URL, once that server is started."""
        server = self._started.get(spec.managed or "")
        if spec.base_url is None and server is not None:
            return spec.resolved(server.url, server.identity)
        return spec

    def to_wire(self) -> dict[str, list[str]]:
        return {key: [server.url, server.identity] for key, server in self._started.items()}

    @classmethod
    def from_wire(cls, wire: Mapping[str, list[str]]) -> SessionServers:
        return cls(
            {str(key): StartedServer(str(url), str(ident)) for key, (url, ident) in wire.items()}
        )

    def stop(self) -> None:
        self._stack.close()
