"""AwsSolutions-ECS7, RDS16 and KDF1 beyond their examples: the reasons given without a fix, the
cooperation of ECS7 with CDK-I2, and the facts of aws-cdk-lib and cdk-nag the rules rely on."""

from __future__ import annotations

import inspect

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source


def _run(source: str, *codes: str, unsafe: bool = True):
    rules = [rules_by_code()[code] for code in codes]
    rules.sort(key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=unsafe)


def _statuses(records):
    return [(record.code, record.status) for record in records]


# --- ECS7 ------------------------------------------------------------------------------------

TASK_WITH = """\
from aws_cdk import aws_ecs as ecs, aws_iam as iam

{role}
task_def = ecs.FargateTaskDefinition(self, "TaskDef"{extra})
task_def.add_container("app", image=image)
"""


@pytest.mark.parametrize(
    "role, extra, fixed",
    [
        ("", "", True),  # CDK creates the execution role: the grant lands
        ('role = iam.Role(self, "R", assumed_by=principal)', ", execution_role=role", True),
        ("", ', execution_role=iam.Role(self, "R", assumed_by=principal)', True),
        ('role = iam.Role.from_role_arn(self, "R", "arn:aws:iam::1:role/x", mutable=False)', ", execution_role=role", False),
        ("", ", execution_role=props.role", False),
        ("", ", **props", False),
    ],
    ids=["no role", "role made in the file", "role made inline", "imported role", "role from a parameter", "splat"],
)
def test_ecs7_fixes_only_where_cdk_can_grant_the_execution_role(role, extra, fixed):
    source = TASK_WITH.format(role=role, extra=extra)
    out, records = _run(source, "AwsSolutions-ECS7")
    if fixed:
        assert out == source.replace("image=image)", 'image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="app"))')
        assert _statuses(records) == [("AwsSolutions-ECS7", FixStatus.APPLIED)]
    else:
        assert out == source
        assert _statuses(records) == [("AwsSolutions-ECS7", FixStatus.NO_FIX)]
        assert "execution_role" in records[0].detail


def test_ecs7_task_definition_it_cannot_see_is_fixed():
    """A task definition passed in (a parameter) gets the fix: CDK makes or grants its role in the
    usual case, and cdkfix cannot tell otherwise (the rule is unsafe: reviewed before applying)."""
    source = (
        "from aws_cdk import aws_ecs as ecs\n\n\n"
        "def add(task_def):\n"
        '    task_def.add_container("app", image=image)\n'
    )
    out, records = _run(source, "AwsSolutions-ECS7")
    assert 'logging=ecs.LogDrivers.aws_logs(stream_prefix="app")' in out
    assert _statuses(records) == [("AwsSolutions-ECS7", FixStatus.APPLIED)]


@pytest.mark.parametrize(
    "container_id, prefix",
    [('"web-1"', "web-1"), ('f"web{n}"', "ecs"), ("name", "ecs"), ('"a:b"', "ecs"), ('""', "ecs")],
)
def test_ecs7_stream_prefix_is_the_plain_id_or_a_fixed_text(container_id, prefix):
    source = f"from aws_cdk import aws_ecs as ecs\n\ntask.add_container({container_id}, image=image)\n"
    out, _ = _run(source, "AwsSolutions-ECS7")
    assert f'logging=ecs.LogDrivers.aws_logs(stream_prefix="{prefix}")' in out


@pytest.mark.parametrize("also", [("CDK-I2",), ("CDK-I2", "CDK-B1")], ids=["production", "destroyable"])
def test_ecs7_with_cdk_i2_is_stable_on_a_second_run(also):
    source = 'from aws_cdk import aws_ecs as ecs\n\ntask = ecs.FargateTaskDefinition(self, "T")\ntask.add_container("app", image=image)\n'
    once, records = _run(source, "AwsSolutions-ECS7", *also)
    assert ("AwsSolutions-ECS7", FixStatus.APPLIED) in _statuses(records)
    assert "CDK-I2" not in [record.code for record in records]  # nothing for I2 to fix in the file before
    twice, records = _run(once, "AwsSolutions-ECS7", *also)
    assert twice == once and records == []


def test_ecs7_destroyable_run_without_a_statement_for_the_log_group_reports():
    source = 'from aws_cdk import aws_ecs as ecs\n\nmake = lambda t: t.add_container("app", image=image)\n'
    out, records = _run(source, "AwsSolutions-ECS7", "CDK-I2", "CDK-B1")
    assert out == source
    assert _statuses(records) == [("AwsSolutions-ECS7", FixStatus.NO_FIX)]


