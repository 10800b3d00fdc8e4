"""Random but realistic CDK modules, for property tests and the benchmark corpus.

Each module picks an import style, then writes a Stack whose `__init__` creates a random
mix of constructs (the ones the rules care about and others), with random subsets of
keyword arguments, one-line or multi-line layout, trailing commas and comments, bound to
variables or not. Everything is valid Python; not every module would synthesize.
"""

from __future__ import annotations

import random

MODULES = {
    "s3": "aws_s3",
    "sns": "aws_sns",
    "secretsmanager": "aws_secretsmanager",
    "ecs": "aws_ecs",
    "ec2": "aws_ec2",
    "iam": "aws_iam",
    "elbv2": "aws_elasticloadbalancingv2",
    "codebuild": "aws_codebuild",
    "logs": "aws_logs",
    "cloudwatch": "aws_cloudwatch",
    "ecr": "aws_ecr",
    "sqs": "aws_sqs",
    "codepipeline_actions": "aws_codepipeline_actions",
}
CORE = ("Stack", "RemovalPolicy", "Duration")

# (class, constructor keyword options); each option is (keyword, value template).
CONSTRUCTS = [
    ("{s3}.Bucket", [("versioned", "True"), ("removal_policy", "{RemovalPolicy}.RETAIN"),
                     ("removal_policy", "{RemovalPolicy}.DESTROY"), ("encryption", "{s3}.BucketEncryption.S3_MANAGED"),
                     ("auto_delete_objects", "True"), ("enforce_ssl", "True"), ("bucket_name", 'f"b-{{suffix}}"')]),
    ("{sns}.Topic", [("display_name", '"Notifications"'), ("topic_name", 'f"t-{{suffix}}"')]),
    ("{secretsmanager}.Secret", [("removal_policy", "{RemovalPolicy}.RETAIN"), ("description", '"Docker credentials"')]),
    ("{ecs}.Cluster", [("vpc", "vpc"), ("cluster_name", 'f"c-{{suffix}}"'), ("container_insights", "True"),
                       ("container_insights_v2", "{ecs}.ContainerInsights.ENABLED")]),
    ("{ec2}.Vpc", [("max_azs", "2"), ("max_azs", "3"), ("nat_gateways", "1"), ("nat_gateways", "0")]),
    ("{iam}.Role", [("assumed_by", '{iam}.ServicePrincipal("codebuild.amazonaws.com")'),
                    ("managed_policies", '[{iam}.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")]'),
                    ("description", '"Deployment role"')]),
    ("{ecs}.FargateTaskDefinition", [("memory_limit_mib", "512"), ("cpu", "256"), ("family", '"app"')]),
    ("{ecs}.FargateService", [("cluster", "cluster"), ("task_definition", "task_definition"), ("desired_count", "2"),
                              ("enable_execute_command", "True"),
                              ("circuit_breaker", "{ecs}.DeploymentCircuitBreaker(rollback=True)")]),
    ("{elbv2}.ApplicationTargetGroup", [("vpc", "vpc"), ("port", "80"),
                                        ("health_check", '{elbv2}.HealthCheck(path="/", interval={Duration}.seconds(30))')]),
    ("{codebuild}.PipelineProject", [("environment", "{codebuild}.BuildEnvironment(compute_type={codebuild}.ComputeType.MEDIUM)"),
                                     ("project_name", 'f"test-{{suffix}}"')]),
    ("{logs}.LogGroup", [("retention", "{logs}.RetentionDays.ONE_WEEK"), ("removal_policy", "{RemovalPolicy}.RETAIN")]),
    ("{ecr}.Repository", [("image_scan_on_push", "True"), ("removal_policy", "{RemovalPolicy}.DESTROY"),
                          ("empty_on_delete", "True")]),
    ("{sqs}.Queue", [("visibility_timeout", "{Duration}.seconds(30)"), ("fifo", "True")]),
    ("{cloudwatch}.Dashboard", [("dashboard_name", '"ops"')]),
]

