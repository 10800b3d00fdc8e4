"""AwsSolutions-SF1: a Step Functions state machine logs ALL events to a log group of its own;
AwsSolutions-SF2: X-Ray tracing (a keyword, declared here next to SF1, its sibling).

cdk-nag 3 (StepFunctionStateMachineAllLogsToCloudWatch) flags a CfnStateMachine without a
LoggingConfiguration whose Level is ALL; (StepFunctionStateMachineXray) one without
TracingConfiguration.Enabled. The SF1 fix inserts a log group before the statement and sets
`logs=sfn.LogOptions(destination=<group>, level=sfn.LogLevel.ALL)`.

Both fixes bring one AwsSolutions-IAM5 finding on the state machine role's DefaultPolicy, and
so does every valid fix: CDK grants CloudWatch Logs' vended log delivery actions
(logs:CreateLogDelivery, ...) and X-Ray's PutTraceSegments/PutTelemetryRecords/
GetSamplingRules/GetSamplingTargets on `Resource: *`, because those actions support no
resource-level permission (AWS's Step Functions guide, "IAM policies for logging to CloudWatch
Logs", and X-Ray's AWSXRayDaemonWriteAccess use `*`; a role scoped to the log group's ARN fails
to deploy with "The state machine IAM Role is not authorized to access the Log Destination").
tests/test_awssolutions_proof.py lists that finding per example as unavoidable.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.keyword_rule import KeywordRule, declare
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, log_group_source, scope_and_id

STATE_MACHINE = "aws_cdk.aws_stepfunctions.StateMachine"
LOG_OPTIONS = "aws_cdk.aws_stepfunctions.LogOptions"
LEVEL_ALL = "aws_cdk.aws_stepfunctions.LogLevel.ALL"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"


class Sf1StateMachineLogs(Rule):
    code = "AwsSolutions-SF1"
    name = "awssolutions-stepfunctions-log-all"
    title = "Step Functions state machine does not log ALL events"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-SF1: The Step Function does not log \"ALL\" events to CloudWatch Logs. Without them a "
        "failed or slow execution leaves no record of its states' inputs, outputs and errors outside the console's "
        "90-day execution history (Express workflows keep none)."
    )
    fix = (
        "Inserts `<name>_logs = logs.LogGroup(<scope>, \"<Id>Logs\")` before the statement and sets "
        "`logs=sfn.LogOptions(destination=<name>_logs, level=sfn.LogLevel.ALL)` on the state machine (in a "
        "destroyable run the group gets `removal_policy=RemovalPolicy.DESTROY`); a `logs=sfn.LogOptions(...)` "
        "without `level=` (CDK's default: ERROR) gets `level=sfn.LogLevel.ALL`. Left alone: `level=` ALL. Reported "
        "without a fix: another `level=` (a choice), `logs=` that is not a plain LogOptions call, a `**` splat, no "
        "plain scope, id and statement. The fix brings an AwsSolutions-IAM5 finding that every valid fix brings: "
        "CloudWatch Logs' log delivery actions need `Resource: *`."
    )
    impact = (
        "UNSAFE: every state transition is logged (CloudWatch vended-logs ingestion and storage are billed, retained "
        "two years by default); the state machine role may call CloudWatch Logs' log delivery actions, which take no "
        "resource ARN (Resource `*`). Execution data (inputs and outputs) goes to the log: mind secrets in payloads."
    )
    calls = frozenset({STATE_MACHINE})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_stepfunctions as sfn

machine = sfn.StateMachine(
    self, "Machine", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(self, "Start"))
)
""",
            after="""\
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_logs as logs

machine_logs = logs.LogGroup(self, "MachineLogs")

machine = sfn.StateMachine(
    self, "Machine", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(self, "Start")),
    logs=sfn.LogOptions(destination=machine_logs, level=sfn.LogLevel.ALL)
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, LogOptions without a level",
            before="""\
import aws_cdk as cdk

self.group = cdk.aws_logs.LogGroup(self, "Group")
self.machine = cdk.aws_stepfunctions.StateMachine(
    self,
    "Machine",
    definition_body=cdk.aws_stepfunctions.DefinitionBody.from_chainable(cdk.aws_stepfunctions.Pass(self, "Start")),
    logs=cdk.aws_stepfunctions.LogOptions(destination=self.group),
)
""",
            after="""\
import aws_cdk as cdk

