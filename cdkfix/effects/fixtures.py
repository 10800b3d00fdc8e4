"""Fixtures: what a free name in an example snippet stands for when the harness synthesizes it.

Rule examples are fragments: `cluster = ecs.Cluster(self, "Cluster", vpc=vpc)` uses `self` and a
`vpc` it never defines. The harness runs such code with `self` bound to a Stack of its own and
each free name built from this table, in that stack (for a Stack subclass's parameters: in a
stack named "Fixtures" of the same App). A fixture may use other fixtures by name (`cluster`
uses `vpc`); each is built once per stack, only when the snippet uses it, so it adds the same
resources before and after a fix.

To prove an example that uses a new name, add one line here: name -> a Python expression,
evaluated with `self` (the stack), the modules imported in PREAMBLE and the other fixtures in
scope. Keep fixtures small and deployable (they are synthesized and validated like the
snippet). This is proof machinery only: cdkfix's engine never resolves names through it.
"""

from __future__ import annotations

# Imported once per stack before any fixture is built; helper functions for fixtures that need
# more than one expression.
PREAMBLE = '''
import aws_cdk as cdk
from aws_cdk import (
    Duration,
    aws_certificatemanager as acm,
    aws_codebuild as codebuild,
    aws_codedeploy as codedeploy,
    aws_codepipeline as codepipeline,
    aws_codepipeline_actions as codepipeline_actions,
    aws_dynamodb as dynamodb,
    aws_ec2 as ec2,
    aws_ecr as ecr,
    aws_ecs as ecs,
    aws_elasticloadbalancingv2 as elbv2,
    aws_events as events,
    aws_iam as iam,
    aws_logs as logs,
    aws_s3 as s3,
    aws_sns as sns,
)

import types
from constructs import Construct

IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _task_definition(scope):
    # EC2 and Fargate: the examples run it on both kinds of service.
    definition = ecs.TaskDefinition(scope, "FixtureTaskDefinition", compatibility=ecs.Compatibility.EC2_AND_FARGATE,
                                    cpu="256", memory_mib="512", network_mode=ecs.NetworkMode.AWS_VPC)
    definition.add_container(
        "FixtureContainer",
        image=ecs.ContainerImage.from_registry(IMAGE),
        port_mappings=[ecs.PortMapping(container_port=80)],
    )
    return definition


def _cluster(scope, vpc):
    cluster = ecs.Cluster(scope, "FixtureCluster", vpc=vpc)
    # EC2 capacity too: examples run Ec2Service on it.
    cluster.add_capacity("FixtureCapacity", instance_type=ec2.InstanceType("t3.small"), min_capacity=1, max_capacity=1)
    return cluster


def _target_group(scope, load_balancer, vpc, name):
    group = elbv2.ApplicationTargetGroup(scope, name, vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
    load_balancer.add_listener(name + "Listener", port=8080 if name.endswith("Green") else 80, open=False,
                               default_target_groups=[group])
    return group


class _Props(types.SimpleNamespace):
    """Stack properties read both ways (`props.az_count`, `props.get("environment_suffix")`)."""

    def get(self, name, default=None):
        return getattr(self, name, default)


def _graphql_definition():
    # Definition.from_file reads the schema while the construct is built (SchemaFile's
    # constructor; no asset is staged), so the file only has to live through that read: examples
    # use `definition=definition` as real apps use `Definition.from_file("schema.graphql")`.
    import os
    import tempfile
    from aws_cdk import aws_appsync as appsync

    handle, path = tempfile.mkstemp(suffix=".graphql")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as schema:
            schema.write("type Query {\\n  hello: String\\n}\\n")
        return appsync.Definition.from_file(path)
    finally:
        os.remove(path)


def _fixture_folder(name, files):
    # One folder per machine for a function's code: written only when a file is missing or
    # differs, and then atomically (the harness's processes synthesize at the same time and
    # hash these files), so no temporary folder is left behind per synthesis.
    import os, tempfile
    folder = os.path.join(tempfile.gettempdir(), name)
    os.makedirs(folder, exist_ok=True)
    for file_name, text in files.items():
        path = os.path.join(folder, file_name)
        try:
            with open(path, encoding="utf-8") as handle:
                if handle.read() == text:
                    continue
        except OSError:
            pass
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    return folder


def _handler_folder():
    return _fixture_folder("cdkfix-fixture-python-handler", {"index.py": "def handler(event, context):\\n    return None\\n"})


def _node_handler_folder():
    return _fixture_folder("cdkfix-fixture-node-handler", {
        "index.js": "exports.handler = async () => null;\\n",
        "package-lock.json": '{"name": "handler", "lockfileVersion": 3, "requires": true, "packages": {}}\\n',
    })


def _pipeline(scope):
    source_bucket = s3.Bucket(scope, "FixturePipelineSource", enforce_ssl=True)
    output = codepipeline.Artifact("FixtureSource")
    pipeline = codepipeline.Pipeline(scope, "FixturePipeline", pipeline_type=codepipeline.PipelineType.V2)
    pipeline.add_stage(stage_name="Source", actions=[codepipeline_actions.S3SourceAction(
        action_name="Source", bucket=source_bucket, bucket_key="source.zip", output=output)])
    pipeline.add_stage(stage_name="Approve", actions=[codepipeline_actions.ManualApprovalAction(action_name="Approve")])
    return pipeline
'''