PLAIN_STATEMENTS = [
    "values = [index * 2 for index in range(3)]",
    "name = f\"{{suffix}}-{{len(values)}}\"",
    "if suffix == \"prod\":\n            self.note = \"production\"",
    "self.tags = {{\"team\": \"platform\"}}",
    "total = sum(values) if values else 0",
]


def _names(style: str) -> dict[str, str]:
    if style == "cdk-alias":
        names = {short: f"cdk.{module}" for short, module in MODULES.items()}
        names.update({core: f"cdk.{core}" for core in CORE})
        return names
    names = dict(zip(MODULES, MODULES))
    names.update(dict(zip(CORE, CORE)))
    return names


def _imports(style: str) -> str:
    if style == "cdk-alias":
        return "import aws_cdk as cdk\nfrom constructs import Construct\n"
    if style == "module-import":
        lines = [f"import aws_cdk.{module} as {short}" for short, module in MODULES.items()]
        return "\n".join(["from aws_cdk import Stack, RemovalPolicy, Duration", *lines, "from constructs import Construct"]) + "\n"
    members = ",\n".join(f"    {module} as {short}" for short, module in MODULES.items())
    return f"from aws_cdk import (\n    Stack,\n    RemovalPolicy,\n    Duration,\n{members},\n)\nfrom constructs import Construct\n"


def _call(rng: random.Random, cls: str, options, index: int, names: dict[str, str]) -> str:
    chosen, seen = [], set()
    for keyword, value in rng.sample(options, rng.randint(0, len(options))):
        if keyword not in seen:
            seen.add(keyword)
            chosen.append((keyword, value))
    args = [f"{keyword}={value}".format(**names) for keyword, value in chosen]
    args = ["self", 'f"Construct%d{suffix}"' % index, *args]
    target = cls.format(**names)
    layout = rng.choice(["one-line", "multi-line", "multi-line-trailing-comma", "multi-line-comment"])
    if layout == "one-line":
        return f"{target}({', '.join(args)})"
    inner = ",\n".join(f"            {arg}" for arg in args)
    if layout == "multi-line-trailing-comma":
        inner += ","
    elif layout == "multi-line-comment":
        inner += "  # the last argument"
    return f"{target}(\n{inner}\n        )"


def random_cdk_module(rng: random.Random, constructs: int | None = None) -> str:
    """A CDK module in a random import style with `constructs` random constructs."""
    style = rng.choice(["from-import", "cdk-alias", "module-import"])
    names = _names(style)
    count = rng.randint(1, 8) if constructs is None else constructs
    body = []
    for index in range(count):
        if rng.random() < 0.25:
            body.append(rng.choice(PLAIN_STATEMENTS).format())
        cls, options = rng.choice(CONSTRUCTS)
        call = _call(rng, cls, options, index, names)
        body.append(f"construct_{index} = {call}" if rng.random() < 0.8 else call)
    stack = names["Stack"]
    lines = "\n\n".join(f"        {statement}" for statement in body)
    return (
        f'"""Generated stack."""\n\n{_imports(style)}\n\n'
        f"class GeneratedStack({stack}):\n"
        "    def __init__(self, scope: Construct, construct_id: str, *, environment_suffix: str, **kwargs) -> None:\n"
        "        super().__init__(scope, construct_id, **kwargs)\n"
        "        suffix = environment_suffix\n"
        "        vpc = cluster = task_definition = None\n\n"
        f"{lines}\n"
    )


def random_plain_module(rng: random.Random) -> str:
    """A module with no CDK import at all (most files of a monorepo)."""
    functions = []
    for index in range(rng.randint(2, 12)):
        functions.append(
            f"def helper_{index}(values, factor={rng.randint(1, 9)}):\n"
            f"    \"\"\"Helper {index}.\"\"\"\n"
            "    result = []\n"
            "    for value in values:\n"
            "        if value % factor == 0:\n"
            "            result.append({'value': value, 'scaled': value * factor})\n"
            "    return sorted(result, key=lambda item: item['scaled'])\n"
        )
    return "import json\nimport os\n\n\n" + "\n\n".join(functions)
