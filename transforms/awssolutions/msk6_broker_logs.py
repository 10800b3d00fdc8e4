"""AwsSolutions-MSK6: an MSK cluster without broker logs gets a log group of its own.

aws-cdk-lib 2.275 has only the L1 `aws_msk.CfnCluster` (the L2 is the alpha module). cdk-nag 3
(src/rules/msk/MSKBrokerLogging.ts) flags an AWS::MSK::Cluster (the `CfnCluster` class only:
`CfnServerlessCluster` is another class, not applicable, and has no broker logs) whose
`LoggingInfo` is absent, or whose `BrokerLogs` has no destination with `Enabled` true: any one of
CloudWatchLogs, Firehose and S3 enabled passes.

The fix inserts, before the cluster's statement,
`<name>_broker_logs = logs.LogGroup(<scope>, "<Id>BrokerLogs", retention=logs.RetentionDays.ONE_YEAR)`
(and `removal_policy=RemovalPolicy.DESTROY` in a destroyable run) and sets
`logging_info=msk.CfnCluster.LoggingInfoProperty(broker_logs=msk.CfnCluster.BrokerLogsProperty(
cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(enabled=True,
log_group=<name>_broker_logs.log_group_name)))`. The retention is stated so that broker logs do
not pile up for ever (CDK's LogGroup default is two years); no AwsSolutions rule asks anything
of the log group. MSK delivers through CloudWatch Logs' vended log delivery: the deploying
principal needs the logs delivery permissions, and CloudWatch Logs adds the log group resource
policy itself; no IAM statement in the template.

A call that states `logging_info=` is the user's: left alone when some destination may be
enabled (a literal `enabled=True`, or a value cdkfix cannot read: a name, a run-time value);
reported without a fix when every destination it writes says `enabled=False` (or it writes
none): logging turned off is the user's choice, which cdkfix does not undo. Property objects
and dict literals are read alike (`logging_info={"brokerLogs": {"s3": {"enabled": True, ...}}}`:
jsii hands a dict to the JavaScript side as it is, so only the camelCase keys construct; the
snake_case spelling is read too). Reported without a fix:
a `**` splat, no plain scope, id and statement.

Unsafe: broker logs are billed (CloudWatch Logs ingestion and storage).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, props_field
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import binding, in_plain_statement, log_group_source, scope_and_id

CLUSTER = "aws_cdk.aws_msk.CfnCluster"
LOGGING_INFO = "aws_cdk.aws_msk.CfnCluster.LoggingInfoProperty"
BROKER_LOGS = "aws_cdk.aws_msk.CfnCluster.BrokerLogsProperty"
CLOUD_WATCH_LOGS = "aws_cdk.aws_msk.CfnCluster.CloudWatchLogsProperty"
ONE_YEAR = "aws_cdk.aws_logs.RetentionDays.ONE_YEAR"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
KEYWORD = "logging_info"
# The broker log destinations cdk-nag reads, each with an `enabled` flag.
DESTINATIONS = (("cloud_watch_logs", "cloudWatchLogs"), ("firehose", "firehose"), ("s3", "s3"))

_SUBNETS = '["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]'


def _args(msk: str) -> str:
    return (
        f'self, "Kafka", cluster_name="kafka", kafka_version="3.6.0", number_of_broker_nodes=2, '
        f'broker_node_group_info={msk}.CfnCluster.BrokerNodeGroupInfoProperty(client_subnets={_SUBNETS}, '
        f'instance_type="kafka.m5.large")'
    )


_OFF = (
    "every broker log destination of `logging_info` says `enabled=False` (or none is written): turning broker "
    "logs off is the user's choice, which cdkfix does not undo; enable CloudWatch Logs, Firehose or S3 in it"
)


class Msk6BrokerLogs(Rule):
    code = "AwsSolutions-MSK6"
    name = "awssolutions-msk-broker-logs"
    title = "MSK cluster without broker logs"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-MSK6: The MSK cluster does not ship broker logs to a supported destination. Without "
        "broker logs, broker errors, client connection failures and authorization denials leave no trace."
    )
    fix = (
        "Inserts before the cluster's statement `<name>_broker_logs = logs.LogGroup(<scope>, \"<Id>BrokerLogs\", "
        "retention=logs.RetentionDays.ONE_YEAR)` (`removal_policy=RemovalPolicy.DESTROY` in a destroyable run) and "
        "sets `logging_info=msk.CfnCluster.LoggingInfoProperty(broker_logs=msk.CfnCluster.BrokerLogsProperty("
        "cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(enabled=True, log_group=<name>_broker_logs."
        "log_group_name)))` on an `msk.CfnCluster` (CfnServerlessCluster is not flagged by cdk-nag). A call that "
        "states `logging_info=` is left alone when a destination may be enabled (CloudWatch Logs, Firehose or S3: "
        "any passes), and reported without a fix when every destination it writes says `enabled=False` (the "
        "user's choice). Reported without a fix: a `**` splat, no plain scope, id and statement."
    )
    impact = "UNSAFE: broker logs are billed (CloudWatch Logs ingestion and a year of storage)."
    calls = frozenset({CLUSTER})
    examples = [
        Example(
            name="module alias, bound to a name",
            before=f"""\
