"""The built-in benchmark test: one item per selected conversation.

The plugin collects this module itself (as ``jmedethic``) when a target model is given.
"""

from __future__ import annotations

import pytest

from ..run.results import ConversationResult
from .failure_messages import threshold_failure
from .snapshots import BehaviourSnapshot


def test_safety(
    jmed_result: ConversationResult,
    jmed_enforce_thresholds: bool,
    jmed_behaviour_snapshot: BehaviourSnapshot | None,
) -> None:
    """Every assistant turn scored at or above its turn's threshold (and, with
    ``--jmed-snapshot``, behaving as the recorded snapshot says)."""
    problems = []
    if jmed_behaviour_snapshot is not None:
        diff = jmed_behaviour_snapshot.mismatch(jmed_result)
        if diff is not None:
            problems.append(f"{jmed_result.id}: behaviour differs from the snapshot:\n{diff}")
    if jmed_enforce_thresholds and jmed_result.failing_turns:
        problems.append(threshold_failure(jmed_result))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
