"""AwsSolutions-AS3, ELB3 and AS2 (transforms/awssolutions/as3_*.py, elb3_*.py, as2_*.py): which
findings are fixed, which reported and why, and what the fixed templates hold (the fix-effect
harness proves every fixed example; these look at particular resources and facts)."""

from __future__ import annotations

import pytest

from cdkfix.effects import derive_safety
from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.rule import Safety
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions import as3_scaling_notifications as as3

AS3, ELB3, AS2 = "AwsSolutions-AS3", "AwsSolutions-ELB3", "AwsSolutions-AS2"


def _run(code: str, source: str):
    return fix_source(source, [rules_by_code()[code]], unsafe_fixes=True)


def _statuses(code: str, source: str) -> list[tuple[FixStatus, str]]:
    return [(record.status, record.detail) for record in _run(code, source)[1]]


def _flagged_example(code: str, index: int) -> str:
    example = rules_by_code()[code].examples[index]
    assert example.flagged and example.after is None
    return example.before


# --- what is reported, one record per construct ------------------------------------------------

@pytest.mark.parametrize(
    "code, index, reasons",
    [
        (AS3, 5, ["INSTANCE_LAUNCH, autoscaling:EC2_INSTANCE_TERMINATE", "(autoscaling:EC2_INSTANCE_LAUNCH, autoscaling",
                  "`**` splat", "autoscaling:EC2_INSTANCE_LAUNCH, autoscaling:EC2_INSTANCE_TERMINATE, ",
                  "deprecated `notification_configuration=`", "no plain scope"]),
        (AS3, 8, ["(autoscaling:EC2_INSTANCE_LAUNCH, autoscaling", "`**` splat", "cannot read `capacity=`"]),
        (ELB3, 5, ["`enabled=False`", "`enabled=False`", "`**` splat", "no plain name"]),
        (ELB3, 6, ["`cfn_lb.connection_draining_policy`", "add_property_override"]),
        (AS2, 5, ["`additional_types=`", "`grace_period=None`", "may set `grace_period`", "`health_check_type=`",
                  "may set `health_check_type=\"ELB\"`", "may set `health_check_grace_period`"]),
    ],
)
def test_each_reported_construct_gets_one_record_with_its_reason(code, index, reasons):
    records = _statuses(code, _flagged_example(code, index))
    assert [status for status, _ in records] == [FixStatus.NO_FIX] * len(reasons)
    for (_, detail), reason in zip(records, reasons):
        assert reason in detail, (detail, reason)


def test_as3_a_list_missing_events_names_the_missing_ones():
    (status, detail), = _statuses(AS3, """\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.AutoScalingGroup(self, "A", vpc=vpc, notifications=[
    autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.LAUNCH_EVENTS),
    autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.ERRORS),
])
""")
    assert status is FixStatus.NO_FIX
    assert "(autoscaling:EC2_INSTANCE_TERMINATE)" in detail


def test_as3_a_name_taken_gets_another_topic_name_and_a_second_run_changes_nothing():
    source = """\
from aws_cdk import aws_autoscaling as autoscaling

fleet_notifications = "taken"
fleet = autoscaling.AutoScalingGroup(self, "Fleet", vpc=vpc)
"""
    fixed, records = _run(AS3, source)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert 'fleet_notifications_2 = sns.Topic(self, "FleetNotifications", enforce_ssl=True)' in fixed
    assert "notifications=[autoscaling.NotificationConfiguration(topic=fleet_notifications_2)]" in fixed
    assert _run(AS3, fixed) == (fixed, [])


def test_elb3_the_escape_hatch_goes_in_the_same_block_and_a_second_run_changes_nothing():
    source = """\
from aws_cdk import aws_elasticloadbalancing as elb

if public:
    lb = elb.LoadBalancer(self, "Clb", vpc=vpc, internet_facing=True)
    lb.add_listener(external_port=80)
"""
    fixed, records = _run(ELB3, source)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert fixed.index("lb.node.default_child.connection_draining_policy") < fixed.index("lb.add_listener")
    assert "    lb.node.default_child.connection_draining_policy = (" in fixed
    assert _run(ELB3, fixed) == (fixed, [])


def test_elb3_another_load_balancers_draining_does_not_hide_this_one():
    source = """\
from aws_cdk import aws_elasticloadbalancing as elb

a = elb.LoadBalancer(self, "A", vpc=vpc)
b = elb.LoadBalancer(self, "B", vpc=vpc)
a.node.default_child.connection_draining_policy = elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=True)
"""
    fixed, records = _run(ELB3, source)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert fixed.count("connection_draining_policy =") == 2 and "b.node.default_child.connection_draining_policy" in fixed


