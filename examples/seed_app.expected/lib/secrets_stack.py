"""Secrets used by the build and deployment stages."""

import json

import aws_cdk.aws_secretsmanager as secretsmanager
from aws_cdk import Stack, RemovalPolicy, Tags
from constructs import Construct


class SecretsStack(Stack):
    """Holds the Docker registry credentials used by CodeBuild."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Docker Hub credentials to avoid anonymous pull rate limits
        docker_secret = secretsmanager.Secret(
            self,
            f"DockerCredentials{environment_suffix}",
            secret_name=f"docker-credentials-{environment_suffix}",
            description="Docker Hub credentials for the CodeBuild image builds",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"username": "ci-builder"}),
                generate_string_key="password",
                exclude_punctuation=True,
                password_length=32
            ),
            removal_policy=RemovalPolicy.DESTROY
        )

        Tags.of(docker_secret).add("Environment", environment_suffix)

        self.docker_secret = docker_secret
