"""AwsSolutions-APIG1 on HTTP and WebSocket APIs (aws_apigatewayv2): an access log group per stage.

cdk-nag 3 (src/rules/apigw/APIGWAccessLogging.ts) flags every `AWS::ApiGatewayV2::Stage` without
`AccessLogSettings` holding both a destination ARN and a format, the same rule (and code) as a
REST stage's, so this is part of transforms/awssolutions/apigw_stage.py's `Apig1AccessLogging`,
which hands these calls here.

- `apigwv2.HttpApi(...)` makes its `$default` stage itself (unless `create_default_stage=False`)
  and takes no stage options, and `HttpStage(access_log_settings=)` takes an
  `IAccessLogSettings`, a jsii *interface* a Python user must implement in a class of their own.
  So the fix sets the L1 property through CDK's escape hatch, after the statement:

      <api>_access_logs = logs.LogGroup(<scope>, "<Id>AccessLogs", retention=logs.RetentionDays.ONE_YEAR)
      <api>.default_stage.node.default_child.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
          destination_arn=<api>_access_logs.log_group_arn, format=<format>)

  (`<stage>.node.default_child.access_log_settings = ...` for an `HttpStage`).
- The format is the JSON example of API Gateway's developer guide for HTTP APIs ("Configure
  logging for HTTP APIs"): only `$context` variables HTTP APIs have, `requestId` among them, which
  API Gateway requires.
- HTTP APIs deliver logs through CloudWatch Logs' log delivery (the deploying role makes the log
  group's resource policy), not through the account's API Gateway CloudWatch role: nothing else
  is needed (no IAM4 role as on a REST API).
- WebSocket APIs log through that account role (API Gateway's account settings): where the
  account has none the deployment fails, and `WebSocketApi` has no option that makes it. So a
  `WebSocketStage` is reported without a fix, saying so.

The same classes of the deprecated alpha module (`aws_cdk.aws_apigatewayv2_alpha`, what apps written
before aws-cdk-lib 2.112 import) get the same fix: their stages are aws-cdk-lib's `CfnStage`.

Left alone: `HttpApi(create_default_stage=False)` (its stages are declared elsewhere), an
`HttpStage(access_log_settings=...)`, and a stage whose access log settings the file sets after
it (also how a second run sees this fix). Reported without a fix: a `**` splat, a call nested in
another expression or without a plain scope, id and statement, and a file that sets
`access_log_settings` on something cdkfix cannot tie to this API or stage.
"""

from __future__ import annotations

import json

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Example, Rule

from cdkfix.transforms.awssolutions._scaffold import attribute_settings, in_plain_statement, log_group_source, scope_and_id

HTTP_API = "aws_cdk.aws_apigatewayv2.HttpApi"
HTTP_STAGE = "aws_cdk.aws_apigatewayv2.HttpStage"
WEB_SOCKET_STAGE = "aws_cdk.aws_apigatewayv2.WebSocketStage"
# Apps written before aws-cdk-lib 2.112 import these classes from the (deprecated) alpha module
# aws-cdk.aws-apigatewayv2-alpha, whose last release (2.114.1a0) synthesizes with aws-cdk-lib 2.275.
# Its stages are aws-cdk-lib's L1 `aws_apigatewayv2.CfnStage`, so the same fix applies.
ALPHA = {
    f"aws_cdk.aws_apigatewayv2_alpha.{stable.rsplit('.', 1)[1]}": stable
    for stable in (HTTP_API, HTTP_STAGE, WEB_SOCKET_STAGE)
}
HTTP_CALLS = frozenset({HTTP_API, HTTP_STAGE, WEB_SOCKET_STAGE, *ALPHA})
ACCESS_LOG_SETTINGS = "aws_cdk.aws_apigatewayv2.CfnStage.AccessLogSettingsProperty"
ONE_YEAR = "aws_cdk.aws_logs.RetentionDays.ONE_YEAR"
_ESCAPE_HATCH = ".node.default_child"

# API Gateway developer guide, "Configure logging for HTTP APIs", example JSON format.
FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
    },
    separators=(",", ":"),
)
# Split in string literals Python joins, so the inserted lines stay readable.
_CUTS = [0, FORMAT.index(',"requestTime"') + 1, FORMAT.index(',"routeKey"') + 1, FORMAT.index(',"protocol"') + 1, len(FORMAT)]
FORMAT_SOURCE = "(" + " ".join(repr(FORMAT[a:b]) for a, b in zip(_CUTS, _CUTS[1:])) + ")"

