"""AwsSolutions-ASC3: a GraphQL API without request-level logging gets a log role and group of its own.

cdk-nag 3 (src/rules/appsync/AppSyncGraphQLRequestLogging.ts) looks at every CfnGraphQLApi: it is
flagged when its `logConfig` is absent, has no `cloudWatchLogsRoleArn`, or says
`excludeVerboseContent: true`. The field log level is not read (NONE passes).

Why not `log_config=appsync.LogConfig(...)` on the L2 `GraphqlApi`: in aws-cdk-lib 2.275 any
`logConfig` makes the construct add a `LogRetention` custom resource for
`/aws/appsync/apis/<api id>` (retention INFINITE unless `retention=`), a Lambda function whose
role carries AWSLambdaBasicExecutionRole (AwsSolutions-IAM4) and `logs:PutRetentionPolicy` on `*`
(IAM5); without `role=` it also makes a role with the AWS managed policy
AWSAppSyncPushToCloudWatchLogs (IAM4). Synthesized with cdk-nag, `LogConfig(role=<own role>)` with
`api.log_group.grant_write(<own role>)` still leaves one IAM4 and two IAM5 (the grant's resource is
the LogRetention's group name inside a formatted ARN). So the fix sets the L1 property through CDK's escape hatch
(`<api>.node.default_child`, the API's CfnGraphQLApi), where nothing else is created:

    <api>_log_role = iam.Role(<scope>, "<Id>LogRole", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com"))
    <api>_logs = logs.LogGroup(<scope>, "<Id>Logs", log_group_name=Fn.join("", ["/aws/appsync/apis/", <api>.api_id]),
                               retention=logs.RetentionDays.ONE_YEAR)
    <api>_logs.grant_write(<api>_log_role)
    <api>.node.default_child.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
        cloud_watch_logs_role_arn=<api>_log_role.role_arn, field_log_level="ERROR")

On a `CfnGraphQLApi` the same, with `<api>.attr_api_id` and `<api>.log_config = ...`.

- AppSync writes to `/aws/appsync/apis/<api id>` (its developer guide), so the group is made with
  that name, after the API (its name holds the API id). The role may write only there
  (`grant_write`: logs:CreateLogStream and logs:PutLogEvents on the group's `Fn::GetAtt` ARN: no
  wildcard IAM5 reports), in the role's DefaultPolicy, a separate AWS::IAM::Policy: role -> API
  -> log group -> policy, no cycle (tests/test_awssolutions_asc3.py reads the template).
- No DependsOn is needed, and none is added. The role has no logs:CreateLogGroup (AWS's
  AWSAppSyncPushToCloudWatchLogs has it), so AppSync cannot make the group itself in the moment
  between the API's update and the group's creation: no name collision in that deployment. What
  AppSync logs before the group and the policy exist is lost (seconds, once). An API whose
  logging was once turned on outside the code already has the group: the deployment then fails
  ("already exists"); docs/awssolutions-appsync.md says what to do.
- Field log level ERROR: the least verbose level that also logs failing fields, which cdk-nag's
  explanation asks for ("invalid requests"); NONE passes cdk-nag too (request-level logs only).
  `exclude_verbose_content` is not written: cdk-nag flags `True` (request headers, context and
  resolved mapping templates then go to the log: AppSync's default).
- Retention one year (as APIG1's access log group); in a destroyable run the group gets
  `removal_policy=RemovalPolicy.DESTROY`, so CDK-B1 has nothing left to fix.

Left alone: an API with `log_config=` (any value: a `LogConfig` without `role=` gets CDK's role
with AWSAppSyncPushToCloudWatchLogs, an IAM4 finding of CDK's that this rule does not touch), and
one whose log config the file sets after it (`<api>.node.default_child.log_config = ...`, also
how a second run sees this fix). Reported without a fix: `exclude_verbose_content=True` written
by the user (a choice: verbose content may hold secrets), a `**` splat, an API nested in another
expression or without a plain scope, id and statement, and a file that sets a `log_config`
cdkfix cannot tie to an API in the same function or class.

UNSAFE: request logs are billed (CloudWatch Logs ingestion and storage) and AppSync starts writing
them on a running API; the log group is retained on stack deletion (CDK's default).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import attribute_settings, in_plain_statement, scope_and_id

GRAPHQL_API = "aws_cdk.aws_appsync.GraphqlApi"
CFN_GRAPHQL_API = "aws_cdk.aws_appsync.CfnGraphQLApi"
LOG_CONFIG_PROPERTY = "aws_cdk.aws_appsync.CfnGraphQLApi.LogConfigProperty"
ROLE = "aws_cdk.aws_iam.Role"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"
LOG_GROUP = "aws_cdk.aws_logs.LogGroup"
RETENTION = "aws_cdk.aws_logs.RetentionDays.ONE_YEAR"
FN_JOIN = "aws_cdk.Fn.join"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
# AppSync's log group for an API (AWS AppSync Developer Guide, "Monitoring and logging").
LOG_GROUP_PREFIX = "/aws/appsync/apis/"
FIELD_LOG_LEVEL = "ERROR"
_ESCAPE_HATCH = ".node.default_child"


class Asc3GraphqlRequestLogging(Rule):
    code = "AwsSolutions-ASC3"
    name = "awssolutions-appsync-request-logging"
    title = "GraphQL API without request-level logging"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-ASC3: The GraphQL API does not have request level logging enabled. Who called the API, "
        "how, and which requests failed is not recorded."
    )
    fix = (
        "After an `appsync.GraphqlApi(...)` or `appsync.CfnGraphQLApi(...)` statement without `log_config=` (a bare "
        "statement is bound to a name first): a role for appsync.amazonaws.com, a log group named "
        "`/aws/appsync/apis/<api id>` (AppSync's) kept one year, `grant_write` of the group to the role (its ARN only), "
        "and `<api>.node.default_child.log_config = CfnGraphQLApi.LogConfigProperty(cloud_watch_logs_role_arn=..., "
        "field_log_level=\"ERROR\")` (`<api>.log_config = ...` on the L1). The L2's own `log_config=` is not used: "
        "it adds a LogRetention function (AWSLambdaBasicExecutionRole, IAM4; a `*` policy, IAM5) and, without `role=`, "
        "a role with AWSAppSyncPushToCloudWatchLogs (IAM4). Left alone: `log_config=` stated, or set on the API later "
        "in the file. Reported without a fix: `exclude_verbose_content=True` (the user's choice; cdk-nag flags it), a "
        "`**` splat, no plain name, scope, id or statement, a `log_config` the file sets on something cdkfix cannot tie "
        "to an API."
    )
    impact = (
        "UNSAFE: AppSync writes request logs (and the errors of failing fields) to CloudWatch Logs on a running API: "
        "ingestion and storage are billed; verbose content (request headers, context, resolved mapping templates) is "
        "logged, as cdk-nag requires. The new log group is retained on stack deletion. An API whose logging was once "
        "turned on outside the code already has `/aws/appsync/apis/<id>`: the deployment then fails on the new group."
    )
    calls = frozenset({GRAPHQL_API, CFN_GRAPHQL_API})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_appsync as appsync

api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)
""",
            after="""\
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import Fn

api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)

api_log_role = iam.Role(
    self, "ApiLogRole", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com")
)
api_logs = logs.LogGroup(
    self,
    "ApiLogs",
    log_group_name=Fn.join("", ["/aws/appsync/apis/", api.api_id]),
    retention=logs.RetentionDays.ONE_YEAR,
)
api_logs.grant_write(api_log_role)
api.node.default_child.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
    cloud_watch_logs_role_arn=api_log_role.role_arn, field_log_level="ERROR"
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, a self attribute, the deprecated schema= prop",
            before="""\
