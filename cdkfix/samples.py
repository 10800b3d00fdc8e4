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


# --- realistic modules for the benchmark corpus --------------------------------------------
#
# A real CDK monorepo is mostly correct code: most constructs already have what the rules
# ask for, a few do not. `realistic_cdk_module(rng, flaw_rate)` writes stacks made of the
# usual groups of constructs (networking, an ECS service, a pipeline, storage, monitoring),
# each group correct with probability 1 - flaw_rate and written the way the rules' examples
# show the flaw otherwise, mixed with the plain code stacks have (helpers, tags, loops).

REALISTIC_MODULES = {
    **MODULES,
    "codepipeline": "aws_codepipeline",
    "events": "aws_events",
    "targets": "aws_events_targets",
    "cw_actions": "aws_cloudwatch_actions",
    "codedeploy": "aws_codedeploy",
}
REALISTIC_CORE = ("Stack", "RemovalPolicy", "Duration", "CfnOutput", "Tags")


def _realistic_names(style: str) -> dict[str, str]:
    if style == "cdk-alias":
        names = {short: f"cdk.{module}" for short, module in REALISTIC_MODULES.items()}
        names.update({core: f"cdk.{core}" for core in REALISTIC_CORE})
        return names
    names = dict(zip(REALISTIC_MODULES, REALISTIC_MODULES))
    names.update(dict(zip(REALISTIC_CORE, REALISTIC_CORE)))
    return names


def _realistic_imports(style: str, used: list[str]) -> str:
    if style == "cdk-alias":
        return "import aws_cdk as cdk\nfrom constructs import Construct\n"
    core = ", ".join(REALISTIC_CORE)
    if style == "module-import":
        lines = [f"import aws_cdk.{REALISTIC_MODULES[short]} as {short}" for short in used]
        return "\n".join([f"from aws_cdk import {core}", *lines, "from constructs import Construct"]) + "\n"
    members = "".join(f"    {REALISTIC_MODULES[short]} as {short},\n" for short in used)
    core_lines = "".join(f"    {name},\n" for name in REALISTIC_CORE)
    return f"from aws_cdk import (\n{core_lines}{members})\nfrom constructs import Construct\n"