FIXTURES: dict[str, str] = {
    # A folder with a Lambda handler, for PythonFunction's `entry=` (which must exist; the harness
    # synthesizes without bundling, as `cdk synth --exclusively`-style offline runs do).
    "src_dir": "_handler_folder()",
    # NodejsFunction's entry file and lock file (both must exist).
    "js_folder": "_node_handler_folder()",
    "js_entry": 'js_folder + "/index.js"',
    "js_lock": 'js_folder + "/package-lock.json"',
    # Scopes.
    "stack": "self",
    "scope": "self",
    # Networking and load balancing.
    "vpc": 'ec2.Vpc(self, "FixtureVpc", max_azs=2)',
    "alb": 'elbv2.ApplicationLoadBalancer(self, "FixtureAlb", vpc=vpc, internet_facing=True)',
    "lb": "alb",
    "target_group": '_target_group(self, alb, vpc, "FixtureTargetGroup")',
    "tg": "target_group",
    "green_target_group": '_target_group(self, alb, vpc, "FixtureTargetGroupGreen")',
    "listener": 'alb.add_listener("FixtureListener", port=8080, open=False)',
    "cert": 'acm.Certificate(self, "FixtureCertificate", domain_name="app.example.com")',
    # ECS.
    "cluster": "_cluster(self, vpc)",
    "task_definition": "_task_definition(self)",
    "td": "task_definition",
    "task_def": "task_definition",
    "task": "task_definition",
    "api_task": "task_definition",
    # CODE_DEPLOY: the examples that take a `service` give it a blue/green deployment group.
    "service": 'ecs.FargateService(self, "FixtureService", cluster=cluster, task_definition=task_definition, '
               'deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.CODE_DEPLOY))',
    "image": "ecs.ContainerImage.from_registry(IMAGE)",
    "task_role": 'iam.Role(self, "FixtureTaskRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))',
    "blue_green": "codedeploy.EcsBlueGreenDeploymentConfig(blue_target_group=target_group, "
                  "green_target_group=green_target_group, listener=alb.listeners[0])",
    "config": "blue_green",
    # AppSync: a one-query schema (`definition=`; `schema=` is the deprecated prop it holds).
    "definition": "_graphql_definition()",
    "schema": "definition.schema",
    # Storage, build and delivery.
    "bucket": 's3.Bucket(self, "FixtureBucket", enforce_ssl=True)',
    "repo": 'ecr.Repository(self, "FixtureRepository")',
    "key": 'dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)',
    "project": 'codebuild.PipelineProject(self, "FixtureProject")',
    "pipeline": "_pipeline(self)",
    "source_output": 'codepipeline.Artifact("FixtureSourceOutput")',
    "out": "source_output",
    "topic": 'sns.Topic(self, "FixtureTopic")',
    "principal": 'iam.ServicePrincipal("lambda.amazonaws.com")',
    "log_group": 'logs.LogGroup(self, "FixtureLogGroup")',
    "alerts": "topic",
    "approval_topic": "topic",
    "msg": 'events.RuleTargetInput.from_text("pipeline failed")',
    # Plain values.
    "environment_suffix": '"dev"',
    "env_name": '"dev"',
    "suffix": '"dev"',
    "env": '"dev"',
    "pipeline_name": '"app-pipeline"',
    # A CodeStar connection (CDK Pipelines' CodePipelineSource.connection): an ARN only, nothing is looked up.
    "connection_arn": '"arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-example"',
    "names": '["web", "worker"]',
    "repository_uri": '"123456789012.dkr.ecr.us-east-1.amazonaws.com/app"',
    "tag": '"1.0"',
    "desired": "2",
    "check_interval": "30",
    "props": "_Props(az_count=2, environment_suffix='dev')",
    "name": '"app-pipeline"',
    # Names of aws_cdk / constructs a snippet uses without importing them.
    "Stack": "cdk.Stack",
    "Construct": "Construct",
    "Duration": "Duration",
    "load_settings": "lambda: {}",
    # EKS: aws_eks.Cluster requires a kubectl layer (apps use aws-cdk.lambda-layer-kubectl-v3x's
    # KubectlV33Layer); synthesis only needs an ILayerVersion, so a layer by ARN avoids the package.
    "kubectl_layer": 'cdk.aws_lambda.LayerVersion.from_layer_version_arn(self, "FixtureKubectlLayer", '
                     '"arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1")',
}
