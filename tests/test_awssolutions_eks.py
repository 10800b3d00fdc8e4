"""AwsSolutions-EKS1 and EKS2 beyond their examples: the two rules on one cluster, the reasons given
without a fix, and the facts of aws-cdk-lib, cdk-nag and CloudFormation's schema the rules rest on
(docs/awssolutions-eks.md). The fixed examples are proven by synthesis in tests/test_fix_effects.py
and tests/test_awssolutions_proof.py."""

from __future__ import annotations

import importlib.util
import inspect
import tarfile
from pathlib import Path

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source

EKS1, EKS2 = "AwsSolutions-EKS1", "AwsSolutions-EKS2"


def _run(source: str, *codes: str, unsafe: bool = True):
    rules = [rules_by_code()[code] for code in codes]
    rules.sort(key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=unsafe)


def _packaged(package: str, archive_glob: str, member: str) -> str:
    """A file of a jsii package's own JavaScript (read from its tarball, without importing it)."""
    spec = importlib.util.find_spec(package)
    folder = Path(list(spec.submodule_search_locations)[0]) / "_jsii"
    with tarfile.open(next(folder.glob(archive_glob))) as tar:
        return tar.extractfile(member).read().decode()


# --- both rules on one cluster ----------------------------------------------------------------

CLUSTER = """\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=layer)
"""


def test_both_rules_fix_one_cluster_and_a_second_run_changes_nothing():
    out, records = _run(CLUSTER, EKS1, EKS2)
    assert out == """\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=layer, endpoint_access=eks.EndpointAccess.PRIVATE, cluster_logging=[
    eks.ClusterLoggingTypes.API,
    eks.ClusterLoggingTypes.AUDIT,
    eks.ClusterLoggingTypes.AUTHENTICATOR,
    eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
    eks.ClusterLoggingTypes.SCHEDULER,
])
"""
    assert sorted((r.code, r.status) for r in records) == [(EKS1, FixStatus.APPLIED), (EKS2, FixStatus.APPLIED)]
    again, more = _run(out, EKS1, EKS2)
    assert again == out and not more


@pytest.mark.parametrize("code", [EKS1, EKS2])
def test_both_are_unsafe_and_need_unsafe_fixes(code):
    out, records = _run(CLUSTER, code, unsafe=False)
    assert out == CLUSTER
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.UNSAFE)]


# --- EKS2 -------------------------------------------------------------------------------------


def test_eks2_a_complete_list_in_any_order_is_left_alone_and_an_empty_one_is_filled():
    members = ", ".join(f"eks.ClusterLoggingTypes.{name}" for name in ("SCHEDULER", "AUDIT", "API", "AUTHENTICATOR", "CONTROLLER_MANAGER"))
    complete = f"from aws_cdk import aws_eks as eks\n\neks.FargateCluster(self, \"E\", version=v, kubectl_layer=l, cluster_logging=[{members}])\n"
    assert _run(complete, EKS2) == (complete, [])
    empty = "from aws_cdk import aws_eks as eks\n\neks.FargateCluster(self, \"E\", version=v, kubectl_layer=l, cluster_logging=[])\n"
    out, records = _run(empty, EKS2)
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert out.count("eks.ClusterLoggingTypes.") == 5 and "cluster_logging=[eks.ClusterLoggingTypes.API," in out


def test_eks2_l1_props_call_without_enabled_types_gets_the_list():
    source = """\
from aws_cdk import aws_eks as eks

eks.CfnCluster(self, "C", role_arn=arn, resources_vpc_config=config, logging=eks.CfnCluster.LoggingProperty(
    cluster_logging=eks.CfnCluster.ClusterLoggingProperty()
))
"""
    out, records = _run(source, EKS2)
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert "cluster_logging=eks.CfnCluster.ClusterLoggingProperty(enabled_types=[" in out
    assert [f'type="{name}"' in out for name in ("api", "audit", "authenticator", "controllerManager", "scheduler")] == [True] * 5


def test_eks2_a_misspelt_l1_type_is_reported_not_completed():
    source = """\
from aws_cdk import aws_eks as eks

eks.CfnCluster(self, "C", role_arn=arn, resources_vpc_config=config, logging=eks.CfnCluster.LoggingProperty(
    cluster_logging=eks.CfnCluster.ClusterLoggingProperty(enabled_types=[eks.CfnCluster.LoggingTypeConfigProperty(type="API")])
))
"""
    out, records = _run(source, EKS2)
    assert out == source and [r.status for r in records] == [FixStatus.NO_FIX]
    assert "`enabled_types`" in records[0].detail


# --- EKS1 -------------------------------------------------------------------------------------

SUBNETS = """\
from aws_cdk import aws_ec2 as ec2, aws_eks as eks

vpc = ec2.Vpc(self, "Vpc"{vpc})
eks.Cluster(self, "Eks", version=v, kubectl_layer=l, vpc=vpc, vpc_subnets={subnets})
"""


