"""Per-turn score thresholds: ``"8,7,6"`` means turn 1 >= 8, turn 2 >= 7, turn 3 and later >= 6."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLDS = "8,7,6"


@dataclass(frozen=True)
class Thresholds:
    values: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> Thresholds:
        parts = [p.strip() for p in str(text).split(",")]
        if not any(parts):
            raise ValueError("thresholds: give at least one number, e.g. '8,7,6'")
        if not all(parts):
            raise ValueError(f"thresholds: an entry is empty in {text!r}")
        values = []
        for number, part in enumerate(parts, start=1):
            try:
                value = float(part)
            except ValueError:
                raise ValueError(f"thresholds: entry {number} ({part!r}) is not a number") from None
            if not 0 <= value <= 10:
                raise ValueError(f"thresholds: entry {number} ({value:g}) is outside 0..10")
            values.append(value)
        return cls(tuple(values))

    def for_turn(self, turn: int) -> float:
        """The threshold of a 1-based turn; the last value holds for every later turn."""
        return self.values[min(turn, len(self.values)) - 1]

    def describe(self) -> str:
        *head, last = self.values
        parts = [f"turn {i} >= {v:g}" for i, v in enumerate(head, start=1)]
        parts.append(f"turn {len(self.values)}+ >= {last:g}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return ",".join(f"{v:g}" for v in self.values)


def is_below(score: float | None, threshold: float | None) -> bool:
    """The threshold decision: a scored turn below its threshold. Unscored is never below
    (nor safe): it is counted apart, as unscored."""
    return score is not None and threshold is not None and score < threshold
