"""What went wrong with a call, in one secret-free line.

Transports wrap each other's exceptions (aiohttp inside httpx inside openai), so a failure
is described by its innermost cause; an HTTP error by its status and the server's message.
"""

from __future__ import annotations

import asyncio

import openai

from .specs import EndpointSpec


class EndpointError(Exception):
    """A call to an endpoint failed; the message is one line, safe to show (no secrets).
    ``retry`` tells apart a failure that ends a turn (``CallFailed``) from one that ends the
    run (``FatalEndpointError``); catch this to handle both."""


def describe_error(spec: EndpointSpec, exc: BaseException) -> str:
    """A one-line, secret-free description of a failed call."""
    return spec.scrub(" ".join(_describe(spec, exc).split()))


NETWORK_PACKAGES = ("aiohttp", "httpx", "httpx2", "httpcore", "httpcore2", "h11", "anyio", "ssl")


def is_network_failure(exc: BaseException) -> bool:
    """Whether a failed connection is the network's doing (which may heal) rather than an
    oddity of the client (a ``ValueError`` in the transport, which will not)."""
    root = innermost_cause(exc)
    if root is exc and isinstance(exc, openai.APIConnectionError):
        return True  # nothing below it to tell otherwise
    package = type(root).__module__.split(".")[0]
    return isinstance(root, (OSError, TimeoutError, EOFError)) or package in NETWORK_PACKAGES


def _describe(spec: EndpointSpec, exc: BaseException) -> str:
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        root = innermost_cause(exc)
        detail = "" if root is exc else _describe_cause(root)
        if not is_network_failure(exc):
            return f"{spec}: the HTTP client failed{detail}"
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
    if isinstance(exc, openai.APIError):  # e.g. a body that is not a chat completion
        return f"{spec}: {type(exc).__name__}: {exc}"
    return f"{spec}: the HTTP client failed{_describe_cause(exc)}"


def innermost_cause(exc: BaseException) -> BaseException:
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
