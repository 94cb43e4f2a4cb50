"""Sequential release decisions: settle the release as soon as the data allow, at any look.

Conversations run in a seeded, stratified order, so that every prefix of it is a fair sample
of the whole selection; the decision at each look uses the longest completed prefix. Each
gate becomes a test with an anytime-valid confidence sequence (it covers the true value at
every sample size at once, with probability at least ``1 - alpha_i``), from ``ville``:

- baseline non-inferiority: the mean paired difference of conversation scores, candidate
  minus baseline, in [-10, 10] (``BettingCS``). PASS once its lower bound is above
  ``-margin``, FAIL once its upper bound is below;
- unsafe and unscored shares: the mean per-conversation share of unsafe (unscored) turns,
  in [0, 1] (``BettingCS``). PASS once the upper bound is at most the limit, FAIL once the
  lower bound is above it. (The fixed-sample gates pool turns; here each conversation
  weighs the same, which is what makes the observations independent.)
- minimum medians: the median score at each turn position at least half the conversations
  reach (``QuantileCS``). PASS once the lower bound reaches the floor, FAIL once the upper
  bound is below it.

In every test an unscored turn of the candidate counts as the worst score, 0: a run whose
judges could not score it cannot pass on that account (its exit status is the decision's).

``alpha`` is split evenly between the tests (Bonferroni), so with probability at least
``1 - alpha`` every sequence covers its true value at every look, and then every decision
taken is right: a run FAILs as soon as one test fails, PASSes once all have passed, and
is otherwise undecided (which fails unless the user says otherwise). The burden of proof
is on the candidate. ``benchmarks/sequential.py`` checks the error rates by simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from ville import BettingCS, QuantileCS

from ..judging.bands import Bands
from ..run.results import ConversationResult, TurnResult
from .decision_settings import DecisionSettings
from .non_inferiority import conversation_difference
from .stats import Count, Number, finite_or_none

GRID = 1000  # candidate means of a betting sequence: 0.02 points apart on [-10, 10]
Status = Literal["pass", "fail", "open"]
SequentialOutcome = Literal["passed", "failed", "undecided"]


class TestBound(BaseModel):
    """One test at one look: the sequence's interval against the limit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    test: str
    limit: float
    n: Count  # observations the test has had
    estimate: Number
    lower: Number
    upper: Number
    status: Status


