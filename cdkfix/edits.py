"""What a fix changes, and the one transformer that applies the changes of many fixes.

Rules never rewrite the tree themselves: they describe edits against the nodes of the
original tree (change this node, insert these statements after that one, import this
name). All the fixes of a file are then applied in a single transformation, which lets
any number of rules touch the same call (one adds `encryption=`, another
`removal_policy=`) without knowing about each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import libcst as cst

from cdkfix.layout import append_separated
from cdkfix.traverse import walk


@dataclass(frozen=True)
class ChangeNode:
    """Replace `target` (a node of the original tree) by `change(updated target)`.

    A change of a statement may return `cst.RemovalSentinel.REMOVE` to delete it.
    """

    target: cst.CSTNode
    change: Callable[[cst.CSTNode], cst.CSTNode]
    statement: cst.BaseStatement  # the statement holding `target`, for reports and positions


@dataclass(frozen=True)
class InsertStatements:
    """Insert `statements` after (or before) `anchor`, a statement of the original tree."""

    anchor: cst.BaseStatement
    statements: Sequence[cst.BaseStatement]
    before: bool = False
    # With `before`, on a line of several small statements (`a = ...; b = ...`): how many of
    # them stay above the new statements. The line is split there, so that code using a
    # name the line's first statements bind runs after they do (cdkfix.placement sets it).
    split: int = 0

    @property
    def statement(self) -> cst.BaseStatement:
        return self.anchor


Edit = ChangeNode | InsertStatements


@dataclass(frozen=True)
class NeededImport:
    """`from module import name as asname` (name None: `import module as asname`)."""

    module: str
    name: str | None
    asname: str | None

    def statement_source(self) -> str:
        alias = f" as {self.asname}" if self.asname and self.asname != (self.name or self.module) else ""
        if self.name is None:
            return f"import {self.module}{alias}"
        return f"from {self.module} import {self.name}{alias}"


class ApplyEdits(cst.CSTTransformer):
    """Applies edits in one pass; `top_level=False` applies them to a lone statement."""

    def __init__(
        self, edits: Iterable[Edit], *, flatten_root: bool = True, module: cst.Module | None = None, narrow: bool = True
    ) -> None:
        super().__init__()
        edits = _distinct(edits)
        self.changes: dict[cst.CSTNode, list[Callable]] = {}
        self.after: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        self.before: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        # anchor line -> {small statements kept above: statements inserted there}
        self.splits: dict[cst.CSTNode, dict[int, list[cst.BaseStatement]]] = {}
        for edit in edits:
            if isinstance(edit, ChangeNode):
                self.changes.setdefault(edit.target, []).append(edit.change)
            elif edit.before and edit.split:
                self.splits.setdefault(edit.anchor, {}).setdefault(edit.split, []).extend(edit.statements)
            elif edit.before:
                self.before.setdefault(edit.anchor, []).extend(edit.statements)
            else:
                self.after.setdefault(edit.anchor, []).extend(edit.statements)
        self.flatten_root = flatten_root
        self._depth = 0
        # Each statement this pass rebuilt -> the original statement it replaces, so the
        # fixed text can be the original text with only those statements regenerated.
        self.origins: dict[cst.CSTNode, cst.CSTNode] = {}
        # With the module given, only the statements on the way to an edited statement are
        # entered: transforming the untouched rest of a file would cost as much as parsing it.
        self.on_path = _paths_to(module, {edit.statement for edit in edits}) if module is not None else None
        # On that path, outside the edited statements, only blocks and statements are entered:
        # a compound statement's own line (name, parameters, decorators) is then kept as the
        # very same nodes, which is cheaper and lets the fixed text reuse the original lines.
        self.edited = {edit.statement for edit in edits} if narrow else None
        self._inside_edited = 0
        self._entered: list[bool] = []
        self.applied: set[cst.CSTNode] = set()  # the ChangeNode targets reached
        # Inside a statement, only the nodes on the way down to a node an edit is about are
        # entered: LibCST rebuilds every node a transformer enters.
        self.wanted = {*self.changes, *self.before, *self.after, *self.splits}
        self.keep: set[cst.CSTNode] | None = None
        if narrow and module is not None:
            for statement in self.edited:
                self.mark(statement)

    def mark(self, root: cst.CSTNode) -> None:
        """Enter, below `root`, only the nodes that lead to a node an edit is about."""
        keep = self.keep = set() if self.keep is None else self.keep
        wanted = self.wanted
        stack: list[cst.CSTNode] = []

        def enter(node: cst.CSTNode) -> None:
            stack.append(node)
            if node in wanted:
                keep.update(stack)

        walk(root, enter, lambda node: stack.pop())

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.on_path is None:
            enter = self.keep is None or node in self.keep
        else:
            kind = _kind(type(node))
            if kind is _STATEMENT:
                enter = node in self.on_path
            elif self._inside_edited > 0:
                enter = self.keep is None or node in self.keep
            else:
                enter = self.edited is None or kind is _CLAUSE
        self._entered.append(enter)
        if not enter:
            return False
        if self.edited is not None and node in self.edited:
            self._inside_edited += 1
        self._depth += 1
        return True

    def on_leave(self, original_node, updated_node):
        if not self._entered.pop():
            return updated_node
        if self.edited is not None and original_node in self.edited:
            self._inside_edited -= 1
        self._depth -= 1
        result = updated_node
        for change in self.changes.get(original_node, ()):
            result = change(result)
            self.applied.add(original_node)
        if result is not original_node and isinstance(result, cst.BaseStatement):
            self.origins[result] = original_node
        before = self.before.get(original_node)
        after = self.after.get(original_node)
        splits = self.splits.get(original_node)
        if (before or after or splits) and (self.flatten_root or self._depth > 0):
            if isinstance(result, cst.RemovalSentinel):
                # The anchor itself was removed (a change returned RemovalSentinel.REMOVE).
                return cst.FlattenSentinel([statement.visit(self) for statement in [*(before or ()), *(after or ())]])
            # A split line (`a = ...; b = ...`): its first part, then the statements inserted
            # there, then the rest; the first part stands for the original line.
            parts: list[tuple[cst.SimpleStatementLine, list[cst.BaseStatement]]] = []
            if splits:
                parts = split_line(result, splits)
                result = parts[0][0]
                self.origins[result] = original_node
            if before:
                # The inserted block takes the anchor's blank line (if it had one) and the anchor
                # keeps its own, so the new code reads as a paragraph of its own.
                blank = [line for line in result.leading_lines if line.comment is None][:1]
                first, *rest = before
                if not first.leading_lines:
                    before = [first.with_changes(leading_lines=blank), *rest]
            if after:
                first, *rest = after
                if not first.leading_lines and _is_paragraph(original_node):
                    after = [first.with_changes(leading_lines=[cst.EmptyLine(indent=False)]), *rest]
            # Inserted statements go through this transformer too, so one rule may refine
            # a statement another rule inserts (e.g. a setting on a new deployment group), or
            # an original node a rule copied into new code. They are not on any path through
            # the original module: with marking, only those holding an edited node are entered.
            inserted = [*(before or ()), *(statement for _, statements in parts for statement in statements), *(after or ())]
            transform = True
            if self.keep is not None:
                for statement in inserted:
                    self.mark(statement)
                transform = any(statement in self.keep for statement in inserted)
            if transform:
                on_path, self.on_path = self.on_path, None
                try:
                    before = [statement.visit(self) for statement in before or ()]
                    after = [statement.visit(self) for statement in after or ()]
                    parts = [(rest, [statement.visit(self) for statement in statements]) for rest, statements in parts]
                finally:
                    self.on_path = on_path
            else:
                before, after = list(before or ()), list(after or ())
            middle = [statement for rest, statements in parts[1:] for statement in [*statements, rest]]
            return cst.FlattenSentinel([*before, result, *middle, *after])
        return result


def _distinct(edits: Iterable[Edit]) -> list[Edit]:
    """`edits` without repeats of one insertion: two fixes may carry the same statements (the
    very same objects, as AwsSolutions-RS1 and RS11 share one parameter group), which go in once
    when both fixes apply, and with either fix applied alone. Compared by identity: statements
    that merely read the same are two insertions."""
    seen: set[tuple[int, int, bool, int]] = set()
    result: list[Edit] = []
    for edit in edits:
        if isinstance(edit, InsertStatements):
            key = (id(edit.anchor), id(edit.statements), edit.before, edit.split)
            if key in seen:
                continue
            seen.add(key)
        result.append(edit)
    return result


def split_line(
    line: cst.SimpleStatementLine, splits: dict[int, list[cst.BaseStatement]]
) -> list[tuple[cst.SimpleStatementLine, list[cst.BaseStatement]]]:
    """`a; b; c` split after the small statements each key of `splits` counts:
    [(first part, []), (inserted statements, next part), ...] as (part, statements before it).

    The first part keeps the line's leading lines, the last its trailing comment."""
    body = list(line.body)
    cuts = sorted(cut for cut in splits if 0 < cut < len(body))
    if len(cuts) != len(splits):
        raise ValueError("a split outside the line's small statements")
    bounds = [0, *cuts, len(body)]
    parts: list[tuple[cst.SimpleStatementLine, list[cst.BaseStatement]]] = []
    for number, (low, high) in enumerate(zip(bounds, bounds[1:])):
        smalls = body[low:high]
        smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        last = high == len(body)
        part = line.with_changes(
            body=smalls,
            leading_lines=line.leading_lines if number == 0 else (),
            trailing_whitespace=line.trailing_whitespace if last else cst.TrailingWhitespace(),
        )
        parts.append((part, list(splits[low]) if number else []))
    # (part, statements inserted before it), the first with none.
    return parts


