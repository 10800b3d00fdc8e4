"""Dashboard and failure notifications for the CI/CD pipeline."""

from aws_cdk import (
    Stack,
    RemovalPolicy,
    Tags,
    aws_cloudwatch as cloudwatch,
    aws_events as events,
    aws_events_targets as targets,
    aws_sns as sns,
    aws_sns_subscriptions as subscriptions,
)
from constructs import Construct


class MonitoringStack(Stack):
    """CloudWatch dashboard plus EventBridge notifications on failures."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        pipeline_name: str,
        alert_email: str,
        **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Topic for pipeline failure notifications
        failure_topic = sns.Topic(
            self,
            f"PipelineFailureTopic{environment_suffix}",
            display_name="Pipeline Failure Notifications"
        )
        failure_topic.apply_removal_policy(RemovalPolicy.DESTROY)
        failure_topic.add_subscription(
            subscriptions.EmailSubscription(alert_email)
        )

        # Dashboard for the pipeline
        dashboard = cloudwatch.Dashboard(
            self,
            f"PipelineDashboard{environment_suffix}",
            dashboard_name=f"pipeline-dashboard-{environment_suffix}"
        )

        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Pipeline Executions",
                left=[
                    cloudwatch.Metric(metric_name="PipelineExecutionSuccess")
                ]
                # Missing failure metrics, build metrics
            )
        )

        # Notify on failed pipeline executions
        # Only EventBridge rule, no alarms
        pipeline_failure_rule = events.Rule(
            self,
            f"PipelineFailureRule{environment_suffix}",
            description="Notify when the pipeline execution fails",
            event_pattern=events.EventPattern(
                source=["aws.codepipeline"],
                detail_type=["CodePipeline Pipeline Execution State Change"],
                detail={
                    "pipeline": [pipeline_name],
                    "state": ["FAILED"]
                }
            ),
            targets=[targets.SnsTopic(failure_topic)]
        )

        Tags.of(self).add("Environment", environment_suffix)

        self.failure_topic = failure_topic
        self.dashboard = dashboard
        self.pipeline_failure_rule = pipeline_failure_rule