import aws_cdk as cdk


class ApiStack(cdk.Stack):
    def __init__(self, scope, construct_id, schema, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.graphql = cdk.aws_appsync.GraphqlApi(self, "Graphql", name="orders", schema=schema, xray_enabled=True)
        cdk.CfnOutput(self, "Url", value=self.graphql.graphql_url)
""",
            after="""\
import aws_cdk as cdk


class ApiStack(cdk.Stack):
    def __init__(self, scope, construct_id, schema, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.graphql = cdk.aws_appsync.GraphqlApi(self, "Graphql", name="orders", schema=schema, xray_enabled=True)
        graphql_log_role = cdk.aws_iam.Role(
            self,
            "GraphqlLogRole",
            assumed_by=cdk.aws_iam.ServicePrincipal("appsync.amazonaws.com"),
        )
        graphql_logs = cdk.aws_logs.LogGroup(
            self,
            "GraphqlLogs",
            log_group_name=cdk.Fn.join("", ["/aws/appsync/apis/", self.graphql.api_id]),
            retention=cdk.aws_logs.RetentionDays.ONE_YEAR,
        )
        graphql_logs.grant_write(graphql_log_role)
        self.graphql.node.default_child.log_config = (
            cdk.aws_appsync.CfnGraphQLApi.LogConfigProperty(
                cloud_watch_logs_role_arn=graphql_log_role.role_arn,
                field_log_level="ERROR",
            )
        )
        cdk.CfnOutput(self, "Url", value=self.graphql.graphql_url)
""",
        ),
        Example(
            name="class imported by name, a bare statement (bound to a name first), f-string id",
            before="""\
from aws_cdk.aws_appsync import GraphqlApi

stage = "prod"
GraphqlApi(self, f"Api{stage}", name=f"api-{stage}", definition=definition)
""",
            after="""\
from aws_cdk.aws_appsync import GraphqlApi
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import Fn
from aws_cdk import aws_appsync as appsync

stage = "prod"
graphql_api = GraphqlApi(self, f"Api{stage}", name=f"api-{stage}", definition=definition)
graphql_api_log_role = iam.Role(
    self, f"ApiLogRole{stage}", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com")
)
graphql_api_logs = logs.LogGroup(
    self,
    f"ApiLogs{stage}",
    log_group_name=Fn.join("", ["/aws/appsync/apis/", graphql_api.api_id]),
    retention=logs.RetentionDays.ONE_YEAR,
)
graphql_api_logs.grant_write(graphql_api_log_role)
graphql_api.node.default_child.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
    cloud_watch_logs_role_arn=graphql_api_log_role.role_arn, field_log_level="ERROR"
)
""",
        ),
        Example(
            name="L1 CfnGraphQLApi: its own log_config attribute and attr_api_id",
            before="""\
from aws_cdk import aws_appsync as appsync

cfn_api = appsync.CfnGraphQLApi(self, "CfnApi", name="legacy", authentication_type="API_KEY")
""",
            after="""\
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import Fn

cfn_api = appsync.CfnGraphQLApi(self, "CfnApi", name="legacy", authentication_type="API_KEY")

cfn_api_log_role = iam.Role(
    self, "CfnApiLogRole", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com")
)
cfn_api_logs = logs.LogGroup(
    self,
    "CfnApiLogs",
    log_group_name=Fn.join("", ["/aws/appsync/apis/", cfn_api.attr_api_id]),
    retention=logs.RetentionDays.ONE_YEAR,
)
cfn_api_logs.grant_write(cfn_api_log_role)
cfn_api.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
    cloud_watch_logs_role_arn=cfn_api_log_role.role_arn, field_log_level="ERROR"
)
""",
        ),
        Example(
            name="in a destroyable run: the log group goes with the stack",
            before="""\
