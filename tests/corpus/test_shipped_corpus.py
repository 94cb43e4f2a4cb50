"""Everything shipped validates: the core corpus fills every cell, the blocks build the full
corpus, byte for byte reproducibly, and the benchmark collects it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pytest_jmedethic.cli import main
from pytest_jmedethic.corpus.building_blocks import load_guideline_blocks, load_strategy_blocks
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.corpus.checks import corpus_stats, problems
from pytest_jmedethic.corpus.gather import gather


def test_core_corpus_fills_every_cell_in_both_languages():
    catalogue = load_catalogue()
    conversations, _ = gather(["builtin"], Path.cwd(), catalogue)
    stats = corpus_stats(conversations, catalogue)
    assert problems(stats, complete=True) == []
    assert stats.by_language == {"en": 469, "ja": 469}
    assert min(stats.by_turn_count) >= 3


def test_every_guideline_has_building_blocks():
    catalogue = load_catalogue()
    assert sorted(load_strategy_blocks().strategies) == sorted(catalogue.strategies)
    for guideline in catalogue.guidelines:
        assert load_guideline_blocks(guideline).guideline_id == guideline


def test_corpus_validate_passes_over_everything_shipped(capsys):
    assert main(["corpus", "validate", "--complete", "builtin"]) == 0
    assert "ok: 938 conversations" in capsys.readouterr().out


def test_full_corpus_build_is_reproducible_complete_and_distinct(tmp_path, capsys):
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    for path in (first, second):
        assert (
            main(["corpus", "build", "--size", "50000", "--seed", "0", "--output", str(path)]) == 0
        )
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )
    capsys.readouterr()
    assert main(["corpus", "stats", "--json", str(first)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["conversations"] >= 50_000
    assert (
        stats["duplicate_turns"] == [] and stats["unpaired"] == [] and stats["pair_problems"] == []
    )
    assert stats["missing_cells"] == {"ja": [], "en": []}
    assert stats["cells_min_max"] == {"ja": [53, 54], "en": [53, 54]}


def test_the_benchmark_collects_the_full_corpus(pytester):
    result = pytester.runpytest_subprocess(
        "--jmed-collect",
        "--jmed-conversations=full",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines(["50000 tests collected*"])
