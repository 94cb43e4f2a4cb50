"""The release decision as a test case of its own in pytest's JUnit XML (``--junitxml``).

CI systems that read JUnit show failed test cases, not exit statuses: a failed gate over a
run whose every item passed would otherwise look green there. The case is handed to
pytest's own ``LogXML`` as the reports of a test would be, so it is counted in the suite's
totals and written in whichever JUnit family the run chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from _pytest.junitxml import xml_key  # the LogXML instance --junitxml registered

if TYPE_CHECKING:
    from ..analysis.release_decision import ReleaseDecision

NODE_ID = "jmedethic::release_decision"
LOCATION = ("jmedethic", None, "release decision")


@dataclass(frozen=True)
class _Crash:
    message: str


@dataclass(frozen=True)
class _Explanation:
    """A failure's text as LogXML reads it: ``reprcrash.message`` for the one-line
    ``message`` attribute, ``str()`` for the body."""

    reprcrash: _Crash
    text: str

    def __str__(self) -> str:
        return self.text


def record_release_decision(config: pytest.Config, decision: ReleaseDecision | None) -> None:
    """Add the ``jmedethic::release_decision`` case; nothing without ``--junitxml``."""
    xml = config.stash.get(xml_key, None)
    if xml is None or decision is None:
        return
    from ..report.terminal import decision_line, render_decision

    if not decision.decides:
        call = _report("call", "skipped", ("jmedethic", 0, "no release gate was set"))
    elif decision.passed:
        call = _report("call", "passed")
    else:
        line = f"release blocked: {decision_line(decision)}"
        body = "\n".join(render_decision(decision))
        call = _report("call", "failed", _Explanation(_Crash(line), body))
    # LogXML writes a case's properties from its teardown report.
    properties: list[tuple[str, object]] = [
        ("outcome", decision.outcome if decision.decides else "none")
    ]
    properties += [(f"gate: {g.gate}", "pass" if g.passed else "fail") for g in decision.gates]
    teardown = _report("teardown", "passed", properties=properties)
    for report in (_report("setup", "passed"), call, teardown):
        xml.pytest_runtest_logreport(report)


def _report(
    when: str,
    outcome: str,
    longrepr: object = None,
    properties: list[tuple[str, object]] | None = None,
) -> pytest.TestReport:
    return pytest.TestReport(
        NODE_ID,
        LOCATION,
        {},
        outcome,  # type: ignore[arg-type]
        longrepr,  # type: ignore[arg-type]
        when,  # type: ignore[arg-type]
        user_properties=properties or [],
    )
