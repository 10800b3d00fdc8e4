#!/usr/bin/env python3
"""CDK-I3's example app: one service per deployment-controller case, none of them with rollback.

- `Web` uses the ECS controller by default: CDK-I3 adds a deployment circuit breaker.
- `Worker` names the ECS controller explicitly: the same.
- `BlueGreen` uses the CODE_DEPLOY controller (a circuit breaker would fail synthesis) and has a
  CodeDeploy deployment group without `auto_rollback`: CDK-I3 adds it to the group.

Synthesize it offline with `CDK_OUTDIR=$(mktemp -d) python3 app.py`.
"""

import aws_cdk as cdk
from aws_cdk import (
    Stack,
    aws_codedeploy as codedeploy,
    aws_ec2 as ec2,
    aws_ecs as ecs,
    aws_elasticloadbalancingv2 as elbv2,
)
from constructs import Construct


class RollbackStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=0)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)

        task_definition = ecs.FargateTaskDefinition(self, "TaskDef", memory_limit_mib=512, cpu=256)
        task_definition.add_container(
            "App",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:latest"),
            port_mappings=[ecs.PortMapping(container_port=80)],
        )

        ecs.FargateService(
            self,
            "Web",
            cluster=cluster,
            task_definition=task_definition,
            desired_count=2,
            min_healthy_percent=100,
            assign_public_ip=True,
        )

        ecs.FargateService(
            self,
            "Worker",
            cluster=cluster,
            task_definition=task_definition,
            min_healthy_percent=100,
            assign_public_ip=True,
            deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.ECS),
        )

        blue_green = ecs.FargateService(
            self,
            "BlueGreen",
            cluster=cluster,
            task_definition=task_definition,
            min_healthy_percent=100,
            assign_public_ip=True,
            deployment_controller=ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY
            ),
        )

        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        blue = elbv2.ApplicationTargetGroup(
            self, "Blue", vpc=vpc, port=80, protocol=elbv2.ApplicationProtocol.HTTP, target_type=elbv2.TargetType.IP
        )
        green = elbv2.ApplicationTargetGroup(
            self, "Green", vpc=vpc, port=80, protocol=elbv2.ApplicationProtocol.HTTP, target_type=elbv2.TargetType.IP
        )
        listener = alb.add_listener("Listener", port=80, open=True, default_target_groups=[blue])
        test_listener = alb.add_listener("TestListener", port=8080, open=True, default_target_groups=[green])
        blue.add_target(blue_green)

        codedeploy.EcsDeploymentGroup(
            self,
            "BlueGreenDeployment",
            service=blue_green,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=blue,
                green_target_group=green,
                listener=listener,
                test_listener=test_listener,
            ),
        )


app = cdk.App()
RollbackStack(app, "RollbackStack")
app.synth()
