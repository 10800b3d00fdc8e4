"""Which value a name stands for: the one place the rules follow a variable (`role`, `RUNTIME`,
`self.bucket`) to what it was assigned (CDK-A1: `role.add_managed_policy(...)`, CDK-B3:
`topic.apply_removal_policy(...)`, AwsSolutions-L1: a runtime constant, AwsSolutions-CFR7: an
origin's bucket...).

One definition of what binds a name, `bindings_of` / `self_attribute_bindings`: an assignment,
and every other way Python gives a name a value (a parameter, a `for`, a `with ... as`, a walrus,
an import, a def or class, `del`, `global`/`nonlocal`, a comprehension, a `match` capture, an
unpacking, `+=`), and the statements that change the value in place (`x.attr = ...`,
`x[0] = ...`, `x.append(...)`). A value is known only when the name has exactly one binding in
the scope that sees it and that binding is a plain `name = value`; anything else is decided at
run time, so the answer is "unknown" (None, or `Unknown` with the reason).

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Rule
from cdkfix.scopes import BINDING_NODES, bound_names
from cdkfix.transforms.nag_v3._common import Unknown
from cdkfix.traverse import plain_names, visit_readonly

_BINDING_KINDS = tuple(getattr(cst, kind) for kind in BINDING_NODES)
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Methods that change a list, dict or set in place: the value is no longer the one assigned.
_MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__iadd__", "sort"})


@dataclass(frozen=True)
class Binding:
    """One way a scope gives `name` a value.

    kind: "assign" (`name = value` / `name: T = value`, `value` None when it has several targets
    or no value), "augassign" (`name += ...`), "param", "for", "mutation" (`name.x = ...`,
    `name[0] = ...`, `name.append(...)`), "unpack" (`a, name = ...`), "nested" (a binding
    inside a nested def, class or lambda, only with `nested=True`) or the binding node's class
    name ("Import"... as "ImportAlias", "AsName", "NamedExpr", "Global", "FunctionDef", ...).
    statement: the SimpleStatementLine of an assignment, else the binding node itself.
    """

    kind: str
    value: cst.BaseExpression | None
    statement: cst.CSTNode

    @property
    def plain(self) -> bool:
        return self.kind == "assign" and self.value is not None


def _refers_to(node: cst.CSTNode, wanted: str) -> bool:
    """Whether `node` (an assignment target, a `for` target...) refers to `wanted` (`x` or
    `self.x`) anywhere: as itself, inside an unpacking, or as the base of `wanted.attr` /
    `wanted[i]`. Attribute names (`other.x`) and subscripts (`d[x]`) do not refer to `x`."""
    if dotted_name(node) == wanted:
        return True
    if isinstance(node, cst.Attribute):
        return _refers_to(node.value, wanted)
    if isinstance(node, cst.Subscript):
        return _refers_to(node.value, wanted)
    if isinstance(node, cst.Name):
        return False
    return any(_refers_to(child, wanted) for child in node.children)


class _Finder(cst.CSTVisitor):
    """The bindings of `wanted` (a name, or `self.x`) under a root node.

    For a name, nested defs, classes and lambdas are other scopes: only their own name counts
    (unless `nested`, which counts everything under them as kind "nested"). For `self.x`, the
    whole class is searched, nested functions and classes included."""

    def __init__(self, wanted: str, root: cst.CSTNode, nested: bool) -> None:
        super().__init__()
        self.wanted = wanted
        self.attribute = "." in wanted
        self.root = root
        self.nested = nested
        self.found: list[Binding] = []
        self._statement: cst.CSTNode | None = None
        self._depth = 0  # nested scopes entered (with `nested`)

    def _add(self, kind: str, value: cst.BaseExpression | None, node: cst.CSTNode) -> None:
        statement = self._statement if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)) else node
        self.found.append(Binding("nested" if self._depth else kind, value, statement or node))

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.SimpleStatementLine):
            self._statement = node
        if node is not self.root and isinstance(node, _SCOPES) and not self.attribute:
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.name.value == self.wanted:
                self._add(type(node).__name__, None, node)
            if not self.nested:
                return False
            self._depth += 1
            return True
        self._binding(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.nested and original_node is not self.root and isinstance(original_node, _SCOPES) and not self.attribute:
            self._depth -= 1

    def _binding(self, node: cst.CSTNode) -> None:
        wanted = self.wanted
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if dotted_name(target.target) == wanted:
                    self._add("assign", node.value if len(node.targets) == 1 else None, node)
                elif _refers_to(target.target, wanted):
                    kind = "unpack" if isinstance(target.target, (cst.Tuple, cst.List)) else "mutation"
                    self._add(kind, None, node)
        elif isinstance(node, cst.AnnAssign):
            if dotted_name(node.target) == wanted:
                self._add("assign", node.value, node)
            elif _refers_to(node.target, wanted):
                self._add("mutation", None, node)
        elif isinstance(node, cst.AugAssign):
            if _refers_to(node.target, wanted):
                self._add("augassign" if dotted_name(node.target) == wanted else "mutation", None, node)
        elif isinstance(node, cst.For):
            if _refers_to(node.target, wanted):
                self._add("for", None, node)
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS and dotted_name(func.value) == wanted:
                self._add("mutation", None, node)
        elif isinstance(node, (cst.AsName, cst.Del)):
            # `with ... as x`, `except E as x`, `import m as x`, `del x`, `del x[0]`, `del self.x`
            target = node.name if isinstance(node, cst.AsName) else node.target
            if _refers_to(target, wanted):
                exact = dotted_name(target) == wanted or isinstance(target, (cst.Tuple, cst.List))
                self._add(type(node).__name__ if exact else "mutation", None, node)
        elif self.attribute:
            return
        elif isinstance(node, _BINDING_KINDS) and not isinstance(node, (cst.AssignTarget, cst.FunctionDef, cst.ClassDef)):
            if wanted in bound_names(node):
                self._add("param" if isinstance(node, cst.Param) else type(node).__name__, None, node)


def bindings_of(scope: cst.CSTNode, name: str, nested: bool = False) -> list[Binding]:
    """Every binding of the plain name `name` in `scope` (a module, function, lambda or class
    body; a function's parameters included), not looking into nested scopes unless `nested`."""
    finder = _Finder(name, scope, nested)
    if isinstance(scope, cst.Module):
        for statement in scope.body:
            visit_readonly(statement, finder)
    else:
        visit_readonly(scope, finder)
    return finder.found


def self_attribute_bindings(cls: cst.ClassDef, attribute: str) -> list[Binding]:
    """Every binding of `self.<attribute>` anywhere in `cls` (its body, its methods, and what is
    nested in them)."""
    finder = _Finder(f"self.{attribute}", cls, nested=True)
    visit_readonly(cls, finder)
    return finder.found


def _the_one(found: list[Binding]) -> Binding | None:
    return found[0] if len(found) == 1 and found[0].plain else None


def _scope_of_use(rule: Rule, name: str) -> cst.CSTNode | None:
    """The scope whose bindings decide `name` where the rule is: the innermost function (the
    module at top level). None when a lambda or class body between the use and that scope binds
    the name (a lambda's parameter is a run-time value; class bodies are not followed)."""
    for node in reversed(rule.context.ancestors[:-1]):
        if isinstance(node, cst.FunctionDef):
            return node
        if isinstance(node, (cst.Lambda, cst.ClassDef)) and bindings_of(node, name):
            return None
    return rule.context.module


def single_binding(rule: Rule, receiver: cst.BaseExpression) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """(statement, value) of the one plain assignment of `receiver` (a name, or `self.x`) in the
    scope that sees it: the function around the current node (the module at top level) for a
    name, the class and its methods for `self.x`. None when it is never bound there, is bound
    more than once (a parameter, a loop, an import... count), or other than by
    `receiver = value`: then it is not provably one value.
    """
    if isinstance(receiver, cst.Name):
        scope = _scope_of_use(rule, receiver.value)
        found = _the_one(bindings_of(scope, receiver.value)) if scope is not None else None
    elif (
        isinstance(receiver, cst.Attribute)
        and isinstance(receiver.value, cst.Name)
        and receiver.value.value == "self"
    ):
        cls = rule.enclosing(cst.ClassDef)
        found = _the_one(self_attribute_bindings(cls, receiver.attr.value)) if cls is not None else None
    else:
        return None
    return (found.statement, found.value) if found is not None else None


def binding_of(rule: Rule, receiver: cst.BaseExpression) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """(statement, value) of what `receiver` (a name or `self.x`) stands for where it is used:
    `single_binding`, or, for a name that no enclosing function binds at all, its one binding at
    module level (a constant like `NAT_GATEWAYS = 1`), unless a function declares it `global`."""
    found = single_binding(rule, receiver)
    if found is not None or not isinstance(receiver, cst.Name):
        return found
    name = receiver.value
    module = rule.context.module
    functions = [node for node in rule.context.ancestors if isinstance(node, (cst.FunctionDef, cst.Lambda))]
    # Nested functions count too: conservative, a name bound anywhere in an enclosing
    # function makes the module's value not the one seen here.
    if not functions or any(bindings_of(function, name, nested=True) for function in functions):
        return None
    if any(isinstance(binding.statement, cst.Global) for binding in bindings_of(module, name, nested=True)):
        return None  # a function rebinds the module's name
    found_module = _the_one(bindings_of(module, name))
    return (found_module.statement, found_module.value) if found_module is not None else None


def value_of(
    rule: Rule, name: cst.BaseExpression, function: cst.FunctionDef | None = None
) -> cst.BaseExpression | None:
    """The expression a plain name stands for where it is used (`binding_of`). None when it is a
    parameter, rebound, or bound some other way: then the value is known only at run time.

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
    found = binding_of(rule, name)
    return found[1] if found is not None else None


def assignments_in(
    function: cst.FunctionDef, name: str
) -> list[tuple[cst.SimpleStatementLine, cst.BaseExpression | None]]:
    """Every statement of `function`'s body (not of nested scopes) that assigns `name`: (statement,
    value), value None when it is not a plain `name = value` (several targets, `+=`). Parameters,
    loops and other bindings are not assignments: `binds_otherwise` tells about those."""
    return [
        (binding.statement, binding.value)
        for binding in bindings_of(function, name)
        if binding.kind in ("assign", "augassign")
    ]


def binds_otherwise(function: cst.FunctionDef, name: str) -> bool:
    """Whether `function` binds `name` other than by its own assignment statements (`=`, `:`):
    a parameter, a loop, `+=`, an unpacking, a change in place, a binding in a nested scope..."""
    return any(binding.kind != "assign" for binding in bindings_of(function, name, nested=True))


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


def assigned_once(rule: Rule, name: str) -> cst.BaseExpression:
    """The value `name` (`x`, or `self.x` in a class) stands for where the rule is, as
    `binding_of` finds it; `Unknown` with the reason otherwise."""
    if "." not in name:
        found = binding_of(rule, cst.Name(name))
        if found is None:
            raise Unknown(_why_unknown(rule, name))
        return found[1]
    owner, _, attribute = name.partition(".")
    if owner != "self" or "." in attribute:
        raise Unknown(f"`{name}` is not a name or `self` attribute cdkfix follows")
    cls = rule.enclosing(cst.ClassDef)
    if cls is None:
        raise Unknown(f"`{name}` is not assigned in a class of this file")
    return self_attribute_value(cls, attribute, name)


def _why_unknown(rule: Rule, name: str) -> str:
    """Why `binding_of` found no one value for the plain name `name`: the first scope, innermost
    first, that binds it."""
    scopes = [node for node in rule.context.ancestors[:-1] if isinstance(node, (cst.FunctionDef, cst.Lambda))]
    for scope in [*reversed(scopes), rule.context.module]:
        found = bindings_of(scope, name)
        if not found:
            continue
        if any(binding.kind == "mutation" for binding in found):
            return f"`{name}` is changed at run time (append/extend...)"
        if len(found) != 1:
            return f"`{name}` is bound {len(found)} times"
        if found[0].plain:
            return f"`{name}` is also bound in a function around it, or declared `global`"
        kind = found[0].kind
        if kind == "param":
            return f"`{name}` is a parameter: its value comes from the callers"
        if kind == "for":
            return f"`{name}` is a loop variable"
        return f"`{name}` is bound in a way cdkfix does not follow"
    return f"`{name}` is not bound in this file"


def self_attribute_value(cls: cst.ClassDef, attribute: str, name: str) -> cst.BaseExpression:
    """The one value `self.<attribute>` is assigned in `cls`; Unknown when it is bound never,
    several times, or other than by a plain `self.<attribute> = value`."""
    found = self_attribute_bindings(cls, attribute)
    if _the_one(found) is None:
        raise Unknown(f"`{name}` is assigned {len(found)} times in the class")
    return found[0].value


def local_assignment(
    rule: Rule, name: cst.BaseExpression
) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """(statement, value) of the one plain assignment of the name `name` in the scope of the
    current node itself: the function around it, or the module when the node is at top level.
    None when the name is assigned there never or more than once, or bound there some other way
    as well (a parameter, a loop, an import, `global`, a nested scope's binding...), or when it
    comes from an enclosing function or the module while the node is in a function: `value_of`
    follows those; this asks for a value the same function makes, which a fix may edit in place."""
    if not isinstance(name, cst.Name):
        return None
    if rule.enclosing(cst.FunctionDef) is None and rule.enclosing(cst.ClassDef) is not None:
        return None  # a class body's names are not the module's
    scope = _scope_of_use(rule, name.value)
    if scope is None:
        return None
    # nested=True: a nested def/lambda that binds the name too makes it not one value (strict).
    found = _the_one(bindings_of(scope, name.value, nested=True))
    return (found.statement, found.value) if found is not None else None


def name_uses(scope: cst.CSTNode, name: str) -> list[cst.Name]:
    """Every `name` read or bound in `scope` (nested functions and classes included: they may
    read it too), in source order; attribute names (`x.name`) and keyword names (`name=`) are
    other things and left out."""
    return [node for node in plain_names(scope) if node.value == name]
