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
            max_session_duration=cdk.Duration.hours(1),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")  # Too broad
            ]
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
