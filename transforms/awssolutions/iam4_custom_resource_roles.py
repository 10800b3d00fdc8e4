"""AwsSolutions-IAM4 on the Lambda functions CDK makes for its own constructs: a
`s3_deployment.BucketDeployment`, a `custom_resources.AwsCustomResource` and a
`custom_resources.Provider` without `role=` give their function(s) a ServiceRole with the AWS
managed AWSLambdaBasicExecutionRole, as a `lambda_.Function` without `role=` does.

Not a rule: cdkfix has one rule per code, so AwsSolutions-IAM4's rule
(iam4_lambda_basic_execution.py) hands these calls to `fix_construct_role` and writes the same
fix it writes for a function (a log group of the construct's own, a role granted only that
group), with the construct's own keywords. What differs, read in aws-cdk-lib 2.275's source:

- BucketDeployment and AwsCustomResource make their function with a `SingletonFunction`: ONE
  function per stack (BucketDeployment: per memory_limit / ephemeral_storage_size / vpc /
  security_groups; AwsCustomResource: a fixed uuid). The first construct's `role`/`log_group`
  make it; a later construct's are silently ignored, and every construct's grants go to that
  one role. So a call is fixed when it is the only one of its kind in its file (outside a
  loop), or the first of several that are plain statements of one function body and name no
  other singleton (they run in that order and make one function: the first one's role serves
  all, the later ones need nothing). Otherwise a second role could be unused, and which
  construct comes first in the stack is not this file's to know. (A construct of another file in the same stack, or an L2
  that makes an AwsCustomResource inside, could still come first: then the fix's role is
  unused and the finding stays, which the report of a cdk-nag run shows.)
- Provider makes up to three functions (framework-onEvent, and with `is_complete_handler=`
  framework-isComplete and framework-onTimeout) that all take `role=` and `log_group=`. With a
  waiter, one role for all three is a dependency cycle (onEvent's role may start the waiter
  state machine, which names isComplete, which depends on that same role's policy:
  CloudFormation Validate F3004), so the fix gives onEvent one role
  (`framework_on_event_role=`) and isComplete/onTimeout another
  (`framework_complete_and_timeout_role=`), both granted the one log group.
- `vpc=` (and BucketDeployment's `use_efs=`, which needs one): the function also needs
  AWSLambdaVPCAccessExecutionRole's network permissions, which take `Resource: *`.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Rule
from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, scope_and_id

BUCKET_DEPLOYMENT = "aws_cdk.aws_s3_deployment.BucketDeployment"
# A BucketDeployment subclass: same singleton function; counted as one of them, never fixed here.
DEPLOY_TIME_FILE = "aws_cdk.aws_s3_deployment.DeployTimeSubstitutedFile"
AWS_CUSTOM_RESOURCE = "aws_cdk.custom_resources.AwsCustomResource"
PROVIDER = "aws_cdk.custom_resources.Provider"
CONSTRUCTS = frozenset({BUCKET_DEPLOYMENT, AWS_CUSTOM_RESOURCE, PROVIDER})

# The constructs whose function is a SingletonFunction, with every class that shares it.
_SINGLETONS = {
    BUCKET_DEPLOYMENT: (BUCKET_DEPLOYMENT, DEPLOY_TIME_FILE),
    AWS_CUSTOM_RESOURCE: (AWS_CUSTOM_RESOURCE,),
}
_VPC = "its function in a VPC also needs AWSLambdaVPCAccessExecutionRole's network permissions (ENI actions on `*`)"
_BLOCKED = {
    BUCKET_DEPLOYMENT: {"vpc": _VPC, "use_efs": "EFS needs `vpc=`: " + _VPC},
    AWS_CUSTOM_RESOURCE: {"vpc": _VPC},
    PROVIDER: {"vpc": _VPC},
}
# How the new names and ids read when the call is not bound to a name: (variable base, id fallback).
_FALLBACK = {
    BUCKET_DEPLOYMENT: ("deployment", "Deployment"),
    AWS_CUSTOM_RESOURCE: ("custom_resource", "CustomResource"),
    PROVIDER: ("provider", "Provider"),
}
_SHORT = {BUCKET_DEPLOYMENT: "BucketDeployment", AWS_CUSTOM_RESOURCE: "AwsCustomResource", PROVIDER: "Provider"}
# Code under these may run many times (or later): a singleton's later constructs ignore their role.
_REPEATED = (cst.For, cst.While, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


# BucketDeployment's keywords that name its singleton (renderSingletonUuid): constructs that set
# them differently get functions (and CDK roles) of their own.
_UUID_KEYWORDS = ("memory_limit", "ephemeral_storage_size", "vpc", "security_groups")


class _SingletonCalls(cst.CSTVisitor):
    """The calls of the file that make each singleton function (BucketDeployment's,
    AwsCustomResource's), in order, each with the function whose body it is a statement of
    (`x = Call(...)` / `Call(...)` directly in that body; None anywhere else)."""

    def __init__(self, rule: Rule) -> None:
        super().__init__()
        self.rule = rule
        self.calls: dict[str, list[tuple[cst.Call, cst.FunctionDef | None]]] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            qualified = self.rule.resolve(node.func)
            for construct, family in _SINGLETONS.items():
                if qualified in family:
                    self.calls.setdefault(construct, []).append((node, self._body_statement_of(node)))
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()

    def _body_statement_of(self, call: cst.Call) -> cst.FunctionDef | None:
        if len(self._stack) < 4:
            return None
        small, line, block, function = self._stack[-1], self._stack[-2], self._stack[-3], self._stack[-4]
        if not (isinstance(small, (cst.Expr, cst.Assign)) and small.value is call):
            return None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(function, cst.FunctionDef):
            return function if block is function.body else None
        return None


def _singleton_calls(rule, qualified: str) -> list[tuple[cst.Call, cst.FunctionDef | None]]:
    return rule.module_facts("iam4-singleton-calls", lambda: _SingletonCalls(rule)).calls.get(qualified, [])


def _one_function(calls: list[tuple[cst.Call, cst.FunctionDef | None]]) -> bool:
    """True when the singleton's calls in this file run in order, once each, and make one
    function: statements of one function body (none in a branch or loop), without a `**` splat,
    none setting the keywords that name a BucketDeployment's singleton."""
    functions = {id(function) for _, function in calls}
    return (
        None not in {function for _, function in calls}
        and len(functions) == 1
        and not any(layout.has_double_star(call) for call, _ in calls)
        and not any(layout.keyword_arg(call, keyword) is not None for call, _ in calls for keyword in _UUID_KEYWORDS)
    )


def fix_construct_role(rule, node: cst.Call, qualified: str) -> None:
    """AwsSolutions-IAM4 on the construct call `node` (one of CONSTRUCTS), visited by `rule`
    (the IAM4 rule, whose log-group code is reused): fixed, reported without a fix, or left
    alone when the construct's functions do not get a CDK-made role."""
    what = callee(node)
    if layout.has_double_star(node):
        rule.report_without_fix(f"{what} may give its function AWSLambdaBasicExecutionRole (IAM4)", "a `**` splat may set `role`", node)
        return
    if layout.keyword_arg(node, "role") is not None:
        return
    waiter = qualified == PROVIDER and layout.keyword_arg(node, "is_complete_handler") is not None
    message = f"{what} without `role=` gives the Lambda function CDK makes for it the AWS managed AWSLambdaBasicExecutionRole (IAM4)"
    if qualified == PROVIDER:
        on_event_role = layout.keyword_arg(node, "framework_on_event_role") is not None
        waiter_role = layout.keyword_arg(node, "framework_complete_and_timeout_role") is not None
        if on_event_role and (waiter_role or not waiter):
            return  # every framework function runs as a role of the code's own
        if on_event_role or waiter_role:
            rule.report_without_fix(
                message,
                "one framework role is given (`framework_on_event_role=` or `framework_complete_and_timeout_role=`) "
                "and the other function(s) get CDK's: give the other one too (a role granted the log group)",
                node,
            )
            return
    later = 0
    if qualified in _SINGLETONS:
        calls = _singleton_calls(rule, qualified)
        # A DeployTimeSubstitutedFile first would make the function with CDK's role: not fixed here.
        if len(calls) > 1 and _one_function(calls) and rule.resolve(calls[0][0].func) == qualified:
            if calls[0][0] is not node:
                return  # the first of them makes the one function: its fix (or report) is the finding
            later = len(calls) - 1
            message += (
                f" (the {later} later {_SHORT[qualified]} construct(s) of this function share that function: "
                "CDK ignores their `role=` and `log_group=`)"
            )
    why = _blocker(rule, node, qualified, several_in_order=later > 0)
    if why is not None:
        rule.report_without_fix(message, why, node)
        return
    place_role = scope_and_id(node, "Role", f"{_FALLBACK[qualified][1]}Role")
    place_logs = scope_and_id(node, "Logs", f"{_FALLBACK[qualified][1]}Logs")
    place_waiter = scope_and_id(node, "WaiterRole", f"{_FALLBACK[qualified][1]}WaiterRole")
    if place_role is None or place_logs is None or place_waiter is None or not in_plain_statement(rule):
        rule.report_without_fix(message, "no plain scope, id and statement to put a new role next to", node)
        return
    name = binding(rule, node)
    base = name.rsplit(".", 1)[-1] if name else _FALLBACK[qualified][0]
    group, statements = rule.log_group_for(node, base, place_logs)
    roles = [(rule.unique_name(f"{base}_role"), place_role)]
    if waiter:
        roles.append((rule.unique_name(f"{base}_waiter_role"), place_waiter))
    for role, place in roles:
        statements += rule.writer_role(role, place, group)
    if waiter:
        edits = [
            rule.set_keyword(node, "framework_on_event_role", roles[0][0]),
            rule.set_keyword(node, "framework_complete_and_timeout_role", roles[1][0], rule.current_statement),
        ]
    else:
        edits = [rule.set_keyword(node, "role", roles[0][0])]
    edits += rule.log_group_edits(node, group, rule.current_statement)
    edits.append(rule.insert_before(rule.current_statement, "\n".join(statements)))
    rule.report(message, edits, node=node)


def _blocker(rule, node: cst.Call, qualified: str, several_in_order: bool = False) -> str | None:
    """Why the construct `node` cannot get a role and log group of the fix's own; None when it
    can. `several_in_order`: `node` is the first of the file's calls of its singleton, which
    _one_function found run in order and make one function."""
    for keyword, reason in _BLOCKED[qualified].items():
        if layout.keyword_arg(node, keyword) is not None:
            return f"`{keyword}=`: {reason}"
    if qualified in _SINGLETONS:
        short = _SHORT[qualified]
        if any(isinstance(ancestor, _REPEATED) for ancestor in rule.context.ancestors):
            return (
                f"it may run many times: the {short} constructs of a stack share one Lambda function (a SingletonFunction), "
                "made with the first one's `role=` and `log_group=`; the later ones' are ignored"
            )
        count = len(_singleton_calls(rule, qualified))
        if count > 1 and not several_in_order:
            return (
                f"this file makes {count} {short} constructs, which share one Lambda function per stack (a "
                "SingletonFunction) made with the first one's `role=` and `log_group=` (the later ones' are ignored, "
                "their grants go to the first one's role), and cdkfix cannot tell which runs first (not all plain "
                "statements of one function body, or `memory_limit=` / `ephemeral_storage_size=` / `vpc=` / "
                "`security_groups=` set): give the first one a role and a log group granted to it"
            )
    return rule.log_settings_blocker(node)