from aws_cdk import aws_msk as msk

kafka = msk.CfnCluster({_args("msk")})
""",
            after=f"""\
from aws_cdk import aws_msk as msk
from aws_cdk import aws_logs as logs

kafka_broker_logs = logs.LogGroup(
    self, "KafkaBrokerLogs", retention=logs.RetentionDays.ONE_YEAR
)

kafka = msk.CfnCluster({_args("msk")}, logging_info=msk.CfnCluster.LoggingInfoProperty(
    broker_logs=msk.CfnCluster.BrokerLogsProperty(
        cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(
            enabled=True, log_group=kafka_broker_logs.log_group_name
        )
    )
))
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, inside a stack",
            before=f"""\
import aws_cdk as cdk


class StreamingStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.kafka = cdk.aws_msk.CfnCluster(
            {_args("cdk.aws_msk")},
        )
""",
            after=f"""\
import aws_cdk as cdk


class StreamingStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        kafka_broker_logs = cdk.aws_logs.LogGroup(
            self, "KafkaBrokerLogs", retention=cdk.aws_logs.RetentionDays.ONE_YEAR
        )
        self.kafka = cdk.aws_msk.CfnCluster(
            {_args("cdk.aws_msk")},
            logging_info=cdk.aws_msk.CfnCluster.LoggingInfoProperty(
                broker_logs=cdk.aws_msk.CfnCluster.BrokerLogsProperty(
                    cloud_watch_logs=cdk.aws_msk.CfnCluster.CloudWatchLogsProperty(
                        enabled=True,
                        log_group=kafka_broker_logs.log_group_name,
                    )
                )
            ),
        )
""",
        ),
        Example(
            name="class imported by name, a bare statement",
            before=f"""\
from aws_cdk import aws_msk
from aws_cdk.aws_msk import CfnCluster

CfnCluster({_args("aws_msk")})
""",
            after=f"""\
from aws_cdk import aws_msk
from aws_cdk.aws_msk import CfnCluster
from aws_cdk import aws_logs as logs

broker_logs = logs.LogGroup(
    self, "KafkaBrokerLogs", retention=logs.RetentionDays.ONE_YEAR
)

CfnCluster({_args("aws_msk")}, logging_info=CfnCluster.LoggingInfoProperty(
    broker_logs=CfnCluster.BrokerLogsProperty(
        cloud_watch_logs=CfnCluster.CloudWatchLogsProperty(
            enabled=True, log_group=broker_logs.log_group_name
        )
    )
))
""",
        ),
        Example(
            name="left alone: another destination enabled (a dict literal), a value cdkfix cannot read, serverless",
            before="""\
from aws_cdk import aws_msk as msk

msk.CfnCluster(self, "A", logging_info={"brokerLogs": {"s3": {"enabled": True, "bucket": "logs"}}}, **props)
msk.CfnCluster(self, "B", logging_info=msk.CfnCluster.LoggingInfoProperty(
    broker_logs=msk.CfnCluster.BrokerLogsProperty(firehose=msk.CfnCluster.FirehoseProperty(enabled=True, delivery_stream="s"))
))
msk.CfnCluster(self, "C", logging_info=logging)
msk.CfnCluster(self, "D", logging_info=msk.CfnCluster.LoggingInfoProperty(
    broker_logs=msk.CfnCluster.BrokerLogsProperty(cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(enabled=enabled))
))
msk.CfnServerlessCluster(self, "E", cluster_name="e", client_authentication=auth, vpc_configs=configs)
""",
        ),
        Example(
            name="reported without a fix: a splat, every destination disabled",
            before="""\
from aws_cdk import aws_msk as msk

msk.CfnCluster(self, "A", **props)
msk.CfnCluster(self, "B", logging_info=msk.CfnCluster.LoggingInfoProperty(
    broker_logs=msk.CfnCluster.BrokerLogsProperty(cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(enabled=False))
))
msk.CfnCluster(self, "C", logging_info={"brokerLogs": {"s3": {"enabled": False}, "firehose": {"enabled": False}}})
""",
            flagged=True,
        ),
        Example(
            name="a destroyable run: the log group goes with the stack",
            before=f"""\
from aws_cdk import aws_msk as msk

kafka = msk.CfnCluster({_args("msk")})
""",
            after=f"""\
from aws_cdk import aws_msk as msk
from aws_cdk import aws_logs as logs
from aws_cdk import RemovalPolicy

kafka_broker_logs = logs.LogGroup(
    self,
    "KafkaBrokerLogs",
    retention=logs.RetentionDays.ONE_YEAR,
    removal_policy=RemovalPolicy.DESTROY,
)

kafka = msk.CfnCluster({_args("msk")}, logging_info=msk.CfnCluster.LoggingInfoProperty(
    broker_logs=msk.CfnCluster.BrokerLogsProperty(
        cloud_watch_logs=msk.CfnCluster.CloudWatchLogsProperty(
            enabled=True, log_group=kafka_broker_logs.log_group_name
        )
    )
))
""",
            also_select=("destroyable",),
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != CLUSTER:
            return
        what = code(node.func)
        message = f"{what} without broker logs ({self.title})"
        stated = layout.keyword_arg(node, KEYWORD)
        if stated is not None:
            # The user's choice, also beside a splat (Python refuses the keyword twice).
            if _all_disabled(stated.value):
                self.report_without_fix(message, _OFF, node)
            return
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack broker logs ({self.code})", f"a `**` splat may set `{KEYWORD}`", node)
            return
        place = scope_and_id(node, "BrokerLogs", "BrokerLogs")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new log group next to", node)
            return
        scope, new_id = place
        name = binding(self, node)
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_broker_logs" if name else "broker_logs")
        insert = self.insert_before(
            self.current_statement, log_group_source(self, variable, scope, new_id, self.ref(ONE_YEAR))
        )
        value = (
            f"{self.ref(LOGGING_INFO)}(broker_logs={self.ref(BROKER_LOGS)}(cloud_watch_logs="
            f"{self.ref(CLOUD_WATCH_LOGS)}(enabled=True, log_group={variable}.log_group_name)))"
        )
        self.report(message, [self.set_keyword(node, KEYWORD, value), insert], anchor=self.current_statement, node=node)


def _all_disabled(value: cst.BaseExpression) -> bool:
    """True when `value` (a LoggingInfoProperty call or a dict literal) provably enables no broker
    log destination: each destination it writes has a literal `enabled=False`. False when one is
    enabled or when any part is not literal (cdkfix cannot tell: the user's choice stands)."""
    broker_logs = props_field(value, ("broker_logs", "brokerLogs"))
    if broker_logs is None:
        return False
    for names in DESTINATIONS:
        destination = props_field(broker_logs, names, absent=cst.Name("None"))
        if destination is None:
            return False  # unreadable
        if isinstance(destination, cst.Name) and destination.value == "None":
            continue  # not written
        enabled = props_field(destination, ("enabled",))
        if not (isinstance(enabled, cst.Name) and enabled.value == "False"):
            return False
    return True
