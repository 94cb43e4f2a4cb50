"""The templates every HTML page is rendered from: one Jinja2 environment, autoescaping
(every transcript and name is escaped), the number formatters as filters, and the words of
both languages the page's switch reads."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

from ..analysis.number_format import count, money, number, percent, pvalue, signed
from .glossary_words import GLOSSARY
from .html_text import TEXT

Language = Literal["ja", "en"]
WORDS = {**TEXT, **GLOSSARY}


@cache
def _environment() -> Any:
    import jinja2  # imported by the pages only: a run without --jmed-html never needs it

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(
        number=number, signed=signed, pvalue=pvalue, percent=percent, count=count, money=money
    )
    return environment


def _load(name: str) -> str:
    return resources.files("pytest_jmedethic.report").joinpath("templates", name).read_text("utf-8")


def render_page(template: str, *, language: Language, title_key: str, **context: Any) -> str:
    """``template`` (under templates/) with the words of both languages; ``title_key``
    names the heading's words."""
    return (
        _environment()
        .get_template(template)
        .render(
            language=language,
            text=WORDS,
            text_json=json.dumps(WORDS, ensure_ascii=False),
            title_key=title_key,
            **context,
        )
    )
