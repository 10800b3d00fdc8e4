"""Issue 14: cdk-nag findings cdkfix used to leave silent, now reported without a fix, at the
user's line, with the reason: ECS4 and VPC7 on the default cluster (and VPC) an ecs_patterns
service makes without `cluster=`; EMR2, EMR4 and EMR5 on an `emr.CfnCluster` without `log_uri=` /
`security_configuration=`; IAM4 on CDK's BucketNotificationsHandler role, once per bucket.

Exact messages and reasons, lines, what is left alone, a `**` splat as unknown, names through
imports (a local name shadowing the import is not CDK's), and that the files stay untouched.
"""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.testing import fix_source

from cdkfix.transforms.awssolutions._scaffold import ECS_PATTERN_SERVICES


def _run(source: str, *codes: str):
    fixed, records = fix_source(source, [rules_by_code()[code] for code in codes])
    assert fixed == source  # a report never changes the file
    return [(record.code, record.status, record.line, record.message, record.detail) for record in records]


# --- ECS4 / VPC7: the default cluster of an ecs_patterns service -------------------------------

ECS_HEAD = "from aws_cdk import aws_ecs as ecs, aws_ecs_patterns as ecsp\n\n"
SERVICE = (
    'ecsp.ApplicationLoadBalancedFargateService(self, "Svc", task_image_options='
    'ecsp.ApplicationLoadBalancedTaskImageOptions(image=ecs.ContainerImage.from_registry("nginx")){})\n'
)
BOTH = (
    "pass `cluster=` (an `ecs.Cluster` with container insights, in a VPC with flow logs): replaces the default "
    "cluster and VPC"
)
ECS4_MESSAGE = (
    "ecsp.ApplicationLoadBalancedFargateService without `cluster=` makes CDK's default ECS cluster, without "
    "Container Insights (ECS4)"
)
VPC7_MESSAGE = (
    "ecsp.ApplicationLoadBalancedFargateService without `cluster=` or `vpc=` makes CDK's default ECS cluster in a "
    "new VPC, without a flow log (VPC7)"
)


def test_default_cluster_and_vpc_reported_under_ecs4_and_vpc7():
    records = _run(ECS_HEAD + "\n" + SERVICE.format(""), "AwsSolutions-ECS4", "AwsSolutions-VPC7")
    assert records == [
        ("AwsSolutions-ECS4", FixStatus.NO_FIX, 4, ECS4_MESSAGE, BOTH),
        ("AwsSolutions-VPC7", FixStatus.NO_FIX, 4, VPC7_MESSAGE, BOTH),
    ]


def test_vpc_given_the_default_cluster_is_still_made_in_it_ecs4_only():
    records = _run(ECS_HEAD + SERVICE.format(", vpc=vpc"), "AwsSolutions-ECS4", "AwsSolutions-VPC7")
    assert records == [
        (
            "AwsSolutions-ECS4", FixStatus.NO_FIX, 3, ECS4_MESSAGE,
            "pass `cluster=` (an `ecs.Cluster` with container insights, in this `vpc`): replaces the default cluster",
        )
    ]


def test_cluster_given_left_alone_also_beside_a_splat():
    for rest in (", cluster=cluster", ", cluster=cluster, **options", ", cluster=None"):
        assert _run(ECS_HEAD + SERVICE.format(rest), "AwsSolutions-ECS4", "AwsSolutions-VPC7") == []


