"""Which uses of an imported CDK name really mean the import: Python's scoping, cheaply.

The import map says `s3 -> aws_cdk.aws_s3` for the whole module. That is wrong wherever
the name is bound to something else: `s3 = boto3.resource("s3")` in a function, a
parameter `s3`, `for s3 in ...`, `except ... as s3`, `with ... as s3`, `case s3:`,
`import mylib as s3`, a user's own `class Bucket`, or the module rebinding `s3` itself.

LibCST's ScopeProvider answers this for every name of the file and costs several times
the parse. Here the question is asked only of the names the import map knows, and only
when one of them is bound somewhere other than by its CDK import (a pass over the file's
binding nodes, from the node index every file has anyway). Most files bind no CDK name
twice and pay nothing more.

When a name is rebound, a use resolves to the CDK import only if the scope Python looks
it up in binds it to nothing but that import. Within one scope, order is not considered:
a name bound both to the CDK import and to something else in the scope that a use sees
is unknown, whether the other binding comes before or after the use (conservative: the
rules then leave the code alone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from cdkfix.names import ImportMap
    from cdkfix.node_index import NodeIndex

# How a scope binds a name.
CDK = "cdk"  # an import of the very CDK name the import map gives it
OTHER = "other"  # anything else: assignment, parameter, loop, def, class, del, other import
GLOBAL = "global"  # `global name`: the function's uses and bindings are the module's
NONLOCAL = "nonlocal"  # `nonlocal name`: they are the enclosing function's

# Node classes (by name, as the node index keys them) that bind names.
BINDING_NODES = (
    "AssignTarget", "AnnAssign", "AugAssign", "For", "CompFor", "AsName", "NamedExpr", "FunctionDef",
    "ClassDef", "Param", "Del", "Global", "Nonlocal", "MatchAs", "MatchStar", "MatchMapping", "ImportAlias",
)
_FUNCTIONS = (cst.FunctionDef, cst.Lambda)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def target_names(node: cst.CSTNode | None, out: list[str]) -> None:
    """The names an assignment target binds (`a`, `a, *b`, `[a, (b, c)]`); attributes and
    subscripts bind none."""
    kind = type(node)
    if kind is cst.Name:
        out.append(node.value)
    elif kind is cst.Tuple or kind is cst.List:
        for element in node.elements:
            target_names(element.value, out)
    elif kind is cst.StarredElement:
        target_names(node.value, out)


def bound_names(node: cst.CSTNode) -> list[str]:
    """The names one node of a BINDING_NODES class binds (or declares global/nonlocal).
    An `as` of an import counts with its ImportAlias, not as an AsName of its own."""
    out: list[str] = []
    kind = type(node)
    if kind is cst.AssignTarget or kind is cst.AnnAssign or kind is cst.AugAssign or kind is cst.For or kind is cst.CompFor or kind is cst.NamedExpr or kind is cst.Del:
        target_names(node.target, out)
    elif kind is cst.AsName:
        target_names(node.name, out)
    elif kind is cst.FunctionDef or kind is cst.ClassDef or kind is cst.Param:
        out.append(node.name.value)
    elif kind is cst.Global or kind is cst.Nonlocal:
        out.extend(item.name.value for item in node.names)
    elif kind is cst.MatchAs or kind is cst.MatchStar:
        if node.name is not None:
            out.append(node.name.value)
    elif kind is cst.MatchMapping:
        if node.rest is not None:
            out.append(node.rest.value)
    elif kind is cst.ImportAlias:
        if node.asname is not None:
            target_names(node.asname.name, out)
        else:
            name = node.name
            while type(name) is cst.Attribute:  # `import a.b.c` binds `a`
                name = name.value
            if type(name) is cst.Name:
                out.append(name.value)
    return out


def _enclosing_scope(index: "NodeIndex", position: int) -> int:
    """The position of the scope a node at `position` is evaluated in (0: the module).

    A def's or class's decorators, defaults, annotations and bases, a lambda's defaults
    and a comprehension's first iterable are evaluated in the scope around them."""
    nodes, parents = index.nodes, index.parents
    grandchild, child, at = -1, position, parents[position]
    while at > 0:
        node = nodes[at]
        kind = type(node)
        if kind is cst.FunctionDef or kind is cst.ClassDef or kind is cst.Lambda:
            if nodes[child] is node.body:
                return at
        elif kind in _COMPREHENSION_TYPES:
            if not (nodes[child] is node.for_in and grandchild >= 0 and nodes[grandchild] is node.for_in.iter):
                return at
        grandchild, child, at = child, at, parents[at]
    return 0


_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)


