"""The files a discovery run leaves in its output folder:

* ``strategies.json``: the catalogue's schema (``version``, ``strategies`` with id, name,
  description, escalation, rationale) plus each strategy's provenance, effect and
  conversations; the plugin reads the discovered ones from beside the conversations;
* ``summary.json``: the run's facts (calls, cost, rounds, why it stopped) and the above;
* ``conversations.jsonl``: every attack conversation whose strategy is known (the one it
  used, or the one it was summarised into), in the corpus schema, ids naming the strategy,
  the two languages of an attack linked as a translation pair; usable as it stands with
  ``--jmed-conversations``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..corpus.schema import Conversation
from ..corpus.strategy_library import STRATEGIES_FILE, AttackRecord, StrategyLibrary
from .discovery_summary import DiscoverySummary
from .json_file import write_atomically

SUMMARY_FILE = "summary.json"
CONVERSATIONS_FILE = "conversations.jsonl"


def _strategy_of(library: StrategyLibrary, record: AttackRecord) -> str | None:
    if record.strategies:
        return record.strategies[0]
    return next((e.id for e in library.discovered if e.shown_by(record)), None)


def discovered_conversations(library: StrategyLibrary, target: str) -> list[Conversation]:
    """One conversation per attack and language (the turns are the same for every target)."""
    found = []
    for record in library.attacks:
        strategy = _strategy_of(library, record)
        if record.target != target or strategy is None:
            continue
        pair = f"{strategy}-r{record.round:02d}-{record.objective_id}"
        found.append(
            Conversation(
                id=f"{strategy}-{record.language}-r{record.round:02d}-{record.objective_id}",
                guideline_id=record.guideline_id,
                strategy_id=strategy,
                language=record.language,
                turns=tuple(record.turns),
                pair_id=pair,
                metadata={
                    "source": "discovered",
                    "round": record.round,
                    "objective": record.objective_id,
                    "explored": record.explored,
                },
            )
        )
    return found


def write_discovery(folder: Path, summary: DiscoverySummary, library: StrategyLibrary) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    strategies = {
        "schema": summary.schema_id,
        "version": summary.version,
        "strategies": [row.model_dump(mode="json") for row in summary.strategies],
    }
    text = json.dumps(strategies, ensure_ascii=False, indent=1)
    write_atomically(folder / STRATEGIES_FILE, [text, "\n"])
    text = json.dumps(summary.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=1)
    write_atomically(folder / SUMMARY_FILE, [text, "\n"])
    conversations = discovered_conversations(library, summary.targets[0].model)
    lines = [c.model_dump_json(exclude_defaults=False) + "\n" for c in conversations]
    write_atomically(folder / CONVERSATIONS_FILE, lines)