FIX_TEXT = (
    " On HTTP APIs (aws_apigatewayv2): after an `HttpApi(...)` statement (its `$default` stage; a bare statement is "
    "bound to a name first) or an `HttpStage(...)` without `access_log_settings=`, a log group kept one year and "
    "`<api>.default_stage.node.default_child.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty("
    "destination_arn=..., format=...)` (`<stage>.node.default_child...` for an HttpStage), with the JSON format of "
    "API Gateway's guide for HTTP APIs. The L2's `access_log_settings=` takes a jsii interface a Python user would "
    "have to implement. The same on the deprecated alpha module's classes (aws_apigatewayv2_alpha). HTTP APIs need no account role. Left alone: `create_default_stage=False`, "
    "`access_log_settings=` stated or set on the stage later in the file. A `WebSocketStage` is reported without a "
    "fix: WebSocket APIs log through the account's API Gateway CloudWatch role, and the deployment fails where the "
    "account has none."
)

EXAMPLES = [
    Example(
        name="HTTP API, module alias, bound to a name: its $default stage",
        before="""\
from aws_cdk import aws_apigatewayv2 as apigwv2

api = apigwv2.HttpApi(self, "Api")
""",
        after="""\
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_logs as logs

api = apigwv2.HttpApi(self, "Api")

api_access_logs = logs.LogGroup(
    self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_YEAR
)
api.default_stage.node.default_child.access_log_settings = (
    apigwv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=api_access_logs.log_group_arn,
        format=(
            '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
            '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
            '"routeKey":"$context.routeKey","status":"$context.status",'
            '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
        ),
    )
)
""",
    ),
    Example(
        name="HTTP API by class name, a bare statement, a self attribute HttpStage with import aws_cdk as cdk",
        before="""\
import aws_cdk as cdk
from aws_cdk.aws_apigatewayv2 import HttpApi

HttpApi(self, "Orders", api_name="orders")
self.admin = cdk.aws_apigatewayv2.HttpApi(self, "Admin", create_default_stage=False)
self.stage = cdk.aws_apigatewayv2.HttpStage(self, "Prod", http_api=self.admin, stage_name="prod", auto_deploy=True)
""",
        after="""\
import aws_cdk as cdk
from aws_cdk.aws_apigatewayv2 import HttpApi

api = HttpApi(self, "Orders", api_name="orders")

api_access_logs = cdk.aws_logs.LogGroup(
    self, "OrdersAccessLogs", retention=cdk.aws_logs.RetentionDays.ONE_YEAR
)
api.default_stage.node.default_child.access_log_settings = (
    cdk.aws_apigatewayv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=api_access_logs.log_group_arn,
        format=(
            '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
            '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
            '"routeKey":"$context.routeKey","status":"$context.status",'
            '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
        ),
    )
)
self.admin = cdk.aws_apigatewayv2.HttpApi(self, "Admin", create_default_stage=False)
self.stage = cdk.aws_apigatewayv2.HttpStage(self, "Prod", http_api=self.admin, stage_name="prod", auto_deploy=True)
stage_access_logs = cdk.aws_logs.LogGroup(
    self, "ProdAccessLogs", retention=cdk.aws_logs.RetentionDays.ONE_YEAR
)
self.stage.node.default_child.access_log_settings = (
    cdk.aws_apigatewayv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=stage_access_logs.log_group_arn,
        format=(
            '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
            '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
            '"routeKey":"$context.routeKey","status":"$context.status",'
            '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
        ),
    )
)
""",
    ),
    Example(
        name="HTTP API: left alone without a default stage, with access_log_settings, or set later in the file",
        before="""\
from aws_cdk import aws_apigatewayv2 as apigwv2

apigwv2.HttpApi(self, "NoStage", create_default_stage=False)
apigwv2.HttpStage(self, "Stage", http_api=http_api, access_log_settings=settings)
api = apigwv2.HttpApi(self, "Api")
api.default_stage.node.default_child.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
    destination_arn=arn, format='{"requestId":"$context.requestId"}'
)
""",
    ),
    Example(
        name="reported without a fix: a WebSocket stage, a splat, a settings assignment cdkfix cannot tie",
        before="""\
from aws_cdk import aws_apigatewayv2 as apigwv2

ws = apigwv2.WebSocketApi(self, "Ws")
apigwv2.WebSocketStage(self, "WsProd", web_socket_api=ws, stage_name="prod")
apigwv2.HttpApi(self, "Splat", **props)
api = apigwv2.HttpApi(self, "Api")
stage = api.default_stage.node.default_child
stage.access_log_settings = settings
""",
        flagged=True,
    ),
    Example(
        name="HTTP API of the deprecated alpha module (aws-cdk.aws-apigatewayv2-alpha): the same fix",
        before="""\
import aws_cdk.aws_apigatewayv2_alpha as apigwv2
api = apigwv2.HttpApi(self, "Api")
""",
        after="""\
import aws_cdk.aws_apigatewayv2_alpha as apigwv2
import aws_cdk.aws_logs as logs
import aws_cdk.aws_apigatewayv2 as apigatewayv2
api = apigwv2.HttpApi(self, "Api")
api_access_logs = logs.LogGroup(
    self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_YEAR
)
api.default_stage.node.default_child.access_log_settings = (
    apigatewayv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=api_access_logs.log_group_arn,
        format=(
            '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
            '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
            '"routeKey":"$context.routeKey","status":"$context.status",'
            '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
        ),
    )
)
""",
    ),
]