def test_splat_reported_as_unknown():
    records = _run(ECS_HEAD + SERVICE.format(", **options"), "AwsSolutions-ECS4", "AwsSolutions-VPC7")
    assert [(code, status, message, detail) for code, status, _, message, detail in records] == [
        (
            "AwsSolutions-ECS4", FixStatus.NO_FIX,
            "ecsp.ApplicationLoadBalancedFargateService may make CDK's default ECS cluster, without Container Insights (ECS4)",
            "a `**` splat may set `cluster`: cdkfix cannot see its keywords",
        ),
        (
            "AwsSolutions-VPC7", FixStatus.NO_FIX,
            "ecsp.ApplicationLoadBalancedFargateService may make CDK's default ECS cluster in a new VPC, without a flow log (VPC7)",
            "a `**` splat may set `cluster` or `vpc`: cdkfix cannot see its keywords",
        ),
    ]
    # vpc= written beside the splat: the VPC is the user's whatever the splat holds.
    records = _run(ECS_HEAD + SERVICE.format(", vpc=vpc, **options"), "AwsSolutions-ECS4", "AwsSolutions-VPC7")
    assert [code for code, *_ in records] == ["AwsSolutions-ECS4"]


@pytest.mark.parametrize("qualified", sorted(ECS_PATTERN_SERVICES))
def test_every_pattern_that_makes_a_default_cluster(qualified):
    name = qualified.rsplit(".", 1)[1]
    source = f"from aws_cdk.aws_ecs_patterns import {name}\n\n{name}(self, \"Svc\")\n"
    records = _run(source, "AwsSolutions-ECS4", "AwsSolutions-VPC7")
    assert [(code, message.split(" ", 1)[0]) for code, _, _, message, _ in records] == [
        ("AwsSolutions-ECS4", name), ("AwsSolutions-VPC7", name)
    ]


def test_pattern_list_is_what_aws_cdk_lib_has():
    """Every concrete ecs_patterns class taking `cluster=` and `vpc=` is listed (the bases and props are not)."""
    import inspect

    import aws_cdk.aws_ecs_patterns as patterns

    found = set()
    for name, value in vars(patterns).items():
        if not inspect.isclass(value) or name.endswith(("Props", "Base")):
            continue
        try:
            parameters = inspect.signature(value.__init__).parameters
        except (TypeError, ValueError):
            continue
        if "cluster" in parameters and "vpc" in parameters:
            found.add(f"aws_cdk.aws_ecs_patterns.{name}")
    assert found == ECS_PATTERN_SERVICES


def test_a_local_name_shadowing_the_import_is_not_cdk():
    source = ECS_HEAD + "\n\ndef build(ecsp):\n    ecsp.ApplicationLoadBalancedFargateService(self, \"Svc\")\n"
    assert _run(source, "AwsSolutions-ECS4", "AwsSolutions-VPC7") == []


def test_b12_selected_does_not_silence_the_pattern_report():
    """ECS4 defers to CDK-B12 on an `ecs.Cluster` (the same fix); B12 has nothing to say about a pattern."""
    records = _run(ECS_HEAD + SERVICE.format(""), "CDK-B12", "AwsSolutions-ECS4")
    assert [code for code, *_ in records] == ["AwsSolutions-ECS4"]


# --- EMR2 / EMR4 / EMR5 on emr.CfnCluster ------------------------------------------------------

EMR_HEAD = "from aws_cdk import aws_emr as emr\n\n"
EMR_CLUSTER = (
    'emr.CfnCluster(self, "Cluster", name="c", job_flow_role="EMR_EC2_DefaultRole", service_role="EMR_DefaultRole", '
    "instances=emr.CfnCluster.JobFlowInstancesConfigProperty(){})\n"
)
EMR_CODES = ("AwsSolutions-EMR2", "AwsSolutions-EMR4", "AwsSolutions-EMR5")
CREATE_ONLY = "is create-only on AWS::EMR::Cluster: adding it replaces the cluster (its instances and HDFS data)"


