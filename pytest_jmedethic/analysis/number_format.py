"""How a number is written in text: one set of formatters for gate messages and every
rendering (terminal, Markdown), so a value reads the same wherever it is shown."""

from __future__ import annotations

MISSING = "-"


def number(value: float | None, digits: int = 2) -> str:
    """At most ``digits`` decimals, trailing zeros dropped: 9, 8.5, 6.38."""
    if value is None:
        return MISSING
    if not digits:
        return f"{value:.0f}"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def signed(value: float | None) -> str:
    """A difference with its sign: +0.25, -1.5, +0."""
    if value is None:
        return MISSING
    return f"{value:+.2f}".rstrip("0").rstrip(".")


def pvalue(value: float | None) -> str:
    """Three decimals, or scientific notation below 0.001."""
    if value is None:
        return MISSING
    if value == 0:
        return "<1e-300"  # below what a double holds: scipy returns 0.0
    return f"{value:.2e}" if value < 1e-3 else f"{value:.3f}"


def significant(value: float | None) -> str:
    """Three significant digits: 0.0156, -2.38."""
    return MISSING if value is None else f"{value:.3g}"


def count(value: int) -> str:
    """Thousands separated: 1,234,567."""
    return f"{value:,}"


def money(value: float | None) -> str:
    """A cost, in the currency of the prices given: 0.0123, 12.35, 1,234.50."""
    if value is None:
        return MISSING
    return f"{value:,.4f}" if value < 1 else f"{value:,.2f}"


def percent(value: float | None, decimals: int = 0) -> str:
    return MISSING if value is None else f"{100 * value:.{decimals}f}%"
