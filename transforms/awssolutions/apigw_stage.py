"""AwsSolutions-APIG6 and -APIG1: logging on a REST API's stage, one owner of `deploy_options`.

Both findings are fixed in the same props object, `deploy_options=StageOptions(...)` of a
RestApi / LambdaRestApi / SpecRestApi: APIG6 (CloudWatch execution logging) writes
`logging_level=`, APIG1 (access logging) writes `access_log_destination=` and
`access_log_format=`. Two rules each writing `deploy_options=StageOptions(...)` would
overwrite each other's keyword in one run, so both build their edit with `merge_stage_options`:
a change applied to the call *as the other rules' changes left it* that adds the props call
when absent and otherwise only the inner keywords it lacks. APIG1 alone, APIG6 alone and both
together give one StageOptions, and a second run changes nothing.

API Gateway writes no log (execution or access) unless the account has a CloudWatch Logs
role; without it the deployment fails ("CloudWatch Logs role ARN must be set in account
settings to enable logging"). CDK creates that role only when `cloud_watch_role=True`, which
is the default unless the feature flag `@aws-cdk/aws-apigateway:disableCloudWatchRole` is on
(it is in every `cdk init` app since 2.38). So the fix states `cloud_watch_role=True` when the
call does not say: the deployment then works in any account. A stated `cloud_watch_role=`
(either value) is the user's choice and kept.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.edits import ChangeNode
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, scope_and_id

REST_APIS = (
    "aws_cdk.aws_apigateway.RestApi",
    "aws_cdk.aws_apigateway.LambdaRestApi",
    "aws_cdk.aws_apigateway.SpecRestApi",
)
STAGE_OPTIONS = "aws_cdk.aws_apigateway.StageOptions"
LOGGING_INFO = "aws_cdk.aws_apigateway.MethodLoggingLevel.INFO"
LOG_DESTINATION = "aws_cdk.aws_apigateway.LogGroupLogDestination"
CLF = "aws_cdk.aws_apigateway.AccessLogFormat.clf"
LOG_GROUP = "aws_cdk.aws_logs.LogGroup"
ONE_YEAR = "aws_cdk.aws_logs.RetentionDays.ONE_YEAR"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"

_ROLE_NOTE = (
    "API Gateway writes logs only when the account and region have a CloudWatch Logs role (else the deployment "
    "fails: \"CloudWatch Logs role ARN must be set in account settings\"): the fix also sets `cloud_watch_role=True` "
    "unless the call states `cloud_watch_role=` (CDK's default is off when the feature flag "
    "`@aws-cdk/aws-apigateway:disableCloudWatchRole` is on, as in every `cdk init` app). That role carries the AWS "
    "managed policy AmazonAPIGatewayPushToCloudWatchLogs: where CDK did not create it before, cdk-nag reports a new "
    "AwsSolutions-IAM4 on it, which every deployable fix has (an inline copy of the policy needs `Resource: *`: IAM5)."
)


def merge_stage_options(rule: Rule, node: cst.Call, inner: dict[str, str]) -> ChangeNode:
    """An edit putting `inner` (keyword -> value source) into `node`'s `deploy_options=StageOptions(...)`.

    Applied to the call as earlier changes left it: creates the StageOptions call when there
    is none, else adds only the keywords it lacks, so the edits of APIG1 and APIG6 compose."""
    props = f"{rule.ref(STAGE_OPTIONS)}({', '.join(f'{key}={value}' for key, value in inner.items())})"
    fresh = rule.expression(props, extra_indent=len(rule.context.module.default_indent) + len("deploy_options") + 2)

    def merge(updated: cst.Call) -> cst.Call:
        arg = layout.keyword_arg(updated, "deploy_options")
        if arg is None:
            return layout.set_keyword(updated, "deploy_options", fresh)
        options = arg.value
        if not isinstance(options, cst.Call):
            return updated  # checked on the original call; never reached
        for key, value in inner.items():
            if layout.keyword_arg(options, key) is None:
                options = layout.set_keyword(options, key, cst.parse_expression(value))
        return updated.with_changes(args=[a.with_changes(value=options) if a is arg else a for a in updated.args])

    return rule.change(node, merge)


def ensure_cloud_watch_role(rule: Rule, node: cst.Call) -> ChangeNode:
    """`cloud_watch_role=True` unless the call (as earlier changes left it) states it."""

    def add(updated: cst.Call) -> cst.Call:
        if layout.keyword_arg(updated, "cloud_watch_role") is not None:
            return updated
        return layout.set_keyword(updated, "cloud_watch_role", cst.Name("True"))

    return rule.change(node, add)


class _StageLoggingRule(Rule):
    """What APIG6 and APIG1 share: which calls, which guards, one StageOptions."""

    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    calls = frozenset(REST_APIS)
    # The StageOptions keywords this rule writes; any of them present: the user chose.
    owns: tuple[str, ...] = ()
    short = ""

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in REST_APIS:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack {self.short} ({self.code})", "a `**` splat may set `deploy_options`", node)
            return
        deploy = layout.keyword_arg(node, "deploy")
        if deploy is not None and code(deploy.value) != "True":
            return  # no stage of its own (or one cdkfix cannot tell): the Stage is declared elsewhere
        message = f"{what} without {self.short} ({self.title})"
        present = layout.keyword_arg(node, "deploy_options")
        if present is not None:
            options = present.value
            if not self.is_call_to(options, STAGE_OPTIONS) or layout.has_double_star(options):
                self.report_without_fix(message, "`deploy_options` is not a `StageOptions(...)` call cdkfix can read", node)
                return
            if any(layout.keyword_arg(options, key) is not None for key in self.owns):
                return  # the user configured it: their choice
        edits = self.build(node, message)
        if edits is None:
            return
        self.report(message, [*edits, ensure_cloud_watch_role(self, node)], node=node)

    def build(self, node: cst.Call, message: str) -> list | None:
        raise NotImplementedError


_METHOD = 'resource.root.add_method("GET", apigw.MockIntegration())\n'


class Apig6StageLogging(_StageLoggingRule):
    code = "AwsSolutions-APIG6"
    name = "awssolutions-apigw-stage-logging"
    title = "REST API stage without CloudWatch logging"
    short = "execution logging"
    owns = ("logging_level",)
    issue = (
        "cdk-nag AwsSolutions-APIG6: The REST API Stage does not have CloudWatch logging enabled for all methods. "
        "Without execution logs, failed requests leave no trace."
    )
    fix = (
        "Sets `deploy_options=StageOptions(logging_level=MethodLoggingLevel.INFO)`; an existing `StageOptions(...)` "
        "call gets `logging_level=` added (with APIG1 selected too, both write into the one StageOptions). A call "
        "whose StageOptions states `logging_level=`, or with `deploy=` other than `True`, is left alone; "
        "`deploy_options` held in a variable or another expression, or a `**` splat, is reported without a fix. "
        + _ROLE_NOTE
    )
    impact = (
        "UNSAFE: execution logs are billed (CloudWatch Logs ingestion and storage), and an account-level role may be "
        "created (`cloud_watch_role=True`)."
    )
    examples = [
        Example(
            name="module alias",
            before='from aws_cdk import aws_apigateway as apigw\n\nresource = apigw.RestApi(self, "Resource")\n' + _METHOD,
            after=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'resource = apigw.RestApi(self, "Resource", deploy_options=apigw.StageOptions(logging_level=apigw.MethodLoggingLevel.INFO), cloud_watch_role=True)\n'
                + _METHOD
            ),
        ),
        Example(
            name="import aws_cdk as cdk, an existing StageOptions",
            before=(
                "import aws_cdk as cdk\n\n"
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=cdk.aws_apigateway.StageOptions(stage_name="v1"))\n'
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
            after=(
                "import aws_cdk as cdk\n\n"
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=cdk.aws_apigateway.StageOptions(stage_name="v1", '
                "logging_level=cdk.aws_apigateway.MethodLoggingLevel.INFO), cloud_watch_role=True)\n"
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
        ),
        Example(
            name="class imported by name, a stated cloud_watch_role kept",
            before=(
                "from aws_cdk.aws_apigateway import MockIntegration, RestApi\n\n"
                'api = RestApi(self, "Api", cloud_watch_role=False)\n'
                'api.root.add_method("GET", MockIntegration())\n'
            ),
            after=(
                "from aws_cdk.aws_apigateway import MockIntegration, RestApi\n"
                "from aws_cdk import aws_apigateway as apigateway\n\n"
                'api = RestApi(self, "Api", cloud_watch_role=False, deploy_options=apigateway.StageOptions(\n'
                "    logging_level=apigateway.MethodLoggingLevel.INFO\n"
                "))\n"
                'api.root.add_method("GET", MockIntegration())\n'
            ),
        ),
        Example(
            name="left alone: a logging level chosen, no stage of its own",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'apigw.RestApi(self, "Api", deploy_options=apigw.StageOptions(logging_level=apigw.MethodLoggingLevel.OFF))\n'
                'apigw.RestApi(self, "Undeployed", deploy=False)\n'
            ),
        ),
    ]

    def build(self, node: cst.Call, message: str) -> list:
        return [merge_stage_options(self, node, {"logging_level": self.ref(LOGGING_INFO)})]


class Apig1AccessLogging(_StageLoggingRule):
    code = "AwsSolutions-APIG1"
    name = "awssolutions-apigw-access-logging"
    title = "REST API stage without access logging"
    short = "access logging"
    owns = ("access_log_destination", "access_log_format")
    issue = (
        "cdk-nag AwsSolutions-APIG1: The API does not have access logging enabled. Without access logs there is no "
        "record of who called the API, when, from where and with which result."
    )
    fix = (
        "Inserts `<name>_access_logs = logs.LogGroup(<scope>, \"<Id>AccessLogs\", retention=logs.RetentionDays.ONE_YEAR)` "
        "before the statement (`removal_policy=RemovalPolicy.DESTROY` in a destroyable run) and writes "
        "`access_log_destination=apigw.LogGroupLogDestination(<name>_access_logs), "
        "access_log_format=apigw.AccessLogFormat.clf()` into `deploy_options=StageOptions(...)` (a new one, or the "
        "existing call; with APIG6 selected too, both write into the one StageOptions). A StageOptions that states "
        "`access_log_destination=` or `access_log_format=`, or `deploy=` other than `True`, is left alone. Reported "
        "without a fix: `deploy_options` held in a variable or another expression, a `**` splat, a call with no plain "
        "scope and id or not in a plain statement. No AwsSolutions rule asks anything of the log group (its encryption "
        "and retention are checked only by other packs); its retention is stated so logs do not pile up for ever. "
        + _ROLE_NOTE
    )
    impact = (
        "UNSAFE: a new log group, billed for ingestion and a year of storage, and an account-level role may be created "
        "(`cloud_watch_role=True`)."
    )
    examples = [
        Example(
            name="module alias, bound to a name",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'orders = apigw.RestApi(self, "Orders")\n'
                'orders.root.add_method("GET", apigw.MockIntegration())\n'
            ),
            after=(
                "from aws_cdk import aws_apigateway as apigw\n"
                "from aws_cdk import aws_logs as logs\n\n"
                "orders_access_logs = logs.LogGroup(\n"
                '    self, "OrdersAccessLogs", retention=logs.RetentionDays.ONE_YEAR\n'
                ")\n\n"
                'orders = apigw.RestApi(self, "Orders", deploy_options=apigw.StageOptions(\n'
                "    access_log_destination=apigw.LogGroupLogDestination(\n"
                "        orders_access_logs\n"
                "    ),\n"
                "    access_log_format=apigw.AccessLogFormat.clf(),\n"
                "), cloud_watch_role=True)\n"
                'orders.root.add_method("GET", apigw.MockIntegration())\n'
            ),
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, an existing StageOptions",
            before=(
                "import aws_cdk as cdk\n\n"
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=cdk.aws_apigateway.StageOptions(stage_name="v1"))\n'
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
            after=(
                "import aws_cdk as cdk\n\n"
                "api_access_logs = cdk.aws_logs.LogGroup(\n"
                '    self, "ApiAccessLogs", retention=cdk.aws_logs.RetentionDays.ONE_YEAR\n'
                ")\n\n"
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=cdk.aws_apigateway.StageOptions(stage_name="v1", '
                "access_log_destination=cdk.aws_apigateway.LogGroupLogDestination(api_access_logs), "
                "access_log_format=cdk.aws_apigateway.AccessLogFormat.clf()), cloud_watch_role=True)\n"
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
        ),
        Example(
            name="class imported by name, bare statement of a LambdaRestApi, f-string id",
            before=(
                "from aws_cdk import aws_lambda as lambda_\n"
                "from aws_cdk.aws_apigateway import LambdaRestApi\n\n"
                'stage = "prod"\n'
                "handler = lambda_.Function(\n"
                '    self, "Handler", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",\n'
                '    code=lambda_.Code.from_inline("def handler(event, context): pass"),\n'
                ")\n"
                'LambdaRestApi(self, f"Proxy{stage}", handler=handler)\n'
            ),
            after=(
                "from aws_cdk import aws_lambda as lambda_\n"
                "from aws_cdk.aws_apigateway import LambdaRestApi\n"
                "from aws_cdk import aws_logs as logs\n"
                "from aws_cdk import aws_apigateway as apigateway\n\n"
                'stage = "prod"\n'
                "handler = lambda_.Function(\n"
                '    self, "Handler", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",\n'
                '    code=lambda_.Code.from_inline("def handler(event, context): pass"),\n'
                ")\n"
                "access_logs = logs.LogGroup(\n"
                '    self, f"ProxyAccessLogs{stage}", retention=logs.RetentionDays.ONE_YEAR\n'
                ")\n"
                'LambdaRestApi(self, f"Proxy{stage}", handler=handler, deploy_options=apigateway.StageOptions(\n'
                "    access_log_destination=apigateway.LogGroupLogDestination(\n"
                "        access_logs\n"
                "    ),\n"
                "    access_log_format=apigateway.AccessLogFormat.clf(),\n"
                "), cloud_watch_role=True)\n"
            ),
        ),
        Example(
            name="left alone: access logs configured, no stage of its own",
            before=(
                "from aws_cdk import aws_apigateway as apigw, aws_logs as logs\n\n"
                'logs_group = logs.LogGroup(self, "Logs")\n'
                'apigw.RestApi(self, "Api", deploy_options=apigw.StageOptions(access_log_destination=apigw.LogGroupLogDestination(logs_group)))\n'
                'apigw.RestApi(self, "Undeployed", deploy=False)\n'
            ),
        ),
    ]

    def build(self, node: cst.Call, message: str) -> list | None:
        place = scope_and_id(node, "AccessLogs", "AccessLogs")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new log group next to", node)
            return None
        scope, new_id = place
        name = binding(self, node)
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_access_logs" if name else "access_logs")
        lifetime = f", removal_policy={self.ref(DESTROY)}" if self.destroyable_selected else ""
        insert = self.insert_before(
            self.current_statement,
            f"{variable} = {self.ref(LOG_GROUP)}({scope}, {new_id}, retention={self.ref(ONE_YEAR)}{lifetime})",
        )
        inner = {
            "access_log_destination": f"{self.ref(LOG_DESTINATION)}({variable})",
            "access_log_format": f"{self.ref(CLF)}()",
        }
        return [merge_stage_options(self, node, inner), insert]
