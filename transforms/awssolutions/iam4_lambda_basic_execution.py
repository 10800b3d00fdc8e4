"""AwsSolutions-IAM4 for Lambda: the AWS managed AWSLambdaBasicExecutionRole becomes a role
whose only permission is writing to the function's own log group.

A `lambda_.Function` without `role=` gets a ServiceRole with the AWS managed policy
AWSLambdaBasicExecutionRole (logs:CreateLogGroup, CreateLogStream, PutLogEvents on every log
group of the account), which cdk-nag 3 flags (IAMNoManagedPolicies). The function's own
group, `/aws/lambda/<generated name>`, cannot be named in a policy the function depends on
without a dependency cycle, so the fix gives the function a log group of its own and a role
that may write there only: `grant_write` (logs:CreateLogStream, logs:PutLogEvents on that
group's ARN, no wildcard cdk-nag IAM5 would see).
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.iam_broad_managed_policy import BROAD_POLICIES
from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, scope_and_id

FUNCTION = "aws_cdk.aws_lambda.Function"
FROM_NAME = "aws_cdk.aws_iam.ManagedPolicy.from_aws_managed_policy_name"
FROM_ARN = "aws_cdk.aws_iam.ManagedPolicy.from_managed_policy_arn"
_AWS_MANAGED_ARN = re.compile(r"arn:aws[\w-]*:iam::aws:policy/(?P<name>.+)")
# An AWS managed policy the code attaches by hand: what the role needs instead depends on what
# its code does at run time (which tables, queues, buckets), except for these two, whose need
# is known but whose replacement is not cdkfix's to write here.
_MANAGED_WHY = {
    "service-role/AWSLambdaBasicExecutionRole": (
        "the role's functions need logs on their own log groups only: give each function `log_group=` and grant "
        "it (`<group>.grant_write(role)`), or drop `role=` and let this rule fix each function"
    ),
    "service-role/AWSLambdaVPCAccessExecutionRole": (
        "the ENI actions it grants (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, "
        "...) are used on resources Lambda creates at run time, and ec2:Describe* takes no resource: an equivalent "
        "inline statement needs `Resource: *` (an AwsSolutions-IAM5 finding instead of IAM4)"
    ),
}
_MANAGED_DEFAULT = (
    "which actions on which resources the role's code uses is run-time behaviour: replace it by statements "
    "(or `grant_*` calls) scoped to the resources it uses"
)
LOG_GROUP = "aws_cdk.aws_logs.LogGroup"
ROLE = "aws_cdk.aws_iam.Role"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# Keywords after which the function's role still needs an AWS managed policy (VPC access,
# Lambda Insights, CodeGuru profiling) or CDK manages the default log group itself (a
# LogRetention custom resource, a removal policy for it): a role with log permissions only
# is not enough, or the choice of group is not cdkfix's.
_BLOCKED = {
    "vpc": "a function in a VPC also needs AWSLambdaVPCAccessExecutionRole's network permissions",
    "filesystem": "a function with a file system runs in a VPC and needs AWSLambdaVPCAccessExecutionRole's permissions",
    "insights_version": "Lambda Insights adds the AWS managed CloudWatchLambdaInsightsExecutionRolePolicy",
    "profiling": "CodeGuru profiling adds the AWS managed AmazonCodeGuruProfilerAgentAccess policy",
    "profiling_group": "CodeGuru profiling adds the AWS managed AmazonCodeGuruProfilerAgentAccess policy",
    "log_retention_role": "the LogRetention custom resource manages the default log group: replace it by `log_group=` first",
    "log_retention_retry_options": (
        "the LogRetention custom resource manages the default log group: replace it by `log_group=` first"
    ),
    "log_removal_policy": "the default log group's removal policy is set: which group the function logs to is your choice",
}


class Iam4LambdaBasicExecution(Rule):
    code = "AwsSolutions-IAM4"
    name = "awssolutions-iam4-lambda-basic-execution"
    title = "Role with an AWS managed policy (a Lambda function's AWSLambdaBasicExecutionRole is fixed)"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-IAM4: The IAM user, role, or group uses AWS managed policies. A `lambda_.Function` "
        "without `role=` gets AWSLambdaBasicExecutionRole, which lets it create and write to every log group of the "
        "account, not only its own; a policy attached with `ManagedPolicy.from_aws_managed_policy_name(...)` (or "
        "an `arn:aws:iam::aws:policy/...` ARN) grants what AWS chose for every customer, not what the role uses."
    )
    fix = (
        "Inserts, before the statement, `<name>_logs = logs.LogGroup(<scope>, \"<Id>Logs\")`, `<name>_role = "
        "iam.Role(<scope>, \"<Id>Role\", assumed_by=iam.ServicePrincipal(\"lambda.amazonaws.com\"))` and "
        "`<name>_logs.grant_write(<name>_role)` (logs:CreateLogStream and logs:PutLogEvents on that group only), and "
        "sets `role=<name>_role, log_group=<name>_logs` on the function; a `log_group=` the function already names "
        "is granted instead of a new one. A plain `log_retention=<value>` moves to the new group as `retention=<value>` "
        "(no LogRetention custom resource: its own function and role, with the same managed policy, go too). "
        "In a destroyable run the new group gets `removal_policy=RemovalPolicy.DESTROY`. "
        "A function with `role=` is left alone (the managed policy, if any, is on that role). Reported without a fix: "
        "a `**` splat; `vpc=`, `filesystem=`, `insights_version=`, `profiling=` or `profiling_group=` (the role needs "
        "another AWS managed policy); `log_retention_role=`, `log_retention_retry_options=` or `log_removal_policy=` "
        "(CDK manages the default group); `log_retention=` whose value is not a plain name, or next to `log_group=`; "
        "a `log_group=` that is not a plain name; no plain scope, id and statement. Every "
        "`ManagedPolicy.from_aws_managed_policy_name(...)` / `from_managed_policy_arn(..., \"arn:aws:iam::aws:policy/...\")` "
        "is reported without a fix: which actions on which resources the role's code uses is run-time behaviour "
        "(AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole get their own advice)."
    )
    impact = (
        "UNSAFE: the function logs to a new log group (retained, two years' retention by default) from the next "
        "deployment on; metric filters, subscriptions, alarms or queries on `/aws/lambda/<function name>` no longer "
        "see new events, and the old group keeps its events. Access narrows: the function can no longer create or "
        "write to any other log group. The function's ServiceRole is deleted and the new role takes its place. "
        "With `log_retention=`, the new group keeps that retention, and the stack's LogRetention custom resource "
        "(a function, its role and policy) is deleted once no function of the stack uses `log_retention=`; the "
        "old group keeps the retention it was given."
    )
    # The Policy: the LogRetention custom resource's role policy goes, the new role's comes.
    replaces = ("AWS::IAM::Policy (logical ID changes)", "AWS::IAM::Role (logical ID changes)")
    calls = frozenset({FUNCTION, FROM_NAME, FROM_ARN})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_lambda as lambda_

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

handler_logs = logs.LogGroup(self, "HandlerLogs")
handler_role = iam.Role(
    self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
handler_logs.grant_write(handler_role)

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
    log_group=handler_logs,
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, its own log group named",
            before="""\
