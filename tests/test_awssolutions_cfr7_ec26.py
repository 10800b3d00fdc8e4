"""AwsSolutions-CFR7 (S3Origin -> S3BucketOrigin.with_origin_access_control) and AwsSolutions-EC26's
root-volume fix beyond their examples: the API facts the rules rest on, what they refuse and
why, and that a second run changes nothing.

Their fixed examples are proven on synthesized templates by tests/test_awssolutions_proof.py
(cdk-nag 3: the finding gone, nothing new) and tests/test_fix_effects.py (CloudFormation
Validate, valid IAM, safety, `replaces`); the synth test here proves two cases the examples do
not show (a KMS-encrypted bucket; an Amazon Linux 1 image).
"""

from __future__ import annotations

import inspect

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.rule import Safety
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions import cfr7_origin_access_control as cfr7
from cdkfix.transforms.awssolutions import ec26_ebs_encryption as ec26

CFR7, EC26 = "AwsSolutions-CFR7", "AwsSolutions-EC26"


def _run(source: str, code: str):
    fixed, records = fix_source(source, [rules_by_code()[code]])
    return fixed, [(record.code, record.status, record.detail) for record in records]


def _no_fix(source: str, code: str) -> str:
    """The one finding's reason, asserting it is reported without a fix and nothing changes."""
    fixed, records = _run(source, code)
    assert fixed == source
    assert [(c, status) for c, status, _ in records] == [(code, FixStatus.NO_FIX)]
    return records[0][2]


def _parameters(function) -> set[str]:
    return set(inspect.signature(function).parameters) - {"self"}


# --- the API facts -----------------------------------------------------------------------------


def test_every_s3origin_keyword_but_the_oai_carries_over_to_with_origin_access_control():
    from aws_cdk import aws_cloudfront_origins as origins

    s3_origin = _parameters(origins.S3Origin.__init__)
    with_oac = _parameters(origins.S3BucketOrigin.with_origin_access_control)
    # origin_access_control_id is carried too, but an origin that states it is left alone.
    assert cfr7.CARRIED == s3_origin - {"origin_access_identity", "origin_access_control_id"}
    assert cfr7.CARRIED <= with_oac


def test_the_root_volume_constructs_take_block_devices_and_the_ec2_props_take_encrypted_without_a_size():
    from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2

    for construct in (ec2.Instance, ec2.BastionHostLinux, ec2.LaunchTemplate, autoscaling.AutoScalingGroup):
        assert "block_devices" in _parameters(construct.__init__), construct
    props = inspect.signature(ec2.EbsDeviceProps.__init__).parameters
    assert "encrypted" in props and props["volume_size"].default is None
    # Why an auto scaling group is reported: its own props cannot say `encrypted` without a size.
    assert "encrypted" not in _parameters(autoscaling.EbsDeviceProps.__init__)
    assert inspect.signature(autoscaling.BlockDeviceVolume.ebs).parameters["volume_size"].default is inspect.Parameter.empty


def test_both_rules_are_opt_in_unsafe_pack_rules_with_one_ec26():
    for code in (CFR7, EC26):
        rule = rules_by_code()[code]
        assert rule.groups == ("AwsSolutions",) and rule.default is False and rule.safety is Safety.UNSAFE
    assert "Fix safety" in rules_by_code()[CFR7].__doc__ and "Fix safety" in rules_by_code()[EC26].__doc__
    # The keyword declaration and the root-volume fix are one rule: the volume keyword still works.
    fixed, records = _run(
        'from aws_cdk import Size, aws_ec2 as ec2\n\nec2.Volume(self, "V", availability_zone="us-east-1a", size=Size.gibibytes(8))\n',
        EC26,
    )
    assert "size=Size.gibibytes(8), encrypted=True)" in fixed and [r[1] for r in records] == [FixStatus.APPLIED]


# --- CFR7 --------------------------------------------------------------------------------------

_ORIGINS = "from aws_cdk import aws_cloudfront_origins as origins, aws_s3 as s3\n\n"


