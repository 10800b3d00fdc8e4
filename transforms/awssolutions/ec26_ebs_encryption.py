"""AwsSolutions-EC26: EBS volumes without encryption, including an instance's root volume.

cdk-nag 3 (EC2EBSVolumeEncrypted) flags a CfnVolume whose `Encrypted` is not true, a CfnInstance
whose block device mappings are absent or not all encrypted (a launch template's count), a
CfnLaunchConfiguration likewise, and an auto scaling group whose launch template's mappings are
not all encrypted. Two fixes under one code:

- the keyword (declared as a KeywordRule): `ec2.Volume(...)` and `ec2.BlockDeviceVolume.ebs(...)`
  get `encrypted=True`;
- the root volume: `ec2.Instance`, `ec2.BastionHostLinux` and `ec2.LaunchTemplate` without
  `block_devices=` (all three take it: `inspect.signature` on aws-cdk-lib 2.275) get
  `block_devices=[ec2.BlockDevice(device_name="/dev/xvda",
  volume=ec2.BlockDeviceVolume(ebs_device=ec2.EbsDeviceProps(encrypted=True)))]`.

No size is written. A root volume smaller than the AMI's snapshot fails the deployment, and
CloudFormation does not need one: `VolumeSize` is optional in the `Ebs` of AWS::EC2::Instance
and AWS::EC2::LaunchTemplate (cfn-lint's registry schemas; "If you specify a snapshot, the
default is the snapshot size"), and the mapping of the AMI's root device takes the AMI's own
snapshot. EC2 encrypts a volume restored from an unencrypted AMI snapshot when the launch's
mapping says `Encrypted` ("when you launch an instance from an AMI backed by unencrypted EBS
snapshots, you can encrypt some or all of the volumes during launch",
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIEncryption.html).

The device name must be the AMI's root device, or the mapping adds a second, empty volume and
the root stays unencrypted. Root device names differ by AMI (`/dev/sda1` or `/dev/xvda`,
https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html); the HVM Amazon Linux AMIs
(Amazon Linux, Amazon Linux 2, 2022 and 2023) use `/dev/xvda`
(`aws ec2 describe-images --query 'Images[].RootDeviceName'`, the check that page gives). So the
fix is written only when the machine image is one of those, visible in the file:
`MachineImage.latest_amazon_linux2()` / `latest_amazon_linux2022()` / `latest_amazon_linux2023()`
/ `latest_amazon_linux(...)`, `AmazonLinuxImage(...)`, the `AmazonLinux*ImageSsmParameter(...)`
classes (a `virtualization=` other than `AmazonLinuxVirt.HVM` is refused: paravirtual Amazon
Linux AMIs boot from `/dev/sda1`), written in the call or held in a name assigned once (a local
or module name, or a `self.<attribute>` assigned once in the class); and a BastionHostLinux
without `machine_image=` (CDK's default is Amazon Linux 2 or 2023). Anything else (Ubuntu,
Windows, `lookup`, `generic_linux`, an SSM parameter, a name assigned elsewhere or several times,
a parameter) is reported without a fix, saying why.

Auto scaling groups are reported without a fix: aws_autoscaling's own BlockDevice types can
encrypt only with a size (`autoscaling.BlockDeviceVolume.ebs(volume_size, encrypted=True)`;
its `EbsDeviceProps` has no `encrypted`), and which size is at least the AMI's snapshot is not
in the code. A group with `launch_template=` / `mixed_instances_policy=` is left alone: its
template is the call to fix.

Fix safety: UNSAFE. `Encrypted` is create-only on AWS::EC2::Volume (the volume, and its data, is
replaced); a changed `BlockDeviceMappings` of an AWS::EC2::Instance replaces the instance
(CloudFormation's documentation; the registry schema cfn-lint ships does not list it as
create-only, so the fix-effect harness does not see it); a launch template's new version rolls
out to instances launched afterwards. Encryption by a KMS key also needs the instance's role
to be allowed to use it (the AWS managed key `aws/ebs` needs nothing).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.keyword_rule import KeywordRule, keyword_rule, splat_examples
from cdkfix.names import dotted_name
from cdkfix.rule import Example, Safety
from cdkfix.transforms._bindings import assigned_once
from cdkfix.transforms.nag_v3._common import Unknown

INSTANCE = "aws_cdk.aws_ec2.Instance"
BASTION = "aws_cdk.aws_ec2.BastionHostLinux"
LAUNCH_TEMPLATE = "aws_cdk.aws_ec2.LaunchTemplate"
AUTO_SCALING_GROUP = "aws_cdk.aws_autoscaling.AutoScalingGroup"
BLOCK_DEVICE = "aws_cdk.aws_ec2.BlockDevice"
BLOCK_DEVICE_VOLUME = "aws_cdk.aws_ec2.BlockDeviceVolume"
EBS_DEVICE_PROPS = "aws_cdk.aws_ec2.EbsDeviceProps"
HVM = "aws_cdk.aws_ec2.AmazonLinuxVirt.HVM"
ROOT_DEVICE = "/dev/xvda"
# Machine images that are HVM Amazon Linux (root device /dev/xvda) unless `virtualization=` says otherwise.
AMAZON_LINUX_IMAGES = frozenset({
    "aws_cdk.aws_ec2.MachineImage.latest_amazon_linux",
    "aws_cdk.aws_ec2.MachineImage.latest_amazon_linux2",
    "aws_cdk.aws_ec2.MachineImage.latest_amazon_linux2022",
    "aws_cdk.aws_ec2.MachineImage.latest_amazon_linux2023",
    "aws_cdk.aws_ec2.AmazonLinuxImage",
    "aws_cdk.aws_ec2.AmazonLinux2ImageSsmParameter",
    "aws_cdk.aws_ec2.AmazonLinux2022ImageSsmParameter",
    "aws_cdk.aws_ec2.AmazonLinux2023ImageSsmParameter",
})

SPEC = KeywordRule(
    code="AwsSolutions-EC26",
    name="awssolutions-ebs-encrypted",
    title="EBS volume without encryption",
    cause="The resource creates one or more EBS volumes that have encryption disabled.",
    why="Data at rest and its snapshots are unencrypted.",
    impact="Data at rest unencrypted.",
    # BlockDeviceVolume.ebs(...) is how instances and launch templates declare their volumes.
    constructs=("aws_cdk.aws_ec2.Volume", "aws_cdk.aws_ec2.BlockDeviceVolume.ebs"),
    keyword="encrypted",
    value="True",
    decided_by=("encryption_key",),
    args='self, "Resource", availability_zone="us-east-1a", size={aws_cdk.Size}.gibibytes(10)',
    safety=Safety.UNSAFE,
    safety_note="Unsafe: Encrypted is create-only: CloudFormation replaces the volume (its data is lost).",
    examples=[
        Example(
            name="an instance's block device",
            before="""\
