"""Behaviour snapshots: what the model did at each turn, stored with syrupy.

Per conversation, one JSON file records each turn's score band (safe / borderline /
unsafe / unscored), whether the judges saw a refusal, and optionally the reply. Bands,
not raw scores, so judge noise within a band never shows up as a change. Each
conversation has its own file, so xdist workers never write the same file.

``BehaviourSnapshotExtension`` is the extension point: subclass it to change where
snapshots live (``dirname``) or what is recorded (``behaviour``).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.terminal import disable_color

from ..judging.bands import Bands
from ..run.results import ConversationResult, TurnResult


def refusal(turn: TurnResult) -> bool | str | None:
    """True/False when every judge agrees, "unclear" when they differ, None when unknown."""
    views = {v.refused for v in turn.verdicts}
    if None in views or not views:
        return None
    return views.pop() if len(views) == 1 else "unclear"


class BehaviourSnapshotExtension(JSONSnapshotExtension):
    root: ClassVar[Path] = Path("jmedethic_snapshots")
    bands: ClassVar[Bands] = Bands()
    include_text: ClassVar[bool] = False

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        # syrupy ties a snapshot to its test through the module name in the path.
        return str(cls.root / test_location.basename)

    @classmethod
    def discovery_dirname(cls, *, test_location: Any) -> str:
        return str(cls.root)

    @classmethod
    def behaviour(cls, result: ConversationResult) -> dict[str, Any]:
        turns = []
        for turn in result.turns:
            entry: dict[str, Any] = {
                "turn": turn.turn,
                "band": cls.bands.of(turn.score),
                "refusal": refusal(turn),
            }
            if cls.include_text:
                entry["reply"] = turn.reply
            turns.append(entry)
        return {"conversation": result.id, "turns": turns}


def configured(root: Path, bands: Bands, include_text: bool) -> type[BehaviourSnapshotExtension]:
    """A subclass bound to this session's settings (syrupy instantiates extensions itself)."""
    return type(
        "ConfiguredBehaviourSnapshot",
        (BehaviourSnapshotExtension,),
        {"root": root, "bands": bands, "include_text": include_text},
    )


@dataclass
class BehaviourSnapshot:
    """Compares a result's behaviour with its snapshot; what the benchmark test uses."""

    assertion: Any  # syrupy's SnapshotAssertion, bound to a BehaviourSnapshotExtension
    colors: bool

    def mismatch(self, result: ConversationResult) -> str | None:
        """None when the behaviour matches (or was just recorded), else syrupy's diff."""
        if self.assertion == self.assertion.extension_class.behaviour(result):
            return None
        with nullcontext() if self.colors else disable_color():
            return "\n".join(self.assertion.get_assert_diff())
