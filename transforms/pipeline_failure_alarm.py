"""CDK-B14: pipeline failures reach an SNS topic through EventBridge only, with no CloudWatch alarm."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_scope, derive_id, dict_element, literal_value, string_value
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.node_index import NodeIndex
from cdkfix.traverse import visit_readonly
from cdkfix.transforms._bindings import single_binding

RULE = "aws_cdk.aws_events.Rule"
EVENT_PATTERN = "aws_cdk.aws_events.EventPattern"
SNS_TOPIC_TARGET = "aws_cdk.aws_events_targets.SnsTopic"
ALARM = "aws_cdk.aws_cloudwatch.Alarm"
METRIC = "aws_cdk.aws_cloudwatch.Metric"
PIPELINE = "aws_cdk.aws_codepipeline.Pipeline"
# A parameter annotated with one of these is a pipeline (`def alerts(self, pipeline: codepipeline.IPipeline)`).
PIPELINE_TYPES = frozenset({PIPELINE, "aws_cdk.aws_codepipeline.IPipeline"})
FAILED_METRIC = "FailedPipelineExecutions"


class PipelineFailureAlarm(Rule):
    code = "CDK-B14"
    name = "pipeline-failure-alarm"
    title = "Missing CloudWatch Alarms for Pipeline Failures"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    issue = (
        "Pipeline failures are only forwarded by an EventBridge rule to an SNS topic. There is no CloudWatch "
        "alarm on `FailedPipelineExecutions`: nothing shows the pipeline in ALARM state on the console or in "
        "alarm-based tooling, and a missed or throttled event leaves no trace."
    )
    fix = (
        "Inserts after the rule a `cloudwatch.Alarm(self, <id>, ...)` on the `AWS/CodePipeline` "
        "`FailedPipelineExecutions` metric (Sum over 5 minutes, alarm at >= 1, missing data not breaching) for the "
        "pipeline the rule matches, and `alarm.add_alarm_action(cw_actions.SnsAction(<the rule's topic>))`. The "
        "pipeline name comes from the event pattern's `detail.pipeline` or `resources` (a `pipeline.pipeline_arn`), "
        "the receiver of `pipeline.on_state_change(...)` (a `codepipeline.Pipeline` bound once to a name or a `self.` "
        "attribute, or a parameter annotated `Pipeline`/`IPipeline`; in a plain function the alarm goes under the "
        "pipeline), or a CodePipeline metric earlier in the same function; without one the rule is left alone. An "
        "event pattern bound once to a local name counts as written in place. A rule whose other arguments come "
        "from a `**` splat is reported without a fix."
    )
    impact = "Less robust alerting: pipeline failures have no alarm state, history or alarm-based escalation."
    calls = frozenset({METRIC, RULE})
    call_names = frozenset({"on_state_change"})
    examples = [
        Example(
            before='''\
from aws_cdk import (
    Stack,
    aws_events as events,
    aws_events_targets as targets,
)


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Notify on failed pipeline executions
        pipeline_failure_rule = events.Rule(
            self,
            f"PipelineFailureRule{construct_id}",
            event_pattern=events.EventPattern(
                source=["aws.codepipeline"],
                detail_type=["CodePipeline Pipeline Execution State Change"],
                detail={
                    "pipeline": [pipeline_name],
                    "state": ["FAILED"]
                }
            ),
            targets=[targets.SnsTopic(topic)]  # EventBridge only
        )

        self.rule = pipeline_failure_rule
''',
            after='''\
from aws_cdk import (
    Stack,
    aws_events as events,
    aws_events_targets as targets,
    aws_cloudwatch as cloudwatch,
    Duration,
    aws_cloudwatch_actions as cw_actions,
)


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Notify on failed pipeline executions
        pipeline_failure_rule = events.Rule(
            self,
            f"PipelineFailureRule{construct_id}",
            event_pattern=events.EventPattern(
                source=["aws.codepipeline"],
                detail_type=["CodePipeline Pipeline Execution State Change"],
                detail={
                    "pipeline": [pipeline_name],
                    "state": ["FAILED"]
                }
            ),
            targets=[targets.SnsTopic(topic)]  # EventBridge only
        )

        pipeline_failure_alarm = cloudwatch.Alarm(
            self,
            f"PipelineFailureAlarm{construct_id}",
            metric=cloudwatch.Metric(
                namespace="AWS/CodePipeline",
                metric_name="FailedPipelineExecutions",
                dimensions_map={"PipelineName": pipeline_name},
                statistic=cloudwatch.Stats.SUM,
                period=Duration.minutes(5),
            ),
            evaluation_periods=1,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))

        self.rule = pipeline_failure_rule
''',
            name="detail.pipeline, multi-line call with a trailing comment",
        ),
        Example(
            before='''\
import aws_cdk as cdk

cdk.aws_events.Rule(stack, "OnFailure", event_pattern=cdk.aws_events.EventPattern(source=["aws.codepipeline"], resources=[pipeline.pipeline_arn], detail={"state": ["FAILED", "STOPPED"]}), targets=[cdk.aws_events_targets.SnsTopic(alerts, message=msg)],)
''',
            after='''\
import aws_cdk as cdk

cdk.aws_events.Rule(stack, "OnFailure", event_pattern=cdk.aws_events.EventPattern(source=["aws.codepipeline"], resources=[pipeline.pipeline_arn], detail={"state": ["FAILED", "STOPPED"]}), targets=[cdk.aws_events_targets.SnsTopic(alerts, message=msg)],)

pipeline_failure_alarm = cdk.aws_cloudwatch.Alarm(
    stack,
    "OnFailureAlarm",
    metric=cdk.aws_cloudwatch.Metric(
        namespace="AWS/CodePipeline",
        metric_name="FailedPipelineExecutions",
        dimensions_map={"PipelineName": pipeline.pipeline_name},
        statistic=cdk.aws_cloudwatch.Stats.SUM,
        period=cdk.Duration.minutes(5),
    ),
    evaluation_periods=1,
    threshold=1,
    comparison_operator=cdk.aws_cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treat_missing_data=cdk.aws_cloudwatch.TreatMissingData.NOT_BREACHING,
)
pipeline_failure_alarm.add_alarm_action(cdk.aws_cloudwatch_actions.SnsAction(alerts))
''',
            name="resources=[pipeline.pipeline_arn], one-line call with a trailing comma",
        ),
        Example(
            before='''\
from aws_cdk.aws_codepipeline import Artifact, Pipeline
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction, S3SourceAction
from aws_cdk.aws_events import EventPattern
from aws_cdk.aws_events_targets import SnsTopic


def add_alerts(self, topic, bucket):
    pipeline = Pipeline(self, "Pipeline")
    pipeline.add_stage(stage_name="Source", actions=[S3SourceAction(action_name="Source", bucket=bucket, bucket_key="app.zip", output=Artifact("Source"))])
    pipeline.add_stage(stage_name="Approve", actions=[ManualApprovalAction(action_name="Approve")])
    pipeline.on_state_change(
        "PipelineFailed",
        target=SnsTopic(topic),
        event_pattern=EventPattern(detail={"state": ["FAILED"]}),
    )
''',
            after='''\
from aws_cdk.aws_codepipeline import Artifact, Pipeline
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction, S3SourceAction
from aws_cdk.aws_events import EventPattern
from aws_cdk.aws_events_targets import SnsTopic
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch_actions as cw_actions


def add_alerts(self, topic, bucket):
    pipeline = Pipeline(self, "Pipeline")
    pipeline.add_stage(stage_name="Source", actions=[S3SourceAction(action_name="Source", bucket=bucket, bucket_key="app.zip", output=Artifact("Source"))])
    pipeline.add_stage(stage_name="Approve", actions=[ManualApprovalAction(action_name="Approve")])
    pipeline.on_state_change(
        "PipelineFailed",
        target=SnsTopic(topic),
        event_pattern=EventPattern(detail={"state": ["FAILED"]}),
    )

    pipeline_failure_alarm = cloudwatch.Alarm(
        self,
        "PipelineFailedAlarm",
        metric=cloudwatch.Metric(
            namespace="AWS/CodePipeline",
            metric_name="FailedPipelineExecutions",
            dimensions_map={"PipelineName": pipeline.pipeline_name},
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(5),
        ),
        evaluation_periods=1,
        threshold=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))
''',
            name="pipeline.on_state_change, classes imported directly",
        ),
        Example(
            before='''\
import aws_cdk.aws_cloudwatch as cw
import aws_cdk.aws_events as events
import aws_cdk.aws_events_targets as targets


def build(self, name, topic):
    succeeded = cw.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": name})
    rule = events.Rule(self, "Failed", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"state": ["FAILED"]}))
    rule.add_target(targets.SnsTopic(topic))
''',
            after='''\
import aws_cdk.aws_cloudwatch as cw
import aws_cdk.aws_events as events
import aws_cdk.aws_events_targets as targets
from aws_cdk import Duration
import aws_cdk.aws_cloudwatch_actions as cw_actions


def build(self, name, topic):
    succeeded = cw.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": name})
    rule = events.Rule(self, "Failed", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"state": ["FAILED"]}))
    pipeline_failure_alarm = cw.Alarm(
        self,
        "FailedAlarm",
        metric=cw.Metric(
            namespace="AWS/CodePipeline",
            metric_name="FailedPipelineExecutions",
            dimensions_map={"PipelineName": name},
            statistic=cw.Stats.SUM,
            period=Duration.minutes(5),
        ),
        evaluation_periods=1,
        threshold=1,
        comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
    )
    pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))
    rule.add_target(targets.SnsTopic(topic))
''',
            name="name from a metric in the function, target added later",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch, aws_events as events, aws_events_targets as targets

events.Rule(self, "Failed", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"pipeline": [name], "state": ["FAILED"]}), targets=[targets.SnsTopic(topic)])
failures = cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="FailedPipelineExecutions", dimensions_map={"PipelineName": name})
failures.create_alarm(self, "FailedAlarm", evaluation_periods=1, threshold=1)
''',
            name="an alarm on FailedPipelineExecutions exists",
        ),
        Example(
            before='''\
from aws_cdk import aws_events as events, aws_events_targets as targets

events.Rule(self, "Failed", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"state": ["FAILED"]}), targets=[targets.SnsTopic(topic)])
events.Rule(self, "Ok", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"pipeline": [name], "state": ["SUCCEEDED"]}), targets=[targets.SnsTopic(topic)])
events.Rule(self, "Lambda", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"pipeline": [name], "state": ["FAILED"]}), targets=[targets.LambdaFunction(fn)])
''',
            name="no pipeline name, not a failure, no SNS target",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Alerts(Construct):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic) -> None:
        super().__init__(scope, construct_id)
        self.failure_rule = cdk.aws_events.Rule(
            self,
            "PipelineFailed",
            event_pattern=cdk.aws_events.EventPattern(
                source=["aws.codepipeline"],
                detail_type=["CodePipeline Pipeline Execution State Change"],
                detail={"pipeline": [pipeline_name], "state": ["FAILED"]},
            ),
        )
        self.failure_rule.add_target(cdk.aws_events_targets.SnsTopic(topic))
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Alerts(Construct):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic) -> None:
        super().__init__(scope, construct_id)
        self.failure_rule = cdk.aws_events.Rule(
            self,
            "PipelineFailed",
            event_pattern=cdk.aws_events.EventPattern(
                source=["aws.codepipeline"],
                detail_type=["CodePipeline Pipeline Execution State Change"],
                detail={"pipeline": [pipeline_name], "state": ["FAILED"]},
            ),
        )

        pipeline_failure_alarm = cdk.aws_cloudwatch.Alarm(
            self,
            "PipelineFailedAlarm",
            metric=cdk.aws_cloudwatch.Metric(
                namespace="AWS/CodePipeline",
                metric_name="FailedPipelineExecutions",
                dimensions_map={"PipelineName": pipeline_name},
                statistic=cdk.aws_cloudwatch.Stats.SUM,
                period=cdk.Duration.minutes(5),
            ),
            evaluation_periods=1,
            threshold=1,
            comparison_operator=cdk.aws_cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cdk.aws_cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        pipeline_failure_alarm.add_alarm_action(
            cdk.aws_cloudwatch_actions.SnsAction(topic)
        )
        self.failure_rule.add_target(cdk.aws_events_targets.SnsTopic(topic))
""",
            name='self. attribute in a plain Construct, target added with add_target, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk.aws_events import EventPattern, Rule
