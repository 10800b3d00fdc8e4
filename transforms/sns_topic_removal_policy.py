"""CDK-B3: SNS topic without a removal policy."""

from __future__ import annotations

import libcst as cst

from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._removal import DESTROY, binding, removal_policy_applied

TOPIC = "aws_cdk.aws_sns.Topic"


class SnsTopicRemovalPolicy(Rule):
    code = "CDK-B3"
    name = "sns-topic-removal-policy"
    title = "SNS Topic Missing RemovalPolicy"
    category = Category.CONFIGURATION
    kind = Kind.DESTROYABILITY
    issue = (
        "The topic states no removal policy: its template has no DeletionPolicy, so what happens to it on stack "
        "deletion is left to CloudFormation's default (delete, for a topic) instead of being stated like the other "
        "resources of a destroyable stack. `sns.Topic` has no `removal_policy` parameter: passing one, as is often "
        "suggested, is a TypeError."
    )
    fix = (
        "Inserts `topic.apply_removal_policy(RemovalPolicy.DESTROY)` after the statement that creates the topic "
        "(a bare `sns.Topic(...)` statement is bound to a new variable first). A topic whose variable already gets "
        "`.apply_removal_policy(...)` in the same function (or class, for `self.x`) is left alone, as is a topic "
        "created inside another expression, which has no name to call it on."
    )
    impact = (
        "The topic's lifetime is stated in the template (DeletionPolicy and UpdateReplacePolicy Delete). Safe: a "
        "topic holds no data."
    )
    calls = frozenset({TOPIC})
    examples = [
        Example(
            name="multi-line call with a trailing comment",
            before="""\
from aws_cdk import RemovalPolicy, aws_sns as sns


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        approval_topic = sns.Topic(
            self,
            "ApprovalTopic",
            display_name="Pipeline Approval Notifications"  # Missing removal_policy
        )
        self.approval_topic = approval_topic
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_sns as sns


class PipelineStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        approval_topic = sns.Topic(
            self,
            "ApprovalTopic",
            display_name="Pipeline Approval Notifications"  # Missing removal_policy
        )

        approval_topic.apply_removal_policy(RemovalPolicy.DESTROY)
        self.approval_topic = approval_topic
""",
        ),
        Example(
            name="attribute target through `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk


class Alerts(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.alerts = cdk.aws_sns.Topic(self, "Alerts")
""",
            after="""\
import aws_cdk as cdk


class Alerts(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.alerts = cdk.aws_sns.Topic(self, "Alerts")
        self.alerts.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="bare statement bound to a new variable, RemovalPolicy imported",
            before="""\
from aws_cdk.aws_sns import Topic

topic = None
Topic(self, "Events", fifo=True)
""",
            after="""\
from aws_cdk.aws_sns import Topic
from aws_cdk import RemovalPolicy

topic = None
topic_2 = Topic(self, "Events", fifo=True)
topic_2.apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="annotated assignment, `import aws_cdk.aws_sns as sns`",
            before="""\
import aws_cdk.aws_sns as sns
from aws_cdk import RemovalPolicy

failures: sns.ITopic = sns.Topic(self, "Failures")
""",
            after="""\
import aws_cdk.aws_sns as sns
from aws_cdk import RemovalPolicy

failures: sns.ITopic = sns.Topic(self, "Failures")

failures.apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="policy already applied (before or after), nested topic, splat, look-alikes",
            before="""\
from aws_cdk import RemovalPolicy, aws_events_targets as targets, aws_sns as sns


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        failure_topic = sns.Topic(self, "PipelineFailureTopic")
        failure_topic.apply_removal_policy(RemovalPolicy.DESTROY)
        self.kept = sns.Topic(self, "Kept")
        target = targets.SnsTopic(sns.Topic(self, "Inline"))
        sns.Topic(self, "Splat", **topic_props)
        imported = sns.Topic.from_topic_arn(self, "Imported", arn)

    def retain(self):
        self.kept.apply_removal_policy(RemovalPolicy.RETAIN)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, TOPIC):
            return
        name = binding(self, node)
        if name is not None and removal_policy_applied(self, name):
            return
        found = self.reference_to(node, "topic")
        if found is None:
            return  # nested in another expression: no name to call apply_removal_policy on
        name, edits = found
        destroy = self.ref(DESTROY)
        statement = self.current_statement
        edits = [*edits, self.insert_after(statement, f"{name}.apply_removal_policy({destroy})")]
        self.report(f"{code(node.func)} without a removal policy", edits, anchor=statement)