import aws_cdk as cdk

self.api_logs = cdk.aws_logs.LogGroup(self, "ApiLogs", retention=cdk.aws_logs.RetentionDays.ONE_MONTH)
self.api = cdk.aws_lambda.Function(
    self,
    "Api",
    runtime=cdk.aws_lambda.Runtime.NODEJS_22_X,
    handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("exports.handler = async () => {};"),
    log_group=self.api_logs,
)
""",
            after="""\
import aws_cdk as cdk

self.api_logs = cdk.aws_logs.LogGroup(self, "ApiLogs", retention=cdk.aws_logs.RetentionDays.ONE_MONTH)
api_role = cdk.aws_iam.Role(
    self, "ApiRole", assumed_by=cdk.aws_iam.ServicePrincipal("lambda.amazonaws.com")
)
self.api_logs.grant_write(api_role)
self.api = cdk.aws_lambda.Function(
    self,
    "Api",
    runtime=cdk.aws_lambda.Runtime.NODEJS_22_X,
    handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("exports.handler = async () => {};"),
    log_group=self.api_logs,
    role=api_role,
)
""",
        ),
        Example(
            name="class imported by name, bare statement, f-string id",
            before="""\
from aws_cdk.aws_lambda import Code, Function, Runtime

stage = "prod"
Function(self, f"Worker{stage}", runtime=Runtime.PYTHON_3_13, handler="index.handler", code=Code.from_inline("x = 1"))
""",
            after="""\
from aws_cdk.aws_lambda import Code, Function, Runtime
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

