"""Reading and writing the JSON report.

Written atomically (a temporary file renamed into place), indented where people read it
and one line per conversation; read back through the typed ``Report``, old versions too.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..validation import describe_validation_error
from .model import READABLE_VERSIONS, REPORT_SCHEMA, REPORT_SCHEMA_VERSION, Report, migrate


class ReportError(Exception):
    """A report that cannot be read; the message names the file and what is wrong."""


def write_report(report: Report, path: Path) -> None:
    """Write atomically, so an interrupted run never leaves half a report behind."""
    write_atomically(path, report_lines(report))


def write_atomically(path: Path, chunks: Iterable[str]) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".jmedethic-", suffix=path.suffix, dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from CI users
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.writelines(chunks)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def path_clash(named: Sequence[tuple[str, Path | None]]) -> str | None:
    """Two of these name one file: an output that would overwrite another, or a file the run
    reads. ``named`` is (flag, path) pairs, None where a flag was not given."""
    seen: dict[Path, str] = {}
    for flag, path in named:
        if path is None:
            continue
        key = path.resolve()
        if key in seen:
            return f"{flag} and {seen[key]} name the same file, {path}: give each its own"
        seen[key] = flag
    return None


def write_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written, or None: tried before a run by creating its folder and
    a temporary file beside it, which is removed again."""
    if path.is_dir():
        return "it is a directory"
    for folder in path.parents:  # the nearest that exists must be a folder
        if folder.exists():
            if not folder.is_dir():
                return f"{folder} is a file, not a folder"
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".jmedethic-check-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    if path.exists() and not os.access(path, os.W_OK):
        return "permission denied"
    return None


def write_report_or_fallback(
    report: Report, path: Path, fallbacks: Sequence[Path]
) -> tuple[Path, str | None]:
    """Write the report to ``path`` or, if that fails, into the first fallback folder that
    takes it: where it went, and why ``path`` failed (None when it did not)."""
    try:
        write_report(report, path)
        return path, None
    except OSError as exc:
        problem = write_problem(path) or exc.strerror or str(exc)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for folder in fallbacks:
        fallback = folder / f"jmedethic-report-{stamp}-{os.getpid()}.json"
        try:
            write_report(report, fallback)
            return fallback, problem
        except OSError:
            continue
    raise ReportError(f"{path}: cannot write ({problem}), nor anywhere else it was tried")


def report_lines(report: Report) -> Iterator[str]:
    """The report as JSON text: indented, except one line per conversation.

    Readable and diff-friendly where people look (metadata, summary, decision), and fast:
    each conversation is serialised by pydantic's compiled serialiser in one call, where an
    indented ``json.dumps`` of the whole report ran Python's pure-Python encoder (seconds
    at 50,000 conversations).
    """

    def dumps(value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=1)
        return text.replace("\n", "\n ")

    head = report.model_dump(mode="json", by_alias=True, exclude={"conversations"})
    yield "{"
    for number, (key, value) in enumerate(head.items()):
        yield f"{',' if number else ''}\n {json.dumps(key)}: {dumps(value)}"
    yield ',\n "conversations": ['
    for index, conversation in enumerate(report.conversations):
        yield (",\n  " if index else "\n  ") + conversation.model_dump_json()
    yield "\n ]\n}\n" if report.conversations else "]\n}\n"


def load_report(path: Path) -> Report:
    """Read and validate a report; raises ``ReportError`` naming the file and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not UTF-8 text ({exc.reason})") from None
    try:
        # Fast path: a current report is parsed and validated in one compiled pass.
        return Report.model_validate_json(text)
    except ValidationError:
        pass  # an older version, or a problem to explain: read it step by step
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        raise ReportError(f"{path}: not a pytest-jmedethic report (schema field missing or wrong)")
    if data.get("schema_version") not in READABLE_VERSIONS:
        raise ReportError(
            f"{path}: schema_version {data.get('schema_version')!r} is not supported "
            f"(this plugin reads {', '.join(map(str, READABLE_VERSIONS))}; "
            f"it writes {REPORT_SCHEMA_VERSION})"
        )
    try:
        return Report.model_validate(migrate(data))
    except ValidationError as exc:
        raise ReportError(f"{path}: {describe_validation_error(exc, whole='(report)')}") from None
