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
  one role. So only a call that is the only one of its kind in its file, outside a loop, is
  fixed: with two, the second's role would be an unused role, and which one comes first in the
  stack is not this file's to know. (A construct of another file in the same stack, or an L2
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
ROLE = "aws_cdk.aws_iam.Role"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"

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


class _SingletonCalls(cst.CSTVisitor):
    """How many calls of the file make each singleton function (BucketDeployment's, AwsCustomResource's)."""

    def __init__(self, rule: Rule) -> None:
        super().__init__()
        self.rule = rule
        self.counts: dict[str, int] = {}

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.rule.resolve(node.func)
        for construct, family in _SINGLETONS.items():
            if qualified in family:
                self.counts[construct] = self.counts.get(construct, 0) + 1


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
    why = _blocker(rule, node, qualified)
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
    group, statements = rule._log_group(node, base, place_logs)
    roles = [(rule.unique_name(f"{base}_role"), place_role)]
    if waiter:
        roles.append((rule.unique_name(f"{base}_waiter_role"), place_waiter))
    for role, (scope, role_id) in roles:
        statements.append(
            f"{role} = {rule.ref(ROLE)}({scope}, {role_id}, "
            f"assumed_by={rule.ref(SERVICE_PRINCIPAL)}(\"lambda.amazonaws.com\"))"
        )
        statements.append(f"{group}.grant_write({role})")
    if waiter:
        edits = [
            rule.set_keyword(node, "framework_on_event_role", roles[0][0]),
            rule.set_keyword(node, "framework_complete_and_timeout_role", roles[1][0], rule.current_statement),
        ]
    else:
        edits = [rule.set_keyword(node, "role", roles[0][0])]
    edits += rule._log_group_edits(node, group, rule.current_statement)
    edits.append(rule.insert_before(rule.current_statement, "\n".join(statements)))
    rule.report(message, edits, node=node)


def _blocker(rule, node: cst.Call, qualified: str) -> str | None:
    """Why the construct `node` cannot get a role and log group of the fix's own; None when it can."""
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
        count = rule.module_facts("iam4-singleton-calls", lambda: _SingletonCalls(rule)).counts.get(qualified, 0)
        if count > 1:
            return (
                f"this file makes {count} {short} constructs, which share one Lambda function per stack (a "
                "SingletonFunction) made with the first one's `role=` and `log_group=` (the later ones' are ignored, "
                "their grants go to the first one's role): give the first one a role and a log group granted to it"
            )
    return rule.log_settings_blocker(node)