from aws_cdk import aws_ec2 as ec2

ec2.Instance(
    self,
    "Host",
    vpc=vpc,
    instance_type=ec2.InstanceType("t3.micro"),
    machine_image=ec2.MachineImage.latest_amazon_linux2023(),
    block_devices=[ec2.BlockDevice(device_name="/dev/xvda", volume=ec2.BlockDeviceVolume.ebs(20))],
)
""",
            after="""\
from aws_cdk import aws_ec2 as ec2

ec2.Instance(
    self,
    "Host",
    vpc=vpc,
    instance_type=ec2.InstanceType("t3.micro"),
    machine_image=ec2.MachineImage.latest_amazon_linux2023(),
    block_devices=[ec2.BlockDevice(device_name="/dev/xvda", volume=ec2.BlockDeviceVolume.ebs(20, encrypted=True))],
)
""",
        ),
    ],
)

_KeywordFix = keyword_rule(SPEC, __name__)  # the base class; deleted below, so the registry sees one EC26

_ROOT_EXAMPLES = [
    Example(
        name="root volume: an instance on Amazon Linux 2023 without block devices",
        before="""\
from aws_cdk import aws_ec2 as ec2

ec2.Instance(
    self,
    "Web",
    vpc=vpc,
    instance_type=ec2.InstanceType("t3.micro"),
    machine_image=ec2.MachineImage.latest_amazon_linux2023(),
)
""",
        after="""\