def test_emr_cluster_without_security_configuration_and_log_uri():
    records = _run(EMR_HEAD + EMR_CLUSTER.format(""), *EMR_CODES)
    assert records == [
        (
            "AwsSolutions-EMR2", FixStatus.NO_FIX, 3,
            "emr.CfnCluster without `log_uri` (EMR cluster without S3 logging)",
            "pass `log_uri=` (an `s3://` location in a bucket of yours, whose retention and access you choose); "
            "LogUri " + CREATE_ONLY,
        ),
        (
            "AwsSolutions-EMR4", FixStatus.NO_FIX, 3,
            "emr.CfnCluster without `security_configuration` (EMR cluster without a security configuration (local disk encryption))",
            "pass `security_configuration=` (the name or `ref` of an `emr.CfnSecurityConfiguration` with "
            "`EnableAtRestEncryption` and a local disk `EncryptionKeyProviderType`: a KMS key, or a custom key provider, "
            "that only you can choose); SecurityConfiguration " + CREATE_ONLY,
        ),
        (
            "AwsSolutions-EMR5", FixStatus.NO_FIX, 3,
            "emr.CfnCluster without `security_configuration` (EMR cluster without a security configuration (encryption in transit))",
            "pass `security_configuration=` (the name or `ref` of an `emr.CfnSecurityConfiguration` with "
            "`EnableInTransitEncryption` and a TLS `CertificateProviderType`: a certificate provider (a PEM zip in S3, "
            "or a custom provider) that only you can choose); SecurityConfiguration " + CREATE_ONLY,
        ),
    ]


def test_emr_values_given_left_alone_whatever_they_are():
    """A name, a `ref`, a variable: cdk-nag checks it against the stack's security configurations,
    which cdkfix does not follow; the user gave one."""
    for value in ('"analytics-security"', "config.ref", "security_name"):
        source = EMR_HEAD + EMR_CLUSTER.format(f", security_configuration={value}, log_uri=\"s3://logs/emr/\"")
        assert _run(source, *EMR_CODES) == []


def test_emr_splat_reported_as_unknown():
    records = _run(EMR_HEAD + EMR_CLUSTER.format(", log_uri=uri, **extra"), *EMR_CODES)
    assert [(code, message, detail.split(";")[0]) for code, _, _, message, detail in records] == [
        (
            code,
            "emr.CfnCluster may lack `security_configuration` (" + title + ")",
            "a `**` splat may set `security_configuration`: cdkfix cannot see its keywords",
        )
        for code, title in (
            ("AwsSolutions-EMR4", "EMR cluster without a security configuration (local disk encryption)"),
            ("AwsSolutions-EMR5", "EMR cluster without a security configuration (encryption in transit)"),
        )
    ]


def test_emr_rules_are_opt_in_in_the_awssolutions_pack():
    for code in EMR_CODES:
        rule = rules_by_code()[code]
        assert rule.default is False and rule.groups == ("AwsSolutions",) and rule.fixes is False


# --- IAM4 on CDK's BucketNotificationsHandler role --------------------------------------------

S3_HEAD = "from aws_cdk import aws_s3 as s3, aws_s3_notifications as s3n, aws_lambda_event_sources as sources\n\n"
IAM4 = "AwsSolutions-IAM4"
HANDLER = (
    "CDK's BucketNotificationsHandler is a raw function with no log group option: a role of your own can let it "
    "log only on a wildcard log-group ARN (IAM5) or not at all; `notifications_handler_role=` is your choice (one "
    "CDK cannot change: `role.without_policy_updates()` or an imported role, else CDK adds the managed policy to it)"
)


def _handler_message(how: str, callee: str = "s3.Bucket") -> str:
    return (
        f"{callee} with notifications ({how}) and no `notifications_handler_role=`: CDK's BucketNotificationsHandler "
        "role has the AWS managed AWSLambdaBasicExecutionRole (IAM4)"
    )


def test_one_report_per_bucket_at_the_bucket_line():
    source = S3_HEAD + (
        'bucket = s3.Bucket(self, "Uploads")\n'
        "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n"
        "bucket.add_object_removed_notification(s3n.SqsDestination(queue))\n"
        'other = s3.Bucket(self, "Other")\n'
        "fn.add_event_source(sources.S3EventSource(other, events=[s3.EventType.OBJECT_CREATED]))\n"
    )
    assert _run(source, IAM4) == [
        (IAM4, FixStatus.NO_FIX, 3, _handler_message("`bucket.add_event_notification`"), HANDLER),
        (IAM4, FixStatus.NO_FIX, 6, _handler_message("`sources.S3EventSource(other, ...)`"), HANDLER),
    ]


