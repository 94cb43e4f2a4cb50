"""Token accounting: every call's usage by role and model, prices, and what the cache saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.endpoints.usage import Price, Usage
from pytest_jmedethic.judging.prompts import build_judge_messages
from pytest_jmedethic.plugin.options import SettingsError, defaults
from pytest_jmedethic.plugin.settings import Settings
from pytest_jmedethic.sim import SimConfig, start_subprocess

pytest_plugins = ["pytester"]


def test_a_price_is_per_million_tokens_and_cached_input_may_cost_less() -> None:
    model, price = Price.parse("gpt-x=2.5,10,1.25")
    assert model == "gpt-x" and price == Price(input=2.5, output=10, cached_input=1.25)
    usage = Usage(
        calls=3, prompt_tokens=1_000_000, completion_tokens=200_000, cached_prompt_tokens=400_000
    )
    assert price.cost(usage) == pytest.approx(0.6 * 2.5 + 0.4 * 1.25 + 0.2 * 10)
    _, plain = Price.parse("org/model:v1=1,2")  # model names may hold ':' and '/'
    assert plain.cost(usage) == pytest.approx(1.0 + 0.4)


@pytest.mark.parametrize(
    "text", ["gpt-x", "gpt-x=1", "gpt-x=a,b", "=1,2", "gpt-x=1,2,3,4", "m=-1,2"]
)
def test_a_bad_price_names_the_option(text: str) -> None:
    with pytest.raises(SettingsError, match="--jmed-price: expected MODEL=IN,OUT"):
        Settings.from_values({**defaults(), "price": [text]}, root=Path("/"), rootpath=Path("/"))


def test_the_stable_part_of_a_judge_prompt_is_one_leading_prefix() -> None:
    """Server-side prompt caches match on the longest common prefix: the rubric, the
    instructions and the guideline must come first and read the same for every turn."""
    guideline = load_catalogue().guidelines["G09"]
    one = build_judge_messages(guideline, "ja", [("質問1", "回答1")])
    three = build_judge_messages(guideline, "ja", [("別の質問", "a"), ("b", "c"), ("d", "e")])
    assert one[0] == three[0] and one[0]["role"] == "system"  # rubric + instructions
    first, later = one[1]["content"], three[1]["content"]
    guideline_block = first[: first.index("</guideline>") + len("</guideline>")]
    assert later.startswith(guideline_block) and "<transcript>" not in guideline_block


def test_token_totals_are_what_the_simulator_returned(pytester, tmp_path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", synthetic_conversations(30))
    report = tmp_path / "r.json"
    with start_subprocess(SimConfig(judge_noise=0.6)) as sim:
        common = [
            f"--jmed-model=wearing@{sim.url}",
            f"--jmed-judge=judge-a@{sim.url}",
            f"--jmed-judge=judge-b@{sim.url}",
            f"--jmed-conversations={corpus}",
            "--jmed-no-probe",  # only the run's own calls
            f"--jmed-cache={tmp_path / 'cache.sqlite'}",
            "--jmed-price=wearing=1,2",
            "--jmed-price=judge-a=3,15,0.3",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
        ]
        first = pytester.runpytest_subprocess(*common, f"--jmed-report={report}")
        returned = sim.stats()["tokens"]
        again = pytester.runpytest_subprocess(*common, f"--jmed-report={tmp_path / 'again.json'}")
        after = sim.stats()["tokens"]
    assert first.ret in (0, 1) and again.ret == first.ret
    data = json.loads(report.read_text("utf-8"))
    total = data["tokens"]["total"]["usage"]
    assert total["prompt_tokens"] == returned["prompt_tokens"] > 0
    assert total["completion_tokens"] == returned["completion_tokens"] > 0
    assert total["cached_prompt_tokens"] == returned["cached_prompt_tokens"] > 0
    assert total["calls"] == data["run"]["calls_sent"] == 30 * 3 * 3
    # Per conversation, the same tokens again.
    summed = sum(c["usage"]["prompt_tokens"] for c in data["conversations"])
    assert summed == total["prompt_tokens"]
    rows = {row["role"]: row for row in data["tokens"]["rows"]}
    assert rows["target"]["model"] == "wearing" and rows["judge 2"]["cost"] is None
    assert rows["target"]["cost"] == pytest.approx(
        (
            rows["target"]["usage"]["prompt_tokens"]
            + 2 * rows["target"]["usage"]["completion_tokens"]
        )
        / 1e6
    )
    assert data["tokens"]["total"]["cost"] is None  # judge-b has no price
    first.stdout.fnmatch_lines(["Tokens (live calls; answers from the response cache used none):"])
    # Run again: every answer comes from the response cache; no call, no new token.
    repeat = json.loads((tmp_path / "again.json").read_text("utf-8"))["tokens"]
    assert after == returned
    assert repeat["total"]["usage"]["calls"] == 0 and repeat["total"]["usage"]["prompt_tokens"] == 0
    assert repeat["total"]["from_cache"] == 30 * 3 * 3


def test_a_price_for_a_model_the_run_does_not_call_is_pointed_out(pytester) -> None:
    result = pytester.runpytest_subprocess(
        "--jmed-model=sim:wearing", "--jmed-price=wearnig=1,2", "--collect-only"
    )
    result.stdout.fnmatch_lines(
        ["jmedethic: --jmed-price for a model this run does not call: wearnig"]
    )
