"""A flat pre-order index of one module: the nodes `traverse.walk` enters, in its order.

Rules look at a handful of node types (calls, assignments, functions), yet a walk enters
every node of the file, and rules re-walk scopes and statements for their own questions:
three times as many nodes again. Built once per file, the index answers "the calls under
this node, in source order" with two bisections, and "the ancestors of this node" from a
parent array, so a traversal costs what its handlers do rather than the size of the tree.

Position `p` is the p-th node `walk` enters; the subtree of `p` is the positions
`[p, ends[p])`, and `parents[p]` is the position of its parent (-1 for the root).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Iterable

import libcst as cst

from cdkfix.traverse import _PLANS, _field_names, _plan


class NodeIndex:
    """Arrays over the nodes of one tree, in `walk` order."""

    def __init__(self, root: cst.CSTNode) -> None:
        self.root = root
        self.nodes: list[cst.CSTNode] = []
        self.parents: list[int] = []
        self.ends: list[int] = []
        by_type: dict[type, list[int]] = {}
        self._build(root, by_type)
        # Sorted positions per class name (handlers are named after it: `visit_Call`).
        self.by_name: dict[str, list[int]] = {}
        for kind, positions in by_type.items():
            same_name = self.by_name.get(kind.__name__)
            self.by_name[kind.__name__] = positions if same_name is None else sorted(same_name + positions)
        # Class name -> {id(node): position}, made for a class when first asked about: rules
        # ask where statements, calls and functions are, never most of the node types, and a
        # table of all nodes costs a quarter of the index.
        self._positions: dict[str, dict[int, int]] = {}
        self._ancestry: dict[int, list[cst.CSTNode]] = {}

    def _build(self, root: cst.CSTNode, by_type: dict[type, list[int]]) -> None:
        # `traverse.walk` with appends instead of callbacks: the same plans, the same order.
        plans = _PLANS
        nodes, parents, ends = self.nodes, self.parents, self.ends
        add_node, add_parent, add_end = nodes.append, parents.append, ends.append

        def visit(node: cst.CSTNode, kind: type, fields: tuple[str, ...], parent: int) -> None:
            position = len(nodes)
            add_node(node)
            add_parent(parent)
            add_end(0)
            if kind in by_type:
                by_type[kind].append(position)
            else:
                by_type[kind] = [position]
            for name in fields:
                value = getattr(node, name)
                value_type = type(value)
                if value_type is tuple or value_type is list:
                    for item in value:
                        item_type = type(item)
                        item_fields = plans[item_type] if item_type in plans else _plan(item_type)
                        if item_fields is not None:
                            visit(item, item_type, item_fields, position)
                else:
                    value_fields = plans[value_type] if value_type in plans else _plan(value_type)
                    if value_fields is not None:
                        visit(value, value_type, value_fields, position)
            ends[position] = len(nodes)

        visit(root, type(root), _field_names(type(root)), -1)

    def position(self, node: cst.CSTNode) -> int | None:
        """Where `node` is in the tree, or None for a node that is not in it (e.g. one a rule built)."""
        if node is self.root:
            return 0
        name = type(node).__name__
        table = self._positions.get(name)
        if table is None:
            # Keyed by id: a CSTNode's __hash__ is a Python-level call, and `nodes` keeps
            # every node alive, so an id is not reused while the index lives. A node that
            # occurs twice gets its first position (the subtree is the same).
            nodes = self.nodes
            table = {id(nodes[at]): at for at in reversed(self.by_name.get(name, ()))}
            self._positions[name] = table
        position = table.get(id(node))
        if position is None or self.nodes[position] is not node:
            return None
        return position

    def positions(self, names: Iterable[str], start: int = 0, end: int | None = None) -> list[int]:
        """The positions in `[start, end)` of the nodes whose class is named in `names`, in order."""
        if end is None:
            end = len(self.nodes)
        runs = []
        for name in names:
            found = self.by_name.get(name)
            if found:
                low = bisect_left(found, start) if start else 0
                high = bisect_left(found, end, low)
                if low < high:
                    runs.append(found[low:high])
        if not runs:
            return []
        if len(runs) == 1:
            return runs[0]
        merged = [position for run in runs for position in run]
        merged.sort()  # a merge of a few sorted runs: linear for Timsort
        return merged

    def ancestry(self, position: int) -> list[cst.CSTNode]:
        """[root, ..., parent, node] for the node at `position`.

        Cached: rules ask several times about the same node. The list is shared, so it must
        not be changed (nothing does: rules only read their ancestors).
        """
        chain = self._ancestry.get(position)
        if chain is None:
            chain = []
            nodes, parents = self.nodes, self.parents
            at = position
            while at >= 0:
                chain.append(nodes[at])
                at = parents[at]
            chain.reverse()
            self._ancestry[position] = chain
        return chain

    def visit(
        self,
        start: int,
        visitor: object,
        visits: dict[str, Callable],
        leaves: dict[str, Callable],
    ) -> None:
        """What `walk` of the subtree at `start` would call on `visitor`'s own handlers
        (visit_X/leave_X functions by class name), entering only the nodes they handle.

        A visit_ returning False skips that node's subtree, and its leave_ still runs; every
        leave_ runs after the node's subtree and before the next node outside it.
        """
        nodes, ends = self.nodes, self.ends
        handled = self.positions(visits.keys() | leaves.keys(), start, ends[start])
        skip_below = -1  # positions before this are inside a subtree a visit_ said False to
        if not leaves:
            get_visit = visits.get
            for at in handled:
                if at < skip_below:
                    continue
                node = nodes[at]
                if get_visit(type(node).__name__)(visitor, node) is False:
                    skip_below = ends[at]
            return
        pending: list[int] = []  # entered nodes with a leave_, innermost last
        for at in handled:
            if at < skip_below:
                continue
            while pending and ends[pending[-1]] <= at:
                left = nodes[pending.pop()]
                leaves[type(left).__name__](visitor, left)
            node = nodes[at]
            name = type(node).__name__
            method = visits.get(name)
            if method is not None and method(visitor, node) is False:
                skip_below = ends[at]
            if name in leaves:
                pending.append(at)
        while pending:
            left = nodes[pending.pop()]
            leaves[type(left).__name__](visitor, left)
