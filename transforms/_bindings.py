"""Which construct a name stands for, shared by the rules that follow a variable to its
construct call (CDK-A1: `role.add_managed_policy(...)`, CDK-B3: `topic.apply_removal_policy(...)`).

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

import libcst as cst

from cdkfix.constructs import code
from cdkfix.rule import Rule
from cdkfix.traverse import visit_readonly


class _Assignments(cst.CSTVisitor):
    """Statements that assign `target` in one scope's body, not looking into nested scopes.

    `into_methods`: the body is a class's, whose methods' bodies are searched too (for `self.x`).
    """

    def __init__(self, target: str, into_methods: bool) -> None:
        super().__init__()
        self.target = target
        self.into_methods = into_methods
        # (statement, value) per assignment; value None when it is not a plain `target = value`.
        self.found: list[tuple[cst.SimpleStatementLine, cst.BaseExpression | None]] = []
        self._depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return self.into_methods and self._depth == 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        for small in node.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if code(target.target) == self.target:
                        self.found.append((node, small.value if len(small.targets) == 1 else None))
            elif isinstance(small, cst.AnnAssign) and code(small.target) == self.target:
                self.found.append((node, small.value))
            elif isinstance(small, cst.AugAssign) and code(small.target) == self.target:
                self.found.append((node, None))
        return False


def single_binding(rule: Rule, receiver: cst.BaseExpression) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """(statement, value) of the one plain assignment of `receiver` (a name, or `self.x`) in the
    scope that sees it: the function around the current node (the module at top level) for a
    name, the class and its methods for `self.x`. None when it is never assigned there, is
    rebound, or is assigned other than by `receiver = value`: then it is not provably one value.
    """
    if isinstance(receiver, cst.Name):
        scope = rule.enclosing(cst.FunctionDef) or rule.context.module
        collector = _Assignments(receiver.value, into_methods=False)
    elif (
        isinstance(receiver, cst.Attribute)
        and isinstance(receiver.value, cst.Name)
        and receiver.value.value == "self"
    ):
        scope = rule.enclosing(cst.ClassDef)
        if scope is None:
            return None
        collector = _Assignments(code(receiver), into_methods=True)
    else:
        return None
    if isinstance(scope, cst.Module):
        for statement in scope.body:
            visit_readonly(statement, collector)
    else:
        visit_readonly(scope.body, collector)
    if len(collector.found) != 1:
        return None
    statement, value = collector.found[0]
    if value is None:
        return None
    return statement, value


def known_member(rule: Rule, value: cst.BaseExpression, prefix: str) -> str | None:
    """The qualified CDK name starting with `prefix` ("aws_cdk.RemovalPolicy.") that `value`
    stands for: written as the member (`RemovalPolicy.RETAIN`, `cdk.RemovalPolicy.RETAIN`), or a
    name (or `self.x`) bound once, in the scope that sees it, to such a member. A literal `None`
    is "None" (the construct's default). Anything else - a parameter, a conditional, a call, a
    name bound more than once - is decided at run time: None.
    """
    if isinstance(value, cst.Name) and value.value == "None":
        return "None"
    resolved = rule.resolve(value)
    if resolved is not None:
        return resolved if resolved.startswith(prefix) else None
    if isinstance(value, (cst.Name, cst.Attribute)):
        found = single_binding(rule, value)
        if found is not None:
            resolved = rule.resolve(found[1])
            if resolved is not None and resolved.startswith(prefix):
                return resolved
    return None