def test_chained_call_and_event_bridge():
    source = S3_HEAD + (
        's3.Bucket(self, "A").add_object_created_notification(s3n.SqsDestination(queue))\n'
        's3.Bucket(self, "B", event_bridge_enabled=True)\n'
        's3.Bucket(self, "C", event_bridge_enabled=False)\n'
    )
    assert [(line, message) for _, _, line, message, _ in _run(source, IAM4)] == [
        (3, _handler_message("`add_object_created_notification`")),
        (4, _handler_message("`event_bridge_enabled=True`")),
    ]


def test_notifications_on_a_name_of_another_scope_are_not_this_buckets():
    source = S3_HEAD + (
        "\n\ndef make(self):\n"
        '    bucket = s3.Bucket(self, "Uploads")\n'
        "    return bucket\n"
        "\n\ndef notify(bucket):\n"
        "    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n"
    )
    assert _run(source, IAM4) == []


IMPORTED = 'iam.Role.from_role_arn(self, "Imported", "arn:aws:iam::123456789012:role/notifications")'
MADE = 'iam.Role(self, "Made", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))'
GIVEN = (
    "CDK adds AWSLambdaBasicExecutionRole to the `notifications_handler_role=` it is given; only a role it cannot "
    "change (`role.without_policy_updates()`, or one imported with `iam.Role.from_role_arn`) escapes it, and then "
    "you grant its logging (a wildcard log-group ARN: IAM5) or none"
)


@pytest.mark.parametrize(
    "binding, role",
    [
        ("", IMPORTED),
        ("", IMPORTED.replace("from_role_arn", "from_role_name").replace("arn:aws:iam::123456789012:role/", "")),
        ("", MADE + ".without_policy_updates()"),
        (f"role = {IMPORTED}\n", "role"),
        (f"made = {MADE}\nrole = made.without_policy_updates()\n", "role"),
    ],
)
def test_handler_role_cdk_cannot_change_or_no_notifications_left_alone(binding, role):
    source = "from aws_cdk import aws_iam as iam\n" + S3_HEAD + binding + (
        f'bucket = s3.Bucket(self, "Uploads", notifications_handler_role={role})\n'
        "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n"
        'quiet = s3.Bucket(self, "Quiet")\n'
        "quiet.grant_read(role)\n"
    )
    assert _run(source, IAM4) == []


@pytest.mark.parametrize(
    "binding, role, verb",
    [
        (f"role = {MADE}\n", "role", "gets"),
        ("", MADE, "gets"),
        ("", "props.role", "may get"),
        ("\n\ndef build(self, role):\n", "role", "may get"),
    ],
)
def test_handler_role_cdk_changes_reported(binding, role, verb):
    indent = "    " if binding.endswith(":\n") else ""
    body = (
        f'bucket = s3.Bucket(self, "Uploads", notifications_handler_role={role})\n'
        "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n"
    )
    source = "from aws_cdk import aws_iam as iam\n" + S3_HEAD + binding + "".join(indent + line + "\n" for line in body.splitlines())
    records = _run(source, IAM4)
    assert [(message, detail) for _, _, _, message, detail in records] == [
        (
            f"s3.Bucket with notifications (`bucket.add_event_notification`): its `notifications_handler_role={role}` "
            f"{verb} the AWS managed AWSLambdaBasicExecutionRole from CDK (IAM4)",
            GIVEN,
        )
    ]


