"""Endpoints the plugin starts itself (``sim:PROFILE``), once per session on the controller.

The controller starts them before xdist starts its workers and hands the resolved base
URLs to the workers through ``workerinput``; workers never start servers of their own.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from .endpoints import EndpointSpec
from .settings import Settings

WORKERINPUT_KEY = "jmedethic_endpoints"


class ManagedEndpoints:
    """Starts what the settings need and stops it at the end of the session."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._urls: dict[str, str] = {}

    def start(self, settings: Settings) -> Settings:
        if settings.target is None:
            return settings
        if any(spec.managed == "sim" for spec in settings.endpoints()):
            self._urls["sim"] = self._start_sim(settings)
        # One llama.cpp server per distinct model file, shared by the target and the judges.
        for key in sorted(
            {s.managed for s in settings.endpoints() if s.managed and s.managed != "sim"}
        ):
            self._urls[key] = self._start_local(key, settings)
        return self.resolve(settings)

    def _start_local(self, key: str, settings: Settings) -> str:
        from pathlib import Path

        from .local import start_local

        model = None if key == "local" else Path(key.removeprefix("gguf:"))
        process = self._stack.enter_context(
            start_local(model, ctx_size=settings.local_ctx, parallel=settings.local_parallel)
        )
        return process.url

    def _start_sim(self, settings: Settings) -> str:
        from .sim import SimConfig, start_subprocess

        config = SimConfig(
            latency=settings.sim_latency,
            judge_noise=settings.sim_judge_noise,
            seed=settings.selection.seed,
        )
        process = self._stack.enter_context(start_subprocess(config))
        return process.url

    def resolve(self, settings: Settings) -> Settings:
        def resolved(spec: EndpointSpec) -> EndpointSpec:
            if spec.managed and spec.base_url is None and spec.managed in self._urls:
                return spec.resolved(self._urls[spec.managed])
            return spec

        assert settings.target is not None
        return settings.with_endpoints(
            resolved(settings.target), tuple(resolved(j) for j in settings.judges)
        )

    def to_wire(self) -> dict[str, Any]:
        return dict(self._urls)

    @classmethod
    def from_wire(cls, urls: dict[str, Any]) -> ManagedEndpoints:
        managed = cls()
        managed._urls = {str(k): str(v) for k, v in urls.items()}
        return managed

    def stop(self) -> None:
        self._stack.close()