def test_ecs7_nag_rule_accepts_any_log_driver():
    """The fact the rule's `logging=` guard rests on: cdk-nag checks only that a driver is set."""
    import importlib.resources
    import tarfile

    from cdk_nag import _jsii

    archive = next(importlib.resources.files(_jsii).glob("cdk-nag@*.jsii.tgz"))
    with tarfile.open(archive) as tar:
        text = tar.extractfile("package/lib/rules/ecs/ECSTaskDefinitionContainerLogging.js").read().decode()
    assert "logConfiguration?.logDriver === undefined" in text


# --- RDS16 -----------------------------------------------------------------------------------


def test_rds16_serverless_cluster_has_no_log_export_keyword_in_this_release():
    from aws_cdk import aws_rds as rds

    assert "cloudwatch_logs_exports" not in inspect.signature(rds.ServerlessCluster.__init__).parameters
    assert "cloudwatch_logs_exports" in inspect.signature(rds.DatabaseCluster.__init__).parameters


def test_rds16_serverless_cluster_reports_the_way_out():
    source = "from aws_cdk import aws_rds as rds\n\nrds.ServerlessCluster(self, \"Db\", engine=rds.DatabaseClusterEngine.aurora_mysql(version=v), vpc=vpc)\n"
    out, records = _run(source, "AwsSolutions-RDS16")
    assert out == source
    assert _statuses(records) == [("AwsSolutions-RDS16", FixStatus.NO_FIX)]
    assert "end of life since 2025-03-31" in records[0].detail
    assert "serverless_v2" in records[0].detail


@pytest.mark.parametrize(
    "engine",
    ["rds.DatabaseClusterEngine.AURORA_POSTGRESQL", "rds.DatabaseClusterEngine.aurora_postgres(version=v)", "pg"],
)
def test_rds16_postgres_serverless_cluster_is_left_alone(engine):
    source = (
        "from aws_cdk import aws_rds as rds\n\npg = rds.DatabaseClusterEngine.AURORA_POSTGRESQL\n"
        f'rds.ServerlessCluster(self, "Db", engine={engine}, vpc=vpc)\n'
    )
    assert _run(source, "AwsSolutions-RDS16") == (source, [])


def test_rds16_l1_engine_mode_in_a_name_and_mixed_case_engine():
    source = (
        'from aws_cdk import aws_rds as rds\n\nMODE = "serverless"\n'
        'rds.CfnDBCluster(self, "Db", engine="Aurora-MySQL", engine_mode=MODE)\n'
    )
    out, records = _run(source, "AwsSolutions-RDS16")
    assert out == source.replace(
        "engine_mode=MODE)", 'engine_mode=MODE, enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"])'
    )
    assert _statuses(records) == [("AwsSolutions-RDS16", FixStatus.APPLIED)]


# --- KDF1 ------------------------------------------------------------------------------------


def test_kdf1_delivery_stream_signature():
    from aws_cdk import aws_kinesisfirehose as firehose

    parameters = inspect.signature(firehose.DeliveryStream.__init__).parameters
    assert {"encryption", "source", "destination"} <= set(parameters)
    assert callable(firehose.StreamEncryption.aws_owned_key)


def test_kdf1_l1_direct_put_stated_is_fixed_and_an_unreadable_type_is_reported():
    base = "from aws_cdk import aws_kinesisfirehose as firehose\n\n"
    fixed, records = _run(base + 'firehose.CfnDeliveryStream(self, "S", delivery_stream_type="DirectPut")\n', "AwsSolutions-KDF1")
    assert 'key_type="AWS_OWNED_CMK"' in fixed and _statuses(records) == [("AwsSolutions-KDF1", FixStatus.APPLIED)]
    source = base + 'firehose.CfnDeliveryStream(self, "S", delivery_stream_type=kind)\n'
    out, records = _run(source, "AwsSolutions-KDF1")
    assert out == source
    assert records[0].detail.startswith("cdkfix cannot read `delivery_stream_type`")


def test_kdf1_is_safe_and_applies_without_unsafe_fixes():
    source = 'from aws_cdk import aws_kinesisfirehose as firehose\n\nfirehose.DeliveryStream(self, "S", destination=d)\n'
    out, records = _run(source, "AwsSolutions-KDF1", unsafe=False)
    assert "encryption=firehose.StreamEncryption.aws_owned_key()" in out
    assert _statuses(records) == [("AwsSolutions-KDF1", FixStatus.APPLIED)]

