"""pytest-jmedethic: a multi-turn medical-ethics safety regression suite for LLMs."""

__version__ = "0.1.0"
