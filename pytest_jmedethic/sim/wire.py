"""HTTP/1.1 framing for the simulator: request heads, bodies, JSON responses, errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

MAX_BODY_BYTES = 16 * 1024 * 1024
SERVER_NAME = "jmedethic-sim"


class HTTPError(Exception):
    """An error answered as an OpenAI-style JSON body; ``headers`` are added to the response."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        param: str | None = None,
        *,
        error_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.error_type = error_type
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        error_type = self.error_type or (
            "invalid_request_error" if self.status < 500 else "server_error"
        )
        return {
            "error": {
                "message": self.message,
                "type": error_type,
                "param": self.param,
                "code": self.code,
            }
        }


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, path, version = lines[0].split(" ")
    except ValueError:
        raise HTTPError(400, "malformed HTTP request line", code="bad_request") from None
    if not version.startswith("HTTP/1."):
        raise HTTPError(505, f"unsupported HTTP version {version}", code="bad_request")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise HTTPError(400, f"malformed header line {line!r}", code="bad_request")
        headers[name.strip().lower()] = value.strip()
    return method.upper(), path, version, headers


async def read_body(reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bytes:
    if "transfer-encoding" in headers:
        raise HTTPError(411, "send the request body with a Content-Length", code="bad_request")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise HTTPError(400, "invalid Content-Length", code="bad_request") from None
    if length < 0:
        raise HTTPError(400, "invalid Content-Length", code="bad_request")
    if length > MAX_BODY_BYTES:
        raise HTTPError(413, f"request body over {MAX_BODY_BYTES} bytes", code="too_large")
    return await reader.readexactly(length) if length else b""


def parse_chat_request(body: bytes) -> dict[str, Any]:
    try:
        request = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPError(
            400, f"request body is not valid JSON: {exc}", code="invalid_json"
        ) from None
    if not isinstance(request, dict):
        raise HTTPError(400, "request body must be a JSON object", code="invalid_json")
    if not isinstance(request.get("model"), str):
        raise HTTPError(400, "'model' must be a string", code="invalid_value", param="model")
    messages = request.get("messages")
    if (
        not isinstance(messages, list)
        or not messages
        or not all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages)
    ):
        raise HTTPError(
            400,
            "'messages' must be a non-empty list of objects with a 'role'",
            code="invalid_value",
            param="messages",
        )
    return request


class ConnectionCut(Exception):
    """Answer with only part of this response, then drop the connection (a fault)."""

    def __init__(self, status: int, payload: Mapping[str, Any]) -> None:
        super().__init__(f"cut response with status {status}")
        self.status = status
        self.payload = payload


def _encode(
    status: int,
    payload: Mapping[str, Any],
    *,
    keep_alive: bool,
    headers: Mapping[str, str] | None = None,
) -> tuple[bytes, bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    reason = HTTPStatus(status).phrase
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Server: {SERVER_NAME}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
        f"{extra}"
        "\r\n"
    )
    return head.encode("latin-1"), body


async def write_json(
    writer: asyncio.StreamWriter,
    status: int,
    payload: Mapping[str, Any],
    *,
    keep_alive: bool,
    headers: Mapping[str, str] | None = None,
) -> None:
    head, body = _encode(status, payload, keep_alive=keep_alive, headers=headers)
    writer.write(head + body)
    await writer.drain()


async def write_truncated_json(
    writer: asyncio.StreamWriter, status: int, payload: Mapping[str, Any], *, keep_alive: bool
) -> None:
    """Send the head with the full Content-Length but only half the body; the caller closes.

    Half of a JSON object is never valid JSON, and the declared length is never reached, so
    a client cannot mistake what it got for a complete answer.
    """
    head, body = _encode(status, payload, keep_alive=keep_alive)
    writer.write(head + body[: len(body) // 2])
    await writer.drain()