_STATEMENT_LIKE = (cst.BaseStatement, cst.BaseSuite)
_STRUCTURE = (cst.Module, cst.Else, cst.Finally, cst.ExceptHandler, cst.MatchCase) + (
    (cst.ExceptStarHandler,) if hasattr(cst, "ExceptStarHandler") else ()
)
# The fields through which statements and clauses hold their blocks and clauses.
BLOCK_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")
_STATEMENT, _CLAUSE, _OTHER = "statement", "clause", "other"
_KINDS: dict[type, str] = {}


def _kind(node_type: type) -> str:
    """Statement or block, clause (else, except, ...), or other: isinstance against LibCST's
    abstract classes is slow, and ApplyEdits asks it of every node it passes."""
    kind = _KINDS.get(node_type)
    if kind is None:
        if issubclass(node_type, _STATEMENT_LIKE):
            kind = _STATEMENT
        elif issubclass(node_type, _STRUCTURE):
            kind = _CLAUSE
        else:
            kind = _OTHER
        _KINDS[node_type] = kind
    return kind


def _is_paragraph(statement: cst.CSTNode) -> bool:
    """A statement set off by a blank line, or spanning several lines: code inserted after
    it gets a blank line too, as the user's own paragraphs do."""
    leading = getattr(statement, "leading_lines", ())
    if any(line.comment is None for line in leading):
        return True
    return "\n" in cst.Module([]).code_for_node(statement.with_changes(leading_lines=[])).rstrip("\n")