def test_bucket_splat_reported_as_unknown_class_imported_by_name():
    source = (
        "from aws_cdk.aws_s3 import Bucket, EventType\nfrom aws_cdk.aws_s3_notifications import SqsDestination\n\n"
        'self.bucket = Bucket(self, "Uploads", **options)\n'
        "self.bucket.add_event_notification(EventType.OBJECT_CREATED, SqsDestination(queue))\n"
    )
    assert _run(source, IAM4) == [
        (
            IAM4, FixStatus.NO_FIX, 4,
            "Bucket with notifications (`self.bucket.add_event_notification`) may get CDK's BucketNotificationsHandler "
            "role with the AWS managed AWSLambdaBasicExecutionRole (IAM4)",
            "a `**` splat may set `notifications_handler_role`: cdkfix cannot see its keywords",
        )
    ]


# --- synthesis: cdk-nag 3 flags what is reported, and not what is left alone -------------------

NAG_CASES = [
    # (source, the rule reports it, (cdk-nag rule, construct path) expected or not)
    (ECS_HEAD + SERVICE.format(""), "AwsSolutions-ECS4", ("AwsSolutions-ECS4", "Case/EcsDefaultClusterMnL3mNNYN/Resource"), True),
    (ECS_HEAD + SERVICE.format(""), "AwsSolutions-VPC7", ("AwsSolutions-VPC7", "Case/EcsDefaultClusterMnL3mNNYN/Vpc/Resource"), True),
    (
        "from aws_cdk import aws_ec2 as ec2\n" + ECS_HEAD
        + 'vpc = ec2.Vpc(self, "Net", max_azs=2, nat_gateways=0)\n'
        + 'cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)\n'
        + SERVICE.format(", cluster=cluster"),
        "AwsSolutions-ECS4", ("AwsSolutions-ECS4", "Case/Cluster/Resource"), False,
    ),
    (EMR_HEAD + EMR_CLUSTER.format(""), "AwsSolutions-EMR4", ("AwsSolutions-EMR4", "Case/Cluster"), True),
    (EMR_HEAD + EMR_CLUSTER.format(""), "AwsSolutions-EMR5", ("AwsSolutions-EMR5", "Case/Cluster"), True),
    (EMR_HEAD + EMR_CLUSTER.format(""), "AwsSolutions-EMR2", ("AwsSolutions-EMR2", "Case/Cluster"), True),
    (EMR_HEAD + EMR_CLUSTER.format(', log_uri="s3://logs/emr/"'), "AwsSolutions-EMR2", ("AwsSolutions-EMR2", "Case/Cluster"), False),
    (
        "from aws_cdk import aws_sqs as sqs\n" + S3_HEAD
        + 'queue = sqs.Queue(self, "Queue", enforce_ssl=True)\n'
        + 'bucket = s3.Bucket(self, "Uploads")\n'
        + "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n",
        IAM4, (IAM4, "Case/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource"), True,
    ),
    (
        "from aws_cdk import aws_iam as iam, aws_sqs as sqs\n" + S3_HEAD
        + 'queue = sqs.Queue(self, "Queue", enforce_ssl=True)\n'
        + f"role = {MADE}\n"
        + 'bucket = s3.Bucket(self, "Uploads", notifications_handler_role=role)\n'
        + "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n",
        IAM4, (IAM4, "Case/Made/Resource"), True,
    ),
    (
        "from aws_cdk import aws_iam as iam, aws_sqs as sqs\n" + S3_HEAD
        + 'queue = sqs.Queue(self, "Queue", enforce_ssl=True)\n'
        + f"role = {MADE}.without_policy_updates()\n"
        + 'bucket = s3.Bucket(self, "Uploads", notifications_handler_role=role)\n'
        + "bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue))\n",
        IAM4, None, False,
    ),
]


@pytest.mark.synth
@pytest.mark.parametrize("source, code, finding, reported", NAG_CASES)
def test_cdk_nag_agrees(source, code, finding, reported):
    pytest.importorskip("cdk_nag")
    from nag_support import synth_with_nag

    records = _run(source, code)
    assert bool(records) == reported
    findings, _ = synth_with_nag(source)
    if finding is None:  # no IAM4 at all: the handler runs as the user's role
        assert not any(rule == code for rule, _ in findings), findings
    else:
        assert (finding in findings) == reported, sorted(findings)
