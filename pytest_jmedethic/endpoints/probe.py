"""The start-of-session probe: every endpoint reachable, serving its model, and answering
a chat completion the way the run's items will ask for one, once, before anything runs.

A wrong key, URL, model or query string then fails the session once, with one message,
instead of failing every item. Each server (URL, query and key) is asked for its models
once, however many roles use it; servers without ``/models`` are accepted. Each distinct
endpoint then answers one chat completion of one token, through the same client, transport
and retry path as the items (``Completer``); ``chat=False`` skips that call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import openai

from .clients import async_client
from .completer import Completer
from .errors import EndpointError, describe_error
from .retry import CallFailed, FatalEndpointError, RetryPolicy
from .specs import EndpointSpec

PROBE_MESSAGES = [{"role": "user", "content": "Reply with OK."}]
PROBE_SETTINGS = {"max_tokens": 1, "temperature": 0.0}
PROBE_RETRIES = RetryPolicy(attempts=3, max_wait=10.0)  # a 429 at start-up is no reason to stop

Roles = Sequence[tuple[str, EndpointSpec]]


def probe_endpoints(roles: Roles, *, timeout: float = 10.0, chat: bool = True) -> None:
    """Raise ``EndpointError`` naming the role of the first endpoint that cannot be used."""
    _check_models(roles, timeout)
    if chat:
        asyncio.run(_chat_once_each(roles, timeout))


def _check_models(roles: Roles, timeout: float) -> None:
    served_by: dict[tuple[object, ...], list[str] | None] = {}
    for role, spec in roles:
        server = (spec.base_url, spec.query, spec.api_key())
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
        base_url=spec.base_url,
        api_key=spec.api_key(),
        timeout=timeout,
        max_retries=0,
        default_query=dict(spec.query) or None,
    )
    try:
        with client:
            return [m.id for m in client.models.list()]
    except openai.APIStatusError as exc:
        if exc.status_code in (404, 405, 501):
            return None
        raise EndpointError(describe_error(spec, exc)) from None
    except Exception as exc:  # openai's errors, and whatever else the HTTP stack raises
        raise EndpointError(describe_error(spec, exc)) from None


async def _chat_once_each(roles: Roles, timeout: float) -> None:
    asked: set[tuple[object, ...]] = set()
    for role, spec in roles:
        endpoint = (spec.base_url, spec.query, spec.api_key(), spec.model)
        if endpoint in asked:
            continue
        asked.add(endpoint)
        completer = Completer(
            role="probe",
            spec=spec,
            client=async_client(spec, timeout=timeout, max_retries=0),
            settings=PROBE_SETTINGS,
            policy=PROBE_RETRIES,
        )
        try:
            await completer.complete(PROBE_MESSAGES)
        except (FatalEndpointError, CallFailed) as exc:
            raise EndpointError(f"cannot use the {role} endpoint: {exc}") from None
        finally:
            await completer.client.close()