class Scopes:
    """For the CDK names bound somewhere other than by their import: each scope's bindings."""

    def __init__(self, index: "NodeIndex", bindings: dict[int, dict[str, set[str]]]) -> None:
        self.index = index
        # scope position -> name -> how it binds it
        self.bindings = bindings
        self.names = frozenset(name for names in bindings.values() for name in names)

    def refers_to_import(self, name: str, position: int) -> bool:
        """Whether `name` used at `position` (a node of the index) is the module's CDK import."""
        nodes, bindings = self.index.nodes, self.bindings
        scope = _enclosing_scope(self.index, position) if position > 0 else 0
        innermost = True
        skip_to_module = False
        while True:
            if skip_to_module:
                scope = 0
            kinds = bindings.get(scope, {}).get(name)
            if scope == 0:
                return not kinds or kinds <= {CDK, GLOBAL}
            node = nodes[scope]
            if type(node) is cst.ClassDef and not innermost:
                pass  # a class body's names are not visible in the functions inside it
            elif kinds:
                if GLOBAL in kinds:
                    skip_to_module = True
                    continue
                if NONLOCAL not in kinds:
                    return kinds <= {CDK}
            innermost = False
            scope = _enclosing_scope(self.index, scope)


def analyse(index: "NodeIndex", imports: "ImportMap") -> Scopes | None:
    """The scopes that rebind a CDK name of `imports`, or None when no scope does (the
    common case, decided by one look at each binding node of the file)."""
    known = imports.bindings
    if not known:
        return None
    nodes = index.nodes
    found: list[tuple[int, str]] = []  # (position of the binding node, name)
    for position in index.positions(BINDING_NODES):
        node = nodes[position]
        if type(node) is cst.AsName and type(nodes[index.parents[position]]) is cst.ImportAlias:
            continue
        for name in bound_names(node):
            if name in known:
                found.append((position, name))
    if not found:
        return None
    bindings: dict[int, dict[str, set[str]]] = {}
    for position, name in found:
        node = nodes[position]
        kind = type(node)
        if kind is cst.Global:
            how = GLOBAL
        elif kind is cst.Nonlocal:
            how = NONLOCAL
        elif kind is cst.ImportAlias and _imports_as(node, nodes[index.parents[position]], name) == known[name]:
            how = CDK
        else:
            how = OTHER
        scope = _binding_scope(index, position, node)
        bindings.setdefault(scope, {}).setdefault(name, set()).add(how)
    # A function's bindings of a name it declares global are the module's; of a name it
    # declares nonlocal, the enclosing function's (conservatively, the nearest one).
    for scope, names in list(bindings.items()):
        for name, kinds in names.items():
            if scope and GLOBAL in kinds and kinds - {GLOBAL}:
                bindings.setdefault(0, {}).setdefault(name, set()).update(kinds - {GLOBAL})
            elif scope and NONLOCAL in kinds and kinds - {NONLOCAL}:
                outer = _enclosing_scope(index, scope)
                while outer and type(nodes[outer]) is cst.ClassDef:
                    outer = _enclosing_scope(index, outer)
                bindings.setdefault(outer, {}).setdefault(name, set()).update(kinds - {NONLOCAL})
    # Only the CDK imports at module level that built the map: nothing is rebound.
    if all(not scope and kinds <= {CDK} for scope, names in bindings.items() for kinds in names.values()):
        return None
    return Scopes(index, bindings)


def _imports_as(alias: cst.ImportAlias, statement: cst.CSTNode, local: str) -> str | None:
    """The qualified name an import alias binds `local` to."""
    from cdkfix.names import dotted_name

    full = dotted_name(alias.name)
    if full is None:
        return None
    if type(statement) is cst.ImportFrom:
        if statement.relative or statement.module is None:
            return None
        module = dotted_name(statement.module)
        return None if module is None else f"{module}.{full}"
    return full if alias.asname is not None else local


def _binding_scope(index: "NodeIndex", position: int, node: cst.CSTNode) -> int:
    """The scope a binding node binds its names in."""
    nodes, parents = index.nodes, index.parents
    kind = type(node)
    if kind is cst.Param:
        # Param -> Parameters -> FunctionDef / Lambda: the parameter is the function's.
        return parents[parents[position]]
    if kind is cst.CompFor:
        at = parents[position]
        while type(nodes[at]) is cst.CompFor:
            at = parents[at]
        return at
    scope = _enclosing_scope(index, position)
    if kind is cst.NamedExpr:
        # `(x := ...)` in a comprehension binds in the scope around the comprehension.
        while scope and type(nodes[scope]) in _COMPREHENSION_TYPES:
            scope = _enclosing_scope(index, scope)
    return scope
