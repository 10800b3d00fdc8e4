"""AwsSolutions-VPC7 on the L1 `ec2.CfnVPC`: a flow log after the VPC's statement, tied to it by
its `Ref` (transforms/awssolutions/vpc7_cfn_vpc_flow_log.py); the L2 `ec2.Vpc` keyword fix is
the declaration's and is kept."""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.testing import fix_source

from nag_support import synth_with_nag

VPC7 = "AwsSolutions-VPC7"


def _run(source: str):
    return fix_source(source, [rules_by_code()[VPC7]], unsafe_fixes=True)


HEADER = "from aws_cdk import aws_ec2 as ec2\n\n"


def test_one_rule_for_the_code_and_it_handles_both_vpcs():
    rule = rules_by_code()[VPC7]
    assert rule.__name__ == "Vpc7FlowLogs"
    assert {"aws_cdk.aws_ec2.Vpc", "aws_cdk.aws_ec2.CfnVPC"} <= rule.calls
    source = HEADER + 'l2 = ec2.Vpc(self, "L2")\nl1 = ec2.CfnVPC(self, "L1", cidr_block="10.0.0.0/16")\n'
    fixed, records = _run(source)
    assert [r.status for r in records] == [FixStatus.APPLIED, FixStatus.APPLIED]
    assert 'flow_logs={"FlowLogs": ec2.FlowLogOptions()}' in fixed
    assert 'ec2.FlowLog(\n    self,\n    "L1FlowLog",' in fixed and "vpc_id=l1.ref" in fixed
    compile(fixed, "fixed.py", "exec")
    again, more = _run(fixed)
    assert again == fixed and not more


@pytest.mark.parametrize(
    "body, why",
    [
        ('ec2.CfnVPC(self, "Vpc", cidr_block="10.0.0.0/16")\n', "not bound to a name"),
        ('vpcs = [ec2.CfnVPC(self, "Vpc", cidr_block="10.0.0.0/16")]\n', "not bound to a name"),
        ('vpc = ec2.CfnVPC(self, "Vpc", **props)\n', "`**` splat"),
        ('vpc = ec2.CfnVPC(make_scope(), "Vpc", cidr_block="10.0.0.0/16")\n', "no plain scope"),
        ('vpc = ec2.CfnVPC(self, ids[0], cidr_block="10.0.0.0/16")\n', None),
        ('vpc = ec2.CfnVPC(self, "Vpc")\nother.add_flow_log("Flow")\n', "cannot tie to a VPC"),
        ('vpc = ec2.CfnVPC(self, "Vpc")\nec2.FlowLog(self, "Flow", resource_type=flow_target)\n', "cannot tie to a VPC"),
    ],
    ids=["bare", "in-a-list", "splat", "scope-call", "id-expression", "add-flow-log", "other-flow-log"],
)
def test_reported_without_a_fix_and_what_is_still_fixed(body, why):
    source = HEADER + body
    fixed, records = _run(source)
    if why is None:
        # An id cdkfix can derive a new id from (any expression): fixed, the new ids built from it.
        assert [r.status for r in records] == [FixStatus.APPLIED]
        assert 'ids[0] + "FlowLog",' in fixed and 'ids[0] + "FlowLogVpc",' in fixed
        return
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.NO_FIX]
    assert why in records[0].detail, records[0].detail


@pytest.mark.parametrize(
    "flow_log",
    [
        'ec2.CfnFlowLog(self, "Flow", resource_id=vpc.attr_vpc_id, resource_type="VPC", traffic_type="ALL")',
        'ec2.FlowLog(self, "Flow", resource_type=ec2.FlowLogResourceType.from_vpc(imported(vpc)))',
    ],
)
def test_a_flow_log_that_names_the_vpc_is_the_users(flow_log):
    source = HEADER + 'vpc = ec2.CfnVPC(self, "Vpc", cidr_block="10.0.0.0/16")\n' + flow_log + "\n"
    fixed, records = _run(source)
    assert fixed == source and not records


def test_in_a_lambda_no_statement_to_put_the_flow_log_next_to():
    source = HEADER + 'make = lambda: ec2.CfnVPC(self, "Vpc", cidr_block="10.0.0.0/16")\n'
    fixed, records = _run(source)
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.NO_FIX]


# --- synthesis: cdk-nag ties the new flow log to the VPC; the resources are the L2 fix's --------


_synth = synth_with_nag


@pytest.mark.synth
def test_the_cfn_vpc_flow_log_clears_vpc7_and_makes_what_the_l2_fix_makes():
    pytest.importorskip("cdk_nag")
    before_source = HEADER + 'my_vpc = ec2.CfnVPC(self, "MyVpc", cidr_block="10.0.0.0/16")\n'
    fixed, _ = _run(before_source)
    before, _ = _synth(before_source)
    after, template = _synth(fixed)
    assert (VPC7, "Case/MyVpc") in before
    assert after == before - {(VPC7, "Case/MyVpc")}
    resources = template["Resources"]
    flow_log = next(r for r in resources.values() if r["Type"] == "AWS::EC2::FlowLog")["Properties"]
    assert flow_log["ResourceId"] == {"Ref": "MyVpc"} and flow_log["ResourceType"] == "VPC"
    assert flow_log["TrafficType"] == "ALL" and flow_log["LogDestinationType"] == "cloud-watch-logs"
    # The L2 fix's flow log on an ec2.Vpc makes the same kinds of resources.
    l2_fixed, _ = fix_source(HEADER + 'ec2.Vpc(self, "L2", nat_gateways=0, max_azs=1)\n', [rules_by_code()[VPC7]])
    _, l2_template = _synth(l2_fixed)
    flow_kinds = {"AWS::EC2::FlowLog", "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::IAM::Policy"}
    ours = sorted(r["Type"] for r in resources.values() if r["Type"] in flow_kinds)
    theirs = sorted(r["Type"] for r in l2_template["Resources"].values() if r["Type"] in flow_kinds)
    assert ours == theirs == sorted(flow_kinds)
