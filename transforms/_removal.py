"""Removal-policy helpers shared by the destroyability rules (CDK-B1, CDK-B3, CDK-B4).

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

import libcst as cst

from cdkfix.constructs import code
from cdkfix.rule import Rule
from cdkfix.transforms._bindings import single_binding
from cdkfix.traverse import nodes_within

DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# Every RemovalPolicy member that keeps the physical resource (or a snapshot of it) when
# the stack is deleted.
RETAINING = frozenset(
    {
        "aws_cdk.RemovalPolicy.RETAIN",
        "aws_cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE",
        "aws_cdk.RemovalPolicy.SNAPSHOT",
    }
)


def policy_name(rule: Rule, value: cst.BaseExpression) -> str | None:
    """`RemovalPolicy.RETAIN` -> "aws_cdk.RemovalPolicy.RETAIN"; anything not a plain member -> None."""
    resolved = rule.resolve(value)
    if resolved is not None and resolved.startswith("aws_cdk.RemovalPolicy."):
        return resolved
    return None


def known_policy(rule: Rule, value: cst.BaseExpression) -> str | None:
    """The RemovalPolicy member `value` stands for, following a name (or `self.x`) bound once
    in the scope that sees it to a member: `policy = RemovalPolicy.RETAIN; ...(policy)`.
    A literal `None` (the construct's default) is "None". Anything else (a parameter, a
    conditional, a call) is decided at run time: None.
    """
    if isinstance(value, cst.Name) and value.value == "None":
        return "None"
    policy = policy_name(rule, value)
    if policy is not None:
        return policy
    if isinstance(value, (cst.Name, cst.Attribute)) and rule.resolve(value) is None:
        found = single_binding(rule, value)
        if found is not None:
            return policy_name(rule, found[1])
    return None


def binding(rule: Rule, call: cst.Call) -> str | None:
    """The name the construct `call` is bound to by the current statement (`x`, `self.x`), or None."""
    try:
        statement = rule.current_statement
    except LookupError:
        return None
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
        target = small.targets[0].target
    elif isinstance(small, cst.AnnAssign) and small.value is call:
        target = small.target
    else:
        return None
    return code(target) if isinstance(target, (cst.Name, cst.Attribute)) else None


def removal_policy_applied(rule: Rule, name: str) -> bool:
    """True when `<name>.apply_removal_policy(...)` is called in the scope that sees `name`.

    A plain variable is looked for in its function (or the module at top level); an attribute
    such as `self.topic` in its class, since any method may set the policy.
    """
    if "." in name:
        scope = rule.enclosing(cst.ClassDef) or rule.context.module
    else:
        scope = rule.enclosing(cst.FunctionDef) or rule.context.module
    for call in nodes_within(scope, cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "apply_removal_policy" and code(func.value) == name:
            return True
    return False