@pytest.mark.parametrize(
    "vpc, subnets, fixed",
    [
        ("", "[ec2.SubnetSelection(subnets=vpc.private_subnets)]", True),
        ("", "[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC), ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)]", True),
        (", enable_dns_support=True, enable_dns_hostnames=True", "[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)]", True),
        ("", "[ec2.SubnetSelection(subnets=vpc.public_subnets)]", False),
        ("", "[ec2.SubnetSelection(subnet_group_name=\"app\")]", False),  # which kind of group: not in the call
        ("", "[*selections]", False),
        (", enable_dns_support=dns", "[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)]", False),
    ],
)
def test_eks1_fixes_only_where_a_private_subnet_is_selected_and_dns_is_not_off(vpc, subnets, fixed):
    source = SUBNETS.format(vpc=vpc, subnets=subnets)
    out, records = _run(source, EKS1)
    assert [r.status for r in records] == [FixStatus.APPLIED if fixed else FixStatus.NO_FIX]
    assert (out != source) is fixed
    if fixed:
        assert out.endswith(", endpoint_access=eks.EndpointAccess.PRIVATE)\n")


def test_eks1_restricted_public_access_is_reported_with_the_reason():
    source = (
        "from aws_cdk import aws_eks as eks\n\n"
        "eks.Cluster(self, \"Eks\", version=v, kubectl_layer=l, "
        "endpoint_access=eks.EndpointAccess.PUBLIC_AND_PRIVATE.only_from(\"203.0.113.0/24\"))\n"
    )
    out, records = _run(source, EKS1)
    assert out == source and [r.status for r in records] == [FixStatus.NO_FIX]
    assert "kubectl from outside the VPC" in records[0].detail


# --- facts ------------------------------------------------------------------------------------


def test_the_keywords_written_exist_on_both_l2_clusters():
    from aws_cdk import aws_eks as eks

    for cls in (eks.Cluster, eks.FargateCluster):
        parameters = inspect.signature(cls.__init__).parameters
        assert {"cluster_logging", "endpoint_access", "vpc_subnets", "kubectl_layer"} <= set(parameters)
        assert parameters["kubectl_layer"].default is inspect.Parameter.empty  # why the fixture supplies one
    assert [member.name for member in eks.ClusterLoggingTypes] == ["API", "AUDIT", "AUTHENTICATOR", "CONTROLLER_MANAGER", "SCHEDULER"]


def test_cdk_nag_checks_only_aws_eks_cfn_cluster_and_cdks_custom_resource():
    """Why aws_eks_v2 is left alone: cdk-nag 3.0.2 tests `instanceof` aws_eks.CfnCluster, and
    aws_eks_v2's CfnCluster is another class (see the synthesis test below)."""
    from aws_cdk import aws_eks, aws_eks_v2

    assert aws_eks_v2.CfnCluster is not aws_eks.CfnCluster
    for name in ("EKSClusterControlPlaneLogs", "EKSClusterNoEndpointPublicAccess"):
        text = _packaged("cdk_nag", "cdk-nag@*.jsii.tgz", f"package/lib/rules/eks/{name}.js")
        assert 'require("aws-cdk-lib/aws-eks")' in text and "aws_eks_v2" not in text
        assert "Custom::AWSCDK-EKS-Cluster" in text


def test_cdk_requires_private_subnets_and_selects_them_by_default():
    """The EKS1 L2 guard: CDK refuses a private endpoint without private subnets, and its default
    `vpc_subnets` already selects PRIVATE_WITH_EGRESS subnets (absent ones fail synthesis)."""
    text = _packaged("aws_cdk", "aws-cdk-lib@*.jsii.tgz", "package/aws-eks/lib/cluster.js")
    assert "Vpc must contain private subnets when public endpoint access is disabled" in text
    assert "props.vpcSubnets??[{subnetType:ec2().SubnetType.PUBLIC},{subnetType:ec2().SubnetType.PRIVATE_WITH_EGRESS}]" in text


def test_logging_and_endpoint_access_update_in_place():
    from cdkfix.effects.changes import create_only_properties

    create_only = create_only_properties("AWS::EKS::Cluster")
    assert create_only  # the schema was read
    assert not [path for path in create_only if path[0] in ("Logging", "ResourcesVpcConfig")]


@pytest.mark.synth
def test_cdk_nag_does_not_flag_an_aws_eks_v2_cluster():
    from nag_support import synth_with_nag

    findings, template = synth_with_nag(
        "from aws_cdk import aws_eks_v2 as eks\n"
        "eks.Cluster(self, \"Eks\", version=eks.KubernetesVersion.V1_33)\n"
    )
    assert [r for r in template["Resources"].values() if r["Type"] == "AWS::EKS::Cluster"]
    assert not [rule for rule, _ in findings if rule in (EKS1, EKS2)]
