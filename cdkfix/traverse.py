"""A read-only pre-order/post-order walk of a LibCST tree, without rebuilding it.

`node.visit(visitor)` rebuilds every node it passes (LibCST's `_visit_and_replace_children`
constructs and validates a new node even for a read-only visitor), which on real CDK code
costs about as much as the parse. Rules only read, so the walk follows the nodes' own
fields instead, and skips whitespace, comments and punctuation, which no rule looks at.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Callable

import libcst as cst

# Leaves and trivia: nothing below them is a statement, a call or a name.
_TRIVIA = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.Comma,
    cst.AssignEqual,
    cst.Colon,
    cst.Dot,
    cst.Semicolon,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.ImportStar,
)


# Fields that only ever hold trivia; not even looked at.
_TRIVIA_FIELDS = frozenset(
    {"lpar", "rpar", "comma", "equal", "semicolon", "colon", "dot", "lbracket", "rbracket", "lbrace", "rbrace",
     "operator", "leading_lines", "lines_after_decorators", "trailing_whitespace", "header", "footer",
     "newline", "first_line", "last_line", "empty_lines", "indent", "star", "default_indent",
     "default_newline", "encoding", "has_trailing_newline", "quote", "prefix", "value_type"}
)


@lru_cache(maxsize=None)
def _field_names(node_type: type) -> tuple[str, ...]:
    return tuple(
        field.name
        for field in dataclasses.fields(node_type)
        if field.name not in _TRIVIA_FIELDS and not field.name.startswith("whitespace")
    )


def walk(node: cst.CSTNode, enter: Callable[[cst.CSTNode], object], leave: Callable[[cst.CSTNode], None]) -> None:
    """Call `enter` on each node before its children and `leave` after them, in field order
    (source order for statements and arguments). `enter` returning False skips the children."""
    if enter(node) is False:
        leave(node)
        return
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not isinstance(value, _TRIVIA):
                walk(value, enter, leave)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode) and not isinstance(item, _TRIVIA):
                    walk(item, enter, leave)
    leave(node)


def visit_readonly(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a read-only visitor, without rebuilding the tree."""
    walk(node, visitor.on_visit, visitor.on_leave)