def _paths_to(module: cst.Module, statements: set[cst.CSTNode]) -> set[cst.CSTNode]:
    """Every statement-level node on the way from the module to one of `statements`
    (the statements themselves included). Walks statements and blocks only, not expressions."""
    found: set[cst.CSTNode] = set()

    def visit(node: cst.CSTNode) -> bool:
        hit = node in statements
        if not hit and type(node) is cst.SimpleStatementLine:
            return False
        inside = False
        # Only the fields that hold blocks and clauses (`node.children` would build a list
        # of every child, expressions included).
        for name in BLOCK_FIELDS:
            value = getattr(node, name, None)
            for child in value if type(value) is tuple or type(value) is list else (value,):
                if _kind(type(child)) is not _OTHER:
                    inside = visit(child) or inside
        if hit or inside:
            found.add(node)
        return hit or inside

    visit(module)
    return found


def statement_snippet(statement: cst.BaseStatement, edits: Sequence[Edit]) -> tuple[str, str]:
    """Code of one original statement before and after `edits`, without its leading lines."""
    empty = cst.Module(body=[])
    bare = statement.with_changes(leading_lines=[]) if hasattr(statement, "leading_lines") else statement
    before = empty.code_for_node(bare)
    applier = ApplyEdits(edits, flatten_root=False)
    applier.mark(statement)
    # Apply to the original node (identity matters), then strip leading lines for display.
    changed = statement.visit(applier)
    parts = []
    for inserted in applier.before.get(statement, ()):
        parts.append(empty.code_for_node(_refined(applier, inserted).with_changes(leading_lines=[])))
    pieces: list = [changed]
    splits = applier.splits.get(statement)
    if splits and isinstance(changed, cst.SimpleStatementLine):
        pieces = [node for part, inserted in split_line(changed, splits) for node in [*inserted, part]]
    for piece in pieces if not isinstance(changed, cst.RemovalSentinel) else ():  # a removed statement shows as nothing
        parts.append(empty.code_for_node(piece.with_changes(leading_lines=[]) if hasattr(piece, "leading_lines") else piece))
    for inserted in applier.after.get(statement, ()):
        parts.append(empty.code_for_node(_refined(applier, inserted).with_changes(leading_lines=[])))
    return before.rstrip("\n"), "".join(parts).rstrip("\n")