from aws_cdk.aws_events_targets import SnsTopic

Rule(self, "PipelineFailures", event_pattern=EventPattern(source=["aws.codepipeline"], detail_type=["CodePipeline Pipeline Execution State Change"], detail={"pipeline": ["app-pipeline"], "state": ["FAILED"]}), targets=[SnsTopic(topic)])
""",
            after="""\
from aws_cdk.aws_events import EventPattern, Rule
from aws_cdk.aws_events_targets import SnsTopic
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch_actions as cw_actions

Rule(self, "PipelineFailures", event_pattern=EventPattern(source=["aws.codepipeline"], detail_type=["CodePipeline Pipeline Execution State Change"], detail={"pipeline": ["app-pipeline"], "state": ["FAILED"]}), targets=[SnsTopic(topic)])

pipeline_failure_alarm = cloudwatch.Alarm(
    self,
    "PipelineFailuresAlarm",
    metric=cloudwatch.Metric(
        namespace="AWS/CodePipeline",
        metric_name="FailedPipelineExecutions",
        dimensions_map={"PipelineName": "app-pipeline"},
        statistic=cloudwatch.Stats.SUM,
        period=Duration.minutes(5),
    ),
    evaluation_periods=1,
    threshold=1,
    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
)
pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))
""",
            name='classes imported by name, one line, literal pipeline name',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_events as events, aws_events_targets as targets


class Alerts(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic) -> None:
        super().__init__(scope, construct_id)
        failed = events.EventPattern(
            source=["aws.codepipeline"],
            detail_type=["CodePipeline Pipeline Execution State Change"],
            detail={"pipeline": [pipeline_name], "state": ["FAILED"]},
        )
        events.Rule(self, "PipelineFailedRule", event_pattern=failed, targets=[targets.SnsTopic(topic)])
""",
            after="""\
from aws_cdk import Stack, aws_events as events, aws_events_targets as targets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch_actions as cw_actions


class Alerts(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, topic) -> None:
        super().__init__(scope, construct_id)
        failed = events.EventPattern(
            source=["aws.codepipeline"],
            detail_type=["CodePipeline Pipeline Execution State Change"],
            detail={"pipeline": [pipeline_name], "state": ["FAILED"]},
        )
        events.Rule(self, "PipelineFailedRule", event_pattern=failed, targets=[targets.SnsTopic(topic)])
        pipeline_failure_alarm = cloudwatch.Alarm(
            self,
            "PipelineFailedAlarm",
            metric=cloudwatch.Metric(
                namespace="AWS/CodePipeline",
                metric_name="FailedPipelineExecutions",
                dimensions_map={"PipelineName": pipeline_name},
                statistic=cloudwatch.Stats.SUM,
                period=Duration.minutes(5),
            ),
            evaluation_periods=1,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))
""",
            name='event pattern in a local variable, in a Stack',
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Delivery(Construct):
    def __init__(self, scope, construct_id, *, bucket, topic) -> None:
        super().__init__(scope, construct_id)
        self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Pipeline")
        self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.S3SourceAction(action_name="Source", bucket=bucket, bucket_key="app.zip", output=cdk.aws_codepipeline.Artifact("Source"))])
        self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
        self.alert_on_failure(topic)

    def alert_on_failure(self, topic):
        self.pipeline.on_state_change(
            "Failed",
            target=cdk.aws_events_targets.SnsTopic(topic),
            event_pattern=cdk.aws_events.EventPattern(detail={"state": ["FAILED"]}),
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Delivery(Construct):
    def __init__(self, scope, construct_id, *, bucket, topic) -> None:
        super().__init__(scope, construct_id)
        self.pipeline = cdk.aws_codepipeline.Pipeline(self, "Pipeline")
        self.pipeline.add_stage(stage_name="Source", actions=[cdk.aws_codepipeline_actions.S3SourceAction(action_name="Source", bucket=bucket, bucket_key="app.zip", output=cdk.aws_codepipeline.Artifact("Source"))])
        self.pipeline.add_stage(stage_name="Approve", actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")])
        self.alert_on_failure(topic)

    def alert_on_failure(self, topic):
        self.pipeline.on_state_change(
            "Failed",
            target=cdk.aws_events_targets.SnsTopic(topic),
            event_pattern=cdk.aws_events.EventPattern(detail={"state": ["FAILED"]}),
        )

        pipeline_failure_alarm = cdk.aws_cloudwatch.Alarm(
            self,
            "FailedAlarm",
            metric=cdk.aws_cloudwatch.Metric(
                namespace="AWS/CodePipeline",
                metric_name="FailedPipelineExecutions",
                dimensions_map={"PipelineName": self.pipeline.pipeline_name},
                statistic=cdk.aws_cloudwatch.Stats.SUM,
                period=cdk.Duration.minutes(5),
            ),
            evaluation_periods=1,
            threshold=1,
            comparison_operator=cdk.aws_cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cdk.aws_cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        pipeline_failure_alarm.add_alarm_action(
            cdk.aws_cloudwatch_actions.SnsAction(topic)
        )
""",
            name='pipeline a self. attribute of a plain Construct, on_state_change in another method, import aws_cdk as cdk',
        ),
        Example(
            before="""\
from aws_cdk import aws_codepipeline as codepipeline, aws_events as events, aws_events_targets as targets, aws_sns as sns


def alert_on_failure(pipeline: codepipeline.IPipeline, topic: sns.ITopic) -> None:
    pipeline.on_state_change("Failed", target=targets.SnsTopic(topic), event_pattern=events.EventPattern(detail={"state": ["FAILED"]}))
""",
            after="""\
from aws_cdk import aws_codepipeline as codepipeline, aws_events as events, aws_events_targets as targets, aws_sns as sns
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch_actions as cw_actions


def alert_on_failure(pipeline: codepipeline.IPipeline, topic: sns.ITopic) -> None:
    pipeline.on_state_change("Failed", target=targets.SnsTopic(topic), event_pattern=events.EventPattern(detail={"state": ["FAILED"]}))
    pipeline_failure_alarm = cloudwatch.Alarm(
        pipeline,
        "FailedAlarm",
        metric=cloudwatch.Metric(
            namespace="AWS/CodePipeline",
            metric_name="FailedPipelineExecutions",
            dimensions_map={"PipelineName": pipeline.pipeline_name},
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(5),
        ),
        evaluation_periods=1,
        threshold=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(topic))
""",
            name='pipeline a parameter annotated codepipeline.IPipeline of a plain function: the alarm goes under the pipeline',
        ),
        Example(
            before="""\
from aws_cdk import aws_events as events

failed = events.EventPattern(source=["aws.codepipeline"], detail={"pipeline": [name], "state": ["FAILED"]})
events.Rule(self, "PipelineFailed", event_pattern=failed, **rule_props)
""",
            flagged=True,
            name='a ** splat may hold the targets: reported without a fix',
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        # Whether the module already has a failure alarm is asked only at a pipeline rule
        # (most modules have none), and answered with the imports the module starts with.
        self._alarmed: bool | None = None
        self._module_imports = self.imports.snapshot()
        self._metrics: list[tuple[cst.CSTNode | None, str]] = []  # (function, PipelineName code) seen so far

    def _is_alarmed(self) -> bool:
        if self._alarmed is None:
            index = self.context.index or NodeIndex(self.context.module)
            self._alarmed = _has_failure_alarm(index, self._module_imports)
        return self._alarmed

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) == METRIC:
            self._note_metric(node)
            return
        if self.is_call_to(node, RULE):
            if not self._is_alarmed():
                self._rule(node)
        elif self.resolve(node.func) == RULE:  # a `**` splat
            if not self._is_alarmed():
                self._rule_with_splat(node)
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "on_state_change"
            and not layout.has_double_star(node)
        ):
            if not self._is_alarmed():
                self._on_state_change(node)

    def _note_metric(self, node: cst.Call) -> None:
        namespace = layout.keyword_arg(node, "namespace")
        if namespace is None or string_value(namespace.value) != "AWS/CodePipeline":
            return
        name = _dimension(node, "PipelineName")
        if name is not None:
            self._metrics.append((self.enclosing(cst.FunctionDef), code(name)))

    # --- events.Rule(self, id, event_pattern=..., targets=[targets.SnsTopic(topic)]) ---

    def _rule(self, node: cst.Call) -> None:
        pattern_arg = layout.keyword_arg(node, "event_pattern")
        if pattern_arg is None:
            return
        pattern = self._bound_call(pattern_arg.value)
        if pattern is None or not self._failure_pattern(pattern, require_source=True):
            return
        topic = self._topic_in_targets(node)
        if topic is None:
            topic = self._topic_added_later(node)
        if topic is None:
            return
        name = self._pipeline_name(pattern)
        if name is None:
            return
        id_node = layout.argument(node, 1, "id")
        self._fix(construct_scope(node), id_node.value if id_node else None, name, topic)

    def _rule_with_splat(self, node: cst.Call) -> None:
        """A pipeline failure rule whose other arguments come from a `**` splat: its targets
        (an SNS topic or not) are unknown, so it is reported, not fixed."""
        pattern_arg = layout.keyword_arg(node, "event_pattern")
        pattern = self._bound_call(pattern_arg.value) if pattern_arg is not None else None
        if pattern is None or not self._failure_pattern(pattern, require_source=True):
            return
        self.report_without_fix(
            f"pipeline failure rule with no alarm on {FAILED_METRIC}",
            "its targets come from a `**` splat: cdkfix cannot tell which SNS topic the alarm should notify",
            node,
        )

    def _topic_in_targets(self, node: cst.Call) -> str | None:
        targets = layout.keyword_arg(node, "targets")
        if targets is None or not isinstance(targets.value, cst.List):
            return None
        for element in targets.value.elements:
            topic = self._sns_topic(element.value)
            if topic is not None:
                return topic
        return None

    def _topic_added_later(self, node: cst.Call) -> str | None:
        """`rule.add_target(targets.SnsTopic(topic))` after `rule = events.Rule(...)` in the same block."""
        statement = self.current_statement
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not (isinstance(small, cst.Assign) and small.value is node and len(small.targets) == 1):
            return None
        rule = code(small.targets[0].target)
        block = self.enclosing(cst.IndentedBlock, cst.Module)
        body = list(block.body)
        found: list[str] = []
        rule_self = self

        class _AddTarget(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                func = call.func
                if isinstance(func, cst.Attribute) and func.attr.value == "add_target" and code(func.value) == rule:
                    argument = layout.argument(call, 0, "target")
                    topic = rule_self._sns_topic(argument.value) if argument is not None else None
                    if topic is not None:
                        found.append(topic)

        for sibling in body[body.index(statement) + 1:]:
            visit_readonly(sibling, _AddTarget())
        return found[0] if found else None

    def _sns_topic(self, node: cst.BaseExpression) -> str | None:
        if self.is_call_to(node, SNS_TOPIC_TARGET):
            topic = layout.argument(node, 0, "topic")
            if topic is not None:
                return code(topic.value)
        return None

    # --- pipeline.on_state_change(id, target=targets.SnsTopic(topic), event_pattern=...) ---

    def _on_state_change(self, node: cst.Call) -> None:
        receiver = code(node.func.value)
        if not self._is_pipeline(node.func.value):
            return
        target = layout.keyword_arg(node, "target")
        topic = self._sns_topic(target.value) if target is not None else None
        pattern_arg = layout.keyword_arg(node, "event_pattern")
        pattern = self._bound_call(pattern_arg.value) if pattern_arg is not None else None
        if topic is None or pattern is None or not self._failure_pattern(pattern, require_source=False):
            return
        # The alarm goes in the method's construct (`self`); in a plain function, under the
        # pipeline itself (a construct too), so no scope has to be guessed.
        function = self.enclosing(cst.FunctionDef)
        params = function.params.params if function is not None else ()
        scope = "self" if params and params[0].name.value == "self" else receiver
        id_node = layout.argument(node, 0, "id")
        self._fix(scope, id_node.value if id_node else None, f"{receiver}.pipeline_name", topic)

    def _is_pipeline(self, receiver: cst.BaseExpression) -> bool:
        """`receiver` is one codepipeline.Pipeline: bound once to one (a local, a module name or a
        `self.` attribute of the class), or a parameter of the enclosing function annotated as one."""
        found = single_binding(self, receiver)
        if found is not None:
            return self.resolve(found[1].func) == PIPELINE if isinstance(found[1], cst.Call) else False
        function = self.enclosing(cst.FunctionDef)
        if function is None or not isinstance(receiver, cst.Name):
            return False
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == receiver.value:
                return param.annotation is not None and self.resolve(param.annotation.annotation) in PIPELINE_TYPES
        return False

    def _bound_call(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """The expression itself, or the one value a local name (`self.` attribute) is bound to:
        an event pattern built on a line of its own. A name bound more than once: None."""
        if isinstance(value, cst.Call):
            return value
        found = single_binding(self, value)
        return found[1] if found is not None else None

    # --- the event pattern ---

    def _failure_pattern(self, pattern: cst.BaseExpression, require_source: bool) -> bool:
        if not self.is_call_to(pattern, EVENT_PATTERN):
            return False
        source = layout.keyword_arg(pattern, "source")
        if require_source and (source is None or "aws.codepipeline" not in _strings(source.value)):
            return False
        detail = layout.keyword_arg(pattern, "detail")
        if detail is None or not isinstance(detail.value, cst.Dict):
            return False
        state = dict_element(detail.value, "state")
        return state is not None and "FAILED" in _strings(state.value)

    def _pipeline_name(self, pattern: cst.Call) -> str | None:
        detail = layout.keyword_arg(pattern, "detail")
        item = dict_element(detail.value, "pipeline")
        if item is not None:
            pipelines = item.value
            if isinstance(pipelines, cst.List) and len(pipelines.elements) == 1:
                return code(pipelines.elements[0].value)
            return None  # several pipelines (or an expression): one alarm cannot cover them
        resources = layout.keyword_arg(pattern, "resources")
        if resources is not None:
            if not isinstance(resources.value, cst.List) or len(resources.value.elements) != 1:
                return None
            resource = resources.value.elements[0].value
            if isinstance(resource, cst.Attribute) and resource.attr.value == "pipeline_arn":
                return f"{code(resource.value)}.pipeline_name"
            arn = string_value(resource)
            if arn and arn.startswith("arn:") and arn.split(":")[2:3] == ["codepipeline"] and len(arn.split(":")) == 6:
                return repr(arn.split(":")[5])
            return None
        function = self.enclosing(cst.FunctionDef)
        names = {name for scope, name in self._metrics if scope is function}
        return names.pop() if len(names) == 1 else None

    # --- the fix ---

    def _fix(self, scope: str, id_node: cst.BaseExpression | None, name: str, topic: str) -> None:
        cw = lambda member: self.ref(f"aws_cdk.aws_cloudwatch.{member}")  # noqa: E731
        alarm, metric, stats = cw("Alarm"), cw("Metric"), cw("Stats.SUM")
        operator = cw("ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD")
        missing = cw("TreatMissingData.NOT_BREACHING")
        duration = self.ref("aws_cdk.Duration")
        action = self.ref("aws_cdk.aws_cloudwatch_actions.SnsAction")
        variable = self.unique_name("pipeline_failure_alarm")
        new_id = _alarm_id(id_node, self.context.module)
        source = (
            f"{variable} = {alarm}({scope}, {new_id}, "
            f"metric={metric}(namespace='AWS/CodePipeline', metric_name={FAILED_METRIC!r}, "
            f"dimensions_map={{'PipelineName': {name}}}, statistic={stats}, period={duration}.minutes(5)), "
            f"evaluation_periods=1, threshold=1, comparison_operator={operator}, treat_missing_data={missing})\n"
            f"{variable}.add_alarm_action({action}({topic}))\n"
        )
        statement = self.current_statement
        self.report(
            f"pipeline failures go to SNS topic `{topic}` only through EventBridge; no alarm on {FAILED_METRIC}",
            [self.insert_after(statement, source)],
        )


def _strings(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, (cst.List, cst.Tuple)):
        return [value for element in node.elements if (value := string_value(element.value)) is not None]
    return []


def _dimension(metric: cst.Call, key: str) -> cst.BaseExpression | None:
    dimensions = layout.keyword_arg(metric, "dimensions_map")
    if dimensions is None or not isinstance(dimensions.value, cst.Dict):
        return None
    item = dict_element(dimensions.value, key)
    return item.value if item is not None else None


def _has_failure_alarm(index: NodeIndex, imports) -> bool:
    """Whether the module already alarms on FailedPipelineExecutions (cloudwatch.Alarm or metric.create_alarm).

    An alarm counts when a string in its call is the metric name, or when it mentions a name
    (or dotted name) that an assignment whose value holds that string binds. One pass, in
    source order, over the nodes that matter (calls, strings, names and assignment values):
    an open assignment value or alarm call is marked when the string turns up inside it.
    """
    nodes, ends = index.nodes, index.ends
    alarm_calls = [at for at in index.positions(("Call",)) if _is_alarm(nodes[at], imports)]
    if not alarm_calls:
        return False  # most modules: nothing below could find an alarm
    failure_names: set[str] = set()
    alarms: list[list] = []  # [mentions the metric, names and dotted names in it]
    values: dict[int, cst.Assign] = {}  # position of an assignment's value -> its assignment
    for at in index.positions(("Assign",)):
        assignment = nodes[at]
        value_at = index.position(assignment.value)
        if value_at is not None:
            values[value_at] = assignment
    open_values: list[list] = []  # [end of the value, assignment, mentions the metric]
    open_alarms: list[tuple[int, list]] = []  # (end of the call, its entry in alarms)

    def close_before(at: int) -> None:
        while open_alarms and open_alarms[-1][0] <= at:
            open_alarms.pop()
        while open_values and open_values[-1][0] <= at:
            _, assignment, mentions = open_values.pop()
            if mentions:
                for target in assignment.targets:
                    failure_names.add(code(target.target))

    alarm_positions = set(alarm_calls)
    events = sorted({*alarm_calls, *index.positions(("SimpleString", "Name", "Attribute")), *values})
    for at in events:
        close_before(at)
        node = nodes[at]
        assignment = values.get(at)
        if assignment is not None:
            open_values.append([ends[at], assignment, False])
        kind = type(node)
        if kind is cst.Call:
            if at in alarm_positions:
                entry = [False, set()]
                alarms.append(entry)
                open_alarms.append((ends[at], entry))
        elif kind is cst.SimpleString and (open_values or open_alarms):
            if _is_failed_metric(node):
                for entry in open_values:
                    entry[2] = True
                for _, entry in open_alarms:
                    entry[0] = True
        elif open_alarms and (kind is cst.Name or kind is cst.Attribute):
            name = node.value if kind is cst.Name else code(node)
            for _, entry in open_alarms:
                entry[1].add(name)
    close_before(len(nodes))
    return any(mentions or names & failure_names for mentions, names in alarms)


def _is_alarm(call: cst.Call, imports) -> bool:
    func = call.func
    return imports.resolve(func) == ALARM or (isinstance(func, cst.Attribute) and func.attr.value == "create_alarm")


def _is_failed_metric(string: cst.SimpleString) -> bool:
    return literal_value(string) == FAILED_METRIC


def _alarm_id(id_node: cst.BaseExpression | None, module: cst.Module) -> str:
    """A construct id for the alarm next to the rule's: "PipelineFailureRule" -> "PipelineFailureAlarm"."""
    taken = set()

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            taken.add(code(node))

        def visit_FormattedString(self, node: cst.FormattedString) -> None:
            taken.add(code(node))

    visit_readonly(module, _Strings())
    candidates = []
    if isinstance(id_node, cst.SimpleString) and "Rule" in id_node.raw_value:
        body = id_node.raw_value
        index = body.rfind("Rule")
        candidates.append(f"{id_node.prefix}{id_node.quote}{body[:index]}Alarm{body[index + 4:]}{id_node.quote}")
    elif isinstance(id_node, cst.FormattedString):
        texts = [i for i, part in enumerate(id_node.parts) if isinstance(part, cst.FormattedStringText) and "Rule" in part.value]
        if texts:
            parts = list(id_node.parts)
            part = parts[texts[-1]]
            index = part.value.rfind("Rule")
            parts[texts[-1]] = part.with_changes(value=f"{part.value[:index]}Alarm{part.value[index + 4:]}")
            candidates.append(code(id_node.with_changes(parts=parts)))
    candidates += [derive_id(id_node, "Alarm", "PipelineFailureAlarm"), derive_id(id_node, "FailureAlarm", "PipelineFailureAlarm2")]
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    return candidates[-1]