@pytest.mark.parametrize(
    "statements, reason",
    [
        ('b = s3.Bucket(self, "B", website_error_document="e.html")\norigins.S3Origin(b)\n', "a website bucket (`website_error_document=`)"),
        ('b = s3.Bucket.from_bucket_name(self, "B", "name")\norigins.S3Origin(b)\n', "is not an `s3.Bucket(...)` of this file"),
        ('b = s3.Bucket(self, "B")\nb = s3.Bucket(self, "C")\norigins.S3Origin(b)\n', "`b` is bound 2 times"),
        ('b = s3.Bucket(self, "B", **props)\norigins.S3Origin(b)\n', "a `**` splat in the bucket"),
        ('origins.S3Origin(s3.Bucket(self, "B"), **options)\n', "a `**` splat may set"),
        ("origins.S3Origin(imported)\n", "`imported` is not bound in this file"),
    ],
)
def test_cfr7_reports_without_a_fix(statements, reason):
    assert reason in _no_fix(_ORIGINS + statements, CFR7)


def test_cfr7_follows_a_self_attribute_only_when_the_class_assigns_it_once():
    source = _ORIGINS + (
        "class Site:\n"
        "    def __init__(self):\n"
        '        self.bucket = s3.Bucket(self, "B")\n'
        "    def cdn(self):\n"
        "        return origins.S3Origin(self.bucket)\n"
    )
    fixed, records = _run(source, CFR7)
    assert "origins.S3BucketOrigin.with_origin_access_control(self.bucket)" in fixed
    twice = source.replace('        self.bucket = s3.Bucket(self, "B")\n', '        self.bucket = s3.Bucket(self, "B")\n        self.bucket = other\n')
    assert "`self.bucket` is assigned 2 times in the class" in _no_fix(twice, CFR7)


def test_cfr7_leaves_an_origin_with_an_origin_access_control_id_alone():
    source = _ORIGINS + 'origins.S3Origin(s3.Bucket(self, "B"), origin_access_control_id="E123")\n'
    assert _run(source, CFR7) == (source, [])


# --- EC26 root volume --------------------------------------------------------------------------

_EC2 = "from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2\n\n"
_INSTANCE = 'ec2.Instance(self, "I", vpc=vpc, instance_type=ec2.InstanceType("t3.micro"), machine_image={image})\n'


@pytest.mark.parametrize(
    "image, reason",
    [
        ("ec2.MachineImage.latest_windows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE)",
         "`ec2.MachineImage.latest_windows(...)` is not one whose root device is known"),
        ('ec2.MachineImage.lookup(name="ubuntu/*")', "`ec2.MachineImage.lookup(...)` is not one"),
        ('ec2.MachineImage.generic_linux({"us-east-1": "ami-1"})', "`ec2.MachineImage.generic_linux(...)` is not one"),
        ("ec2.AmazonLinuxImage(virtualization=ec2.AmazonLinuxVirt.PV)", "not `AmazonLinuxVirt.HVM`"),
        ("ec2.AmazonLinuxImage(**image_props)", "a `**` splat in the machine image"),
        ("image", "`image` is not bound in this file"),
        ("images[0]", "`images[0]` is not a call cdkfix can read"),
    ],
)
def test_ec26_root_volume_reports_other_or_unknown_images_without_a_fix(image, reason):
    detail = _no_fix(_EC2 + _INSTANCE.format(image=image), EC26)
    assert reason in detail and "the root device name differs by AMI" in detail


@pytest.mark.parametrize(
    "statement, reason",
    [
        ('ec2.LaunchTemplate(self, "T", instance_type=ec2.InstanceType("t3.micro"))\n', "no `machine_image=`"),
        ('ec2.Instance(self, "I", vpc=vpc, **props)\n', "a `**` splat may set `block_devices` or `machine_image`"),
        ('autoscaling.AutoScalingGroup(self, "G", vpc=vpc, instance_type=ec2.InstanceType("t3.micro"), '
         "machine_image=ec2.MachineImage.latest_amazon_linux2())\n", "aws_autoscaling encrypts a block device only with a stated size"),
    ],
)
def test_ec26_root_volume_reports_without_a_fix(statement, reason):
    assert reason in _no_fix(_EC2 + statement, EC26)


