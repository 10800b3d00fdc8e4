#!/usr/bin/env python3
"""CDK app: CI/CD pipeline deploying a container to ECS Fargate."""

import aws_cdk as cdk

from lib.cross_account_roles import CrossAccountRolesStack
from lib.ecs_stack import EcsStack
from lib.monitoring_stack import MonitoringStack
from lib.pipeline_stack import PipelineStack
from lib.secrets_stack import SecretsStack


app = cdk.App()

environment_suffix = app.node.try_get_context("environment_suffix") or "dev"
alert_email = app.node.try_get_context("alert_email") or "devops@example.com"

secrets_stack = SecretsStack(
    app,
    f"SecretsStack{environment_suffix}",
    environment_suffix=environment_suffix,
)

cross_account_stack = CrossAccountRolesStack(
    app,
    f"CrossAccountRolesStack{environment_suffix}",
    environment_suffix=environment_suffix,
)

ecs_stack = EcsStack(
    app,
    f"EcsStack{environment_suffix}",
    environment_suffix=environment_suffix,
)

pipeline_stack = PipelineStack(
    app,
    f"PipelineStack{environment_suffix}",
    environment_suffix=environment_suffix,
    service=ecs_stack.service,
    app_repository=ecs_stack.app_repository,
    docker_secret=secrets_stack.docker_secret,
)

monitoring_stack = MonitoringStack(
    app,
    f"MonitoringStack{environment_suffix}",
    environment_suffix=environment_suffix,
    pipeline_name=pipeline_stack.pipeline.pipeline_name,
    alert_email=alert_email,
)

cdk.Tags.of(app).add("Project", "container-cicd")
cdk.Tags.of(app).add("EnvironmentSuffix", environment_suffix)

app.synth()
