"""What crosses xdist's channel between the controller and its workers.

To a worker (``workerinput``): the URLs of the servers the controller started and the
address of the shared rate limiter. From a worker (``workeroutput``): how many requests it
sent. With each test report: the conversation's result, as a plain dict.
"""

from __future__ import annotations

SERVERS_KEY = "jmedethic_endpoints"
LIMITER_KEY = "jmedethic_limiter"
CALLS_KEY = "jmedethic_calls"
RESULT_ATTRIBUTE = "jmedethic_result"
