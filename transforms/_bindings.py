"""Which construct a name stands for, shared by the rules that follow a variable to its
construct call (CDK-A1: `role.add_managed_policy(...)`, CDK-B3: `topic.apply_removal_policy(...)`).

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

import libcst as cst

from cdkfix.constructs import code
from cdkfix.rule import Rule
from cdkfix.traverse import visit_readonly, walk


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


def assignments_in(
    function: cst.FunctionDef, name: str
) -> list[tuple[cst.SimpleStatementLine, cst.BaseExpression | None]]:
    """Every statement of `function`'s body (not of nested scopes) that assigns `name`: (statement,
    value), value None when it is not a plain `name = value` (several targets, `+=`). Parameters,
    loops and other bindings are not assignments: `binds_otherwise` tells about those."""
    collector = _Assignments(name, into_methods=False)
    visit_readonly(function.body, collector)
    return collector.found


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


def _binds(scope: cst.CSTNode, name: str) -> bool:
    """Whether `scope` (a function, its parameters included) binds `name` anywhere in it.
    Nested functions count too: conservative, a name bound there makes the answer "yes"."""
    from cdkfix.scopes import BINDING_NODES, bound_names
    from cdkfix.traverse import nodes_within

    kinds = tuple(getattr(cst, kind) for kind in BINDING_NODES)
    return any(name in bound_names(node) for node in nodes_within(scope, *kinds) if node is not scope)


def value_of(
    rule: Rule, name: cst.BaseExpression, function: cst.FunctionDef | None = None
) -> cst.BaseExpression | None:
    """The expression a plain name stands for where it is used: its one plain assignment in the
    function around the current node, or, when no enclosing function binds the name at all (no
    parameter, loop, import, assignment...), its one assignment at module level (a constant like
    `NAT_GATEWAYS = 1`). None when it is a parameter, rebound, or bound some other way: then the
    value is known only at run time.

    `function`: the function the name is used in, for a rule that asks from outside the traversal's
    position (leave_FunctionDef of that function); it is taken as the innermost one.
    """
    if not isinstance(name, cst.Name):
        return None
    if function is not None:
        found = assignments_in(function, name.value)
        if len(found) == 1 and found[0][1] is not None and not binds_otherwise(function, name.value):
            return found[0][1]
        return None
    found = single_binding(rule, name)
    if found is not None:
        return found[1]
    functions = [node for node in rule.context.ancestors if isinstance(node, (cst.FunctionDef, cst.Lambda))]
    if not functions or any(_binds(function, name.value) for function in functions):
        return None
    collector = _Assignments(name.value, into_methods=False)
    for statement in rule.context.module.body:
        visit_readonly(statement, collector)
    if len(collector.found) != 1 or _module_binds_otherwise(rule.context.module, name.value, collector.found[0][0]):
        return None
    return collector.found[0][1]


def _module_binds_otherwise(module: cst.Module, name: str, assignment: cst.SimpleStatementLine) -> bool:
    """Whether the module's own statements bind `name` other than by `assignment` (a `for`, an
    import, a def, a class...), not looking into functions and classes."""
    from cdkfix.scopes import BINDING_NODES, bound_names

    kinds = tuple(getattr(cst, kind) for kind in BINDING_NODES)

    class _Find(cst.CSTVisitor):
        found = False

        def on_visit(self, node: cst.CSTNode) -> bool:
            if node is assignment:
                return False
            if isinstance(node, kinds) and name in bound_names(node):
                _Find.found = True
            return not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))

    for statement in module.body:
        visit_readonly(statement, _Find())
    return _Find.found


def binds_otherwise(function: cst.FunctionDef, name: str) -> bool:
    """Whether `function` binds `name` other than by assignment statements (a parameter, a loop...)."""
    from cdkfix.scopes import BINDING_NODES, bound_names
    from cdkfix.traverse import nodes_within

    kinds = tuple(getattr(cst, kind) for kind in BINDING_NODES if kind not in ("AssignTarget", "AnnAssign"))
    return any(name in bound_names(node) for node in nodes_within(function, *kinds) if node is not function)


def local_assignment(
    rule: Rule, name: cst.BaseExpression
) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """(statement, value) of the one plain assignment of the name `name` in the scope of the
    current node itself: the function around it, or the module when the node is at top level.
    None when the name is assigned there never or more than once, or bound there some other way
    as well (a parameter, a loop, an import, `global`...), or when it comes from an enclosing
    function or the module while the node is in a function: `value_of` follows those; this asks
    for a value the same function makes, which a fix may edit in place."""
    if not isinstance(name, cst.Name):
        return None
    lambdas = [node for node in rule.context.ancestors[:-1] if isinstance(node, cst.Lambda)]
    if any(_binds(node, name.value) for node in lambdas):
        return None  # a lambda's parameter hides the function's name
    function = rule.enclosing(cst.FunctionDef)
    if function is not None:
        found = assignments_in(function, name.value)
        if len(found) != 1 or found[0][1] is None or binds_otherwise(function, name.value):
            return None
        return found[0]
    if rule.enclosing(cst.ClassDef) is not None:
        return None  # a class body's names are not the module's
    collector = _Assignments(name.value, into_methods=False)
    for statement in rule.context.module.body:
        visit_readonly(statement, collector)
    if len(collector.found) != 1 or collector.found[0][1] is None:
        return None
    if _module_binds_otherwise(rule.context.module, name.value, collector.found[0][0]):
        return None
    return collector.found[0]


def name_uses(scope: cst.CSTNode, name: str) -> list[cst.Name]:
    """Every `name` read or bound in `scope` (nested functions and classes included: they may
    read it too), in source order; attribute names (`x.name`) and keyword names (`name=`) are
    other things and left out."""
    found: list[cst.Name] = []
    skip: set[int] = set()

    def enter(node: cst.CSTNode) -> None:
        kind = type(node)
        if kind is cst.Attribute:
            skip.add(id(node.attr))
        elif kind is cst.Arg and node.keyword is not None:
            skip.add(id(node.keyword))
        elif kind is cst.Name and node.value == name and id(node) not in skip:
            found.append(node)

    walk(scope, enter, lambda node: None)
    return found
