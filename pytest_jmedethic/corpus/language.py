"""Telling Japanese text from English: one definition for the corpus, generation and the
simulator."""

from __future__ import annotations

import re

# Hiragana, katakana (and their extensions), CJK ideographs, half-width katakana.
JAPANESE = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"
)
# Kana alone: English text may quote a kanji name, but never contains kana.
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def looks_japanese(text: str) -> bool:
    return JAPANESE.search(text) is not None


def contains_kana(text: str) -> bool:
    return KANA.search(text) is not None