from aws_cdk import aws_appsync as appsync

api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)
""",
            after="""\
from aws_cdk import aws_appsync as appsync
from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import Fn

api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)

api_log_role = iam.Role(
    self, "ApiLogRole", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com")
)
api_logs = logs.LogGroup(
    self,
    "ApiLogs",
    log_group_name=Fn.join("", ["/aws/appsync/apis/", api.api_id]),
    retention=logs.RetentionDays.ONE_YEAR,
    removal_policy=RemovalPolicy.DESTROY,
)
api_logs.grant_write(api_log_role)
api.node.default_child.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
    cloud_watch_logs_role_arn=api_log_role.role_arn, field_log_level="ERROR"
)
""",
            also_select=("destroyable",),
        ),
        Example(
            name="left alone: log_config stated (any value), or set on the API later in the file",
            before="""\
from aws_cdk import aws_appsync as appsync

appsync.GraphqlApi(self, "A", name="a", definition=definition, log_config=appsync.LogConfig(role=role))
appsync.GraphqlApi(self, "B", name="b", definition=definition, log_config=config, **props)
appsync.CfnGraphQLApi(self, "C", name="c", authentication_type="API_KEY", log_config=config)
api = appsync.GraphqlApi(self, "D", name="d", definition=definition)
api.node.default_child.log_config = appsync.CfnGraphQLApi.LogConfigProperty(
    cloud_watch_logs_role_arn=role.role_arn, field_log_level="ALL"
)
""",
        ),
        Example(
            name="reported without a fix: verbose content excluded by choice, a splat, nested in an expression",
            before="""\
from aws_cdk import aws_appsync as appsync