def _refined(applier: ApplyEdits, inserted: cst.BaseStatement) -> cst.BaseStatement:
    """An inserted statement as the fix's own changes of it leave it (a shared statement that
    each fix completes, as RS1 and RS11's parameter group), for the report's snippet."""
    applier.mark(inserted)
    if applier.keep is None or inserted not in applier.keep:
        return inserted
    result = inserted.visit(applier)
    return result if isinstance(result, cst.BaseStatement) else inserted


# --- imports -----------------------------------------------------------------------------


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _from_module(small: cst.BaseSmallStatement) -> str | None:
    if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
        return None
    if isinstance(small.names, cst.ImportStar):
        return None
    return cst.Module([]).code_for_node(small.module)


def add_imports(
    module: cst.Module, needed: Iterable[NeededImport], origins: dict[cst.CSTNode, cst.CSTNode] | None = None
) -> cst.Module:
    """Add the imports a fix needs, in the module's own style.

    A name from a module that already has a parenthesized multi-line `from X import (...)`
    joins that list on its own line; anything else gets a new import line after the
    module's last top-level import, so no user line is rewritten. A rewritten import
    statement is recorded in `origins` (new -> original).
    """
    pending = list(dict.fromkeys(needed))
    if not pending:
        return module
    body = list(module.body)
    new_lines: list[cst.SimpleStatementLine] = []
    for imp in pending:
        merged = False
        if imp.name is not None:
            for index, statement in enumerate(body):
                if not _is_import(statement) or len(statement.body) != 1:
                    continue
                small = statement.body[0]
                if _from_module(small) != imp.module or not small.lpar:
                    continue
                if not isinstance(small.lpar.whitespace_after, cst.ParenthesizedWhitespace):
                    continue
                alias = cst.ImportAlias(
                    name=cst.Name(imp.name),
                    asname=cst.AsName(name=cst.Name(imp.asname)) if imp.asname and imp.asname != imp.name else None,
                )
                names = append_separated(small.names, alias, small.lpar.whitespace_after)
                body[index] = statement.with_changes(body=[small.with_changes(names=names)])
                if origins is not None:
                    origins[body[index]] = origins.get(statement, statement)
                merged = True
                break
        if not merged:
            new_lines.append(cst.parse_statement(imp.statement_source() + "\n"))
    if new_lines:
        # After the module's leading run of docstring and imports.
        position = 0
        for index, statement in enumerate(body):
            if _is_import(statement) or (index == 0 and _is_docstring(statement)):
                position = index + 1
            else:
                break
        body[position:position] = new_lines
    return module.with_changes(body=body)
