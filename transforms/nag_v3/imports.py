"""The imports and suppression lists the cdk-nag 3 migration leaves unused, removed at the end
of the file by the last NAG3 rule of the run: a rule that migrates calls knows which names it
dropped (`_common.record_migration`), and an import of `NagSuppressions` left behind is an
ImportError with cdk-nag 3, so the clean-up belongs to the migration itself."""

from __future__ import annotations

import libcst as cst

from cdkfix.edits import ChangeNode
from cdkfix.rule import Rule

from ._common import code, name_nodes, notes


def _bound_names(small: cst.Import | cst.ImportFrom) -> list[tuple[cst.ImportAlias, str]]:
    out = []
    if isinstance(small.names, cst.ImportStar):
        return out
    for alias in small.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            out.append((alias, alias.asname.name.value))
        else:
            root = alias.name
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name):
                out.append((alias, root.value))
    return out


def _without(small: cst.Import | cst.ImportFrom, dropped: set[str]) -> cst.Import | cst.ImportFrom | None:
    kept = [alias for alias, local in _bound_names(small) if local not in dropped]
    if not kept:
        return None
    if isinstance(small, cst.ImportFrom) and small.lpar is not None:
        return small.with_changes(names=kept)
    last = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return small.with_changes(names=[*kept[:-1], last])


class _References(cst.CSTVisitor):
    """Every Name that refers to something, by name (imports and binding targets left out)."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[cst.Name]] = {}

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return not isinstance(node.target, cst.Name)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        pass

    def visit_Param(self, node: cst.Param) -> bool:
        for part in (node.annotation, node.default):
            if part is not None:
                part.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.by_name.setdefault(node.value, []).append(node)


def clean_up(rule, node: cst.Module) -> None:
    """Run by the last selected NAG3 rule at the end of the file (see NagMigrationRule)."""
    shared = notes(rule.context)
    removed: set[int] = set(shared["removed"])
    if not removed:
        return
    kept_names: set[str] = shared["kept"]
    references = _References()
    node.visit(references)
    by_name = references.by_name
    # Suppression lists only migrated statements read (a list may feed another list).
    dropped_statements: list[tuple[cst.CSTNode, str]] = []
    pending = dict(shared["followed"])
    changed = True
    while changed:
        changed = False
        for key, (statement, name, _scopes) in list(pending.items()):
            uses = by_name.get(name, [])
            if (
                isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
                and isinstance(statement.body[0], (cst.Assign, cst.AnnAssign))
                and uses
                and all(id(use) in removed for use in uses)
                and name not in kept_names
            ):
                removed.update(id(inner) for inner in name_nodes(statement.body[0].value))
                dropped_statements.append((statement, name))
                del pending[key]
                changed = True
    edits: list = []
    dropped_names: list[str] = []
    for statement in node.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, (cst.Import, cst.ImportFrom)):
                continue
            unused = {
                local
                for _alias, local in _bound_names(small)
                if by_name.get(local) and all(id(use) in removed for use in by_name[local]) and local not in kept_names
            }
            if not unused:
                continue
            dropped_names += sorted(unused)
            edits.append(ChangeNode(statement, _drop_from(small, unused), statement))
    for statement, _name in dropped_statements:
        edits.append(ChangeNode(statement, lambda updated: cst.RemovalSentinel.REMOVE, statement))
    if not edits:
        return
    parts = []
    if dropped_names:
        parts.append("imports " + ", ".join(f"`{name}`" for name in dropped_names))
    if dropped_statements:
        parts.append("suppression lists " + ", ".join(f"`{name}`" for _, name in dropped_statements))
    rule.report(
        "cdk-nag 3: removed what only the migrated cdk-nag 2 calls used: " + "; ".join(parts),
        edits,
        anchor=edits[0].statement,
    )



def _drop_from(small: cst.Import | cst.ImportFrom, unused: set[str]):
    def change(updated: cst.SimpleStatementLine):
        body = []
        for item in updated.body:
            if type(item) is type(small) and code(item) == code(small):
                item = _without(item, unused)
            if item is not None:
                body.append(item)
        if not body:
            return cst.RemovalSentinel.REMOVE
        last = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(body=[*body[:-1], last])

    return change


class NagMigrationRule(Rule):
    """Base of the NAG3 rules: the last one selected cleans up the file's imports at its end."""

    def leave_Module(self, node: cst.Module) -> None:
        ours = sorted(code for code in self.context.selected if code.startswith("NAG3-"))
        if ours and ours[-1] == self.code:
            clean_up(self, node)