appsync.GraphqlApi(
    self, "A", name="a", definition=definition, log_config=appsync.LogConfig(exclude_verbose_content=True)
)
appsync.CfnGraphQLApi(
    self, "C", name="c", authentication_type="API_KEY",
    log_config={"cloud_watch_logs_role_arn": arn, "field_log_level": "ALL", "exclude_verbose_content": True},
)
appsync.GraphqlApi(self, "B", **props)
apis = [appsync.GraphqlApi(self, "E", name="e", definition=definition)]
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: the file sets a log config cdkfix cannot tie to the API",
            before="""\
from aws_cdk import aws_appsync as appsync

api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)
cfn_api = api.node.default_child
cfn_api.log_config = appsync.CfnGraphQLApi.LogConfigProperty(cloud_watch_logs_role_arn=arn, field_log_level="ALL")
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified not in self.calls:
            return
        is_l1 = qualified == CFN_GRAPHQL_API
        what = code(node.func)
        message = f"{what} without request-level logging (ASC3)"
        given = layout.keyword_arg(node, "log_config")
        if given is not None:
            if _excludes_verbose_content(given.value):
                self.report_without_fix(
                    message,
                    "`exclude_verbose_content=True` is stated: cdk-nag counts it as no request logging, but logging "
                    "request headers, context and resolved mapping templates is a choice (they may hold secrets)",
                    node,
                )
            return  # the user's log configuration (without `role=`, CDK's role is IAM4's business)
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `log_config`", node)
            return
        if not in_plain_statement(self):
            self.report_without_fix(message, "the API is not made in a plain statement a log role can follow", node)
            return
        bound = dotted_name(self.bound_target(node))
        ours = {f"{bound}{_ESCAPE_HATCH}", bound} if bound is not None else set()
        tied, untied = attribute_settings(self, bound, "log_config", ours)
        if tied:
            return  # the user's escape hatch, or this fix on a second run
        if untied:
            self.report_without_fix(
                message,
                f"the file sets a log configuration cdkfix cannot tie to an API (`{untied[0]}`): it may be this one's",
                node,
            )
            return
        role_place = scope_and_id(node, "LogRole", "GraphqlApiLogRole")
        logs_place = scope_and_id(node, "Logs", "GraphqlApiLogs")
        # Only once the places are known: a bare statement gets its name here.
        found = self.reference_to(node, "graphql_api") if role_place and logs_place else None
        if role_place is None or logs_place is None or found is None:
            self.report_without_fix(message, "no plain name, scope and id to put a log role and group next to", node)
            return
        api, bind = found
        base = api.rsplit(".", 1)[-1]
        role = self.unique_name(f"{base}_log_role")
        group = self.unique_name(f"{base}_logs")
        api_id = f"{api}.attr_api_id" if is_l1 else f"{api}.api_id"
        target = f"{api}.log_config" if is_l1 else f"{api}{_ESCAPE_HATCH}.log_config"
        lifetime = f", removal_policy={self.ref(DESTROY)}" if self.destroyable_selected else ""
        source = "\n".join([
            f"{role} = {self.ref(ROLE)}({role_place[0]}, {role_place[1]}, "
            f"assumed_by={self.ref(SERVICE_PRINCIPAL)}(\"appsync.amazonaws.com\"))",
            f"{group} = {self.ref(LOG_GROUP)}({logs_place[0]}, {logs_place[1]}, "
            f"log_group_name={self.ref(FN_JOIN)}(\"\", [\"{LOG_GROUP_PREFIX}\", {api_id}]), "
            f"retention={self.ref(RETENTION)}{lifetime})",
            f"{group}.grant_write({role})",
            f"{target} = {self.ref(LOG_CONFIG_PROPERTY)}(cloud_watch_logs_role_arn={role}.role_arn, "
            f"field_log_level=\"{FIELD_LOG_LEVEL}\")",
        ])
        self.report(message, [*bind, self.insert_after(self.current_statement, source)], node=node)


def _excludes_verbose_content(value: cst.BaseExpression) -> bool:
    """True when a `LogConfig(...)` / `LogConfigProperty(...)` call or a dict literal says
    `exclude_verbose_content=True` (the one value cdk-nag refuses besides a missing role)."""
    if isinstance(value, cst.Call):
        arg = layout.keyword_arg(value, "exclude_verbose_content")
        return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if (
                isinstance(element, cst.DictElement)
                and isinstance(element.key, cst.SimpleString)
                and element.key.evaluated_value in ("exclude_verbose_content", "excludeVerboseContent")
                and isinstance(element.value, cst.Name)
                and element.value.value == "True"
            ):
                return True
    return False
