"""Endpoint specs: which model, where, and which environment variables may hold its key.

A spec is ``MODEL@BASE_URL`` (any OpenAI-compatible server) or ``sim:MODEL`` (a simulated
endpoint that the plugin starts itself). API keys come only from environment variables and
never appear in ``str()``, reports or logs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict

SPEC_PATTERN = re.compile(r"^(?P<model>[^\s]+?)@(?P<url>https?://[^\s]+)$")
MANAGED_PREFIXES = ("sim:",)
PLACEHOLDER_KEY = "no-key"  # servers without auth still need a non-empty key in the client


class SpecError(ValueError):
    pass


def redact_url(url: str) -> str:
    """Drop credentials and query strings, which is where URLs carry secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class EndpointSpec:
    """Which model to call, where, and which environment variables may hold its key."""

    model: str
    base_url: str | None  # None until a managed endpoint has been started
    managed: str | None = None  # "sim", "local", "gguf:PATH": endpoints the plugin starts
    key_env: tuple[str, ...] = field(default=("OPENAI_API_KEY",), compare=False)
    # A started server listens on a new port every session; this names it beyond the port
    # (its kind and what shapes its answers), so the response cache outlives the session.
    server_identity: str | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str, key_env: tuple[str, ...] = ("OPENAI_API_KEY",)) -> EndpointSpec:
        text = text.strip()
        if text == "local":
            from .servers.llamacpp import BUNDLED_ALIAS

            return cls(model=BUNDLED_ALIAS, base_url=None, managed="local", key_env=key_env)
        if text.startswith("gguf:"):
            from .servers.llamacpp import model_alias

            raw = text[len("gguf:") :]
            if not raw:
                raise SpecError(f"endpoint {text!r}: give a GGUF file after 'gguf:'")
            path = Path(raw).expanduser().resolve()
            return cls(
                model=model_alias(path), base_url=None, managed=f"gguf:{path}", key_env=key_env
            )
        for prefix in MANAGED_PREFIXES:
            if text.startswith(prefix):
                model = text[len(prefix) :]
                if not model:
                    raise SpecError(f"endpoint {text!r}: give a model after {prefix!r}")
                return cls(model=model, base_url=None, managed=prefix[:-1], key_env=key_env)
        match = SPEC_PATTERN.match(text)
        if not match:
            raise SpecError(
                f"endpoint {text!r}: expected MODEL@BASE_URL "
                "(e.g. my-model@http://127.0.0.1:8000/v1), local, gguf:PATH or sim:PROFILE"
            )
        return cls(model=match["model"], base_url=match["url"].rstrip("/"), key_env=key_env)

    def resolved(self, base_url: str, server_identity: str | None = None) -> EndpointSpec:
        return replace(self, base_url=base_url.rstrip("/"), server_identity=server_identity)

    def api_key(self) -> str:
        for name in self.key_env:
            value = os.environ.get(name)
            if value:
                return value
        return PLACEHOLDER_KEY

    @property
    def public_url(self) -> str:
        return redact_url(self.base_url) if self.base_url else f"({self.managed}, not started)"

    @property
    def cache_identity(self) -> str:
        """Where answers come from, for the response cache: never a key or a credential."""
        return self.server_identity or self.public_url

    def public(self) -> PublicEndpoint:
        """What reports may show: model and URL without credentials, never the key."""
        return PublicEndpoint(model=self.model, base_url=self.public_url, managed=self.managed)

    def __str__(self) -> str:
        return f"{self.model} @ {self.public_url}"


class PublicEndpoint(BaseModel):
    """An endpoint as reports show it: the model and the URL without credentials or query."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    base_url: str
    managed: str | None = None  # "sim", "local" or "gguf:PATH": started by the plugin

    @property
    def identity(self) -> tuple[str, str]:
        # A started server gets a new port every session; the model and kind identify it.
        return (self.model, self.managed) if self.managed else (self.model, self.base_url)


def target_key_env() -> tuple[str, ...]:
    return ("JMED_MODEL_API_KEY", "OPENAI_API_KEY")


def judge_key_env(position: int) -> tuple[str, ...]:
    return (f"JMED_JUDGE_{position}_API_KEY", "JMED_JUDGE_API_KEY", "OPENAI_API_KEY")
