"""Endpoint specs, ``openai`` clients, and the start-of-session reachability check.

A spec is ``MODEL@BASE_URL`` (any OpenAI-compatible server) or ``sim:MODEL`` (a simulated
endpoint that the plugin starts itself). API keys come only from environment variables and
never appear in ``str()``, reports or logs.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import ssl
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2 as httpx
import openai

SPEC_PATTERN = re.compile(r"^(?P<model>[^\s]+?)@(?P<url>https?://[^\s]+)$")
MANAGED_PREFIXES = ("sim:",)
PLACEHOLDER_KEY = "no-key"  # servers without auth still need a non-empty key in the client


class EndpointError(Exception):
    """A call to an endpoint failed; the message is safe to show (no secrets)."""


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
    managed: str | None = None  # "sim" for endpoints the plugin starts itself
    key_env: tuple[str, ...] = field(default=("OPENAI_API_KEY",), compare=False)

    @classmethod
    def parse(cls, text: str, key_env: tuple[str, ...] = ("OPENAI_API_KEY",)) -> EndpointSpec:
        text = text.strip()
        if text == "local":
            from .local import BUNDLED_ALIAS

            return cls(model=BUNDLED_ALIAS, base_url=None, managed="local", key_env=key_env)
        if text.startswith("gguf:"):
            from .local import model_alias

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

    def resolved(self, base_url: str) -> EndpointSpec:
        return replace(self, base_url=base_url.rstrip("/"))

    def api_key(self) -> str:
        for name in self.key_env:
            value = os.environ.get(name)
            if value:
                return value
        return PLACEHOLDER_KEY

    @property
    def public_url(self) -> str:
        return redact_url(self.base_url) if self.base_url else f"({self.managed}, not started)"

    def public(self) -> dict[str, Any]:
        """What reports may show: model and URL without credentials, never the key."""
        return {"model": self.model, "base_url": self.public_url, "managed": self.managed}

    def __str__(self) -> str:
        return f"{self.model} @ {self.public_url}"


def target_key_env() -> tuple[str, ...]:
    return ("JMED_MODEL_API_KEY", "OPENAI_API_KEY")


def judge_key_env(position: int) -> tuple[str, ...]:
    return (f"JMED_JUDGE_{position}_API_KEY", "JMED_JUDGE_API_KEY", "OPENAI_API_KEY")


def async_client(spec: EndpointSpec, *, timeout: float, max_retries: int) -> openai.AsyncOpenAI:
    if spec.base_url is None:
        raise EndpointError(f"{spec}: endpoint was never started")
    return openai.AsyncOpenAI(
        base_url=spec.base_url,
        api_key=spec.api_key(),
        timeout=timeout,
        max_retries=max_retries,
        http_client=_http_client(spec.base_url),
    )


def _http_client(base_url: str) -> Any:
    """The openai client's aiohttp transport when installed (the ``openai[aiohttp]`` extra).

    Measured with ``benchmarks/throughput.py``: about half the CPU per call of the default
    httpx pool, whose every request re-checks each idle connection with two system calls.
    At hundreds of calls a second on two cores that CPU is the bottleneck of a run.
    """
    tls = _tls_context() if base_url.lower().startswith("https:") else _plain_http_tls_context()
    try:
        return openai.DefaultAioHttpClient(verify=tls)
    except RuntimeError:  # aiohttp missing: the default transport works, only slower
        return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once per process: loading the CA bundle costs
    tens of milliseconds, and every client would otherwise load its own."""
    return httpx.create_ssl_context()


@functools.cache
def _plain_http_tls_context() -> ssl.SSLContext:
    """For an http:// endpoint, which never uses TLS: a context that trusts no certificate,
    so it could verify nothing by mistake, and costs no CA-bundle load on a worker's start."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname check and CERT_REQUIRED on


def describe_error(spec: EndpointSpec, exc: BaseException) -> str:
    """A one-line, secret-free description of a failed call."""
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        root = _innermost_cause(exc)
        detail = "" if root is exc else _describe_cause(root)
        # Judged by the innermost cause: transports map each other's errors loosely (the
        # aiohttp transport reports a refused connection as a connect timeout).
        timed_out = isinstance(root, (TimeoutError, asyncio.TimeoutError))
        if timed_out or "Timeout" in type(root).__name__:
            return f"{spec}: timed out{detail}"
        if isinstance(root, OSError):
            return f"{spec}: cannot connect{detail}"
        return f"{spec}: connection lost{detail}"
    if isinstance(exc, openai.APIStatusError):
        message = _status_message(exc)
        return f"{spec}: HTTP {exc.status_code}: {message}"
    return f"{spec}: {type(exc).__name__}: {exc}"


def _innermost_cause(exc: BaseException) -> BaseException:
    """The exception at the bottom of a chain (aiohttp in httpx in openai, for instance)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _describe_cause(cause: BaseException) -> str:
    text = str(cause).strip()
    return f": {type(cause).__name__}: {text}" if text else f": {type(cause).__name__}"


def _status_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return str(exc.message)[:300]


def check_endpoints(specs: list[tuple[str, EndpointSpec]], *, timeout: float = 10.0) -> None:
    """Fail fast, once, when an endpoint is unreachable or does not serve its model.

    ``specs`` are (role, spec) pairs; the error names the role. Each server (URL and key)
    is asked for its models once, however many roles use it. Servers that do not
    implement ``/models`` are accepted: the first real call will tell.
    """
    served_by: dict[tuple[str | None, str], list[str] | None] = {}
    for role, spec in specs:
        server = (spec.base_url, spec.api_key())
        try:
            if server not in served_by:
                served_by[server] = _served_models(spec, timeout)
            served = served_by[server]
            if served and spec.model not in served:
                shown = ", ".join(served[:20]) + (" ..." if len(served) > 20 else "")
                raise EndpointError(
                    f"{spec}: model {spec.model!r} is not served here (serves: {shown})"
                )
        except EndpointError as exc:
            raise EndpointError(f"cannot use the {role} endpoint: {exc}") from None


def _served_models(spec: EndpointSpec, timeout: float) -> list[str] | None:
    """The models a server lists; None when it has no ``/models``."""
    client = openai.OpenAI(
        base_url=spec.base_url, api_key=spec.api_key(), timeout=timeout, max_retries=0
    )
    try:
        with client:
            return [m.id for m in client.models.list()]
    except openai.APIStatusError as exc:
        if exc.status_code in (404, 405, 501):
            return None
        raise EndpointError(describe_error(spec, exc)) from None
    except openai.APIError as exc:
        raise EndpointError(describe_error(spec, exc)) from None
