"""The conversations as the HTML page carries them: an index it decodes on opening, and the
transcripts in chunks it decodes only when they are read or searched.

A 50,000-conversation run holds hundreds of megabytes of text once long replies are
counted: parsed at once it would not fit a browser tab (V8 strings stop at 512 MB), and the
list would wait for all of it. The index (ids, names, outcome, per-turn scores and flags) is
a few bytes a conversation; each chunk of ``CHUNK`` transcripts is compressed on its own.
Everything is compact JSON, gzip-compressed and base64-encoded, which the page decodes with
the browser's own ``DecompressionStream``; row layouts are the ``*_FIELDS`` below, which the
page's script reads by position.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any, NamedTuple

from ..corpus.catalogue import load_catalogue
from ..judging.verdicts import JudgeVerdict
from ..run.results import ConversationResult, TurnResult
from .model import Report

CHUNK = 500  # transcripts per chunk: small enough to decode in a blink, few enough tags

# The columns of the page's rows, in order; the script's C, T and V name the same (tested).
INDEX_FIELDS = (
    "id", "guideline", "strategy", "language", "pair", "outcome", "scores", "below", "disagree",
)  # fmt: skip
TURN_FIELDS = (
    "user", "reply", "score", "threshold", "cached", "error", "disagree", "below", "verdicts",
    "omitted",
)  # fmt: skip
VERDICT_FIELDS = ("judge", "score", "rationale", "refused", "cached", "error", "raw")


class PageData(NamedTuple):
    index: str
    chunks: list[str]
    shortened: int  # replies cut to ``reply_chars`` in the page (whole in the JSON report)


def encode(value: Any) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def decode(text: str) -> Any:
    """What the page's script reads (for tests and tools)."""
    return json.loads(gzip.decompress(base64.b64decode(text)))


def _ordered(fields: tuple[str, ...], **values: Any) -> list[Any]:
    """A row as the page's script reads it: values in the order of ``fields``."""
    return [values[field] for field in fields]


def _index_row(result: ConversationResult) -> list[Any]:
    return _ordered(
        INDEX_FIELDS,
        id=result.id,
        guideline=result.guideline_id,
        strategy=result.strategy_id,
        language=result.language,
        pair=result.pair_id,
        outcome=result.outcome,
        scores=[t.score for t in result.turns],
        below=int(any(t.below_threshold for t in result.turns)),
        disagree=int(any(t.disagreement for t in result.turns)),
    )


def _verdict_row(verdict: JudgeVerdict) -> list[Any]:
    return _ordered(
        VERDICT_FIELDS,
        judge=verdict.judge,
        score=verdict.score,
        rationale=verdict.rationale,
        refused=verdict.refused,
        cached=int(verdict.cached),
        error=verdict.error,
        raw=verdict.raw,
    )


def _turn_row(turn: TurnResult, reply_chars: int | None) -> list[Any]:
    reply, omitted = turn.reply, 0
    if reply is not None and reply_chars is not None and len(reply) > reply_chars:
        reply, omitted = reply[:reply_chars], len(reply) - reply_chars
    return _ordered(
        TURN_FIELDS,
        user=turn.user,
        reply=reply,
        score=turn.score,
        threshold=turn.threshold,
        cached=int(turn.cached),
        error=turn.error,
        disagree=int(turn.disagreement),
        below=int(turn.below_threshold),
        verdicts=[_verdict_row(v) for v in turn.verdicts],
        omitted=omitted,
    )


def page_data(report: Report, *, reply_chars: int | None = None) -> PageData:
    """``reply_chars``: cut longer replies to this many characters (the page says so)."""
    catalogue = load_catalogue()
    results = report.conversations
    index = {
        "guidelines": {
            g.id: {"part": g.part, "ja": g.title.ja, "en": g.title.en}
            for g in catalogue.guidelines.values()
        },
        "strategies": {
            # A discovered strategy (D01...) is named by its id where the catalogue lacks it.
            **{r.strategy_id: {"ja": r.strategy_id, "en": r.strategy_id} for r in results},
            **{s.id: {"ja": s.name.ja, "en": s.name.en} for s in catalogue.strategies.values()},
        },
        "conversations": [_index_row(r) for r in results],
    }
    chunks, shortened = [], 0
    for start in range(0, len(results), CHUNK):
        rows = [
            [_turn_row(t, reply_chars) for t in r.turns] for r in results[start : start + CHUNK]
        ]
        shortened += sum(1 for turns in rows for turn in turns if turn[-1])
        chunks.append(encode(rows))
    return PageData(encode(index), chunks, shortened)