def visit_http(rule: Rule, node: cst.Call, qualified: str) -> None:
    """APIG1 on an aws_apigatewayv2 call (`qualified` is in HTTP_CALLS)."""
    qualified = ALPHA.get(qualified, qualified)
    what = code(node.func)
    message = f"{what} without access logging (AwsSolutions-APIG1)"
    if qualified == WEB_SOCKET_STAGE:
        if layout.keyword_arg(node, "access_log_settings") is None:
            rule.report_without_fix(
                message,
                "WebSocket APIs write access logs through the account's API Gateway CloudWatch role (its account "
                "settings), which WebSocketApi cannot make: where the account has none the deployment fails",
                node,
            )
        return
    if qualified == HTTP_API:
        stage_of = ".default_stage"
        no_stage = layout.keyword_arg(node, "create_default_stage")
        if no_stage is not None:
            if code(no_stage.value) == "False":
                return  # no $default stage: the stages are declared elsewhere
            if code(no_stage.value) != "True":
                rule.report_without_fix(message, "`create_default_stage=` is a run-time value", node)
                return
    else:
        stage_of = ""
        if layout.keyword_arg(node, "access_log_settings") is not None:
            return  # the user's settings
    if layout.has_double_star(node):
        rule.report_without_fix(message, "a `**` splat may change the stage", node)
        return
    if not in_plain_statement(rule):
        rule.report_without_fix(message, "the call is not made in a plain statement a log group can follow", node)
        return
    bound = dotted_name(rule.bound_target(node))
    # `<name>.node.default_child.access_log_settings` of another name is another stage's; an owner
    # held in a plain name (or an expression) may be this stage.
    ours = {f"{bound}{stage_of}{_ESCAPE_HATCH}"} if bound else set()
    tied, untied = attribute_settings(
        rule, bound, "access_log_settings", ours, lambda owner: owner is not None and owner.endswith(_ESCAPE_HATCH)
    )
    if tied:
        return  # the user's escape hatch, or this fix on a second run
    if untied:
        rule.report_without_fix(
            message,
            f"the file sets access log settings cdkfix cannot tie to a stage (`{untied[0]}`): they may be this one's",
            node,
        )
        return
    place = scope_and_id(node, "AccessLogs", "AccessLogs")
    found = rule.reference_to(node, "api" if qualified == HTTP_API else "stage") if place else None
    if place is None or found is None:
        rule.report_without_fix(message, "no plain name, scope and id to put a log group next to", node)
        return
    target, bind = found
    group = rule.unique_name(f"{target.rsplit('.', 1)[-1]}_access_logs")
    source = "\n".join([
        log_group_source(rule, group, place[0], place[1], rule.ref(ONE_YEAR)),
        f"{target}{stage_of}{_ESCAPE_HATCH}.access_log_settings = {rule.ref(ACCESS_LOG_SETTINGS)}("
        f"destination_arn={group}.log_group_arn, format={FORMAT_SOURCE})",
    ])
    rule.report(message, [*bind, rule.insert_after(rule.current_statement, source)], node=node)
