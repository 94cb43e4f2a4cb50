"""What crosses from the controller to the processes that run items, and back.

To a worker: the servers the controller started and the address of the shared rate limiter
(a ``Handoff``; over xdist's channel as ``workerinput``, in-process with ``-n 0`` as it
is). From a worker (``workeroutput``): how many requests it sent. With each test report:
the conversation's result, as a plain dict, and the worker's requests so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SERVERS_KEY = "jmedethic_endpoints"
LIMITER_KEY = "jmedethic_limiter"
CALLS_KEY = "jmedethic_calls"
RESULT_ATTRIBUTE = "jmedethic_result"
# The sending worker's requests so far, with each result: the count survives an interrupt
# that keeps the worker's final workeroutput from arriving.
CALLS_ATTRIBUTE = "jmedethic_calls"


@dataclass(frozen=True)
class Handoff:
    servers: dict[str, list[str]] = field(default_factory=dict)  # SessionServers.to_wire()
    limiter_address: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {SERVERS_KEY: self.servers, LIMITER_KEY: self.limiter_address}

    @classmethod
    def from_wire(cls, workerinput: Mapping[str, Any]) -> Handoff:
        return cls(
            servers=dict(workerinput.get(SERVERS_KEY) or {}),
            limiter_address=workerinput.get(LIMITER_KEY),
        )


def worker_count(tx: Sequence[str]) -> int:
    """How many xdist workers the ``--tx`` specs (``-n N`` makes N of ``popen``) start."""
    total = 0
    for spec in tx:
        count, star, _ = spec.partition("*")
        total += int(count) if star and count.isdigit() else 1
    return total


def conversation_ids(nodeids: Sequence[str], selected: set[str]) -> set[str]:
    """The selected conversations that the collected items (node ids ``name[ID]``) run."""
    found = set()
    for nodeid in nodeids:
        if nodeid.endswith("]") and "[" in nodeid:
            parameter = nodeid[nodeid.rindex("[") + 1 : -1]
            if parameter in selected:
                found.add(parameter)
    return found
