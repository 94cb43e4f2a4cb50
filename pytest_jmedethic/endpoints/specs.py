"""Endpoint specs: which model, where, and which environment variables may hold its key.

A spec is ``MODEL@BASE_URL`` (any OpenAI-compatible server), ``sim:MODEL`` (a simulated
endpoint that the plugin starts itself), ``local`` or ``gguf:PATH`` (llama.cpp, started by
the plugin). API keys come only from environment variables and never appear in ``str()``,
``repr()``, reports or logs. A query string in the base URL (Azure's ``api-version``) is
sent with every request and shown nowhere; credentials in the URL are refused, because the
key goes in the ``Authorization`` header and a URL would show them wherever it is printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict

SPEC_PATTERN = re.compile(r"^(?P<model>[^\s]+?)@(?P<url>https?://[^\s]+)$")
MANAGED_PREFIXES = ("sim:",)
PLACEHOLDER_KEY = "no-key"  # servers without auth still need a non-empty key in the client
SHORTEST_SECRET = 4  # shorter query values ("1", "en") are not secrets, and are everywhere
_USERINFO = re.compile(r"(?<=//)[^/@\s]*@")
_QUERY = re.compile(r"\?\S*")


class SpecError(ValueError):
    pass


def redact_url(url: str) -> str:
    """Drop credentials and query strings, which is where URLs carry secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def shown_spec(text: str) -> str:
    """A spec as error messages may show it: no credentials, no query string."""
    return _QUERY.sub("?…", _USERINFO.sub("…@", text))


def _base_and_query(
    text: str, url: str, key_env: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is what checks it (0-65535)
    except ValueError as exc:
        raise SpecError(f"endpoint {shown_spec(text)}: the URL is not usable: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpecError(
            f"endpoint {shown_spec(text)}: the URL must be http:// or https:// with a host"
        )
    if parts.username is not None or parts.password is not None:
        raise SpecError(
            f"endpoint {shown_spec(text)}: the URL carries credentials (user:password@), "
            f"which are refused: put the API key in {key_env[0]} instead"
        )
    base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    return base, tuple(parse_qsl(parts.query, keep_blank_values=True))


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
    query: tuple[tuple[str, str], ...] = ()  # sent with every request, shown nowhere

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
                raise SpecError(f"endpoint {shown_spec(text)!r}: give a GGUF file after 'gguf:'")
            path = Path(raw).expanduser().resolve()
            return cls(
                model=model_alias(path), base_url=None, managed=f"gguf:{path}", key_env=key_env
            )
        for prefix in MANAGED_PREFIXES:
            if text.startswith(prefix):
                model = text[len(prefix) :]
                if not model:
                    raise SpecError(f"endpoint {shown_spec(text)!r}: give a model after {prefix!r}")
                return cls(model=model, base_url=None, managed=prefix[:-1], key_env=key_env)
        match = SPEC_PATTERN.match(text)
        if not match:
            raise SpecError(
                f"endpoint {shown_spec(text)!r}: expected MODEL@BASE_URL "
                "(e.g. my-model@http://127.0.0.1:8000/v1), local, gguf:PATH or sim:PROFILE"
            )
        base, query = _base_and_query(text, match["url"], key_env)
        return cls(model=match["model"], base_url=base, key_env=key_env, query=query)

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

    def scrub(self, text: str) -> str:
        """``text`` with this endpoint's key and query values blotted out, wherever they are
        (an error message of the HTTP stack may quote a header or a URL)."""
        secrets = [value for _, value in self.query]
        key = self.api_key()
        if key != PLACEHOLDER_KEY:
            secrets.append(key)
        for secret in sorted(secrets, key=len, reverse=True):
            if len(secret) >= SHORTEST_SECRET:
                text = text.replace(secret, "***")
        return text

    @property
    def cache_identity(self) -> str:
        """Where answers come from, for the response cache: never a key or a credential."""
        return self.server_identity or self.public_url

    def public(self) -> PublicEndpoint:
        """What reports may show: model and URL without credentials, never the key."""
        return PublicEndpoint(model=self.model, base_url=self.public_url, managed=self.managed)

    def __str__(self) -> str:
        return f"{self.model} @ {self.public_url}"

    def __repr__(self) -> str:  # pytest's -l shows locals: never the query or the key
        return f"EndpointSpec({self.model!r} @ {self.public_url!r})"


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
