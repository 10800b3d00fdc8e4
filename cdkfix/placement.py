"""Whether the statements a fix inserts can go where it puts them; if not, no fix.

Rules say where new statements go (before or after an anchor statement). Three shapes
would make the fixed code wrong however well each rule builds its code, so they are
checked here, once, for the fixes of every rule:

- the new statements go *before* the anchor but use a name the anchor itself binds
  (`td = ecs.FargateTaskDefinition(...); c = td.add_container(..., logging=...)` on one
  line would get `logs.LogGroup(td, ...)` above it: UnboundLocalError at synthesis). The
  line is split when that is enough (the new statements go between the small statement
  that binds the name and the one the fix is about, `InsertStatements.split`); otherwise
  no fix;
- the construct is created only in some cases (`x if c else y`, `a and b`, a lambda, a
  comprehension): a statement of its own would run in every case;
- the new statements go after a `return`, `raise`, `break` or `continue`: never run;
- the code spells a CDK name through a local name (`s3.BucketEncryption`) that, where it
  goes, is bound to something else (a parameter `s3`): cdkfix.scopes.

Otherwise such a fix becomes a finding without a fix (the reason says which shape), and so does a
fix that changes the code another dropped fix would have inserted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from cdkfix.edits import ChangeNode, InsertStatements
from cdkfix.scopes import BINDING_NODES, bound_names
from cdkfix.traverse import plain_names, walk

if TYPE_CHECKING:
    from cdkfix.names import ImportMap
    from cdkfix.node_index import NodeIndex
    from cdkfix.rule import Fix

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_ENDS_FLOW = (cst.Return, cst.Raise, cst.Break, cst.Continue)
# Bindings inside an anchor that do not bind in the anchor's own scope.
_NOT_OUTER = {"Param", "CompFor", "FunctionDef", "ClassDef"}
_OUTER_BINDINGS = tuple(name for name in BINDING_NODES if name not in _NOT_OUTER)


def vet(fixes: Sequence["Fix"], index: "NodeIndex", imports: "ImportMap") -> list["Fix"]:
    """`fixes`, with those whose code cannot go where it would go turned into findings
    without a fix. Fixes that insert nothing and use no rebound name pass untouched."""
    result = list(fixes)
    dropped_nodes: set[int] = set()
    for number, fix in enumerate(result):
        if not fix.edits:
            continue
        why = _names_problem(fix, imports)
        if why is None:
            why, edits = _placement_problem(fix, index)
            if why is None:
                if edits is not None:
                    result[number] = replace(fix, edits=edits)
                continue
        result[number] = _without_fix(fix, why)
        for edit in fix.edits:
            if isinstance(edit, InsertStatements):
                for statement in edit.statements:
                    walk(statement, lambda node: dropped_nodes.add(id(node)), lambda node: None)
    if dropped_nodes:
        # A fix that changes what a dropped fix inserts (CDK-I3 on CDK-A3's deployment
        # group) has nothing left to change.
        for number, fix in enumerate(result):
            if fix.edits and any(
                id(edit.statement) in dropped_nodes or (isinstance(edit, ChangeNode) and id(edit.target) in dropped_nodes)
                for edit in fix.edits
            ):
                result[number] = _without_fix(fix, "it changes code that another fix would add, and that fix cannot be applied here")
    return result


def _without_fix(fix: "Fix", why: str) -> "Fix":
    return replace(fix, edits=[], imports=[], no_fix_reason=why)


def _names_problem(fix: "Fix", imports: "ImportMap") -> str | None:
    scopes = imports.scopes
    if scopes is None or not fix.names:
        return None
    for name in fix.names:
        if name not in scopes.names:
            continue
        for edit in fix.edits:
            place = edit.anchor if isinstance(edit, InsertStatements) else edit.target
            if not imports.refers_to_import(name, place):
                return (
                    f"its code would name CDK classes through `{name}`, which is bound to something "
                    "else where that code goes"
                )
    return None


def _placement_problem(fix: "Fix", index: "NodeIndex") -> tuple[str | None, list | None]:
    """(why the fix cannot be applied, None) or (None, its edits with lines to split, or None)."""
    inserts = [edit for edit in fix.edits if isinstance(edit, InsertStatements)]
    if not inserts:
        return None, None
    triggers = [fix.node, *(edit.target for edit in fix.edits if isinstance(edit, ChangeNode))]
    if fix.trigger is not None:
        triggers.append(fix.trigger)
    for trigger in triggers:
        shape = _conditional(index, trigger)
        if shape is not None:
            return f"the construct is only created in some cases ({shape}): code added as a statement of its own would always run", None
    edits = None
    for number, edit in enumerate(fix.edits):
        if not isinstance(edit, InsertStatements):
            continue
        anchor = edit.anchor
        if not edit.before:
            if isinstance(anchor, cst.SimpleStatementLine) and isinstance(anchor.body[-1], _ENDS_FLOW):
                keyword = type(anchor.body[-1]).__name__.lower()
                return f"the statement ends with `{keyword}`: code added after it would never run", None
            continue
        used = _names_used(edit.statements)
        if not used:
            continue
        clash = used & _bound_by(index, anchor)
        if not clash:
            continue
        split = _split_point(index, anchor, clash, triggers)
        if split is None:
            return (
                f"the code it adds before the statement uses `{min(clash)}`, which that statement binds: "
                "it would run before the name exists"
            ), None
        edits = list(fix.edits) if edits is None else edits
        edits[number] = replace(edit, split=split)
    return None, edits


def _split_point(index: "NodeIndex", anchor: cst.BaseStatement, clash: set[str], triggers: list) -> int | None:
    """Where `a = ...; b = ...` can be split so that code inserted there sees the names in
    `clash`: after the small statements that bind them, before the one holding the fix's
    construct, which must bind none of them itself. None when there is no such place."""
    if not isinstance(anchor, cst.SimpleStatementLine) or len(anchor.body) < 2:
        return None
    spans = []
    for small in anchor.body:
        at = index.position(small)
        if at is None:
            return None
        spans.append((at, index.ends[at]))
    holding = set()
    for trigger in triggers:
        at = index.position(trigger) if trigger is not None else None
        holding.update(number for number, (low, high) in enumerate(spans) if at is not None and low <= at < high)
    if len(holding) != 1:
        return None  # the construct is the whole line, or spread over several statements
    (split,) = holding
    if split == 0 or any(clash & _bound_by(index, small) for small in anchor.body[split:]):
        return None
    if not clash <= set().union(*(_bound_by(index, small) for small in anchor.body[:split])):
        return None
    return split


def _conditional(index: "NodeIndex", node: cst.CSTNode) -> str | None:
    """The expression that makes `node` run only sometimes, within its statement, or None."""
    position = index.position(node)
    if position is None:
        return None
    nodes, parents = index.nodes, index.parents
    grandchild, child, at = -1, position, parents[position]
    while at >= 0:
        parent = nodes[at]
        if isinstance(parent, (cst.BaseSmallStatement, cst.BaseStatement)):
            return None
        below = nodes[child]
        if isinstance(parent, cst.IfExp) and below is not parent.test:
            return "a branch of `... if ... else ...`"
        if isinstance(parent, cst.BooleanOperation) and below is parent.right:
            return f"the right side of `{'and' if isinstance(parent.operator, cst.And) else 'or'}`"
        if isinstance(parent, cst.Lambda) and below is parent.body:
            return "a lambda"
        if isinstance(parent, _COMPREHENSIONS) and not (
            below is parent.for_in and grandchild >= 0 and nodes[grandchild] is parent.for_in.iter
        ):
            return "a comprehension"
        grandchild, child, at = child, at, parents[at]
    return None


def _names_used(statements: Sequence[cst.BaseStatement]) -> set[str]:
    """The names new statements read or write, leaving out attribute and keyword names."""
    return {name.value for statement in statements for name in plain_names(statement)}


def _bound_by(index: "NodeIndex", anchor: cst.BaseStatement) -> set[str]:
    """The names a statement binds in its own scope; for a compound statement, in its
    header only (what its blocks bind is bound later)."""
    start = index.position(anchor)
    if start is None:
        return set()
    end = index.ends[start]
    blocks = []
    for field in ("body", "orelse", "handlers", "finalbody", "cases"):
        value = getattr(anchor, field, None)
        for block in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(block, cst.CSTNode) and not isinstance(anchor, cst.SimpleStatementLine):
                at = index.position(block)
                if at is not None:
                    blocks.append((at, index.ends[at]))
    names: set[str] = set()
    nodes = index.nodes
    for at in index.positions(_OUTER_BINDINGS, start, end):
        if any(low <= at < high for low, high in blocks):
            continue
        node = nodes[at]
        if type(node) is cst.AsName and type(nodes[index.parents[at]]) is cst.ImportAlias:
            continue
        names.update(bound_names(node))
    return names
