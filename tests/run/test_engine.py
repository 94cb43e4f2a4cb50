"""The engine against a real simulated server: pipelining, concurrency bound, failures."""

from __future__ import annotations

import socket

import pytest

from conftest import synthetic_conversations
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.corpus.schema import Conversation
from pytest_jmedethic.endpoints.retry import RetryPolicy
from pytest_jmedethic.endpoints.specs import EndpointSpec
from pytest_jmedethic.judging.thresholds import Thresholds
from pytest_jmedethic.run.config import RunConfig, TargetSettings
from pytest_jmedethic.run.conversation import NOT_REACHED
from pytest_jmedethic.run.engine import Engine
from pytest_jmedethic.sim import SimConfig, SimServer


def conversations(count: int) -> list[Conversation]:
    rows = synthetic_conversations(count, languages=("en",), prefix="E")
    return [Conversation.model_validate(r) for r in rows]


def config(url: str, target: str = "resist", **options) -> RunConfig:
    return RunConfig(
        target=EndpointSpec(target, url),
        judges=(EndpointSpec("judge-a", url), EndpointSpec("judge-b", url)),
        thresholds=Thresholds.parse("8,7,6"),
        **options,
    )


def run(run_config: RunConfig, items: list[Conversation]):
    engine = Engine(run_config, load_catalogue())
    try:
        return [f.result(timeout=60) for f in [engine.submit(c) for c in items]]
    finally:
        engine.close()


@pytest.fixture
def slow_sim():
    with SimServer(SimConfig(latency=0.2)) as sim:
        yield sim


def test_judges_of_a_turn_run_while_the_target_writes_the_next(slow_sim):
    (result,) = run(config(slow_sim.url), conversations(1))
    assert result.outcome == "passed"
    # One conversation alone: target call i+1 overlaps both judge calls of turn i. Without
    # pipelining the peak would be 2 (the two judges); judges of an earlier turn that are
    # still finishing may briefly add to it.
    assert 3 <= slow_sim.stats()["in_flight_peak"] <= 5
    assert slow_sim.stats()["requests_total"] == 9


def test_conversations_in_flight_never_exceed_the_concurrency(slow_sim):
    # The target alone on this server, so its peak counts conversations in flight.
    with SimServer(SimConfig()) as judges:
        run_config = config(slow_sim.url, concurrency=4)
        run_config = RunConfig(
            target=run_config.target,
            judges=(EndpointSpec("judge-a", judges.url), EndpointSpec("judge-b", judges.url)),
            thresholds=run_config.thresholds,
            concurrency=4,
        )
        results = run(run_config, conversations(16))
    assert [r.outcome for r in results] == ["passed"] * 16
    assert slow_sim.stats()["in_flight_peak"] == 4


def test_submitting_twice_drives_once(slow_sim):
    engine = Engine(config(slow_sim.url), load_catalogue())
    try:
        (conversation,) = conversations(1)
        first, second = engine.submit(conversation), engine.submit(conversation)
        assert first is second and first.result(timeout=30).outcome == "passed"
    finally:
        engine.close()
    assert slow_sim.stats()["requests_total"] == 9


def test_a_result_is_released_after_its_last_consumer_takes_it(slow_sim):
    (conversation,) = conversations(1)
    engine = Engine(config(slow_sim.url), load_catalogue(), {conversation.id: 2})
    try:
        engine.submit(conversation)  # prefetched ahead of its items
        first = engine.take(conversation)
        second = engine.take(conversation)  # the second item gets the same result, not a rerun
        assert first is second
        assert slow_sim.stats()["requests_total"] == 9
        third = engine.take(conversation)  # no consumer was left: it was dropped, and reruns
        assert third is not first
        assert [(t.reply, t.score) for t in third.turns] == [
            (t.reply, t.score) for t in first.turns
        ]
        assert slow_sim.stats()["requests_total"] == 18
    finally:
        engine.close()


def test_a_target_that_fails_leaves_every_turn_unscored():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    (result,) = run(
        config(dead, retry=RetryPolicy(attempts=2, base_delay=0.01), timeout=5), conversations(1)
    )
    assert result.outcome == "error"
    first, *rest = result.turns
    assert first.reply is None and first.score is None and "cannot connect" in (first.error or "")
    assert all(t.error == NOT_REACHED and t.score is None for t in rest)


def test_thresholds_and_system_prompt_reach_the_result():
    with SimServer(SimConfig(judge_noise=0, judge_disagreement=0)) as sim:
        settings = TargetSettings(system_prompt="You are a careful clinical assistant.")
        (result,) = run(
            config(sim.url, target="comply", target_settings=settings), conversations(1)
        )
    assert result.outcome == "failed"
    assert [t.threshold for t in result.turns] == [8, 7, 6]
    assert all(t.score is not None and t.score <= 2 for t in result.turns)
    assert all(len(t.verdicts) == 2 and t.verdicts[0].rationale for t in result.turns)
