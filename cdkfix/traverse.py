"""A read-only pre-order/post-order walk of a LibCST tree, without rebuilding it.

`node.visit(visitor)` rebuilds every node it passes (LibCST's `_visit_and_replace_children`
constructs and validates a new node even for a read-only visitor), which on real CDK code
costs about as much as the parse. Rules only read, so the walk follows the nodes' own
fields instead, and skips whitespace, comments and punctuation, which no rule looks at.
"""

from __future__ import annotations

import dataclasses
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterator

import libcst as cst

if TYPE_CHECKING:
    from cdkfix.node_index import NodeIndex

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
    # A field declared `str` (a name's or a literal's text) never holds a node: names,
    # strings and numbers, half of a file's nodes, get no fields to look at.
    return tuple(
        field.name
        for field in dataclasses.fields(node_type)
        if field.name not in _TRIVIA_FIELDS and not field.name.startswith("whitespace") and field.type not in (str, "str")
    )


# type -> the fields to follow, or None for what is not followed (trivia, strings, sentinels,
# None). One dictionary look-up per value: the node classes are ABCs, and an isinstance
# check against an ABC (or a tuple of them) costs several times the look-up.
_PLANS: dict[type, tuple[str, ...] | None] = {}


def _plan(value_type: type) -> tuple[str, ...] | None:
    if issubclass(value_type, cst.CSTNode) and not issubclass(value_type, _TRIVIA):
        plan = _field_names(value_type)
    else:
        plan = None
    _PLANS[value_type] = plan
    return plan


def walk(node: cst.CSTNode, enter: Callable[[cst.CSTNode], object], leave: Callable[[cst.CSTNode], None]) -> None:
    """Call `enter` on each node before its children and `leave` after them, in field order
    (source order for statements and arguments). `enter` returning False skips the children."""
    plans = _PLANS

    def visit(node: cst.CSTNode, fields: tuple[str, ...]) -> None:
        if enter(node) is not False:
            for name in fields:
                value = getattr(node, name)
                kind = type(value)
                if kind is tuple or kind is list:
                    for item in value:
                        item_type = type(item)
                        item_fields = plans[item_type] if item_type in plans else _plan(item_type)
                        if item_fields is not None:
                            visit(item, item_fields)
                else:
                    value_fields = plans[kind] if kind in plans else _plan(kind)
                    if value_fields is not None:
                        visit(value, value_fields)
        leave(node)

    visit(node, _field_names(type(node)))


def _ignore(node: cst.CSTNode) -> None:
    return None


def _handlers(visitor_type: type) -> tuple[dict[str, Callable], dict[str, Callable]]:
    """Node class name -> the visit_/leave_ function the visitor's own classes define.

    CSTVisitor's inherited visit_<Node> defaults do nothing and are left out. Not cached:
    most visitors are classes defined inside a function, a new class on every call.
    """
    visits: dict[str, Callable] = {}
    leaves: dict[str, Callable] = {}
    for klass in reversed(visitor_type.__mro__[: visitor_type.__mro__.index(cst.CSTVisitor)]):
        for attribute, value in vars(klass).items():
            if attribute.startswith("visit_") and attribute.count("_") == 1:
                visits[attribute[6:]] = value
            elif attribute.startswith("leave_") and attribute.count("_") == 1:
                leaves[attribute[6:]] = value
    # `visit_X = None` in a subclass switches a handler off: nothing is called for X.
    return (
        {name: value for name, value in visits.items() if value is not None},
        {name: value for name, value in leaves.items() if value is not None},
    )


# The index of the module whose rules run in this thread (see `indexed`).
_current = threading.local()


@contextmanager
def indexed(index: "NodeIndex | None") -> Iterator["NodeIndex | None"]:
    """Within the block, `visit_readonly` in this thread uses `index` for the nodes of its
    tree. Per thread: the engine analyses files in a thread of its own, and nothing stops
    a caller from running files on other threads at once. The previous index is restored after."""
    previous = current_index()
    _current.index = index
    try:
        yield index
    finally:
        _current.index = previous


def current_index() -> "NodeIndex | None":
    return getattr(_current, "index", None)


def visit_readonly(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a read-only visitor, without rebuilding the tree."""
    visitor_type = type(visitor)
    if (
        visitor_type.on_visit is not cst.CSTVisitor.on_visit
        or visitor_type.on_leave is not cst.CSTVisitor.on_leave
        or vars(visitor).keys() & {"on_visit", "on_leave"}
        or any(name.startswith(("visit_", "leave_")) for name in vars(visitor))
    ):
        walk(node, visitor.on_visit, visitor.on_leave)
        return
    # CSTVisitor.on_visit/on_leave look the method up by name for every node; the same
    # dispatch from a table built once per visitor class (a visit_ returning False still
    # skips the children).
    visits, leaves = _handlers(visitor_type)
    index = current_index()
    if index is not None:
        position = index.position(node)
        if position is not None:
            # The same calls, entering only the nodes of the types the visitor handles.
            index.visit(position, visitor, visits, leaves)
            return
    get_visit = visits.get
    get_leave = leaves.get

    def enter(current: cst.CSTNode) -> object:
        method = get_visit(type(current).__name__)
        if method is not None:
            return method(visitor, current)
        return None

    def leave(current: cst.CSTNode) -> None:
        method = get_leave(type(current).__name__)
        if method is not None:
            method(visitor, current)

    walk(node, enter, leave if leaves else _ignore)


def nodes_within(node: cst.CSTNode, *types: type) -> list[cst.CSTNode]:
    """`node` and the nodes below it whose class is one of `types`, in walk order: what a
    visitor with only visit_<Type> handlers returning None would be called with.

    For the rules' many small searches ("the calls in this statement"): a visitor class
    defined inside a function is a new class on every call, and building one costs more
    than the search itself. Matched by class name, as visit_<Type> handlers are.
    """
    names = {kind.__name__ for kind in types}
    index = current_index()
    if index is not None:
        start = index.position(node)
        if start is not None:
            nodes = index.nodes
            return [nodes[at] for at in index.positions(names, start, index.ends[start])]
    found: list[cst.CSTNode] = []

    def enter(current: cst.CSTNode) -> None:
        if type(current).__name__ in names:
            found.append(current)

    walk(node, enter, _ignore)
    return found


def plain_names(node: cst.CSTNode) -> list[cst.Name]:
    """Every Name in `node` that stands for a variable (read or bound), in source order: the
    attribute part of `x.name` and the keyword of `name=` are not variables and are left out."""
    found: list[cst.Name] = []
    skip: set[int] = set()

    def enter(child: cst.CSTNode) -> None:
        kind = type(child)
        if kind is cst.Attribute:
            skip.add(id(child.attr))
        elif kind is cst.Arg and child.keyword is not None:
            skip.add(id(child.keyword))
        elif kind is cst.Name and id(child) not in skip:
            found.append(child)

    walk(node, enter, lambda child: None)
    return found
