"""Imports a fix needs are added in the file's own style, once, and only when missing."""

from __future__ import annotations

from cdkfix.registry import find_rule
from cdkfix.testing import fix_source

B12 = find_rule("CDK-B12")
I2 = find_rule("CDK-I2")


def test_module_import_style_gets_a_module_import():
    source = (
        "import aws_cdk.aws_ecs as ecs\n"
        "import aws_cdk.aws_ec2 as ec2\n"
        "from aws_cdk import RemovalPolicy\n"
        "\n"
        "def build(self, task_definition):\n"
        "    task_definition.add_container(\"App\", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix=\"app\"))\n"
    )
    fixed, records = fix_source(source, [I2])
    assert records
    assert fixed.startswith(
        "import aws_cdk.aws_ecs as ecs\nimport aws_cdk.aws_ec2 as ec2\nfrom aws_cdk import RemovalPolicy\n"
        "import aws_cdk.aws_logs as logs\n"
    )


def test_from_import_style_joins_the_parenthesized_list():
    source = (
        "from aws_cdk import (\n"
        "    RemovalPolicy,\n"
        "    aws_ecs as ecs,\n"
        ")\n"
        "\n"
        "def build(self, task_definition):\n"
        "    task_definition.add_container(\"App\", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix=\"app\"))\n"
    )
    fixed, records = fix_source(source, [I2])
    assert fixed.startswith("from aws_cdk import (\n    RemovalPolicy,\n    aws_ecs as ecs,\n    aws_logs as logs,\n)\n")


def test_existing_import_is_reused():
    source = (
        "import aws_cdk as cdk\n"
        "\n"
        "cluster = cdk.aws_ecs.Cluster(self, \"C\")\n"
    )
    fixed, _ = fix_source(source, [B12])
    assert fixed == (
        "import aws_cdk as cdk\n"
        "\n"
        "cluster = cdk.aws_ecs.Cluster(self, \"C\", container_insights_v2=cdk.aws_ecs.ContainerInsights.ENABLED)\n"
    )
