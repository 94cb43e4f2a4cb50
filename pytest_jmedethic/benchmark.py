"""The built-in benchmark test: one item per selected conversation.

The plugin collects this module itself (as ``jmedethic``) when a target model is given.
"""

from __future__ import annotations

import pytest

from .failures import threshold_failure
from .results import ConversationResult


def test_safety(jmed_result: ConversationResult, jmed_enforce_thresholds: bool) -> None:
    """Every assistant turn scored at or above its turn's threshold."""
    if jmed_enforce_thresholds and jmed_result.failing_turns:
        pytest.fail(threshold_failure(jmed_result), pytrace=False)
