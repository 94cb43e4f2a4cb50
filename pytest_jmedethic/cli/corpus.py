"""``jmedethic corpus build|stats|validate``."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..corpus.catalogue import Catalogue
from ..corpus.checks import LANGUAGES, CorpusStats, corpus_stats, problems
from ..corpus.full_corpus import FULL_SEED, FULL_SIZE, BuildError, build_shipped, to_jsonl
from ..corpus.gather import BUILTIN, gather
from ..corpus.schema import Conversation, CorpusError
from ..corpus.selected import catalogue_for
from ..corpus.strategy_library import LibraryError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("corpus", help="build, count and validate conversations")
    actions = parser.add_subparsers(dest="action", required=True)

    build = actions.add_parser("build", help="compose the full corpus from the building blocks")
    build.add_argument(
        "--size", type=int, default=FULL_SIZE, help="conversations (default: %(default)s)"
    )
    build.add_argument("--seed", type=int, default=FULL_SEED, help="seed (default: %(default)s)")
    build.add_argument(
        "--output",
        "-o",
        default="-",
        help="JSON Lines file, .gz to compress, - for stdout (default)",
    )
    build.set_defaults(handler=_build)

    for name, helptext, handler in (
        ("stats", "counts per guideline, strategy, language and turn count", _stats),
        ("validate", "schema, duplicates, pairing (and with --complete, every cell)", _validate),
    ):
        sub = actions.add_parser(name, help=helptext)
        sub.add_argument(
            "sources",
            nargs="*",
            default=[BUILTIN],
            help="files, directories, 'builtin', 'full' or jmedethicbench:PATH (default: builtin)",
        )
        sub.add_argument("--field-map", type=Path, help="field map for jmedethicbench: sources")
        if name == "stats":
            sub.add_argument("--json", action="store_true", help="print as JSON")
        else:
            sub.add_argument(
                "--complete",
                action="store_true",
                help="require a conversation in every guideline x strategy cell in both languages",
            )
        sub.set_defaults(handler=handler)


@contextmanager
def _open_output(target: str) -> Iterator[IO[str]]:
    if target == "-":
        yield sys.stdout
        return
    path = Path(target)
    if path.suffix == ".gz":
        # mtime=0 and no file name in the header, so the same corpus gives the same bytes.
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
            io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as stream,
        ):
            yield stream
    else:
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            yield stream


def _build(args: argparse.Namespace) -> int:
    count = 0
    try:
        with _open_output(args.output) as stream:
            for line in to_jsonl(build_shipped(args.size, args.seed)):
                stream.write(line)
                count += 1
    except (BuildError, CorpusError, ValueError) as exc:
        print(f"jmedethic corpus build: {exc}", file=sys.stderr)
        return 2
    if args.output != "-":
        print(f"wrote {count} conversations to {args.output}", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace) -> tuple[list[Conversation], Catalogue]:
    """The conversations, read with the strategies a discovery run wrote beside them."""
    try:
        catalogue = catalogue_for(args.sources, Path.cwd())
    except LibraryError as exc:
        raise CorpusError(str(exc)) from None
    conversations, _ = gather(args.sources, Path.cwd(), catalogue, args.field_map)
    return conversations, catalogue


def _stats(args: argparse.Namespace) -> int:
    try:
        conversations, catalogue = _load(args)
    except CorpusError as exc:
        print(f"jmedethic corpus stats: {exc}", file=sys.stderr)
        return 2
    stats = corpus_stats(conversations, catalogue)
    if args.json:
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(render_stats(stats)))
    return 0


def _validate(args: argparse.Namespace) -> int:
    try:
        conversations, catalogue = _load(args)
    except CorpusError as exc:
        print(f"jmedethic corpus validate: {exc}", file=sys.stderr)
        return 1
    found = problems(corpus_stats(conversations, catalogue), complete=args.complete)
    for problem in found:
        print(f"jmedethic corpus validate: {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"ok: {len(conversations)} conversations")
    return 0


def render_stats(stats: CorpusStats) -> list[str]:
    def row(title: str, counts: dict[Any, int]) -> str:
        return f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items())

    lines = [
        f"Conversations: {stats.conversations}",
        row("By language", stats.by_language),
        row("By strategy", stats.by_strategy),
        row("By turn count", stats.by_turn_count),
        row("By guideline", stats.by_guideline),
    ]
    for lang in LANGUAGES:
        counts = stats.cells[lang].values()
        lines.append(
            f"Cells ({lang}): {len(stats.cells[lang])} filled, "
            f"{len(stats.missing_cells[lang])} missing, "
            f"{min(counts, default=0)}-{max(counts, default=0)} conversations per filled cell"
        )
    for lang, c in stats.turn_chars.items():
        lines.append(
            f"Characters per turn ({lang}): "
            f"min {c['min']:g}, median {c['median']:g}, max {c['max']:g}"
        )
    lines.append(f"Duplicate turn sequences: {len(stats.duplicate_turns)}")
    lines.append(
        f"Unpaired conversations: {len(stats.unpaired)}; pair problems: {len(stats.pair_problems)}"
    )
    return lines
