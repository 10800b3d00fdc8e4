"""Networking, ECS Fargate service and Application Load Balancer."""

from aws_cdk import (
    Stack,
    RemovalPolicy,
    Duration,
    Tags,
    aws_ec2 as ec2,
    aws_ecr as ecr,
    aws_ecs as ecs,
    aws_elasticloadbalancingv2 as elbv2,
    aws_iam as iam,
    CfnOutput,
    aws_logs as logs,
    aws_codedeploy as codedeploy,
)
from constructs import Construct


class EcsStack(Stack):
    """Runs the application container on Fargate behind an ALB."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # VPC spanning two availability zones
        vpc = ec2.Vpc(
            self,
            f"Vpc{environment_suffix}",
            max_azs=2,
            nat_gateways=2
        )

        # Repository that the pipeline pushes application images to
        app_repository = ecr.Repository(
            self,
            f"AppRepository{environment_suffix}",
            repository_name=f"app-{environment_suffix}",
            image_scan_on_push=True,
            removal_policy=RemovalPolicy.DESTROY,
            empty_on_delete=True
        )

        # ECS cluster
        cluster = ecs.Cluster(
            self,
            f"Cluster{environment_suffix}",
            cluster_name=f"app-cluster-{environment_suffix}",
            vpc=vpc,
            # Missing container_insights
            container_insights_v2=ecs.ContainerInsights.ENABLED
        )

        # Role assumed by the running application
        task_role = iam.Role(
            self,
            f"TaskRole{environment_suffix}",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Role used by the application containers"
        )

        execution_role = iam.Role(
            self,
            f"TaskDefExecutionRole{environment_suffix}",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )

        # Fargate task definition
        task_definition = ecs.FargateTaskDefinition(
            self,
            f"TaskDef{environment_suffix}",
            family=f"app-task-{environment_suffix}",
            task_role=task_role,
            memory_limit_mib=512,
            cpu=256,
            # Missing execution_role
            execution_role=execution_role
        )

        log_group = logs.LogGroup(
            task_definition,
            "AppContainerLogs",
            retention=logs.RetentionDays.ONE_WEEK,
            removal_policy=RemovalPolicy.DESTROY,
        )

        container = task_definition.add_container(
            "AppContainer",
            container_name="app",
            image=ecs.ContainerImage.from_ecr_repository(app_repository, tag="latest"),
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=log_group),
            port_mappings=[
                ecs.PortMapping(container_port=80)
            ],
            environment={
                "ENV": environment_suffix,
                "ENVIRONMENT_SUFFIX": environment_suffix
            },
            health_check=ecs.HealthCheck(
                command=["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                interval=Duration.seconds(30),
                timeout=Duration.seconds(5),
                retries=3,
                start_period=Duration.seconds(60),
            )
        )

        # Application Load Balancer
        alb = elbv2.ApplicationLoadBalancer(
            self,
            f"Alb{environment_suffix}",
            load_balancer_name=f"app-alb-{environment_suffix}",
            vpc=vpc,
            internet_facing=True
        )

        # Only one target group created
        target_group = elbv2.ApplicationTargetGroup(
            self,
            f"TargetGroup{environment_suffix}",
            vpc=vpc,
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path="/",
                interval=Duration.seconds(30),
                # Missing timeout, thresholds
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3
            )
        )

        green_target_group = elbv2.ApplicationTargetGroup(
            self,
            f"TargetGroupGreen{environment_suffix}",
            vpc=vpc,
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path="/",
                interval=Duration.seconds(30),
                # Missing timeout, thresholds
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3
            )
        )

        listener = alb.add_listener(
            "Listener",
            port=80,
            open=True,
            default_target_groups=[target_group]
        )

        test_listener = alb.add_listener(
            "TestListener",
            port=8080,
            open=True,
            default_target_groups=[green_target_group],
        )

        # Fargate service using CodeDeploy for blue/green deployments
        service = ecs.FargateService(
            self,
            f"Service{environment_suffix}",
            service_name=f"app-service-{environment_suffix}",
            cluster=cluster,
            task_definition=task_definition,
            desired_count=2,
            # No auto-scaling configured
            min_healthy_percent=100,
            assign_public_ip=False,
            health_check_grace_period=Duration.seconds(60),
            deployment_controller=ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY  # Requires 2 target groups
            ),
            enable_execute_command=True
        )

        scaling = service.auto_scale_task_count(min_capacity=2, max_capacity=10)
        scaling.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)
        scaling.scale_on_memory_utilization(
            "MemoryScaling", target_utilization_percent=80
        )

        target_group.add_target(service)

        deployment_group = codedeploy.EcsDeploymentGroup(
            self,
            f"ServiceDeploymentGroup{environment_suffix}",
            service=service,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=target_group,
                green_target_group=green_target_group,
                listener=listener,
                test_listener=test_listener,
            ),
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )

        Tags.of(self).add("Environment", environment_suffix)

        self.vpc = vpc
        self.cluster = cluster
        self.service = service
        self.container = container
        self.listener = listener
        self.load_balancer = alb
        self.target_group = target_group
        self.app_repository = app_repository
        CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        CfnOutput(self, "LoadBalancerDns", value=alb.load_balancer_dns_name)
