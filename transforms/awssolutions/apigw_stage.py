"""AwsSolutions-APIG6 and -APIG1: logging on a REST API's stage, one owner of `deploy_options`.

Both findings are fixed in the same props object, `deploy_options=StageOptions(...)` of a
RestApi / LambdaRestApi / SpecRestApi: APIG6 (CloudWatch execution logging) writes
`logging_level=`, APIG1 (access logging) writes `access_log_destination=` and
`access_log_format=`. Two rules each writing `deploy_options=StageOptions(...)` would
overwrite each other's keyword in one run, so both build their edit with `merge_stage_options`:
a change applied to the call *as the other rules' changes left it* that adds the props call
when absent and otherwise only the inner keywords it lacks. APIG1 alone, APIG6 alone and both
together give one StageOptions, and a second run changes nothing. `deploy_options=<name>` is
followed (transforms/_bindings.py) to the one `StageOptions(...)` the same function assigns it,
used by this API only: that call gets the keywords in its own statement, and APIG1's log group
goes before it.

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
from cdkfix.constructs import code, construct_id
from cdkfix.edits import ChangeNode
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.scopes import BINDING_NODES, bound_names
from cdkfix.traverse import nodes_within

from cdkfix.transforms._bindings import local_assignment, name_uses
from cdkfix.transforms.awssolutions import apig1_http_api_access_logs as http_access_logs
from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, log_group_source, scope_and_id

REST_APIS = (
    "aws_cdk.aws_apigateway.RestApi",
    "aws_cdk.aws_apigateway.LambdaRestApi",
    "aws_cdk.aws_apigateway.SpecRestApi",
)
STAGE_OPTIONS = "aws_cdk.aws_apigateway.StageOptions"
# A stage made apart from its API (`RestApi(deploy=False)` + Deployment + Stage): its logging
# keywords are the StageOptions ones, on the Stage itself.
STAGE = "aws_cdk.aws_apigateway.Stage"
LOGGING_INFO = "aws_cdk.aws_apigateway.MethodLoggingLevel.INFO"
LOG_DESTINATION = "aws_cdk.aws_apigateway.LogGroupLogDestination"
CLF = "aws_cdk.aws_apigateway.AccessLogFormat.clf"
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


_NAMED_NOTE = (
    "`deploy_options=<name>` is followed to the name's `StageOptions(...)` call, which gets the keywords, when the name "
    "is assigned exactly once, in the same function as the API (or both at module level), before it in the same "
    "block, with no splat, and used nowhere else (another use, such as a second API, would get the logging too); "
    "otherwise (a parameter, a name rebound or used twice) the finding is reported without a fix, saying why."
)


def merge_stage_options(
    rule: Rule, node: cst.Call, inner: dict[str, str], named: NamedOptions | None = None
) -> ChangeNode:
    """An edit putting `inner` (keyword -> value source) into `node`'s `deploy_options=StageOptions(...)`.

    Applied to the call as earlier changes left it: creates the StageOptions call when there
    is none, else adds only the keywords it lacks, so the edits of APIG1 and APIG6 compose.
    `named`: `deploy_options=` is a name bound to a StageOptions call of the same function; the
    edit goes to that call, in its own statement, the same way."""
    if named is not None:
        return rule.change(named.call, lambda updated: _add_missing(updated, inner), named.statement)
    props = f"{rule.ref(STAGE_OPTIONS)}({', '.join(f'{key}={value}' for key, value in inner.items())})"
    fresh = rule.expression(props, extra_indent=len(rule.context.module.default_indent) + len("deploy_options") + 2)

    def merge(updated: cst.Call) -> cst.Call:
        arg = layout.keyword_arg(updated, "deploy_options")
        if arg is None:
            return layout.set_keyword(updated, "deploy_options", fresh)
        options = arg.value
        if not isinstance(options, cst.Call):
            return updated  # checked on the original call; never reached
        options = _add_missing(options, inner)
        return updated.with_changes(args=[a.with_changes(value=options) if a is arg else a for a in updated.args])

    return rule.change(node, merge)


def _add_missing(options: cst.Call, inner: dict[str, str]) -> cst.Call:
    """`options` (a StageOptions call) with the keywords of `inner` it lacks."""
    for key, value in inner.items():
        if layout.keyword_arg(options, key) is None:
            options = layout.set_keyword(options, key, cst.parse_expression(value))
    return options


class NamedOptions:
    """`deploy_options=<name>`: the StageOptions call the name is bound to, and its statement."""

    def __init__(
        self, name: str, statement: cst.SimpleStatementLine, call: cst.Call, span: list[cst.BaseStatement]
    ) -> None:
        self.name = name
        self.statement = statement
        self.call = call
        # The statements from the assignment to the API's own, in order: code inserted before
        # the assignment runs before all of them.
        self.span = span

    def rebinds(self, names: set[str]) -> set[str]:
        """Which of `names` the statements of the span bind: code inserted before the
        assignment that reads them would see another value, or none."""
        kinds = tuple(getattr(cst, kind) for kind in BINDING_NODES)
        bound = {
            bound_name for item in self.span for node in nodes_within(item, *kinds) for bound_name in bound_names(node)
        }
        return names & bound


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
    calls = frozenset(REST_APIS) | {STAGE}
    # The StageOptions keywords this rule writes; any of them present: the user chose.
    owns: tuple[str, ...] = ()
    short = ""

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == STAGE:
            self._separate_stage(node)
            return
        if qualified not in REST_APIS:
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
        named = None
        if present is not None:
            options = present.value
            if isinstance(options, cst.Name):
                named = self._named_options(options, node, message)
                if named is None:
                    return
                options = named.call
            elif not self.is_call_to(options, STAGE_OPTIONS) or layout.has_double_star(options):
                self.report_without_fix(message, "`deploy_options` is not a `StageOptions(...)` call cdkfix can read", node)
                return
            if any(layout.keyword_arg(options, key) is not None for key in self.owns):
                return  # the user configured it: their choice
        edits = self.build(node, message, named)
        if edits is None:
            return
        self.report(message, [*edits, ensure_cloud_watch_role(self, node)], anchor=self.current_statement, node=node)

    def _separate_stage(self, node: cst.Call) -> None:
        """A `Stage(...)` made apart from its API: left alone when it states one of the rule's
        keywords, else reported without a fix. Its API (through `deployment=`) may be anywhere,
        and logging needs the account's CloudWatch role, which only the RestApi call can make
        (`cloud_watch_role=True`): the fix belongs to the user."""
        if any(layout.keyword_arg(node, key) is not None for key in self.owns):
            return
        what = callee(node)
        keywords = ", ".join(f"`{key}=`" for key in self.owns)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack {self.short} ({self.code})", f"a `**` splat may set {keywords}", node)
            return
        self.report_without_fix(
            f"{what} without {self.short} ({self.title})",
            f"a stage made apart from its API: state {keywords} on it (the StageOptions keywords) and make sure the "
            "account has API Gateway's CloudWatch Logs role (`cloud_watch_role=True` on the RestApi), which cdkfix "
            "does not write for an API it cannot tie to this stage",
            node,
        )

    def _named_options(self, name: cst.Name, node: cst.Call, message: str) -> NamedOptions | None:
        """The StageOptions call `deploy_options=<name>` stands for, when the fix may edit it: the
        name is assigned once, in this function (or at module level, the call being there too),
        to a `StageOptions(...)` call without a splat, in a statement of the same block before
        this one, and used nowhere but here (another use would get the logging too). Else None:
        left alone when that call states the rule's keywords, else reported without a fix,
        saying which of these fails."""

        def refuse(why: str) -> None:
            self.report_without_fix(message, why, node)

        found = local_assignment(self, name)
        if found is None:
            return refuse(
                f"`deploy_options={name.value}`: `{name.value}` is not assigned exactly once in this function "
                "(a parameter, a name rebound, changed in place or bound elsewhere): cdkfix cannot tell which StageOptions it is"
            )
        statement, value = found
        if not self.is_call_to(value, STAGE_OPTIONS) or layout.has_double_star(value):
            return refuse(
                f"`deploy_options={name.value}`: `{name.value}` is not bound to a `StageOptions(...)` call cdkfix can read"
            )
        if any(layout.keyword_arg(value, key) is not None for key in self.owns):
            return None  # the user configured it (for every use of the name): their choice, no finding
        here = self.current_statement
        block = self.enclosing(cst.IndentedBlock, cst.Module)
        body = list(block.body) if block is not None else []
        first = next((at for at, item in enumerate(body) if item is statement), None)
        last = next((at for at, item in enumerate(body) if item is here), None)
        if first is None or last is None or first > last:
            return refuse(f"`{name.value}` is not assigned before the {callee(node)} call in the same block")
        function = self.enclosing(cst.FunctionDef)
        uses = name_uses(function if function is not None else self.context.module, name.value)
        # In source order: the assignment's target, then this keyword's value; nothing else.
        if len(uses) != 2 or uses[1] is not name or not any(use is uses[0] for use in nodes_within(statement, cst.Name)):
            return refuse(
                f"`{name.value}` is used elsewhere too: logging written into its StageOptions would reach every use"
            )
        return NamedOptions(name.value, statement, value, body[first : last + 1])

    def build(self, node: cst.Call, message: str, named: NamedOptions | None) -> list | None:
        raise NotImplementedError


# Both rules' example of a Stage made apart from its API (reported without a fix).
SEPARATE_STAGE = Example(
    name="reported without a fix: a Stage made apart from its API",
    before=(
        "from aws_cdk import aws_apigateway as apigw\n\n"
        'api = apigw.RestApi(self, "Api", deploy=False)\n'
        'api.root.add_method("GET", apigw.MockIntegration())\n'
        'deployment = apigw.Deployment(self, "Deployment", api=api)\n'
        'apigw.Stage(self, "Prod", deployment=deployment, stage_name="prod")\n'
    ),
    flagged=True,
)


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
        "`deploy_options` held in another expression, or a `**` splat, is reported without a fix. "
        + _NAMED_NOTE
        + " "
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
        # Appended: the fix-effect harness names examples by their index.
        Example(
            name="StageOptions held in a name, import aws_cdk as cdk",
            before=(
                "import aws_cdk as cdk\n\n"
                'options = cdk.aws_apigateway.StageOptions(stage_name="dev", metrics_enabled=True)\n'
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=options)\n'
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
            after=(
                "import aws_cdk as cdk\n\n"
                'options = cdk.aws_apigateway.StageOptions(stage_name="dev", metrics_enabled=True, '
                "logging_level=cdk.aws_apigateway.MethodLoggingLevel.INFO)\n"
                'self.api = cdk.aws_apigateway.RestApi(self, "Api", deploy_options=options, cloud_watch_role=True)\n'
                'self.api.root.add_method("GET", cdk.aws_apigateway.MockIntegration())\n'
            ),
        ),
        Example(
            name="reported without a fix: StageOptions in a name two APIs use, a parameter",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'shared = apigw.StageOptions(stage_name="dev")\n'
                'apigw.RestApi(self, "Orders", deploy_options=shared).root.add_method("GET", apigw.MockIntegration())\n'
                'apigw.RestApi(self, "Admin", deploy_options=shared).root.add_method("GET", apigw.MockIntegration())\n\n\n'
                "def build(self, stage):\n"
                '    apigw.RestApi(self, "Api", deploy_options=stage).root.add_method("GET", apigw.MockIntegration())\n'
            ),
            flagged=True,
        ),
        SEPARATE_STAGE,
    ]

    def build(self, node: cst.Call, message: str, named: NamedOptions | None) -> list:
        return [merge_stage_options(self, node, {"logging_level": self.ref(LOGGING_INFO)}, named)]


class Apig1AccessLogging(_StageLoggingRule):
    code = "AwsSolutions-APIG1"
    name = "awssolutions-apigw-access-logging"
    title = "API stage without access logging"
    short = "access logging"
    owns = ("access_log_destination", "access_log_format")
    calls = frozenset(REST_APIS) | {STAGE} | http_access_logs.HTTP_CALLS
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
        "without a fix: `deploy_options` held in another expression, a `**` splat, a call with no plain "
        "scope and id or not in a plain statement. No AwsSolutions rule asks anything of the log group (its encryption "
        "and retention are checked only by other packs); its retention is stated so logs do not pile up for ever. "
        + _NAMED_NOTE
        + " The log group then goes before the name's assignment (which now uses it); an API whose scope or id reads "
        "a name bound between that assignment and the API is reported without a fix. "
        + _ROLE_NOTE
        + http_access_logs.FIX_TEXT
    )
    impact = (
        "UNSAFE: a new log group, billed for ingestion and a year of storage, and on a REST API an account-level role "
        "may be created (`cloud_watch_role=True`)."
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
        # Appended: the fix-effect harness names examples by their index.
        Example(
            name="StageOptions held in a name (the log group goes before it)",
            before=(
                "from aws_cdk import Stack, aws_apigateway as apigw\n\n\n"
                "class ApiStack(Stack):\n"
                "    def __init__(self, scope, construct_id):\n"
                "        super().__init__(scope, construct_id)\n"
                '        stage = apigw.StageOptions(stage_name="dev")\n'
                '        api = apigw.RestApi(self, "Api", deploy=True, deploy_options=stage)\n'
                '        api.root.add_method("GET", apigw.MockIntegration())\n'
            ),
            after=(
                "from aws_cdk import Stack, aws_apigateway as apigw\n"
                "from aws_cdk import aws_logs as logs\n\n\n"
                "class ApiStack(Stack):\n"
                "    def __init__(self, scope, construct_id):\n"
                "        super().__init__(scope, construct_id)\n"
                "        api_access_logs = logs.LogGroup(\n"
                '            self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_YEAR\n'
                "        )\n"
                '        stage = apigw.StageOptions(stage_name="dev", access_log_destination=apigw.LogGroupLogDestination('
                "api_access_logs), access_log_format=apigw.AccessLogFormat.clf())\n"
                '        api = apigw.RestApi(self, "Api", deploy=True, deploy_options=stage, cloud_watch_role=True)\n'
                '        api.root.add_method("GET", apigw.MockIntegration())\n'
            ),
        ),
        Example(
            name="reported without a fix: StageOptions in a name used twice",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'stage = apigw.StageOptions(stage_name="dev")\n'
                'api = apigw.RestApi(self, "Api", deploy_options=stage)\n'
                'api.root.add_method("GET", apigw.MockIntegration())\n'
                'admin = apigw.RestApi(self, "Admin", deploy_options=stage)\n'
                'admin.root.add_method("GET", apigw.MockIntegration())\n'
            ),
            flagged=True,
        ),
        Example(
            name="reported without a fix: StageOptions in a name rebound",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n"
                'stage = apigw.StageOptions(stage_name="dev")\n'
                'stage = apigw.StageOptions(stage_name="prod")\n'
                'api = apigw.RestApi(self, "Api", deploy_options=stage)\n'
                'api.root.add_method("GET", apigw.MockIntegration())\n'
            ),
            flagged=True,
        ),
        Example(
            name="reported without a fix: StageOptions in a parameter",
            before=(
                "from aws_cdk import aws_apigateway as apigw\n\n\n"
                "def build(self, stage):\n"
                '    api = apigw.RestApi(self, "Api", deploy_options=stage)\n'
                '    api.root.add_method("GET", apigw.MockIntegration())\n'
            ),
            flagged=True,
        ),
        *http_access_logs.EXAMPLES,
        SEPARATE_STAGE,
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in http_access_logs.HTTP_CALLS:
            http_access_logs.visit_http(self, node, qualified)
        else:
            super().visit_Call(node)

    def build(self, node: cst.Call, message: str, named: NamedOptions | None) -> list | None:
        place = scope_and_id(node, "AccessLogs", "AccessLogs")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new log group next to", node)
            return None
        scope, new_id = place
        # The log group goes before the statement that uses it: the API's own, or the one that
        # makes its named StageOptions, where the API's scope and id must mean what they do here.
        anchor = self.current_statement
        if named is not None:
            anchor = named.statement
            read = {
                use.value
                for part in (layout.argument(node, 0, "scope").value, construct_id(node))
                for use in nodes_within(part, cst.Name)
            }
            clash = named.rebinds(read)
            if clash:
                self.report_without_fix(
                    message,
                    f"the API's scope or id reads {', '.join(f'`{n}`' for n in sorted(clash))}, bound between "
                    f"`{named.name}` and the API: a log group made before `{named.name}` would not see it",
                    node,
                )
                return None
        name = binding(self, node)
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_access_logs" if name else "access_logs")
        insert = self.insert_before(anchor, log_group_source(self, variable, scope, new_id, self.ref(ONE_YEAR)))
        inner = {
            "access_log_destination": f"{self.ref(LOG_DESTINATION)}({variable})",
            "access_log_format": f"{self.ref(CLF)}()",
        }
        return [merge_stage_options(self, node, inner, named), insert]
