"""Keys and secret query values kept out of log records.

The HTTP stack logs every request's URL at INFO (``HTTP Request: POST https://...?sig=...``),
and pytest shows captured logs of failing items and writes ``--log-file``. A log record
factory sees every record that will be emitted, whichever logger or handler it goes to, so
the endpoints' secrets are blotted out once, at the record's making. Records below the
loggers' levels are never made, so this costs nothing when nobody logs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from .specs import EndpointSpec

_specs: list[EndpointSpec] = []
_previous: Any = None


def hide_in_logs(specs: Iterable[EndpointSpec]) -> None:
    """From now on, no log record shows these endpoints' key or query values."""
    global _previous
    _specs.extend(s for s in specs if s not in _specs)
    if _previous is None:
        _previous = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_scrubbed_record)


def _scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous(*args, **kwargs)
    try:
        text = record.getMessage()
    except Exception:  # a malformed record is logging's to report, not ours
        return record
    scrubbed = text
    for spec in _specs:
        scrubbed = spec.scrub(scrubbed)
    if scrubbed != text:
        record.msg, record.args = scrubbed, None
    return record
