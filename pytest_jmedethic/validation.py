"""Pydantic validation errors as one line of text: ``field: problem; field: problem``.

Every place that validates outside data (corpus lines, the published release, judges'
verdicts, attackers' answers, reports) says what is wrong the same way, so an error always
names the field.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

# A check across fields (a model validator) says which field it faults as "field: problem".
_NAMED = re.compile(r"^[a-z_][a-z_0-9.]*: ")


def describe_validation_error(error: ValidationError, *, whole: str = "(line)") -> str:
    """Each problem as ``dotted.field: message``; ``whole`` names a problem with no field."""
    parts = []
    for issue in error.errors():
        field = ".".join(str(part) for part in issue["loc"]) or whole
        message = "unknown field" if issue["type"] == "extra_forbidden" else issue["msg"]
        message = message.removeprefix("Value error, ")
        named = not issue["loc"] and _NAMED.match(message)
        parts.append(message if named else f"{field}: {message}")
    return "; ".join(parts)
