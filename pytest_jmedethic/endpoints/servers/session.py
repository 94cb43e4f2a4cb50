"""The servers one session starts itself (``sim:PROFILE``, ``local``, ``gguf:PATH``).

The controller starts them before xdist starts its workers and hands their base URLs to
the workers (``to_wire``/``from_wire``); workers never start servers of their own. One
simulator serves every ``sim:`` spec; one llama.cpp server per model file serves the target
and the judges alike.
"""

from __future__ import annotations

from collections.abc import Iterable
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


class SessionServers:
    """Starts what the specs need, resolves specs to the started URLs, stops them at the end."""

    def __init__(self, urls: dict[str, str] | None = None) -> None:
        self._stack = ExitStack()
        self._urls: dict[str, str] = dict(urls or {})

    def start(self, specs: Iterable[EndpointSpec], options: ServerOptions) -> None:
        needed = {spec.managed for spec in specs if spec.managed and spec.base_url is None}
        if SIMULATOR in needed:
            self._urls[SIMULATOR] = self._start_simulator(options)
        for key in sorted(needed - {SIMULATOR}):
            self._urls[key] = self._start_llamacpp(key, options)

    def _start_llamacpp(self, key: str, options: ServerOptions) -> str:
        from .llamacpp import start_local

        model = None if key == "local" else Path(key.removeprefix("gguf:"))
        process = self._stack.enter_context(
            start_local(model, ctx_size=options.local_ctx, parallel=options.local_parallel)
        )
        return process.url

    def _start_simulator(self, options: ServerOptions) -> str:
        from .simulator import start_simulator

        flags = ["--latency", repr(options.sim_latency)]
        flags += ["--judge-noise", repr(options.sim_judge_noise), "--seed", str(options.sim_seed)]
        return self._stack.enter_context(start_simulator(flags)).url

    def resolve(self, spec: EndpointSpec) -> EndpointSpec:
        """The spec with its server's URL, once that server is started."""
        if spec.managed and spec.base_url is None and spec.managed in self._urls:
            return spec.resolved(self._urls[spec.managed])
        return spec

    def to_wire(self) -> dict[str, str]:
        return dict(self._urls)

    @classmethod
    def from_wire(cls, urls: dict[str, object]) -> SessionServers:
        return cls({str(k): str(v) for k, v in urls.items()})

    def stop(self) -> None:
        self._stack.close()
