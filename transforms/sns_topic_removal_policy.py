"""CDK-B3: SNS topic retained on stack deletion (the destroyability profile, opt-in)."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import DESTROYABLE, Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding
from cdkfix.transforms._removal import DESTROY, RETAINING, policy_name

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
        "`<topic>` (a variable, or `self.x` in a class) is bound once to an `sns.Topic(...)`. A policy given by a "
        "variable or an expression is left alone."
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
            name="no policy (no DeletionPolicy: deleted anyway), DESTROY, variables, rebound names, look-alikes",
            before="""\
from aws_cdk import RemovalPolicy, aws_s3 as s3, aws_sns as sns


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        failure_topic = sns.Topic(self, "PipelineFailureTopic")
        done = sns.Topic(self, "Done")
        done.apply_removal_policy(RemovalPolicy.DESTROY)
        chosen = sns.Topic(self, "Chosen")
        chosen.apply_removal_policy(policy)
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
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Attribute) and node.func.attr.value == "apply_removal_policy"):
            return
        if len(node.args) != 1 or node.args[0].star:
            return
        policy_arg = layout.argument(node, 0, "policy")
        if policy_arg is None or policy_name(self, policy_arg.value) not in RETAINING:
            return
        receiver = node.func.value
        if isinstance(receiver, cst.Call):
            created = receiver
        else:
            found = single_binding(self, receiver)
            created = found[1] if found is not None else None
        if created is None or not self.is_call_to(created, TOPIC):
            return
        destroy = self.ref(DESTROY)
        edit = self.change(node, lambda call: call.with_changes(
            args=[arg.with_changes(value=cst.parse_expression(destroy)) if arg is layout.argument(call, 0, "policy") else arg for arg in call.args]
        ))
        self.report(
            f"{code(receiver)} ({code(created.func)}) with {code(policy_arg.value)}: kept on stack deletion", [edit]
        )
