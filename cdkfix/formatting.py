"""Black for the code a rule inserts, never for the user's own lines."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import libcst as cst

DEFAULT_LINE_LENGTH = 88
# Narrower than this and black's output stops being readable; deep nesting gets this much.
MIN_WIDTH = 40

# Per thread: the engine analyses one file at a time on its own thread.
_state = threading.local()


@contextmanager
def black_formatting(enabled: bool) -> Iterator[None]:
    """Within it, inserted code is formatted by black only when `enabled`.

    A run that shows no code (`check`'s one-line-a-finding outputs) turns black off: black
    keeps the code's meaning, so the fixes found, and whether the fixed file compiles, are
    the same either way, and black on the inserted code was a tenth of the run's time.
    """
    previous = getattr(_state, "enabled", True)
    _state.enabled = enabled
    try:
        yield
    finally:
        _state.enabled = previous


def _formatting() -> bool:
    return getattr(_state, "enabled", True)


@lru_cache(maxsize=None)
def _mode(line_length: int):
    import black  # imported here: black is slow to import and only needed when a fix inserts code

    return black.Mode(line_length=line_length)


@lru_cache(maxsize=4096)
def _black(source: str, line_length: int) -> str:
    import black

    try:
        return black.format_str(source, mode=_mode(max(line_length, MIN_WIDTH)))
    except Exception:  # black refuses some valid code (rare); the unformatted code still compiles
        return _as_is(source)


def _as_is(source: str) -> str:
    return source if source.endswith("\n") else source + "\n"


def _format(source: str, line_length: int, formatted: bool) -> str:
    return _black(source, line_length) if formatted else _as_is(source)


def format_source(source: str, line_length: int) -> str:
    return _format(source, line_length, _formatting())


def format_statements(source: str, width: int) -> list[cst.BaseStatement]:
    """Statements from `source`, formatted to fit `width` columns (the room left after indentation)."""
    module = cst.parse_module(format_source(source, width))
    return list(module.body)


def format_expression(source: str, width: int) -> cst.BaseExpression:
    """An expression formatted by black to fit in `width` columns, continuation lines at column 0."""
    # Many fixes insert the same value; parse it once, hand out copies (edits match nodes by identity).
    return _parsed_expression(source, width, _formatting()).deep_clone()


@lru_cache(maxsize=4096)
def _parsed_expression(source: str, width: int, formatted: bool) -> cst.BaseExpression:
    prefix = "_ = "
    # `formatted` is part of the cache key, so it decides here rather than the thread's switch.
    module = cst.parse_module(_format(prefix + source, width + len(prefix), formatted))
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    return assign.value