from aws_cdk import aws_ec2 as ec2

ec2.Instance(
    self,
    "Web",
    vpc=vpc,
    instance_type=ec2.InstanceType("t3.micro"),
    machine_image=ec2.MachineImage.latest_amazon_linux2023(),
    block_devices=[
        ec2.BlockDevice(
            device_name="/dev/xvda",
            volume=ec2.BlockDeviceVolume(
                ebs_device=ec2.EbsDeviceProps(encrypted=True)
            ),
        )
    ],
)
""",
    ),
    Example(
        name="root volume: a bastion host on CDK's default image, import aws_cdk as cdk",
        before="""\
import aws_cdk as cdk

bastion = cdk.aws_ec2.BastionHostLinux(self, "Bastion", vpc=vpc)
""",
        after="""\
import aws_cdk as cdk

bastion = cdk.aws_ec2.BastionHostLinux(self, "Bastion", vpc=vpc, block_devices=[
    cdk.aws_ec2.BlockDevice(
        device_name="/dev/xvda",
        volume=cdk.aws_ec2.BlockDeviceVolume(
            ebs_device=cdk.aws_ec2.EbsDeviceProps(encrypted=True)
        ),
    )
])
""",
    ),
    Example(
        name="root volume: an image held in a self attribute, a launch template used by a group",
        before="""\
from aws_cdk import Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2


class Fleet(Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.image = ec2.AmazonLinuxImage(generation=ec2.AmazonLinuxGeneration.AMAZON_LINUX_2)
        self.template = ec2.LaunchTemplate(
            self, "Template", instance_type=ec2.InstanceType("t3.micro"), machine_image=self.image
        )
        autoscaling.AutoScalingGroup(self, "Group", vpc=vpc, launch_template=self.template)
""",
        after="""\
from aws_cdk import Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2


class Fleet(Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.image = ec2.AmazonLinuxImage(generation=ec2.AmazonLinuxGeneration.AMAZON_LINUX_2)
        self.template = ec2.LaunchTemplate(
            self, "Template", instance_type=ec2.InstanceType("t3.micro"), machine_image=self.image,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume(
                        ebs_device=ec2.EbsDeviceProps(encrypted=True)
                    ),
                )
            ]
        )
        autoscaling.AutoScalingGroup(self, "Group", vpc=vpc, launch_template=self.template)
""",
    ),
    Example(
        name="root volume, reported without a fix: Ubuntu (another root device), an auto scaling group (needs a size)",
        before="""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2

