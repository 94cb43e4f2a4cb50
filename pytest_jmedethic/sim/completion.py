"""The chat completion the simulator answers with, and the tokens it reports using.

Tokens are estimated from the text (``behaviours.estimate_tokens``). Like a hosted
provider's prompt cache, a system message this model has seen before is reported as
cached prompt tokens (``prompt_tokens_details.cached_tokens``): the judges' rubric and
instructions are such a leading prefix, which is what lets the plugin show a cached share.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import behaviours


class PromptCache:
    """Which leading system messages each model has seen."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def cached_tokens(self, model: str, messages: list[Any]) -> int:
        if not messages or not isinstance(messages[0], dict):
            return 0
        first = messages[0]
        if first.get("role") != "system":
            return 0
        text = behaviours.message_text(first)
        key = (model, hashlib.blake2b(text.encode(), digest_size=16).hexdigest())
        if key in self._seen:
            return 4 + behaviours.estimate_tokens(text)
        self._seen.add(key)
        return 0


def completion(
    seed: int, body: bytes, model: str, messages: list[Any], text: str, cache: PromptCache
) -> dict[str, Any]:
    """A chat completion object with ``text`` as the reply, and its token usage."""
    prompt_tokens = sum(
        4 + behaviours.estimate_tokens(behaviours.message_text(m)) for m in messages
    )
    completion_tokens = behaviours.estimate_tokens(text)
    # From the request bytes: as stable as hashing the messages, without re-encoding them.
    digest = hashlib.blake2b(f"id:{seed}:".encode() + body, digest_size=8)
    return {
        "id": f"chatcmpl-sim-{digest.hexdigest()}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cache.cached_tokens(model, messages)},
        },
    }
