"""Cross-account IAM roles used by the CI/CD pipeline to deploy into
the target (staging / production) accounts."""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct


class CrossAccountRolesStack(cdk.Stack):
    """Roles that the tooling account assumes to deploy the application."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        pipeline_account_id: str = "123456789012",
        **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Role assumed by the pipeline account to deploy ECS services
        deployment_role = iam.Role(
            self,
            f"CrossAccountDeploymentRole{environment_suffix}",
            role_name=f"cross-account-deployment-{environment_suffix}",
            assumed_by=iam.AccountPrincipal(pipeline_account_id),
            description="Role assumed by the CI/CD pipeline for cross-account deployments",
            max_session_duration=cdk.Duration.hours(1)
        )

        # Explicit permissions in place of the PowerUserAccess managed policy
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[
                    f"arn:{self.partition}:ecs:{self.region}:{self.account}:service/*/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                ],
                resources=[
                    f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=[
                    "codedeploy:CreateDeployment",
                    "codedeploy:GetDeployment",
                    "codedeploy:GetDeploymentConfig",
                    "codedeploy:GetApplicationRevision",
                ],
                resources=[
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:deploymentgroup:*/*",
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:deploymentconfig:*",
                    f"arn:{self.partition}:codedeploy:{self.region}:{self.account}:application:*",
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["cloudwatch:DescribeAlarms"],
                resources=[
                    f"arn:{self.partition}:cloudwatch:{self.region}:{self.account}:alarm:*"
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=[
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                ],
                resources=[
                    f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:*"
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["s3:GetObject", "s3:PutObject"],
                resources=[
                    f"arn:{self.partition}:s3:{self.region}:{self.account}:accesspoint/*/object/*",
                    f"arn:{self.partition}:s3:::*/*",
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["cloudformation:DescribeStackEvents"],
                resources=[
                    f"arn:{self.partition}:cloudformation:{self.region}:{self.account}:stack/*/*"
                ],
            )
        )
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=[
                    "ecr:GetAuthorizationToken",
                    "cloudwatch:GetMetricData",
                    "cloudformation:DescribeStacks",
                ],
                resources=["*"],
            )
        )

        # Allow the deployment role to pass the ECS task roles
        deployment_role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.ALLOW,
                actions=["iam:PassRole"],
                resources=[
                    f"arn:aws:iam::{self.account}:role/*"
                ],
                conditions={
                    "StringEquals": {
                        "iam:PassedToService": "ecs-tasks.amazonaws.com"
                    }
                }
            )
        )

        cdk.Tags.of(deployment_role).add("Environment", environment_suffix)

        self.deployment_role = deployment_role
