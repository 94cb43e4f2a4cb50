"""The HTML report as a file: self-contained, complete in both languages, and built from
the report's numbers (the breakdowns checked against independent computations). The page in
a real browser is tested in ``test_html_page``."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pytest_jmedethic.analysis import breakdowns
from pytest_jmedethic.analysis.decision_settings import DecisionSettings
from pytest_jmedethic.analysis.release_decision import ReleaseDecision
from pytest_jmedethic.analysis.summary import summarize
from pytest_jmedethic.cli import main
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.plugin.options import OPTIONS_BY_NAME
from pytest_jmedethic.report.glossary_words import GLOSSARY
from pytest_jmedethic.report.html import default_language, gate_name, render_html
from pytest_jmedethic.report.html_data import (
    CHUNK,
    INDEX_FIELDS,
    TURN_FIELDS,
    VERDICT_FIELDS,
    decode,
    page_data,
)
from pytest_jmedethic.report.html_facts import (
    gate_options,
    note_words,
    reason_words,
    role_words,
    thresholds_words,
)
from pytest_jmedethic.report.html_text import TEXT
from pytest_jmedethic.report.json_file import load_report
from pytest_jmedethic.report.markdown import render_markdown

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"
TEMPLATE = Path(__file__).parents[2] / "pytest_jmedethic" / "report" / "templates" / "report.html"
REPORTS = sorted(FIXTURES.glob("*-v1.json"))


@pytest.fixture(scope="module")
def report():
    return load_report(FIXTURES / "report-v1.json")


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_every_report_renders_with_nothing_fetched_from_outside(path: Path) -> None:
    html = render_html(load_report(path))
    assert html.startswith("<!DOCTYPE html>")
    # No resource from anywhere: no src/href to a URL, no stylesheet link, no CSS import.
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html) == []
    assert "<link" not in html and "@import" not in html
    assert re.findall(r"url\((?!#)", html) == []  # SVG refers to its own clip paths only
    assert "<script src" not in html
    assert "connect-src data:" in html  # the CSP lets the page decode only its own data


def test_the_page_data_carries_every_conversation_and_turn(report) -> None:
    data = page_data(report)
    index = decode(data.index)
    rows = index["conversations"]
    turns = [t for chunk in data.chunks for t in decode(chunk)]
    assert [r[0] for r in rows] == [c.id for c in report.conversations]
    assert len(turns) == len(rows) and data.shortened == 0
    for row, transcript, conversation in zip(rows, turns, report.conversations, strict=True):
        assert row[5] == conversation.outcome
        assert row[6] == [t.score for t in conversation.turns]
        assert [t[1] for t in transcript] == [t.reply for t in conversation.turns]
        assert [[v[1] for v in t[8]] for t in transcript] == [
            [v.score for v in t.verdicts] for t in conversation.turns
        ]
    catalogue = load_catalogue()
    assert set(index["guidelines"]) == set(catalogue.guidelines)
    assert set(index["strategies"]) == set(catalogue.strategies)


def test_transcripts_travel_in_chunks_and_long_replies_can_be_shortened(report) -> None:
    many = report.model_copy(update={"conversations": report.conversations * (CHUNK // 3)})
    data = page_data(many)
    assert len(data.chunks) == 2  # 6 * 166 = 996 conversations
    assert [len(decode(c)) for c in data.chunks] == [CHUNK, len(many.conversations) - CHUNK]
    short = page_data(report, reply_chars=20)
    replies = [t.reply for c in report.conversations for t in c.turns if t.reply]
    assert short.shortened == sum(len(r) > 20 for r in replies) > 0
    turns = [t for chunk in short.chunks for turns in decode(chunk) for t in turns]
    for turn, reply in zip(
        turns, [t.reply for c in report.conversations for t in c.turns], strict=True
    ):
        assert turn[1] == (reply[:20] if reply else reply)
        assert turn[9] == (max(0, len(reply) - 20) if reply else 0)
    page = render_html(report, reply_chars=20)
    assert 'id="shortened"' in page and "JSON report holds every reply whole" in page


def test_every_word_exists_in_both_languages() -> None:
    for key, words in {**TEXT, **GLOSSARY}.items():
        # A unit may be empty in one language ("件" after a count has no English word).
        filled = any if key.endswith("_unit") else all
        assert set(words) == {"ja", "en"} and filled(w.strip() for w in words.values()), key
    template = "".join(p.read_text("utf-8") for p in TEMPLATE.parent.glob("*.html"))
    used = set(re.findall(r"""\bt\("(\w+)"\)""", template))
    used |= set(re.findall(r'say\("(\w+)"', template))
    used |= set(re.findall(r'data-i18n="(\w+)"', template))
    for keys in re.findall(r"glossary\(\[([^\]]*)\]\)", template):
        used |= set(re.findall(r'"(\w+)"', keys))
    used |= {f"outcome_{o}" for o in ("passed", "failed", "inconclusive", "none")}
    used |= {"title", "cmp_title", "cmp_pairs_wilcoxon", "cmp_pairs_mannwhitney"}  # by name
    assert used - set(TEXT) - set(GLOSSARY) == set()
    assert "term_median" in used
    for name in ("max unsafe share", "max unscored share", "baseline non-inferiority"):
        assert gate_name(name)["ja"] != name
    assert gate_name("min median turn 3") == {
        "en": "Median at turn 3 (at least)",
        "ja": "ターン3の中央値（下限）",
    }


def test_the_run_facts_are_said_in_both_languages_with_real_option_names() -> None:
    assert thresholds_words("8,7,6") == {
        "en": "turn 1 >= 8, turn 2 >= 7, turn 3+ >= 6",
        "ja": "ターン1 ≥ 8、ターン2 ≥ 7、ターン3以降 ≥ 6",
    }
    assert role_words("judge 2") == {"en": "judge 2", "ja": "ジャッジ2"}
    assert role_words("total")["ja"] == "合計"
    settings = DecisionSettings(
        min_median="8,7,6",
        max_unsafe=0.1,
        max_unscored=0.01,
        sequential=True,
        require_calibration=True,
    )
    options = gate_options(ReleaseDecision(settings=settings, gates=[], passed=True))
    assert "--jmed-gate-min-median=8,7,6 --jmed-gate-max-unsafe=0.1" in options
    # Every option the page names is one the plugin has: a reader can type it.
    named = re.findall(r"--jmed-([a-z-]+)", options)
    assert len(named) == 9 and set(named) <= set(OPTIONS_BY_NAME)


def test_the_page_opens_in_the_language_of_most_conversations(report) -> None:
    assert default_language(report) == "ja"  # three of each: Japanese on a tie
    japanese = report.model_copy(
        update={"conversations": [c for c in report.conversations if c.language == "ja"]}
    )
    assert default_language(japanese) == "ja"
    assert '<html lang="ja">' in render_html(japanese)
    assert '<html lang="en">' in render_html(japanese, language="en")


def test_turn_boxes_are_the_summary_medians_and_numpy_percentiles(report) -> None:
    boxes = breakdowns.turn_boxes(report.conversations)
    summary = summarize(report.conversations)
    assert [b.median for b in boxes] == [row.median for row in summary.per_turn]
    assert [(b.q1, b.q3) for b in boxes] == [(row.q1, row.q3) for row in summary.per_turn]
    for box in boxes:
        scores = [
            t.score
            for c in report.conversations
            for t in c.turns
            if t.turn == box.turn and t.score is not None
        ]
        assert box.n == len(scores)
        assert box.low == pytest.approx(float(np.quantile(scores, 0.05)))
        assert box.high == pytest.approx(float(np.quantile(scores, 0.95)))


def test_guideline_and_part_rows_add_up(report) -> None:
    parts = {g.id: g.part for g in load_catalogue().guidelines.values()}
    rows = breakdowns.guideline_rows(report.conversations, parts)
    assert sum(r.conversations for r in rows) == len(report.conversations)
    assert sum(r.failed for r in rows) == report.summary.outcomes.failed
    for row in rows:
        scores = [
            t.score
            for c in report.conversations
            if c.guideline_id == row.guideline
            for t in c.turns
            if t.score is not None
        ]
        assert row.median == float(np.median(scores))
    by_part = breakdowns.part_rows(report.conversations, parts)
    for part in by_part:
        mine = [r for r in rows if r.part == part.part]
        assert part.guidelines == len(mine)
        assert part.conversations == sum(r.conversations for r in mine)
        assert part.failed == sum(r.failed for r in mine)


def test_the_judge_table_agrees_with_the_summary(report) -> None:
    table = np.array(breakdowns.judge_pairs(report.conversations))
    agreement = report.summary.judge_agreement
    assert table.sum() == agreement.n
    a, b = np.indices(table.shape)
    assert table[np.abs(a - b) <= 1].sum() / table.sum() == pytest.approx(agreement.within_one)
    assert table[np.abs(a - b) > 3].sum() == agreement.disagreements


def test_medians_by_strategy_and_turn(report) -> None:
    cells = breakdowns.medians_by_turn_and_strategy(report.conversations)
    seen = Counter(c.strategy_id for c in report.conversations)
    assert set(cells) == set(seen)
    for strategy, turns in cells.items():
        for turn, median in turns.items():
            scores = [
                t.score
                for c in report.conversations
                if c.strategy_id == strategy
                for t in c.turns
                if t.turn == turn and t.score is not None
            ]
            assert median == float(np.median(scores))


def test_an_unscored_report_shows_its_unscored_turns() -> None:
    report = load_report(FIXTURES / "unscored-v1.json")
    html = render_html(report)
    unscored = sum(row.unscored for row in report.summary.per_turn)
    assert unscored > 0
    assert f'data-key="error" data-value="{report.summary.outcomes.error}"' in html


def test_the_markdown_links_the_html_report(report) -> None:
    text = render_markdown(report, html_link="https://ci.example/run/1#artifacts")
    assert "](https://ci.example/run/1#artifacts)" in text.splitlines()[5]
    assert "HTML" not in render_markdown(report)


def test_jmedethic_report_and_merge_write_the_page(tmp_path: Path, capsys) -> None:
    page, markdown = tmp_path / "out" / "report.html", tmp_path / "summary.md"
    status = main(
        [
            "report",
            str(FIXTURES / "report-v1.json"),
            "--html",
            str(page),
            "--html-language",
            "ja",
            "--markdown",
            str(markdown),
        ]
    )
    assert status == 1  # the fixture's release was blocked; the page is written all the same
    assert f"HTML report: {page}" in capsys.readouterr().out
    assert '<html lang="ja">' in page.read_text("utf-8")
    assert f"]({page})" in markdown.read_text("utf-8")
    merged = tmp_path / "merged.html"  # a report merged from shards reads the same
    assert main(["report", str(FIXTURES / "merged-v1.json"), "--html", str(merged)]) in (0, 1)
    assert "shard1.json" in merged.read_text("utf-8")


def test_an_unwritable_page_is_an_error_after_the_decision(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("")
    status = main(
        ["report", str(FIXTURES / "report-v1.json"), "--html", str(tmp_path / "file" / "r.html")]
    )
    captured = capsys.readouterr()
    assert status == 2
    assert "Release decision: FAILED" in captured.out
    assert f"--html: cannot write {tmp_path / 'file' / 'r.html'}" in captured.err


def test_the_page_script_reads_the_rows_in_the_order_they_are_written() -> None:
    # The page data are arrays, not objects (a 50,000-conversation page stays small); the
    # script's column names must follow the order html_data writes them in.
    script = TEMPLATE.read_text("utf-8")
    for name, fields in (("C", INDEX_FIELDS), ("T", TURN_FIELDS), ("V", VERDICT_FIELDS)):
        found = re.search(rf"const {name} = \{{([^}}]*)\}};", script)
        assert found is not None, name
        columns = dict(re.findall(r"(\w+): (\d+)", found[1]))
        assert [int(columns[f]) for f in fields] == list(range(len(fields))), name


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        (
            "the run was cut short: the budget of 60 calls was reached (60 sent); 24 not run",
            "予算に達したため実行を打ち切りました：呼び出し数の上限60回に達しました（送信60回）。"
            "24件は未実行",
        ),
        ("the release decision settled (failed) after 57 conversations",
         "リリース判定は57件の会話で確定しました（不合格）"),
        ("the run was interrupted by SIGTERM: 12 conversations have no result",
         "実行が中断されました（SIGTERM）：12件の会話に結果がありません"),
        ("something new", "something new"),  # a message not known yet: shown as it is
    ],
)  # fmt: skip
def test_the_runs_own_messages_read_in_japanese(english: str, japanese: str) -> None:
    assert reason_words(english) == {"en": english, "ja": japanese}
    assert note_words(f"comply: {english}")["ja"] == (
        f"comply：{japanese}" if japanese != english else f"comply: {english}"
    )
