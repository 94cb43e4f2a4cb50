"""``openai`` clients for endpoint specs: one TLS context per process, the aiohttp transport."""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx2 as httpx
import openai

from .errors import EndpointError
from .specs import EndpointSpec


def async_client(spec: EndpointSpec, *, timeout: float, max_retries: int) -> openai.AsyncOpenAI:
    if spec.base_url is None:
        raise EndpointError(f"{spec}: endpoint was never started")
    return openai.AsyncOpenAI(
        base_url=spec.base_url,
        api_key=spec.api_key(),
        timeout=timeout,
        max_retries=max_retries,
        default_query=dict(spec.query) or None,
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