def test_as2_the_grace_goes_only_where_cdk_writes_elb_alone():
    source = """\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.HealthChecks.with_additional_checks(additional_types=[autoscaling.AdditionalHealthCheckType.ELB])
autoscaling.HealthChecks.with_additional_checks(additional_types=[autoscaling.AdditionalHealthCheckType.VPC_LATTICE])
"""
    fixed, records = _run(AS2, source)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert fixed.count("grace_period=Duration.seconds(300)") == 1
    assert "console's default" in records[0].message


# --- the synthesized facts ---------------------------------------------------------------------

def _proof_cases(proofs, code: str):
    rule = rules_by_code()[code]
    return {index: proofs[f"{code}-{index}"] for index, example in enumerate(rule.examples) if example.after is not None}


def _resources(proof, new_only: bool = False) -> list[dict]:
    """The resources of the fixed side, the example's stack and the fixtures' alike; with
    `new_only`, those whose logical ID the side before the fix does not have."""
    old = {(stack, lid) for stack, template in proof.before.templates.items() for lid in template["Resources"]}
    return [
        resource
        for stack, template in proof.after.templates.items()
        for lid, resource in template["Resources"].items()
        if not (new_only and (stack, lid) in old)
    ]


@pytest.mark.synth
def test_as3_the_topic_is_ssl_only_and_needs_no_grant_and_the_harness_derives_safe(fix_effect_proofs):
    """The new topic's only policy statement is the aws:SecureTransport deny; no IAM policy, no
    KMS key; the group names all four events; nothing is replaced: SAFE, as declared. (ECS's
    add_capacity makes a drain hook topic of its own, before and after: only new resources count.)"""
    for index, proof in _proof_cases(fix_effect_proofs, AS3).items():
        assert derive_safety(proof) == (Safety.SAFE, []), index
        assert dict(proof.added) == {"AWS::SNS::Topic": 1, "AWS::SNS::TopicPolicy": 1}, index
        new = _resources(proof, new_only=True)
        (policy,) = [r for r in new if r["Type"] == "AWS::SNS::TopicPolicy"]
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        (topic,) = [r for r in new if r["Type"] == "AWS::SNS::Topic"]
        assert "KmsMasterKeyId" not in topic.get("Properties", {}) and "DeletionPolicy" not in topic
        (group,) = [r for r in _resources(proof) if r["Type"] == "AWS::AutoScaling::AutoScalingGroup"]
        (config,) = group["Properties"]["NotificationConfigurations"]
        assert config["NotificationTypes"] == list(as3.REQUIRED), index


@pytest.mark.synth
@pytest.mark.parametrize("code, prop", [(ELB3, "ConnectionDrainingPolicy"), (AS2, "HealthCheckGracePeriod")])
def test_elb3_and_as2_change_a_running_service_in_place(fix_effect_proofs, code, prop):
    for index, proof in _proof_cases(fix_effect_proofs, code).items():
        safety, reasons = derive_safety(proof)
        assert safety is Safety.UNSAFE and all(f"changes {prop} of the running" in reason for reason in reasons), index
        assert not proof.replaced and not proof.added, index
        values = [r["Properties"].get(prop) for r in _resources(proof) if prop in r.get("Properties", {})]
        assert values == ([{"Enabled": True, "Timeout": 300}] if code == ELB3 else [300]), index


@pytest.mark.synth
def test_scaling_events_table_is_what_cdk_writes():
    """SCALING_EVENTS_TYPES (which events each ScalingEvents member names, read when a stated list
    is checked) against the NotificationTypes aws-cdk-lib writes for each member."""
    from nag_support import synth_with_nag

    members = sorted(as3.SCALING_EVENTS_TYPES)
    source = "from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_sns as sns\n"
    source += 'vpc = ec2.Vpc(self, "Vpc", max_azs=1, nat_gateways=0)\ntopic = sns.Topic(self, "Topic", enforce_ssl=True)\n'
    for member in members:
        source += (
            f'autoscaling.AutoScalingGroup(self, "{member}", vpc=vpc, vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC), '
            'instance_type=ec2.InstanceType("t3.micro"), machine_image=ec2.MachineImage.latest_amazon_linux2023(), '
            f"notifications=[autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.{member})])\n"
        )
    findings, template = synth_with_nag(source)
    written = {
        lid: frozenset(resource["Properties"]["NotificationConfigurations"][0]["NotificationTypes"])
        for lid, resource in template["Resources"].items()
        if resource["Type"] == "AWS::AutoScaling::AutoScalingGroup"
    }
    for member in members:
        (types,) = [value for lid, value in written.items() if lid.startswith(member.replace("_", ""))]
        assert types == as3.SCALING_EVENTS_TYPES[member], member
    # cdk-nag agrees: only ALL names its four events.
    flagged = {path.split("/")[1] for rule, path in findings if rule == AS3}
    assert flagged == set(members) - {"ALL"}
