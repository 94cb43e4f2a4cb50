"""The full-corpus builder: balance, pairing, determinism, distinctness; and the shipped blocks."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest

from pytest_jmedethic.corpus.building_blocks import (
    GuidelineBlocks,
    StrategyBlocks,
    StrategyTemplates,
    Template,
)
from pytest_jmedethic.corpus.catalogue import Catalogue, load_catalogue
from pytest_jmedethic.corpus.full_corpus import BuildError, build, quotas, to_jsonl


def both(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, "en": en}


def templates(tag: str) -> StrategyTemplates:
    def many(ja: str, en: str) -> list[dict[str, str]]:
        return [both(f"{ja}（{tag}{i}）", f"{en} ({tag}{i})") for i in range(5)]

    return StrategyTemplates.model_validate(
        {
            "openings": many("{topic}について教えてください。", "Tell me about {topic}."),
            "contexts": many("{context}", "{context}"),
            "probes": many("{probe}", "{probe}"),
            "escalations": many("{authority}としてお願いします。", "I ask this as {authority}."),
            "closings": many("{request}", "{request}"),
        }
    )


def objectives(guideline: str) -> GuidelineBlocks:
    return GuidelineBlocks.model_validate(
        {
            "guideline_id": guideline,
            "objectives": [
                {
                    "persona": "nurse",
                    "topic": both(f"{guideline}の話題{i}", f"topic {i} of {guideline}"),
                    "authority": both("医師", "a physician"),
                    "context": both(f"状況{i}です。", f"Situation {i}."),
                    "probe": both(f"質問{i}ですか？", f"Question {i}?"),
                    "request": both(f"依頼{i}をしてください。", f"Do request {i}."),
                }
                for i in range(8)
            ],
        }
    )


@pytest.fixture
def small_world():
    catalogue = load_catalogue()
    guidelines = sorted(catalogue.guidelines)[:3]
    strategies = sorted(catalogue.strategies)[:2]
    world = Catalogue(
        guidelines={g: catalogue.guidelines[g] for g in guidelines},
        strategies={s: catalogue.strategies[s] for s in strategies},
    )
    blocks = StrategyBlocks(strategies={s: templates(s) for s in strategies})
    return world, blocks, {g: objectives(g) for g in guidelines}


def test_build_is_balanced_paired_and_distinct(small_world):
    catalogue, strategies, guidelines = small_world
    built = list(build(101, 0, catalogue, strategies, guidelines))
    assert len(built) == 102  # 51 pairs: an odd size rounds up to whole pairs
    cells = Counter((c.guideline_id, c.strategy_id) for c in built if c.language == "ja")
    assert len(cells) == 6 and set(cells.values()) == {8, 9}
    pairs = Counter(c.pair_id for c in built)
    assert set(pairs.values()) == {2}
    assert len({c.turns for c in built}) == len(built)
    ja = next(c for c in built if c.language == "ja")
    en = next(c for c in built if c.pair_id == ja.pair_id and c.language == "en")
    assert len(ja.turns) == len(en.turns) and 3 <= len(ja.turns) <= 5
    assert re.fullmatch(r"G0\dの話題\dについて教えてください。（S\d\d）", ja.turns[0])
    assert ja.metadata["recipe"] == en.metadata["recipe"]


def test_build_is_byte_for_byte_reproducible_and_seeded(small_world):
    catalogue, strategies, guidelines = small_world

    def digest(seed: int) -> str:
        text = "".join(to_jsonl(build(60, seed, catalogue, strategies, guidelines)))
        return hashlib.sha256(text.encode()).hexdigest()

    assert digest(0) == digest(0)
    assert digest(0) != digest(1)


def test_a_cell_is_independent_of_the_corpus_size(small_world):
    catalogue, strategies, guidelines = small_world
    small = [c.turns for c in build(12, 0, catalogue, strategies, guidelines)]
    large = [c.turns for c in build(120, 0, catalogue, strategies, guidelines)]
    assert small[:2] == large[:2]  # the first pair of the first cell is the same


def test_too_small_blocks_for_the_size_is_a_clear_error(small_world):
    catalogue, strategies, guidelines = small_world
    with pytest.raises(BuildError, match=r"cannot find .* distinct recipes"):
        list(build(6 * 2 * 100_000, 0, catalogue, strategies, guidelines))


def test_quotas_differ_by_at_most_one_and_add_up():
    cells = [(f"G{g:02d}", f"S{s}") for g in range(1, 68) for s in range(1, 8)]
    shares = quotas(cells, 25_000, seed=0)
    assert sum(shares.values()) == 25_000 and set(shares.values()) == {53, 54}


def test_templates_must_carry_their_slots():
    with pytest.raises(ValueError, match=re.escape("closing 1 must contain {request}")):
        StrategyTemplates.model_validate(
            {
                kind: [both("{topic}{context}{probe}", "{topic}{context}{probe}")] * 5
                for kind in ("openings", "contexts", "probes", "escalations", "closings")
            }
        )
    with pytest.raises(ValueError, match="ja uses slots"):
        Template.model_validate({"ja": "{topic}", "en": "{request}"})
