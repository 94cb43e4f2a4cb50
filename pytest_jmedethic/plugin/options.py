"""Every option of the plugin, declared once: a flag ``--jmed-NAME`` and an ini key
``jmed_NAME``; the command line wins over the ini file.

``read_values`` turns a pytest config into plain values keyed by option name, which
``settings.Settings.from_values`` validates; the ``jmedethic`` CLI builds the same values
from its own flags and reuses that validation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .option_table import JUDGE_FORMATS, OPTIONS, OPTIONS_BY_NAME, Option

if TYPE_CHECKING:
    import pytest

__all__ = ["JUDGE_FORMATS", "OPTIONS", "OPTIONS_BY_NAME", "Option", "SettingsError"]


class SettingsError(ValueError):
    """An option with a value that cannot be used; names the option (``option``, without
    ``--jmed-``) when there is one, so a CLI with its own flag names can say it its way."""

    def __init__(self, problem: str, option: str | None = None) -> None:
        self.problem = problem
        self.option = option
        super().__init__(f"--jmed-{option}: {problem}" if option else problem)

    def for_flag(self, prefix: str) -> str:
        return f"{prefix}{self.option}: {self.problem}" if self.option else self.problem


def defaults() -> dict[str, Any]:
    """Every option's value when nothing is given."""
    return {o.name: [] if o.multiple else o.default for o in OPTIONS}


def register(parser: pytest.Parser) -> None:
    group = parser.getgroup("jmedethic", "medical-ethics safety benchmark (pytest-jmedethic)")
    for option in OPTIONS:
        flag = f"--jmed-{option.name}"
        dest = "jmed_" + option.name.replace("-", "_")
        default_note = (
            "" if option.default is None or option.flag else f" (default: {option.default})"
        )
        if option.flag:
            group.addoption(flag, action="store_true", default=None, dest=dest, help=option.help)
            parser.addini(dest, option.help, type="bool", default=option.default)
        elif option.multiple:
            group.addoption(
                flag,
                action="append",
                default=None,
                dest=dest,
                metavar=option.metavar,
                help=option.help,
            )
            parser.addini(dest, option.help, type="linelist", default=[])
        else:
            group.addoption(
                flag,
                action="store",
                default=None,
                dest=dest,
                metavar=option.metavar,
                help=option.help + default_note,
            )
            parser.addini(dest, option.help + default_note, default=None)


def read_values(config: pytest.Config) -> dict[str, Any]:
    """Every option's value, from the command line, else the ini file, else its default."""
    return {option.name: read(config, option) for option in OPTIONS}


def convert(option: Option, value: Any) -> Any:
    """A value given as text, as the option's type; ``SettingsError`` names the option."""
    if value is None or option.multiple or option.flag:
        return value
    if isinstance(value, str) and not value.strip():
        raise SettingsError("is empty", option.name)
    try:
        converted = option.type(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"{value!r} is not a valid {option.type.__name__}", option.name
        ) from None
    # No numeric option means anything negative, and nan or inf would pass every comparison
    # made of it and fail only at the end of the run, in the JSON report.
    if isinstance(converted, float) and not math.isfinite(converted):
        raise SettingsError(f"must be a finite number, got {value!r}", option.name)
    if isinstance(converted, (int, float)) and converted < 0:
        raise SettingsError(f"must not be negative, got {value!r}", option.name)
    return converted


def read(config: pytest.Config, option: Option) -> Any:
    dest = "jmed_" + option.name.replace("-", "_")
    value = config.getoption(dest)
    if value is None:
        value = config.getini(dest)
        if value in (None, "", []) and not option.flag:
            value = None
    if value is None:
        return [] if option.multiple else option.default
    if option.multiple and not option.commas:
        return [str(item).strip() for item in value if str(item).strip()]
    if option.multiple:
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    if option.flag:
        return bool(value)
    return convert(option, value)