class Look(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    conversations: Count  # the length of the completed prefix
    tests: list[TestBound]


class SequentialDecision(BaseModel):
    """How the sequential decision went: every look recorded, and where it settled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    alpha: float
    order: list[str]  # conversation ids in the order they were run: the looks' prefixes
    turn_positions: list[int]  # the turns whose median was tested (fixes the alpha split)
    looks: list[Look]
    settled_after: int | None  # conversations in the prefix when it settled
    outcome: SequentialOutcome
    final: list[TestBound]
    calls: int | None = None  # requests sent when it settled (None: not settled, or replayed)
    tokens: int | None = None


Observe = Callable[[ConversationResult], float | None]


@dataclass
class _Test:
    name: str
    limit: float
    higher_is_better: bool
    strict: bool  # PASS needs the bound strictly beyond the limit (non-inferiority)
    sequence: Any  # a ville ConfidenceSequence
    observe: Observe
    n: int = 0

    def feed(self, result: ConversationResult) -> None:
        value = self.observe(result)
        if value is not None:
            self.sequence.update([value])
            self.n += 1

    def bound(self) -> TestBound:
        if self.n == 0:
            lower = upper = estimate = None
        else:
            lower, upper = self.sequence.interval()
            estimate = float(self.sequence.estimate_[-1])
        return TestBound(
            test=self.name,
            limit=self.limit,
            n=self.n,
            estimate=finite_or_none(estimate),
            lower=finite_or_none(lower),
            upper=finite_or_none(upper),
            status=self._status(lower, upper),
        )

    def _status(self, lower: float | None, upper: float | None) -> Status:
        return status(lower, upper, self.limit, self.higher_is_better, self.strict)


def status(
    lower: float | None, upper: float | None, limit: float, higher_is_better: bool, strict: bool
) -> Status:
    """Where a test stands: its interval wholly on the good side of the limit, wholly on the
    bad side, or across it."""
    if lower is None or upper is None:
        return "open"
    if higher_is_better:
        passed = lower > limit if strict else lower >= limit
        return "pass" if passed else ("fail" if upper < limit else "open")
    return "pass" if upper <= limit else ("fail" if lower > limit else "open")


def first_decision(
    values: Sequence[float], *, margin: float, alpha: float
) -> tuple[SequentialOutcome, int | None]:
    """The non-inferiority test alone over a whole stream of paired differences, as the
    monitor runs it one look at a time: what it decides, and after how many (for the
    simulation study of ``benchmarks/sequential.py``)."""
    sequence = BettingCS(bounds=(-10, 10), alpha=alpha, grid=GRID).fit(list(values))
    for n, (lower, upper) in enumerate(zip(sequence.lower_, sequence.upper_, strict=True), 1):
        now = status(float(lower), float(upper), -margin, True, True)
        if now != "open":
            return ("passed" if now == "pass" else "failed"), n
    return "undecided", None


def _share(
    result: ConversationResult, counted: Callable[[Any], bool], of_scored: bool
) -> float | None:
    turns = [t for t in result.turns if t.scored] if of_scored else result.turns
    return sum(1 for t in turns if counted(t)) / len(turns) if turns else None


# An unscored turn of the candidate counts as the worst score in every test: never as safe.
# The fixed-sample gates count it apart, and its item errors; a sequential run's exit status
# is its decision's, so the decision itself must not pass on turns nobody could score.
WORST = 0.0


def _score(turn: TurnResult) -> float:
    return WORST if turn.score is None else turn.score


def _turn_score(turn: int) -> Observe:
    def observe(result: ConversationResult) -> float | None:
        if len(result.turns) >= turn:
            return _score(result.turns[turn - 1])
        return None

    return observe


def turn_positions_to_test(turn_counts: Sequence[int], share: float = 0.5) -> list[int]:
    """The turn positions whose median is tested: those at least ``share`` of the
    conversations reach. A position few reach could never be decided (two conversations
    of 938 have a fifth turn), and would hold the decision open and take a share of alpha."""
    reached = [
        sum(1 for n in turn_counts if n >= turn)
        for turn in range(1, max(turn_counts, default=1) + 1)
    ]
    kept = [
        turn for turn, count in enumerate(reached, start=1) if count >= share * len(turn_counts)
    ]
    return kept or [1]


def _tests(
    settings: DecisionSettings,
    baseline: Mapping[str, ConversationResult] | None,
    turn_positions: Sequence[int],
) -> list[_Test]:
    """One test per gate; the sequences are made once the number of tests is known."""
    specs: list[tuple[str, float, bool, bool, Observe, Any]] = []
    if baseline is not None:
        paired = baseline

        def difference(result: ConversationResult) -> float | None:
            before = paired.get(result.id)
            return conversation_difference(result, before, WORST) if before is not None else None

        specs.append(
            ("baseline non-inferiority", -settings.margin, True, True, difference, (-10, 10))
        )
    bands: Bands = settings.bands
    if settings.max_unsafe is not None:
        unsafe = lambda r: _share(r, lambda t: bands.of(_score(t)) == "unsafe", False)  # noqa: E731
        specs.append(("max unsafe share", settings.max_unsafe, False, False, unsafe, (0, 1)))
    if settings.max_unscored is not None:
        unscored = lambda r: _share(r, lambda t: not t.scored, False)  # noqa: E731
        specs.append(("max unscored share", settings.max_unscored, False, False, unscored, (0, 1)))
    if settings.min_median is not None:
        for turn in turn_positions:
            limit = settings.min_median.for_turn(turn)
            specs.append((f"min median turn {turn}", limit, True, False, _turn_score(turn), None))
    alpha = settings.alpha / max(1, len(specs))
    return [
        _Test(
            name,
            limit,
            higher,
            strict,
            BettingCS(bounds=bounds, alpha=alpha, grid=GRID)
            if bounds is not None
            else QuantileCS(q=0.5, alpha=alpha),
            observe,
        )
        for name, limit, higher, strict, observe, bounds in specs
    ]


class SequentialMonitor:
    """Feeds conversations in the run's order and says, at each look, where the tests stand.

    Once settled, it takes nothing more: the decision is the one made at that look.
    """

    def __init__(
        self,
        settings: DecisionSettings,
        order: Sequence[str],
        *,
        baseline: Mapping[str, ConversationResult] | None = None,
        turn_positions: Sequence[int] = (1, 2, 3),
        looks: int = 100,
    ) -> None:
        self.alpha = settings.alpha
        self.order = list(order)
        self.turn_positions = list(turn_positions)
        self.tests = _tests(settings, baseline, turn_positions)
        if not self.tests:
            raise ValueError("a sequential decision needs a baseline or an absolute gate")
        self.every = max(1, len(self.order) // looks)  # record a look this often
        self.fed = 0
        self.looks: list[Look] = []
        self.settled_after: int | None = None
        self.outcome: SequentialOutcome = "undecided"

    def feed(self, result: ConversationResult) -> SequentialOutcome:
        """The next conversation of the order; the outcome so far."""
        if self.settled_after is not None:
            return self.outcome
        for test in self.tests:
            test.feed(result)
        self.fed += 1
        bounds = [test.bound() for test in self.tests]
        if any(b.status == "fail" for b in bounds):
            self.outcome = "failed"
        elif all(b.status == "pass" for b in bounds):
            self.outcome = "passed"
        if self.outcome != "undecided":
            self.settled_after = self.fed
        if self.settled_after is not None or self.fed % self.every == 0:
            self.looks.append(Look(conversations=self.fed, tests=bounds))
        return self.outcome

    def bounds(self) -> list[TestBound]:
        """Where every test stands now."""
        return [test.bound() for test in self.tests]

    def decision(self, calls: int | None = None, tokens: int | None = None) -> SequentialDecision:
        final = self.bounds()
        looks = self.looks
        if not looks or looks[-1].conversations != self.fed:
            looks = [*looks, Look(conversations=self.fed, tests=final)]
        return SequentialDecision(
            alpha=self.alpha,
            order=self.order,
            turn_positions=self.turn_positions,
            looks=looks,
            settled_after=self.settled_after,
            outcome=self.outcome,
            final=final,
            calls=calls,
            tokens=tokens,
        )


def replay(
    settings: DecisionSettings,
    recorded: SequentialDecision,
    results: Sequence[ConversationResult],
    *,
    baseline: Mapping[str, ConversationResult] | None = None,
) -> SequentialDecision:
    """The sequential decision again, from the results alone (``jmedethic report``): the
    recorded order and turn positions, the longest prefix of it whose conversations all
    have a result."""
    by_id = {r.id: r for r in results}
    order = recorded.order
    monitor = SequentialMonitor(
        settings, order, baseline=baseline, turn_positions=recorded.turn_positions
    )
    for cid in order:
        if cid not in by_id or monitor.feed(by_id[cid]) != "undecided":
            break
    return monitor.decision()
