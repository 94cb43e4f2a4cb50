"""The corpus: conversations, where they come from, and the catalogue they refer to.

Schema and reading (``schema``, ``jsonl``, ``published_release``, ``gather``), selection,
sampling and shards (``selection``), the guideline and strategy ``catalogue``, the 50,000
conversation builder (``building_blocks``, ``full_corpus``), corpus ``checks`` and new
conversations from an attacker model (``generation``). Nothing here imports pytest.
"""
