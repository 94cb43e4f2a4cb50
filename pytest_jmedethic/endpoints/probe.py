"""The start-of-session check: every endpoint reachable and serving its model, once."""

from __future__ import annotations

import openai

from .errors import EndpointError, describe_error
from .specs import EndpointSpec


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
