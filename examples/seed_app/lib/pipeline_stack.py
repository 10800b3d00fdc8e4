"""CodePipeline that tests, builds and deploys the application container."""

from aws_cdk import (
    Stack,
    RemovalPolicy,
    Duration,
    Tags,
    aws_codebuild as codebuild,
    aws_codepipeline as codepipeline,
    aws_codepipeline_actions as codepipeline_actions,
    aws_ecr as ecr,
    aws_ecs as ecs,
    aws_s3 as s3,
    aws_secretsmanager as secretsmanager,
    aws_sns as sns,
)
from constructs import Construct


class PipelineStack(Stack):
    """Source -> Test -> Build -> Approval -> Deploy pipeline."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        service: ecs.IBaseService,
        app_repository: ecr.IRepository,
        docker_secret: secretsmanager.ISecret,
        **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Bucket for pipeline artifacts
        artifact_bucket = s3.Bucket(
            self,
            f"ArtifactBucket{environment_suffix}",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            versioned=True,
            removal_policy=RemovalPolicy.RETAIN  # Violates requirement
        )

        # Bucket for the CodeBuild docker layer cache
        cache_bucket = s3.Bucket(
            self,
            f"CacheBucket{environment_suffix}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=Duration.days(7))
            ],
            # Missing encryption
            removal_policy=RemovalPolicy.DESTROY
        )

        # Topic used to notify approvers
        approval_topic = sns.Topic(
            self,
            f"ApprovalTopic{environment_suffix}",
            display_name="Pipeline Approval Notifications"
            # Missing removal_policy
        )

        # Project that runs the unit tests
        test_project = codebuild.PipelineProject(
            self,
            f"TestProject{environment_suffix}",
            project_name=f"app-tests-{environment_suffix}",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "phases": {
                    "install": {
                        "runtime-versions": {"python": "3.11"},
                        "commands": ["pip install -r requirements.txt"]
                    },
                    "build": {
                        "commands": ["python -m pytest tests/ --junitxml=reports/junit.xml"]
                    }
                }
            }),
            timeout=Duration.minutes(30),
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=codebuild.ComputeType.MEDIUM  # Wrong size
            )
        )

        repository_uri = app_repository.repository_uri

        # Project that builds and pushes the docker image
        build_project = codebuild.PipelineProject(
            self,
            f"BuildProject{environment_suffix}",
            project_name=f"app-build-{environment_suffix}",
            environment=codebuild.BuildEnvironment(
                compute_type=codebuild.ComputeType.SMALL,
                privileged=True,
                build_image=codebuild.LinuxBuildImage.from_ecr_repository(
                    repository=None,  # No repository provided
                    tag="latest"
                )
            ),
            cache=codebuild.Cache.bucket(cache_bucket, prefix="docker-cache"),
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "env": {
                    "secrets-manager": {
                        "DOCKERHUB_USERNAME": f"{docker_secret.secret_arn}:username",
                        "DOCKERHUB_PASSWORD": f"{docker_secret.secret_arn}:password"
                    }
                },
                "phases": {
                    "build": {
                        "commands": [
                            "echo $DOCKERHUB_PASSWORD | docker login --username $DOCKERHUB_USERNAME --password-stdin",
                            f"docker build -t {repository_uri}:latest .",
                            f"docker tag {repository_uri}:latest {repository_uri}:$CODEBUILD_RESOLVED_SOURCE_VERSION"
                        ]
                    },
                    "post_build": {
                        "commands": [
                            f"docker push {repository_uri}:latest",
                            f"docker push {repository_uri}:$CODEBUILD_RESOLVED_SOURCE_VERSION",
                            f"printf '[{{\"name\":\"app\",\"imageUri\":\"%s\"}}]' {repository_uri}:latest > imagedefinitions.json"
                        ]
                    }
                },
                "artifacts": {
                    "files": ["imagedefinitions.json"]
                }
            }),
            timeout=Duration.minutes(60)
        )

        app_repository.grant_pull_push(build_project)
        docker_secret.grant_read(build_project)

        source_output = codepipeline.Artifact("SourceOutput")
        build_output = codepipeline.Artifact("BuildOutput")

        source_action = codepipeline_actions.CodeStarConnectionsSourceAction(
            action_name="GitHub_Source",
            owner="example-org",
            repo="container-app",
            branch="main",
            output=source_output,
            connection_arn="arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"
        )

        test_action = codepipeline_actions.CodeBuildAction(
            action_name="Unit_Tests",
            project=test_project,
            input=source_output
        )

        build_action = codepipeline_actions.CodeBuildAction(
            action_name="Docker_Build",
            project=build_project,
            input=source_output,
            outputs=[build_output]
        )

        staging_approval_action = codepipeline_actions.ManualApprovalAction(
            action_name="ApproveStaging",
            notification_topic=approval_topic
            # Missing additional_information
        )

        deploy_action = codepipeline_actions.EcsDeployAction(
            action_name="Deploy_ECS",
            service=service,
            input=build_output,
            deployment_timeout=Duration.minutes(30)
        )

        pipeline = codepipeline.Pipeline(
            self,
            f"Pipeline{environment_suffix}",
            pipeline_name=f"app-pipeline-{environment_suffix}",
            pipeline_type=codepipeline.PipelineType.V2,
            artifact_bucket=artifact_bucket,
            restart_execution_on_update=True,
            stages=[
                codepipeline.StageProps(stage_name="Source", actions=[source_action]),
                codepipeline.StageProps(stage_name="Test", actions=[test_action]),
                codepipeline.StageProps(stage_name="Build", actions=[build_action]),
                codepipeline.StageProps(stage_name="Approval", actions=[staging_approval_action]),
                codepipeline.StageProps(stage_name="Deploy", actions=[deploy_action])
            ]
        )

        Tags.of(self).add("Environment", environment_suffix)

        self.pipeline = pipeline
        self.build_project = build_project
        self.test_project = test_project
        self.approval_topic = approval_topic
