"""Removal-policy helpers shared by the destroyability rules (CDK-B1, CDK-B3, CDK-B4).

Not a rule: the registry imports this module and finds no Rule in it.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Rule
from cdkfix.transforms._bindings import known_member, single_binding
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
    in the scope that sees it: `policy = RemovalPolicy.RETAIN; ...(policy)`. A literal `None`
    (the construct's default) is "None"; a value decided at run time is None."""
    return known_member(rule, value, "aws_cdk.RemovalPolicy.")


def binding(rule: Rule, call: cst.Call) -> str | None:
    """The name the construct `call` is bound to by the current statement (`x`, `self.x`), or None."""
    try:
        target = rule.bound_target(call)
    except LookupError:
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



def method_form(rule: Rule, node: cst.Call) -> tuple[cst.BaseExpression, cst.SimpleStatementLine | None, cst.Call, cst.Arg] | None:
    """For `x.apply_removal_policy(<policy>)`: (x, the statement creating x, the call creating
    it, the policy argument), where `x` is the construct call itself or a name (`self.x`) bound
    once to it in the scope that sees it. None for anything else (star arguments, a name
    bound more than once or not to a call)."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "apply_removal_policy"):
        return None
    if len(node.args) != 1 or node.args[0].star:
        return None
    receiver = func.value
    if isinstance(receiver, cst.Call):
        statement, created = None, receiver
    else:
        found = single_binding(rule, receiver)
        if found is None or not isinstance(found[1], cst.Call):
            return None
        statement, created = found
    policy_arg = layout.argument(node, 0, "policy")
    if policy_arg is None:
        return None
    return receiver, statement, created, policy_arg


def with_policy(node: cst.Call, policy: str):
    """A change that sets the argument of `x.apply_removal_policy(...)` to `policy` (code)."""

    def change(call: cst.Call) -> cst.Call:
        target = layout.argument(call, 0, "policy")
        return call.with_changes(
            args=[arg.with_changes(value=cst.parse_expression(policy)) if arg is target else arg for arg in call.args]
        )

    return change


def fix_retaining_method_form(rule: Rule, node: cst.Call, construct: str, message: str) -> None:
    """`x.apply_removal_policy(RETAIN)` on a `construct` (qualified name) bound once to `x`, or
    called on the constructor's result: DESTROY instead. A policy known only at run time is
    reported without a fix. `message` is formatted with `who` and `policy` (their code)."""
    found = method_form(rule, node)
    if found is None:
        return
    receiver, _, created, policy_arg = found
    if rule.resolve(created.func) != construct:
        return
    policy = known_policy(rule, policy_arg.value)
    who = code(created.func) if receiver is created else f"{code(receiver)} ({code(created.func)})"
    if policy is None:
        rule.report_without_fix(
            f"{who}.apply_removal_policy({code(policy_arg.value)}): not known before run time",
            "the removal policy is computed at run time; make it RemovalPolicy.DESTROY for the test environment",
            node,
        )
        return
    if policy not in RETAINING:
        return
    edit = rule.change(node, with_policy(node, rule.ref(DESTROY)))
    rule.report(message.format(who=who, policy=code(policy_arg.value)), [edit])
