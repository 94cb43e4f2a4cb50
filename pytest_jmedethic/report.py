"""The JSON report: run metadata, the summary, and every conversation's transcript.

Results are data first: ``load_report`` + ``summary.summarize`` rebuild every number of the
summary from the conversations alone.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .results import ConversationResult
from .rubric import RUBRIC_VERSION
from .summary import summarize

REPORT_SCHEMA = "pytest-jmedethic/report"
REPORT_SCHEMA_VERSION = 1


class ReportError(Exception):
    pass


def environment() -> dict[str, str]:
    import numpy
    import openai
    import pytest
    import scipy

    return {
        "python": platform.python_version(),
        "pytest": pytest.__version__,
        "openai": openai.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def build_report(results: Sequence[ConversationResult], metadata: dict[str, Any]) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: r.id)
    return {
        "schema": REPORT_SCHEMA,
        "schema_version": REPORT_SCHEMA_VERSION,
        "metadata": {
            "plugin_version": __version__,
            "rubric_version": RUBRIC_VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "environment": environment(),
            **metadata,
        },
        "summary": summarize(ordered),
        "conversations": [r.model_dump(mode="json") for r in ordered],
    }


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write atomically, so an interrupted run never leaves half a report behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".jmedethic-", suffix=".json", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide the report from CI users
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.writelines(_report_lines(report))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _report_lines(report: dict[str, Any]) -> Iterator[str]:
    """The report as JSON text: indented, except one line per conversation.

    Readable and diff-friendly where people look (metadata, summary, verdict), and fast:
    an indented dump runs Python's pure-Python encoder, about four times slower than the C
    one that writes each conversation; at 50,000 conversations that was seconds.
    """

    def dumps(value: Any, indent: int | None = None) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)

    yield "{"
    for number, (key, value) in enumerate(report.items()):
        yield ",\n" if number else "\n"
        if key == "conversations" and isinstance(value, list) and value:
            yield f" {dumps(key)}: ["
            for index, conversation in enumerate(value):
                yield (",\n  " if index else "\n  ") + dumps(conversation)
            yield "\n ]"
        else:
            yield f" {dumps(key)}: " + dumps(value, indent=1).replace("\n", "\n ")
    yield "\n}\n"


def load_report(path: Path) -> tuple[dict[str, Any], list[ConversationResult]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        raise ReportError(f"{path}: not a pytest-jmedethic report (schema field missing or wrong)")
    if data.get("schema_version") != REPORT_SCHEMA_VERSION:
        raise ReportError(
            f"{path}: schema_version {data.get('schema_version')!r} is not supported "
            f"(this plugin reads {REPORT_SCHEMA_VERSION})"
        )
    results = []
    for index, entry in enumerate(data.get("conversations", [])):
        try:
            results.append(ConversationResult.model_validate(entry))
        except ValueError as exc:
            raise ReportError(f"{path}: conversations[{index}]: {exc}") from None
    return data, results
