"""CDK-B3: SNS topic retained on stack deletion (the destroyability profile, opt-in)."""

from __future__ import annotations

import libcst as cst

from cdkfix.rule import DESTROYABLE, Category, Example, Kind, Rule, Safety
from cdkfix.transforms._removal import fix_retaining_method_form

TOPIC = "aws_cdk.aws_sns.Topic"


class SnsTopicRemovalPolicy(Rule):
    code = "CDK-B3"
    name = "sns-topic-removal-policy"
    title = "SNS Topic Retained on Stack Deletion"
    category = Category.CONFIGURATION
    kind = Kind.DESTROYABILITY
    # Changes the topic's DeletionPolicy: what happens to a resource on stack deletion is the
    # user's decision (docs/ci.md: unsafe).
    safety = Safety.UNSAFE
    # For ephemeral environments only: off by default, `--extend-select destroyable` turns it on.
    groups = (DESTROYABLE,)
    default = False
    issue = (
        "This is the destroyability profile for test and ephemeral environments. A topic given "
        "`.apply_removal_policy(RemovalPolicy.RETAIN)` (or `RETAIN_ON_UPDATE_OR_DELETE`) outlives its stack: "
        "DeletionPolicy Retain orphans it, and a fixed `topic_name` blocks the next deployment. A topic with no "
        "removal policy is not flagged: aws-cdk-lib 2.275 writes no DeletionPolicy for `sns.Topic` (synthesized), "
        "so CloudFormation already deletes it with the stack and an added `apply_removal_policy(DESTROY)` would "
        "only churn the template. `sns.Topic` has no `removal_policy` parameter: passing one is a TypeError."
    )
    fix = (
        "Replaces the retaining policy in `<topic>.apply_removal_policy(...)` with `RemovalPolicy.DESTROY`, where "
        "`<topic>` (a variable, or `self.x` in a class) is bound once to an `sns.Topic(...)` or is the "
        "`sns.Topic(...)` call itself; a policy held in a variable bound once to a member is followed and replaced "
        "where it is used. A policy computed at run time (a parameter, a conditional) is reported without a fix."
    )
    impact = (
        "UNSAFE: the template's DeletionPolicy and UpdateReplacePolicy become Delete; the topic and its "
        "subscriptions go away with the stack (a topic holds no messages). Apply it only to stacks meant to be "
        "torn down."
    )
    call_names = frozenset({"apply_removal_policy"})
    examples = [
        Example(
            name="retained topic in a Stack, comment kept",
            before="""\
from aws_cdk import RemovalPolicy, Stack, aws_sns as sns


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        approval_topic = sns.Topic(self, "ApprovalTopic", topic_name="approvals")
        approval_topic.apply_removal_policy(RemovalPolicy.RETAIN)  # keep subscribers
""",
            after="""\
from aws_cdk import RemovalPolicy, Stack, aws_sns as sns


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        approval_topic = sns.Topic(self, "ApprovalTopic", topic_name="approvals")
        approval_topic.apply_removal_policy(RemovalPolicy.DESTROY)  # keep subscribers
""",
        ),
        Example(
            name="attribute set in another method, `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk


class Alerts(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.alerts = cdk.aws_sns.Topic(self, "Alerts")

    def keep(self):
        self.alerts.apply_removal_policy(cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
""",
            after="""\
import aws_cdk as cdk


class Alerts(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.alerts = cdk.aws_sns.Topic(self, "Alerts")

    def keep(self):
        self.alerts.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="class imported directly, keyword argument, RemovalPolicy imported",
            before="""\
from aws_cdk.aws_sns import Topic
import aws_cdk

events: Topic = Topic(self, "Events", fifo=True)
events.apply_removal_policy(policy=aws_cdk.RemovalPolicy.RETAIN)
""",
            after="""\
from aws_cdk.aws_sns import Topic
import aws_cdk

events: Topic = Topic(self, "Events", fifo=True)
events.apply_removal_policy(policy=aws_cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="no policy (no DeletionPolicy: deleted anyway), DESTROY, rebound names, look-alikes",
            before="""\
from aws_cdk import RemovalPolicy, aws_s3 as s3, aws_sns as sns


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        failure_topic = sns.Topic(self, "PipelineFailureTopic")
        done = sns.Topic(self, "Done")
        done.apply_removal_policy(RemovalPolicy.DESTROY)
        bucket = s3.Bucket(self, "Bucket")
        bucket.apply_removal_policy(RemovalPolicy.RETAIN)
        twice = sns.Topic(self, "One")
        twice = sns.Topic(self, "Two")
        twice.apply_removal_policy(RemovalPolicy.RETAIN)
        splat = sns.Topic(self, "Splat", **props)
        splat.apply_removal_policy(RemovalPolicy.RETAIN, *more)
        unknown.apply_removal_policy(RemovalPolicy.RETAIN)
""",
        ),
        Example(
            name="method called on the constructor's result, in a plain Construct",
            before="""\
from aws_cdk import RemovalPolicy, aws_sns as sns
from constructs import Construct


class Notifications(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        sns.Topic(self, "Alerts", display_name="Pipeline alerts").apply_removal_policy(RemovalPolicy.RETAIN)
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_sns as sns
from constructs import Construct


class Notifications(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        sns.Topic(self, "Alerts", display_name="Pipeline alerts").apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="policy through a local variable in a helper function taking the scope",
            before="""\
from aws_cdk import RemovalPolicy, aws_sns as sns


def approval_topic(scope, suffix):
    keep = RemovalPolicy.RETAIN
    topic = sns.Topic(scope, f"ApprovalTopic{suffix}", display_name="Pipeline Approval Notifications")
    topic.apply_removal_policy(keep)
    return topic
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_sns as sns


def approval_topic(scope, suffix):
    keep = RemovalPolicy.RETAIN
    topic = sns.Topic(scope, f"ApprovalTopic{suffix}", display_name="Pipeline Approval Notifications")
    topic.apply_removal_policy(RemovalPolicy.DESTROY)
    return topic
""",
        ),
        Example(
            name="topic built with a `**` splat, self. attribute set in __init__ and retained in another method",
            before="""\
from aws_cdk import RemovalPolicy, Stack, aws_sns as sns


class AlertsStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alarm_topic = sns.Topic(self, "AlarmTopic", **{"display_name": "Alarms"})
        self._protect()

    def _protect(self):
        self.alarm_topic.apply_removal_policy(policy=RemovalPolicy.RETAIN)
""",
            after="""\
from aws_cdk import RemovalPolicy, Stack, aws_sns as sns


class AlertsStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alarm_topic = sns.Topic(self, "AlarmTopic", **{"display_name": "Alarms"})
        self._protect()

    def _protect(self):
        self.alarm_topic.apply_removal_policy(policy=RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="cannot decide: a policy given by a parameter or chosen at run time, reported without a fix",
            flagged=True,
            before="""\
from aws_cdk import RemovalPolicy, aws_sns as sns


def topics(scope, policy, prod):
    chosen = sns.Topic(scope, "Chosen")
    chosen.apply_removal_policy(policy)
    sns.Topic(scope, "Prod").apply_removal_policy(RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        fix_retaining_method_form(self, node, TOPIC, "{who} with {policy}: kept on stack deletion")