@pytest.mark.parametrize(
    "statement",
    [
        'autoscaling.AutoScalingGroup(self, "G", vpc=vpc, launch_template=template)\n',
        'autoscaling.AutoScalingGroup(self, "G", vpc=vpc, mixed_instances_policy=policy)\n',
        _INSTANCE.format(image="ec2.MachineImage.latest_amazon_linux2()").replace(
            ")\n", ', block_devices=[ec2.BlockDevice(device_name="/dev/sdf", volume=ec2.BlockDeviceVolume.ebs(8, encrypted=True))])\n'
        ),
    ],
)
def test_ec26_root_volume_leaves_stated_block_devices_and_launch_templates_alone(statement):
    assert _run(_EC2 + statement, EC26) == (_EC2 + statement, [])


def test_ec26_follows_an_image_a_class_assigns_once_in_another_method_and_a_second_run_changes_nothing():
    # The shape of a real app: the image is made in __init__ (under a condition) and used elsewhere.
    source = _EC2 + (
        "class Hosts:\n"
        "    def __init__(self):\n"
        "        if not hasattr(self, 'image'):\n"
        "            self.image = ec2.MachineImage.latest_amazon_linux(generation=ec2.AmazonLinuxGeneration.AMAZON_LINUX_2)\n"
        "    def host(self, name):\n"
        '        return ec2.Instance(self, name, vpc=self.vpc, instance_type=ec2.InstanceType("t3.nano"), machine_image=self.image)\n'
    )
    fixed, records = _run(source, EC26)
    assert [status for _, status, _ in records] == [FixStatus.APPLIED]
    assert 'device_name="/dev/xvda"' in fixed and "ebs_device=ec2.EbsDeviceProps(encrypted=True)" in fixed
    compile(fixed, "fixed.py", "exec")
    assert _run(fixed, EC26) == (fixed, [])


def test_ec26_root_volume_fix_is_held_back_without_unsafe_fixes():
    source = _EC2 + _INSTANCE.format(image="ec2.MachineImage.latest_amazon_linux2023()")
    fixed, records = fix_source(source, [rules_by_code()[EC26]], unsafe_fixes=False)
    assert fixed == source and [record.status for record in records] == [FixStatus.UNSAFE]


@pytest.mark.synth
def test_a_kms_bucket_and_an_amazon_linux_1_instance_synthesize_and_clear_their_findings():
    from cdkfix.effects import Case, prove

    kms = (
        "from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_s3 as s3\n\n"
        'b = s3.Bucket(self, "B", encryption=s3.BucketEncryption.KMS, enforce_ssl=True)\n'
        'cloudfront.Distribution(self, "D", default_behavior=cloudfront.BehaviorOptions(origin=origins.S3Origin(b)))\n'
    )
    amazon_linux_1 = _EC2 + _INSTANCE.format(image="ec2.AmazonLinuxImage()")
    cases = []
    for case_id, source, code in (("kms", kms, CFR7), ("al1", amazon_linux_1, EC26)):
        fixed, records = _run(source, code)
        assert [status for _, status, _ in records] == [FixStatus.APPLIED]
        cases.append(Case(case_id, source, fixed))
    proofs = prove(cases)
    for case_id, code in (("kms", CFR7), ("al1", EC26)):
        proof = proofs[case_id]
        assert proof.before.ok and proof.after.ok, (proof.before.error, proof.after.error)
        assert code in {finding.base_rule for finding in proof.before.nag}
        assert code not in {finding.base_rule for finding in proof.after.nag}
        new = {finding.base_rule for finding in proof.after.nag} - {finding.base_rule for finding in proof.before.nag}
        assert not new and not proof.new_validate_errors, (new, proof.new_validate_errors)
