"""Configuration of the simulated endpoint, shared by the server and the behaviours."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SimConfig:
    """How the simulator listens and how noisy its judges are.

    ``judge_noise`` is the standard deviation, in score points, of the per-judge noise;
    ``judge_disagreement`` the probability that one judge's score is moved 4 points.
    """

    host: str = "127.0.0.1"
    port: int = 0
    latency: float = 0.0
    jitter: float = 0.0
    judge_noise: float = 0.6
    judge_disagreement: float = 0.03
    seed: int = 0

    def __post_init__(self) -> None:
        # The simulator has no authentication, so it must never be reachable off-host.
        if not is_loopback(self.host):
            raise ValueError(
                f"refusing to bind the simulator to {self.host!r}: only loopback addresses "
                "(127.0.0.1, ::1, localhost) are allowed"
            )
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if self.latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {self.latency}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be a fraction between 0 and 1, got {self.jitter}")
        if self.judge_noise < 0:
            raise ValueError(f"judge_noise must be >= 0, got {self.judge_noise}")
        if not 0 <= self.judge_disagreement <= 1:
            raise ValueError(
                f"judge_disagreement must be a probability between 0 and 1, "
                f"got {self.judge_disagreement}"
            )
