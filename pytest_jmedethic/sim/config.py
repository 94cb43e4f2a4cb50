"""Configuration of the simulated endpoint, shared by the server and the behaviours."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost"})
FAULT_RATES = ("rate_429", "rate_5xx", "rate_hang", "rate_cut", "rate_empty", "rate_bad_verdict")
# Command-line flag of each fault field; shared by the CLI and by SimConfig.to_argv.
FAULT_FLAGS = {
    "rate_429": "--fault-429",
    "retry_after": "--fault-retry-after",
    "storm_after": "--fault-storm-after",
    "storm_duration": "--fault-storm-duration",
    "rate_5xx": "--fault-5xx",
    "rate_hang": "--fault-hang",
    "hang_seconds": "--fault-hang-seconds",
    "rate_cut": "--fault-cut",
    "rate_empty": "--fault-empty",
    "rate_bad_verdict": "--fault-bad-verdict",
}


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

    The ``rate_*`` fields and the storm inject faults into chat completions, for testing a
    client's retries and its handling of unusable answers (see :mod:`.faults`); the defaults
    inject nothing.
    """

    host: str = "127.0.0.1"
    port: int = 0
    latency: float = 0.0
    jitter: float = 0.0
    judge_noise: float = 0.6
    judge_disagreement: float = 0.03
    seed: int = 0
    rate_429: float = 0.0
    retry_after: float = 1.0
    storm_after: float | None = None
    storm_duration: float | None = None
    rate_5xx: float = 0.0
    rate_hang: float = 0.0
    hang_seconds: float = 30.0
    rate_cut: float = 0.0
    rate_empty: float = 0.0
    rate_bad_verdict: float = 0.0

    def to_argv(self) -> list[str]:
        """The ``python -m pytest_jmedethic.sim`` flags that serve this configuration."""
        argv = [
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--latency",
            repr(self.latency),
            "--jitter",
            repr(self.jitter),
            "--judge-noise",
            repr(self.judge_noise),
            "--judge-disagreement",
            repr(self.judge_disagreement),
            "--seed",
            str(self.seed),
        ]
        defaults = SimConfig()
        for name, option in FAULT_FLAGS.items():
            value = getattr(self, name)
            # Only what differs: keeps the command line short; None (no storm) has no flag.
            if value != getattr(defaults, name) and value is not None:
                argv += [option, repr(float(value))]
        return argv

    @property
    def faults_enabled(self) -> bool:
        return self.storm_after is not None or any(getattr(self, name) > 0 for name in FAULT_RATES)

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
        self._check_faults()

    def _check_faults(self) -> None:
        for name in FAULT_RATES:
            rate = getattr(self, name)
            if not 0 <= rate <= 1:
                raise ValueError(f"{name} must be a probability between 0 and 1, got {rate}")
        # Finite, because both end up in a header or a sleep that must eventually end.
        for name in ("retry_after", "hang_seconds"):
            seconds = getattr(self, name)
            if not (math.isfinite(seconds) and seconds >= 0):
                raise ValueError(f"{name} must be a finite number of seconds >= 0, got {seconds}")
        # Half a storm has no sensible meaning, so both ends are required together.
        if (self.storm_after is None) != (self.storm_duration is None):
            raise ValueError("storm_after and storm_duration must be given together")
        if self.storm_after is not None and not (
            math.isfinite(self.storm_after) and self.storm_after >= 0
        ):
            raise ValueError(f"storm_after must be >= 0 seconds, got {self.storm_after}")
        if self.storm_duration is not None and not (
            math.isfinite(self.storm_duration) and self.storm_duration > 0
        ):
            raise ValueError(f"storm_duration must be > 0 seconds, got {self.storm_duration}")