stage = "prod"
function_logs = logs.LogGroup(self, f"WorkerLogs{stage}")
function_role = iam.Role(
    self, f"WorkerRole{stage}", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
function_logs.grant_write(function_role)
Function(self, f"Worker{stage}", runtime=Runtime.PYTHON_3_13, handler="index.handler", code=Code.from_inline("x = 1"), role=function_role, log_group=function_logs)
""",
        ),
        Example(
            name="left alone: a role of its own",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_

role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=role,
)
""",
        ),
        Example(
            name="reported without a fix: an AWS managed policy attached by hand",
            before="""\
from aws_cdk import aws_iam as iam

role = iam.Role(self, "Instance", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"))
""",
            flagged=True,
        ),
        Example(
            name="log_retention= becomes the new group's retention",
            before="""\
from aws_cdk import aws_lambda as lambda_, aws_logs as logs

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    log_retention=logs.RetentionDays.ONE_WEEK,
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_, aws_logs as logs
from aws_cdk import aws_iam as iam

handler_logs = logs.LogGroup(self, "HandlerLogs", retention=logs.RetentionDays.ONE_WEEK)
handler_role = iam.Role(
    self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
handler_logs.grant_write(handler_role)

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
    log_group=handler_logs,
)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in (FROM_NAME, FROM_ARN):
            self._managed_policy(node, qualified)
            return
        if qualified != FUNCTION:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may get AWSLambdaBasicExecutionRole (IAM4)", "a `**` splat may set `role`", node)
            return
        if layout.keyword_arg(node, "role") is not None:
            return
        message = f"{what} without `role=` gets the AWS managed AWSLambdaBasicExecutionRole (IAM4)"
        for keyword, reason in _BLOCKED.items():
            if layout.keyword_arg(node, keyword) is not None:
                self.report_without_fix(message, f"`{keyword}=`: {reason}", node)
                return
        given = layout.keyword_arg(node, "log_group")
        group = dotted_name(given.value) if given is not None else None
        if given is not None and group is None:
            self.report_without_fix(message, "`log_group=` is not a plain name cdkfix can grant to", node)
            return
        # `log_retention=` makes CDK add a LogRetention custom resource (a Lambda function with the
        # same AWS managed policy, and logs:PutRetentionPolicy on `*`) that sets the retention of the
        # default group. The function's own group can carry that retention itself, which is what
        # aws-cdk-lib recommends over `logRetention`. The value moves to the group's statement, which
        # runs just before the function's, so it must be a plain name (an enum member, a variable):
        # a call could do something else when it runs earlier.
        retention = layout.keyword_arg(node, "log_retention")
        if retention is not None and (given is not None or dotted_name(retention.value) is None):
            why = (
                "`log_retention=` and `log_group=` together: which group keeps which retention is your choice"
                if given is not None
                else "`log_retention=` is not a plain name cdkfix can move to the new log group"
            )
            self.report_without_fix(message, why, node)
            return
        place_role = scope_and_id(node, "Role", "FunctionRole")
        place_logs = scope_and_id(node, "Logs", "FunctionLogs")
        if place_role is None or place_logs is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new role next to", node)
            return
        name = binding(self, node)
        base = name.rsplit(".", 1)[-1] if name else "function"
        statements = []
        if group is None:
            group = self.unique_name(f"{base}_logs")
            scope, logs_id = place_logs
            kept = f", retention={dotted_name(retention.value)}" if retention is not None else ""
            lifetime = f", removal_policy={self.ref(DESTROY)}" if self.destroyable_selected else ""
            statements.append(f"{group} = {self.ref(LOG_GROUP)}({scope}, {logs_id}{kept}{lifetime})")
        role = self.unique_name(f"{base}_role")
        scope, role_id = place_role
        statements.append(
            f"{role} = {self.ref(ROLE)}({scope}, {role_id}, "
            f"assumed_by={self.ref(SERVICE_PRINCIPAL)}(\"lambda.amazonaws.com\"))"
        )
        statements.append(f"{group}.grant_write({role})")
        edits = [self.set_keyword(node, "role", role)]
        if given is None:
            edits.append(self.set_keyword(node, "log_group", group))
        if retention is not None:
            edits.append(self.change(node, lambda updated: layout.remove_keyword(updated, "log_retention")))
        edits.append(self.insert_before(self.current_statement, "\n".join(statements)))
        self.report(message, edits, node=node)

    def _managed_policy(self, node: cst.Call, qualified: str) -> None:
        """An AWS managed policy the code names itself: reported, never fixed (see _MANAGED_WHY)."""
        if qualified == FROM_NAME:
            if layout.has_double_star(node):
                message = f"{callee(node)}(...) attaches an AWS managed policy (IAM4)"
                self.report_without_fix(message, f"a `**` splat names it; {_MANAGED_DEFAULT}", node)
                return
            arg = layout.argument(node, 0, "managed_policy_name")
            name = string_value(arg.value) if arg is not None else None
        else:
            arg = layout.argument(node, 2, "managed_policy_arn")
            match = _AWS_MANAGED_ARN.fullmatch(string_value(arg.value) or "") if arg is not None else None
            if match is None:
                return  # a customer managed policy, or an ARN cdkfix cannot read: no IAM4 finding it can tell
            name = match.group("name")
        if name in BROAD_POLICIES and "CDK-A1" in self.context.selected:
            return  # CDK-A1 (selected) fixes or reports PowerUserAccess / AdministratorAccess itself: one finding, not two
        what = f"{callee(node)}({name!r})" if name is not None else f"{callee(node)}(<a name cdkfix cannot read>)"
        self.report_without_fix(f"{what} attaches an AWS managed policy (IAM4)", _MANAGED_WHY.get(name or "", _MANAGED_DEFAULT), node)
