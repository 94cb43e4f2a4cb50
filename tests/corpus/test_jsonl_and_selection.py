"""Conversation schema, streaming loader errors, selection and stratified sampling."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import synthetic_conversations, write_jsonl
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.corpus.jsonl import builtin_corpus_dir, load_corpus
from pytest_jmedethic.corpus.schema import Conversation, CorpusError, dataset_hash
from pytest_jmedethic.corpus.selection import Selection, select, stratified_sample


def load(path: Path) -> list[Conversation]:
    return [e.conversation for e in load_corpus([path], load_catalogue())]


def test_builtin_corpus_is_valid_and_paired():
    conversations = [e.conversation for e in load_corpus([builtin_corpus_dir()], load_catalogue())]
    assert conversations
    by_pair = Counter(c.pair_id for c in conversations)
    assert set(by_pair.values()) == {2}
    assert {c.language for c in conversations} == {"ja", "en"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"turns": []}, "turns: Tuple should have at least 1 item"),
        ({"turns": ["ok", "  "]}, "turns: turn 2 is empty"),
        ({"language": "fr"}, "language: Input should be 'ja' or 'en'"),
        ({"guideline_id": "G6"}, "guideline_id: String should match pattern"),
        ({"guideline_id": "G99"}, "guideline_id: unknown guideline 'G99'"),
        ({"strategy_id": "S9"}, "strategy_id: unknown strategy 'S9'"),
        ({"id": "has space"}, "id: String should match pattern"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"schema_version": 2}, "schema_version: Input should be 1"),
    ],
)
def test_bad_field_names_file_line_and_field(tmp_path, change, expected):
    rows = synthetic_conversations(4, languages=("en",))
    rows[2].update(change)
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    with pytest.raises(CorpusError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}:3: ")
    assert expected in str(info.value)


def test_missing_field_and_non_object_lines(tmp_path):
    rows = synthetic_conversations(2, languages=("en",))
    del rows[1]["language"]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    with pytest.raises(CorpusError, match=r":2: language: Field required"):
        load(path)
    path.write_text("[1, 2]\n", "utf-8")
    with pytest.raises(CorpusError, match=r":1: \(line\): expected a JSON object, got list"):
        load(path)
    path.write_bytes(b'{"id": "\xff"}\n')
    with pytest.raises(CorpusError, match=r":1: \(line\): not UTF-8"):
        load(path)


def test_every_bad_line_is_listed_in_one_error(tmp_path):
    rows = synthetic_conversations(6, languages=("en",))
    del rows[1]["language"]
    rows[3]["guideline_id"] = "G99"
    rows[5]["id"] = rows[0]["id"]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("not json\n")
    with pytest.raises(CorpusError) as info:
        load(path)
    assert str(info.value).splitlines() == [
        "4 problems in the conversations:",
        f"  {path}:2: language: Field required",
        f"  {path}:4: guideline_id: unknown guideline 'G99'",
        f"  {path}:6: id: duplicate id '{rows[0]['id']}' (first at {path}:1)",
        f"  {path}:7: (line): invalid JSON: Expecting value at column 1",
    ]
    # A file wrong throughout says how many, and shows the first twenty.
    path.write_text("[]\n" * 50, "utf-8")
    with pytest.raises(CorpusError) as info:
        load(path)
    lines = str(info.value).splitlines()
    assert lines[0] == "50 problems in the conversations:" and len(lines) == 22
    assert lines[-1] == "  ... and 30 more"


def test_a_byte_order_mark_is_skipped(tmp_path):
    rows = synthetic_conversations(2, languages=("en",))
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as some Windows editors save
    assert [c.id for c in load(path)] == [r["id"] for r in rows]


def test_missing_path_and_directory_expansion(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        load(tmp_path / "absent.jsonl")
    rows = synthetic_conversations(8)
    write_jsonl(tmp_path / "b.jsonl", rows[4:])
    write_jsonl(tmp_path / "a.jsonl", rows[:4])
    assert [c.id for c in load(tmp_path)] == [r["id"] for r in rows]


def test_duplicates_across_files_name_both_places(tmp_path):
    rows = synthetic_conversations(2, languages=("en",))
    write_jsonl(tmp_path / "a.jsonl", rows)
    write_jsonl(tmp_path / "b.jsonl", rows[1:])
    with pytest.raises(CorpusError) as info:
        load(tmp_path)
    assert (
        f"b.jsonl:1: id: duplicate id '{rows[1]['id']}' (first at {tmp_path / 'a.jsonl'}:2)"
        in str(info.value)
    )


def conversations(count: int = 280) -> list[Conversation]:
    return [Conversation.model_validate(r) for r in synthetic_conversations(count)]


def test_filters():
    corpus = conversations()
    picked = select(
        corpus, Selection(languages=frozenset({"ja"}), strategies=frozenset({"S2", "S3"}))
    )
    assert picked and {(c.language, c.strategy_id) for c in picked} <= {("ja", "S2"), ("ja", "S3")}
    assert len(select(corpus, Selection(guidelines=frozenset({"G01"})))) == sum(
        c.guideline_id == "G01" for c in corpus
    )


def test_stratified_sample_is_deterministic_balanced_and_keeps_pairs():
    corpus = conversations()
    sample = stratified_sample(corpus, 70, seed=7)
    assert len(sample) == 70
    assert sample == stratified_sample(list(corpus), 70, seed=7)
    assert sample != stratified_sample(corpus, 70, seed=8)
    assert [c.id for c in sample] == [c.id for c in corpus if c in sample]  # corpus order
    per_strategy = Counter(c.strategy_id for c in sample)
    assert max(per_strategy.values()) - min(per_strategy.values()) <= 2
    assert set(Counter(c.pair_id for c in sample).values()) == {2}  # translations come along
    assert stratified_sample(corpus, 10_000, seed=0) == corpus


def test_dataset_hash_ignores_order_but_not_content():
    corpus = conversations(10)
    assert dataset_hash(corpus) == dataset_hash(list(reversed(corpus)))
    changed = [corpus[0].model_copy(update={"turns": ("different",)}), *corpus[1:]]
    assert dataset_hash(changed) != dataset_hash(corpus)


def test_jsonl_round_trip(tmp_path):
    conversation = Conversation(
        id="G06-S3-ja-001",
        guideline_id="G06",
        strategy_id="S3",
        language="ja",
        turns=("こんにちは", "守秘義務について教えてください。"),
        pair_id="G06-S3-001",
        metadata={"persona": "看護師"},
    )
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(conversation.model_dump(), ensure_ascii=False) + "\n", "utf-8")
    assert load(path) == [conversation]