ubuntu = ec2.MachineImage.from_ssm_parameter(
    "/aws/service/canonical/ubuntu/server/jammy/stable/current/amd64/hvm/ebs-gp2/ami-id"
)
ec2.Instance(self, "Ubuntu", vpc=vpc, instance_type=ec2.InstanceType("t3.micro"), machine_image=ubuntu)
autoscaling.AutoScalingGroup(
    self,
    "Group",
    vpc=vpc,
    instance_type=ec2.InstanceType("t3.micro"),
    machine_image=ec2.MachineImage.latest_amazon_linux2023(),
)
""",
        flagged=True,
    ),
]


class Ec26EbsEncryption(_KeywordFix):
    __doc__ = __doc__
    fix = (
        _KeywordFix.fix
        + " An `ec2.Instance`, `ec2.BastionHostLinux` or `ec2.LaunchTemplate` without `block_devices=` whose machine "
        "image is Amazon Linux (MachineImage.latest_amazon_linux*, AmazonLinuxImage, AmazonLinux*ImageSsmParameter, "
        "in the call or in a name assigned once; a BastionHostLinux's default image) gets `block_devices=[ec2.BlockDevice("
        "device_name=\"/dev/xvda\", volume=ec2.BlockDeviceVolume(ebs_device=ec2.EbsDeviceProps(encrypted=True)))]`: the "
        "root volume, encrypted, its size the AMI's own. Reported without a fix: another or an unknown image (the root "
        "device name differs by AMI), a `**` splat, an `autoscaling.AutoScalingGroup` without a launch template "
        "(aws_autoscaling can encrypt only with a stated size, and a size below the AMI's snapshot fails the deployment)."
    )
    impact = (
        "UNSAFE: encryption is fixed when a volume is created: CloudFormation replaces the volume, or the instance "
        "whose block device mappings change (its root volume and data are new); a launch template's new version "
        "applies to instances launched afterwards."
    )
    calls = _KeywordFix.calls | {INSTANCE, BASTION, LAUNCH_TEMPLATE, AUTO_SCALING_GROUP}
    # After the declaration's own examples (the fix-effect harness names examples by index), before the
    # generated splat examples, which come last in every declared rule (and have no fixed text to prove).
    examples = [*_KeywordFix.examples[:-len(splat_examples(SPEC))], *_ROOT_EXAMPLES, *splat_examples(SPEC)]

    def visit_Call(self, node: cst.Call) -> None:
        target = self.resolve(node.func)
        if target not in (INSTANCE, BASTION, LAUNCH_TEMPLATE, AUTO_SCALING_GROUP):
            super().visit_Call(node)
            return
        if layout.keyword_arg(node, "block_devices") is not None:
            return  # the user's mappings: BlockDeviceVolume.ebs(...) inside them is the keyword fix's
        if target == AUTO_SCALING_GROUP and any(
            layout.keyword_arg(node, keyword) is not None for keyword in ("launch_template", "mixed_instances_policy")
        ):
            return  # the volumes come from the launch template, fixed (or reported) where it is made
        what = code(node.func)
        message = f"{what} without an encrypted root volume ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `block_devices` or `machine_image`", node)
            return
        if target == AUTO_SCALING_GROUP:
            self.report_without_fix(
                message,
                "aws_autoscaling encrypts a block device only with a stated size (BlockDeviceVolume.ebs(size, "
                "encrypted=True)), and a size below the AMI's snapshot fails the deployment: choose the size, or use a "
                "launch template",
                node,
            )
            return
        why = self._not_amazon_linux(node, target)
        if why:
            self.report_without_fix(message, f"{why}; the root device name differs by AMI (/dev/xvda on Amazon Linux)", node)
            return
        volume = (
            f"{self.ref(BLOCK_DEVICE_VOLUME)}(ebs_device={self.ref(EBS_DEVICE_PROPS)}(encrypted=True))"
        )
        devices = f'[{self.ref(BLOCK_DEVICE)}(device_name="{ROOT_DEVICE}", volume={volume})]'
        self.report(message, [self.set_keyword(node, "block_devices", devices)])

    def _not_amazon_linux(self, node: cst.Call, target: str) -> str:
        """Why the machine image is not known to be HVM Amazon Linux; "" when it is."""
        arg = layout.keyword_arg(node, "machine_image")
        if arg is None:
            if target == BASTION:
                return ""  # CDK's default for a bastion host: Amazon Linux 2 or 2023
            return "no `machine_image=`: the image comes from elsewhere"
        value = arg.value
        name = dotted_name(value) if not isinstance(value, cst.Call) else None
        if name is not None:
            try:
                value = assigned_once(self, name)
            except Unknown as reason:
                return f"the machine image {reason}"
        if not isinstance(value, cst.Call):
            return f"the machine image `{code(value)}` is not a call cdkfix can read"
        image = self.resolve(value.func)
        if image not in AMAZON_LINUX_IMAGES:
            return f"the machine image `{code(value.func)}(...)` is not one whose root device is known"
        if layout.has_double_star(value):
            return "a `**` splat in the machine image may choose a paravirtual image"
        virtualization = layout.keyword_arg(value, "virtualization")
        if virtualization is not None and self.resolve(virtualization.value) != HVM:
            return "the image's `virtualization=` is not `AmazonLinuxVirt.HVM` (paravirtual AMIs boot from /dev/sda1)"
        return ""


# The registry keeps every Rule class of the module: the generated base would be a second EC26.
del _KeywordFix