def _networking(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    azs = rng.choice([2, 3])
    nat = azs if good else 1
    return [
        f"# VPC across {azs} availability zones\n"
        f"vpc{n} = {{ec2}}.Vpc(\n    self,\n    f\"Vpc{n}{{suffix}}\",\n    max_azs={azs},\n    nat_gateways={nat},\n)",
        f"sg{n} = {{ec2}}.SecurityGroup(self, f\"Sg{n}{{suffix}}\", vpc=vpc{n}, allow_all_outbound=True)",
    ], ["ec2"], [f"vpc{n}.vpc_id"]


def _ecs_service(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    """Cluster, task definition, container, service (+ scaling); flaws: any of the ECS rules."""
    flaw = None if good else rng.choice(["insights", "exec_role", "env", "logs", "health", "rollback", "scaling", "exec"])
    cluster_kw = "" if flaw == "insights" else ",\n    container_insights_v2={ecs}.ContainerInsights.ENABLED"
    execution = "" if flaw == "exec_role" else f",\n    execution_role=execution_role{n}"
    env = '"ENV": "production"' if flaw == "env" else '"ENV": suffix'
    logging = (
        "{ecs}.LogDrivers.aws_logs(stream_prefix=\"app\")" if flaw == "logs"
        else f"{{ecs}}.LogDrivers.aws_logs(stream_prefix=\"app\", log_group=log_group{n})"
    )
    health = "" if flaw == "health" else (
        ",\n    health_check={ecs}.HealthCheck(\n        command=[\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"],\n"
        "        interval={Duration}.seconds(30),\n        timeout={Duration}.seconds(5),\n        retries=3,\n    )"
    )
    breaker = "" if flaw == "rollback" else ",\n    circuit_breaker={ecs}.DeploymentCircuitBreaker(rollback=True)"
    exec_cmd = "" if flaw == "exec" else ",\n    enable_execute_command=True"
    statements = [
        f"cluster{n} = {{ecs}}.Cluster(\n    self,\n    f\"Cluster{n}{{suffix}}\",\n    vpc=vpc{n}{cluster_kw},\n)",
        f"execution_role{n} = {{iam}}.Role(\n    self,\n    f\"TaskExecutionRole{n}{{suffix}}\",\n"
        f"    assumed_by={{iam}}.ServicePrincipal(\"ecs-tasks.amazonaws.com\"),\n)",
        f"task_definition{n} = {{ecs}}.FargateTaskDefinition(\n    self,\n    f\"TaskDef{n}{{suffix}}\",\n"
        f"    memory_limit_mib={rng.choice([512, 1024, 2048])},\n    cpu={rng.choice([256, 512, 1024])}{execution},\n)",
        f"log_group{n} = {{logs}}.LogGroup(\n    self,\n    f\"AppLogs{n}{{suffix}}\",\n"
        "    retention={logs}.RetentionDays.ONE_WEEK,\n    removal_policy={RemovalPolicy}.DESTROY,\n)",
        f"container{n} = task_definition{n}.add_container(\n    \"App{n}\",\n"
        f"    image={{ecs}}.ContainerImage.from_registry(\"public.ecr.aws/nginx/nginx:latest\"),\n"
        f"    logging={logging},\n    environment={{{{{env}, \"LOG_LEVEL\": \"info\"}}}},\n"
        f"    port_mappings=[{{ecs}}.PortMapping(container_port=80)]{health},\n)",
        f"service{n} = {{ecs}}.FargateService(\n    self,\n    f\"Service{n}{{suffix}}\",\n    cluster=cluster{n},\n"
        f"    task_definition=task_definition{n},\n    desired_count={rng.choice([2, 3])}{breaker}{exec_cmd},\n)",
    ]
    if flaw != "scaling":
        statements.append(
            f"scaling{n} = service{n}.auto_scale_task_count(min_capacity=2, max_capacity=10)\n"
            f"scaling{n}.scale_on_cpu_utilization(\"CpuScaling{n}\", target_utilization_percent=70)"
        )
    return statements, ["ecs", "iam", "logs"], [f"cluster{n}.cluster_name", f"service{n}.service_name"]


def _load_balancer(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    check = (
        "{elbv2}.HealthCheck(\n        path=\"/health\",\n        interval={Duration}.seconds(30),\n"
        "        timeout={Duration}.seconds(5),\n        healthy_threshold_count=2,\n        unhealthy_threshold_count=3,\n    )"
        if good else "{elbv2}.HealthCheck(path=\"/\", interval={Duration}.seconds(30))"
    )
    return [
        f"alb{n} = {{elbv2}}.ApplicationLoadBalancer(self, f\"Alb{n}{{suffix}}\", vpc=vpc{n}, internet_facing=True)",
        f"target_group{n} = {{elbv2}}.ApplicationTargetGroup(\n    self,\n    f\"TargetGroup{n}{{suffix}}\",\n"
        f"    vpc=vpc{n},\n    port=80,\n    target_type={{elbv2}}.TargetType.IP,\n    health_check={check},\n)",
        f"listener{n} = alb{n}.add_listener(\"Listener{n}\", port=80, open=True, default_target_groups=[target_group{n}])",
    ], ["elbv2"], [f"alb{n}.load_balancer_dns_name"]


def _storage(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    flaw = None if good else rng.choice(["bucket_retain", "bucket_encryption", "topic", "secret", "repo"])
    if flaw == "bucket_retain":
        bucket = "    encryption={s3}.BucketEncryption.S3_MANAGED,\n    removal_policy={RemovalPolicy}.RETAIN,\n"
    elif flaw == "bucket_encryption":
        bucket = "    removal_policy={RemovalPolicy}.DESTROY,\n    auto_delete_objects=True,\n"
    else:
        bucket = ("    encryption={s3}.BucketEncryption.S3_MANAGED,\n    enforce_ssl=True,\n"
                  "    removal_policy={RemovalPolicy}.DESTROY,\n    auto_delete_objects=True,\n")
    statements = [
        f"# Artifacts, kept for {rng.choice([7, 14, 30])} days\n"
        f"bucket{n} = {{s3}}.Bucket(\n    self,\n    f\"Bucket{n}{{suffix}}\",\n    versioned=True,\n{bucket}"
        f"    lifecycle_rules=[{{s3}}.LifecycleRule(expiration={{Duration}}.days({rng.choice([7, 14, 30])}))],\n)",
        f"topic{n} = {{sns}}.Topic(self, f\"Topic{n}{{suffix}}\", display_name=\"Notifications\")",
    ]
    if flaw != "topic":
        statements.append(f"topic{n}.apply_removal_policy({{RemovalPolicy}}.DESTROY)")
    policy = "RETAIN" if flaw == "secret" else "DESTROY"
    statements.append(
        f"secret{n} = {{secretsmanager}}.Secret(\n    self,\n    f\"Secret{n}{{suffix}}\",\n"
        f"    description=\"Credentials for the registry\",\n    removal_policy={{RemovalPolicy}}.{policy},\n)"
    )
    repo_extra = "" if flaw == "repo" else ",\n    empty_on_delete=True"
    statements.append(
        f"repository{n} = {{ecr}}.Repository(\n    self,\n    f\"Repository{n}{{suffix}}\",\n    image_scan_on_push=True,\n"
        f"    removal_policy={{RemovalPolicy}}.DESTROY{repo_extra},\n)"
    )
    statements.append(f"queue{n} = {{sqs}}.Queue(self, f\"Queue{n}{{suffix}}\", visibility_timeout={{Duration}}.seconds(30))")
    return statements, ["s3", "sns", "secretsmanager", "ecr", "sqs"], [f"bucket{n}.bucket_name", f"topic{n}.topic_arn"]


def _pipeline(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    flaw = None if good else rng.choice(["compute", "approval", "arn", "role"])
    compute = "MEDIUM" if flaw == "compute" else "SMALL"
    info = "" if flaw == "approval" else ",\n    additional_information=\"Approve the deployment to production\""
    arn = ('"arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"' if flaw == "arn"
           else 'self.node.try_get_context("codeStarConnectionArn")')
    policies = ("managed_policies=[{iam}.ManagedPolicy.from_aws_managed_policy_name(\"PowerUserAccess\")],"
                if flaw == "role" else "description=\"Deploys the application\",")
    return [
        f"source_output{n} = {{codepipeline}}.Artifact()",
        f"source_action{n} = {{codepipeline_actions}}.CodeStarConnectionsSourceAction(\n"
        f"    action_name=\"Source\",\n    owner=\"example-org\",\n    repo=\"service-{n}\",\n"
        f"    output=source_output{n},\n    connection_arn={arn},\n)",
        f"test_project{n} = {{codebuild}}.PipelineProject(\n    self,\n    f\"TestProject{n}{{suffix}}\",\n"
        f"    environment={{codebuild}}.BuildEnvironment(\n        build_image={{codebuild}}.LinuxBuildImage.STANDARD_7_0,\n"
        f"        compute_type={{codebuild}}.ComputeType.{compute},\n    ),\n)",
        f"approval{n} = {{codepipeline_actions}}.ManualApprovalAction(\n    action_name=\"ApproveProduction\"{info},\n)",
        f"deploy_role{n} = {{iam}}.Role(\n    self,\n    f\"DeployRole{n}{{suffix}}\",\n"
        f"    assumed_by={{iam}}.ServicePrincipal(\"codebuild.amazonaws.com\"),\n    {policies}\n)",
    ], ["codepipeline", "codepipeline_actions", "codebuild", "iam"], []


def _monitoring(rng: random.Random, good: bool, n: str) -> tuple[list[str], list[str], list[str]]:
    flaw = None if good else rng.choice(["dashboard", "alarm"])
    metric = (
        "{cloudwatch}.Metric(\n    namespace=\"AWS/CodePipeline\",\n    metric_name=\"%s\",\n"
        "    dimensions_map={{\"PipelineName\": pipeline_name%s}},\n    statistic=\"Sum\",\n)"
    )
    statements = [
        f"pipeline_name{n} = f\"app-pipeline-{{suffix}}\"",
        f"alarm_topic{n} = {{sns}}.Topic(self, f\"AlarmTopic{n}{{suffix}}\")",
        f"alarm_topic{n}.apply_removal_policy({{RemovalPolicy}}.DESTROY)",
        f"succeeded{n} = " + metric % ("SucceededPipelineExecutions", n),
        f"queue_depth{n} = {{cloudwatch}}.Metric(\n    namespace=\"AWS/SQS\",\n    metric_name=\"ApproximateNumberOfMessagesVisible\",\n"
        f"    statistic=\"Average\",\n    period={{Duration}}.minutes(5),\n)",
        f"alarm{n} = {{cloudwatch}}.Alarm(\n    self,\n    f\"QueueAlarm{n}{{suffix}}\",\n    metric=queue_depth{n},\n"
        f"    evaluation_periods=3,\n    threshold={rng.choice([10, 100, 1000])},\n)",
        f"failure_rule{n} = {{events}}.Rule(\n    self,\n    f\"PipelineFailureRule{n}{{suffix}}\",\n"
        f"    event_pattern={{events}}.EventPattern(\n        source=[\"aws.codepipeline\"],\n"
        f"        detail_type=[\"CodePipeline Pipeline Execution State Change\"],\n"
        f"        detail={{{{\"pipeline\": [pipeline_name{n}], \"state\": [\"FAILED\"]}}}},\n    ),\n"
        f"    targets=[{{targets}}.SnsTopic(alarm_topic{n})],\n)",
    ]
    if flaw != "alarm":
        statements.append(
            f"failed{n} = " + metric % ("FailedPipelineExecutions", n) + "\n"
            f"failure_alarm{n} = {{cloudwatch}}.Alarm(\n    self,\n    f\"PipelineFailureAlarm{n}{{suffix}}\",\n"
            f"    metric=failed{n},\n    evaluation_periods=1,\n    threshold=1,\n)\n"
            f"failure_alarm{n}.add_alarm_action({{cw_actions}}.SnsAction(alarm_topic{n}))"
        )
    widgets = f"succeeded{n}" if flaw == "dashboard" else (f"succeeded{n}, failed{n}" if flaw != "alarm" else f"succeeded{n}, " + metric % ("FailedPipelineExecutions", n))
    statements.append(
        f"dashboard{n} = {{cloudwatch}}.Dashboard(self, f\"Dashboard{n}{{suffix}}\")\n"
        f"dashboard{n}.add_widgets(\n    {{cloudwatch}}.GraphWidget(title=\"Pipeline\", left=[{widgets}]),\n)"
    )
    return statements, ["cloudwatch", "sns", "events", "targets", "cw_actions"], [f"alarm{n}.alarm_arn"]


_GROUPS = [_networking, _ecs_service, _load_balancer, _storage, _pipeline, _monitoring]

_PLAIN_LINES = [
    "{Tags}.of(self).add(\"Team\", \"platform\")",
    "{Tags}.of(self).add(\"Environment\", suffix)",
    "settings = {{\"retries\": 3, \"timeout\": 30, \"name\": f\"svc-{{suffix}}\"}}",
    "if suffix == \"prod\":\n    self.production = True\nelse:\n    self.production = False",
    "for index, name in enumerate([\"alpha\", \"beta\", \"gamma\"]):\n    self.names[name] = index",
    "ports = [port for port in range(8000, 8010) if port % 2 == 0]",
]


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def realistic_cdk_module(rng: random.Random, flaw_rate: float = 0.1) -> str:
    """A CDK module as found in a real repository: one or two stacks of the usual construct
    groups, each group flawed with probability `flaw_rate`, with helpers and plain code."""
    style = rng.choice(["from-import", "cdk-alias", "module-import"])
    names = _realistic_names(style)
    used: list[str] = []
    classes = []
    for class_index in range(rng.choice([1, 1, 1, 2])):
        body: list[str] = []
        outputs: list[str] = []
        groups = [_networking] + rng.sample(_GROUPS[1:], rng.randint(1, 3))
        for group_index, group in enumerate(groups):
            n = f"{class_index}{group_index}" if group_index else f"{class_index}0"
            good = rng.random() >= flaw_rate
            # every group uses the stack's one VPC
            statements, modules, values = group(rng, good, f"{class_index}0" if group is _networking else n)
            if group is not _networking:
                statements = [s.replace(f"vpc{n}", f"vpc{class_index}0") for s in statements]
            used.extend(module for module in modules if module not in used)
            body.extend(statements)
            outputs.extend(values)
            if rng.random() < 0.4:
                body.append(rng.choice(_PLAIN_LINES))
        has_outputs = outputs and (rng.random() >= flaw_rate)
        if has_outputs:
            for index, value in enumerate(outputs):
                body.append(f"{{CfnOutput}}(self, \"Output{index}\", value={value})")
        code = "\n\n".join(_indent(statement, 8) for statement in body).format(suffix="{suffix}", **names)
        helper = (
            f"    def _describe(self, parts: list[str]) -> str:\n"
            f"        \"\"\"A readable name for the parts.\"\"\"\n"
            f"        cleaned = [part.strip().lower() for part in parts if part]\n"
            f"        return \"-\".join(cleaned) or \"default\"\n"
        )
        classes.append(
            f"class Service{class_index}Stack({names['Stack']}):\n"
            f"    \"\"\"Stack {class_index}: {', '.join(group.__name__.strip('_') for group in groups)}.\"\"\"\n\n"
            f"    def __init__(self, scope: Construct, construct_id: str, *, environment_suffix: str, **kwargs) -> None:\n"
            f"        super().__init__(scope, construct_id, **kwargs)\n"
            f"        suffix = environment_suffix\n"
            f"        self.names: dict[str, int] = {{}}\n\n"
            f"{code}\n\n{helper}"
        )
    if "iam" not in used:
        used.append("iam")
    header = f'"""Infrastructure for service {rng.randint(1, 999)}."""\n\nfrom __future__ import annotations\n\n'
    return header + _realistic_imports(style, used) + "\n\n" + "\n\n".join(classes)


def realistic_plain_module(rng: random.Random) -> str:
    """A module of a monorepo that is not CDK code: functions, a class, constants."""
    parts = [f'"""Utilities {rng.randint(1, 9999)}."""\n\nfrom __future__ import annotations\n\nimport json\nimport os\nfrom dataclasses import dataclass\n']
    parts.append(f"DEFAULT_TIMEOUT = {rng.randint(5, 120)}\nREGIONS = (\"eu-west-1\", \"us-east-1\", \"ap-southeast-2\")\n")
    parts.append(
        "@dataclass\nclass Record:\n    name: str\n    value: int = 0\n\n"
        "    def to_json(self) -> str:\n        return json.dumps({\"name\": self.name, \"value\": self.value})\n"
    )
    body = random_plain_module(rng).split("\n\n\n", 1)[1]
    parts.append(body)
    parts.append(
        "def load(path: str) -> list[Record]:\n"
        "    if not os.path.exists(path):\n        return []\n"
        "    with open(path, encoding=\"utf-8\") as handle:\n"
        "        return [Record(**item) for item in json.load(handle)]\n"
    )
    return "\n\n".join(parts)
