"""LibCST's parse of a user's file, without LibCST re-checking each node the parser made.

Every LibCST node checks its own fields when it is constructed (`CSTNode.__post_init__` ->
`_validate`): whitespace that must be there, parentheses that must pair. That is what keeps
a rule from building a node that prints as broken code. A node made by the parser comes
from source the parser has just accepted, so the check cannot fail there (LibCST's own
comment at `__post_init__` suggests moving it out of the parse for this reason), and it
costs a fifth of the parse: half a million checks for 200 CDK files. Here the check is off
for the parse only; nodes the rules build are checked as before.
"""

from __future__ import annotations

import threading

import libcst as cst

_VALIDATING_POST_INIT = cst.CSTNode.__post_init__
# One parse at a time swaps the method; the engine parses one file at a time anyway.
_SWAP = threading.Lock()


def _trusted(self) -> None:
    """Nothing to check: the parser built this node from source it accepted."""


def parse_module(source: bytes | str) -> cst.Module:
    """`libcst.parse_module`, without the per-node validation: the same tree and the same
    ParserSyntaxError; only a CSTValidationError LibCST might raise mid-parse cannot occur."""
    with _SWAP:
        cst.CSTNode.__post_init__ = _trusted
        try:
            return cst.parse_module(source)
        finally:
            cst.CSTNode.__post_init__ = _VALIDATING_POST_INIT