self.group = cdk.aws_logs.LogGroup(self, "Group")
self.machine = cdk.aws_stepfunctions.StateMachine(
    self,
    "Machine",
    definition_body=cdk.aws_stepfunctions.DefinitionBody.from_chainable(cdk.aws_stepfunctions.Pass(self, "Start")),
    logs=cdk.aws_stepfunctions.LogOptions(destination=self.group, level=cdk.aws_stepfunctions.LogLevel.ALL),
)
""",
        ),
        Example(
            name="class imported by name, bare statement, f-string id",
            before="""\
from aws_cdk.aws_stepfunctions import DefinitionBody, Pass, StateMachine

stage = "prod"
StateMachine(self, f"Flow{stage}", definition_body=DefinitionBody.from_chainable(Pass(self, "Start")))
""",
            after="""\
from aws_cdk.aws_stepfunctions import DefinitionBody, Pass, StateMachine
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as stepfunctions

stage = "prod"
state_machine_logs = logs.LogGroup(self, f"FlowLogs{stage}")
StateMachine(self, f"Flow{stage}", definition_body=DefinitionBody.from_chainable(Pass(self, "Start")), logs=stepfunctions.LogOptions(
    destination=state_machine_logs, level=stepfunctions.LogLevel.ALL
))
""",
        ),
        Example(
            name="left alone: ALL events logged",
            before="""\
from aws_cdk import aws_logs as logs, aws_stepfunctions as sfn

sfn.StateMachine(
    self,
    "Machine",
    definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(self, "Start")),
    logs=sfn.LogOptions(destination=logs.LogGroup(self, "Logs"), level=sfn.LogLevel.ALL),
)
""",
        ),
        Example(
            name="reported without a fix: another level chosen",
            before="""\
from aws_cdk import aws_logs as logs, aws_stepfunctions as sfn

sfn.StateMachine(
    self,
    "Machine",
    definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(self, "Start")),
    logs=sfn.LogOptions(destination=logs.LogGroup(self, "Logs"), level=sfn.LogLevel.ERROR),
)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != STATE_MACHINE:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may not log ALL events (SF1)", "a `**` splat may set `logs`", node)
            return
        message = f"{what} does not log ALL events to CloudWatch Logs (SF1)"
        given = layout.keyword_arg(node, "logs")
        if given is not None:
            self._fix_options(node, given.value, message)
            return
        place = scope_and_id(node, "Logs", "StateMachineLogs")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new log group next to", node)
            return
        name = binding(self, node)
        group = self.unique_name(f"{name.rsplit('.', 1)[-1]}_logs" if name else "state_machine_logs")
        scope, logs_id = place
        insert = self.insert_before(self.current_statement, log_group_source(self, group, scope, logs_id, None))
        options = f"{self.ref(LOG_OPTIONS)}(destination={group}, level={self.ref(LEVEL_ALL)})"
        self.report(message, [self.set_keyword(node, "logs", options), insert], node=node)

    def _fix_options(self, node: cst.Call, value: cst.BaseExpression, message: str) -> None:
        if not isinstance(value, cst.Call) or self.resolve(value.func) != LOG_OPTIONS or layout.has_double_star(value):
            self.report_without_fix(message, "`logs=` is not a plain `LogOptions(...)` cdkfix can read", node)
            return
        level = layout.keyword_arg(value, "level")
        if level is None:
            self.report(message, [self.set_keyword(value, "level", self.ref(LEVEL_ALL))], node=node)
            return
        if self.resolve(level.value) == LEVEL_ALL:
            return
        chosen = dotted_name(level.value) or "an expression"
        self.report_without_fix(message, f"`level={chosen}` is a choice: ALL logs every state's input and output", node)


SF2 = KeywordRule(
    code="AwsSolutions-SF2",
    name="awssolutions-stepfunctions-xray",
    title="Step Functions state machine without X-Ray tracing",
    cause="The Step Function does not have X-Ray tracing enabled.",
    why="Without traces, where an execution spends its time across the services it calls is not visible.",
    impact="Latency and errors across the services an execution calls are hard to locate.",
    kind=Kind.OBSERVABILITY,
    constructs=(STATE_MACHINE,),
    keyword="tracing_enabled",
    value="True",
    args=(
        'self, "Resource", definition_body={aws_cdk.aws_stepfunctions.DefinitionBody}.from_chainable('
        '{aws_cdk.aws_stepfunctions.Pass}(self, "Start"))'
    ),
    safety=Safety.UNSAFE,
    safety_note=(
        "Unsafe: X-Ray traces are billed (beyond the free tier), and the state machine role may call "
        "xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets, which take no resource "
        "ARN (Resource `*`: an AwsSolutions-IAM5 finding every valid fix brings)."
    ),
)

declare([SF2], globals())
