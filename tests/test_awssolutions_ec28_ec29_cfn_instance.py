"""AwsSolutions-EC28 / -EC29 on `ec2.CfnInstance` (transforms/awssolutions/ec28_ec29_cfn_instance.py):
the L1 instance rafty/cdk-ec2-ssm writes (evalnew6b) was flagged by cdk-nag and left by cdkfix with
neither a fix nor a report."""

from __future__ import annotations

import inspect

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions import ec28_ec29_bastion_host as bastion
from cdkfix.transforms.awssolutions import ec28_ec29_cfn_instance as cfn_instance

from nag_support import synth_app_with_nag

CODES = ("AwsSolutions-EC28", "AwsSolutions-EC29")


def _run(source: str, *codes: str, unsafe_fixes: bool = True):
    rules = sorted((rules_by_code()[code] for code in codes), key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=unsafe_fixes)


# The shape of rafty/cdk-ec2-ssm _constructs/ec2_construct.py:87 (its other keywords left out).
REPRO = """\
from aws_cdk import Stack, aws_ec2
from constructs import Construct


class Instances(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._instance = aws_ec2.CfnInstance(
            self,
            "SsmTestPrivate1a",
            image_id="ami-12345678",
            instance_type="t3.micro",
        )
"""
REPRO_FIXED = REPRO.replace(
    '            instance_type="t3.micro",\n',
    '            instance_type="t3.micro",\n            monitoring=True,\n            disable_api_termination=True,\n',
)


def test_the_premise_cfn_instance_takes_the_properties_cdk_nag_reads():
    import aws_cdk.aws_ec2 as ec2

    parameters = inspect.signature(ec2.CfnInstance.__init__).parameters
    assert "monitoring" in parameters and "disable_api_termination" in parameters
    assert "detailed_monitoring" not in parameters


def test_both_rules_write_their_keyword_and_a_second_run_changes_nothing():
    fixed, records = _run(REPRO, *CODES)
    assert fixed == REPRO_FIXED
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.APPLIED) for code in CODES]
    compile(fixed, "ec2_construct.py", "exec")
    assert _run(fixed, *CODES) == (fixed, [])


def test_unsafe_both_held_back_without_unsafe_fixes():
    fixed, records = _run(REPRO, *CODES, unsafe_fixes=False)
    assert fixed == REPRO
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.UNSAFE) for code in CODES]


@pytest.mark.parametrize("value", ["False", "True", "enabled"])
def test_a_stated_value_is_the_users(value):
    source = REPRO.replace('instance_type="t3.micro",\n', f'instance_type="t3.micro",\n            monitoring={value},\n')
    fixed, records = _run(source, "AwsSolutions-EC28")
    assert (fixed, records) == (source, [])


def test_a_splat_is_reported_without_a_fix():
    source = 'from aws_cdk import aws_ec2\n\naws_ec2.CfnInstance(self, "I", **props)\n'
    fixed, records = _run(source, *CODES)
    assert fixed == source
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.NO_FIX) for code in CODES]
    assert all("`**` splat" in r.detail for r in records)


def test_the_bastion_shape_is_still_the_bastion_modules():
    for code, handoffs in (
        ("AwsSolutions-EC28", (bastion.DETAILED_MONITORING, cfn_instance.DETAILED_MONITORING)),
        ("AwsSolutions-EC29", (bastion.TERMINATION_PROTECTION, cfn_instance.TERMINATION_PROTECTION)),
    ):
        rule = rules_by_code()[code]
        assert rule.spec.handoffs == handoffs
        assert {bastion.BASTION, cfn_instance.CFN_INSTANCE, "aws_cdk.aws_ec2.Instance"} <= rule.calls
        # The bastion's examples keep their indexes; the CfnInstance ones come after them.
        bastion_examples, instance_examples = (list(handoff.examples) for handoff in handoffs)
        assert rule.examples[-len(bastion_examples) - len(instance_examples):] == bastion_examples + instance_examples


def _nag(source: str) -> tuple[set[tuple[str, str]], dict]:
    def build(cdk, app):
        namespace: dict = {"__name__": "repro"}
        exec(compile(source, "ec2_construct.py", "exec"), namespace)
        namespace["Instances"](app, "Instances", env=cdk.Environment(account="123456789012", region="us-east-1"))

    return synth_app_with_nag(build, "Instances")


@pytest.mark.synth
def test_the_reproduction_synthesized_with_cdk_nag_loses_ec28_and_ec29_and_gains_nothing():
    pytest.importorskip("cdk_nag")
    fixed, _ = _run(REPRO, *CODES)
    before, _ = _nag(REPRO)
    after, template = _nag(fixed)
    gone = {(code, "Instances/SsmTestPrivate1a") for code in CODES}
    assert gone <= before
    assert after == before - gone
    [instance] = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    assert instance["Properties"]["Monitoring"] is True
    assert instance["Properties"]["DisableApiTermination"] is True
