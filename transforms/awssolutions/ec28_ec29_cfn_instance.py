"""AwsSolutions-EC28 and -EC29 on `ec2.CfnInstance`, the L1 instance, next to the bastion's shape.

cdk-nag 3 flags an `AWS::EC2::Instance` whose `Monitoring` is not true (EC28) or whose
`DisableApiTermination` is not true (EC29), whichever construct wrote it. The KeywordRule
declarations of transforms/awssolutions/keyword_rules.py fix `ec2.Instance(...)`
(`detailed_monitoring=` / `disable_api_termination=`) and hand `ec2.BastionHostLinux(...)` to
ec28_ec29_bastion_host.py; a `CfnInstance(...)` written by the user was left with neither a fix
nor a report (found on rafty/cdk-ec2-ssm, evalnew6b). Its keywords are the L1 properties cdk-nag
reads (aws-cdk-lib 2.275, `inspect.signature(ec2.CfnInstance)`): `monitoring` and
`disable_api_termination`, so the fix is the keyword, `=True`. Both properties update the
instance without interruption (CloudFormation's AWS::EC2::Instance reference), so nothing is
replaced; the safety is the Instance rule's (unsafe: billed metrics / a termination that fails).

Left alone: the keyword present with any value (the user's choice, and a second run). Reported
without a fix: a `**` splat, which may hold it.

Not a rule: keyword_rules.py declares EC28/EC29 with the bastion's handoff and then these (the
CfnInstance examples come after the bastion's, whose indexes keep their meaning).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.keyword_rule import Handoff
from cdkfix.rule import Example, Rule


CFN_INSTANCE = "aws_cdk.aws_ec2.CfnInstance"


def _visit(attribute: str, title: str):
    def visit(rule: Rule, node: cst.Call, qualified: str) -> None:
        if layout.keyword_arg(node, attribute) is not None:
            return  # the user's value, or this fix on a second run
        message = f"{code(node.func)} without `{attribute}` ({title})"
        if layout.has_double_star(node):
            rule.report_without_fix(message, f"a `**` splat may set `{attribute}`: cdkfix cannot see its keywords", node)
            return
        rule.report(message, [rule.set_keyword(node, attribute, "True")])

    return visit


def _examples(attribute: str) -> list[Example]:
    return [
        Example(
            name="ec2.CfnInstance (rafty/cdk-ec2-ssm): the L1 property, True",
            before="""\
from aws_cdk import aws_ec2 as ec2

ec2.CfnInstance(self, "Instance", image_id="ami-12345678", instance_type="t3.micro")
""",
            after=f"""\
from aws_cdk import aws_ec2 as ec2

ec2.CfnInstance(self, "Instance", image_id="ami-12345678", instance_type="t3.micro", {attribute}=True)
""",
        ),
        Example(
            name="CfnInstance imported by name: left alone when it states the property (any value)",
            before=f"""\
from aws_cdk.aws_ec2 import CfnInstance

CfnInstance(self, "Instance", image_id="ami-12345678", instance_type="t3.micro", {attribute}=False)
""",
        ),
        Example(
            name="CfnInstance with a splat: reported without a fix",
            before="""\
import aws_cdk as cdk

cdk.aws_ec2.CfnInstance(self, "Instance", **props)
""",
            flagged=True,
        ),
    ]


_TEXT = (
    " On `ec2.CfnInstance(...)`: `{attribute}=True`, the L1 property (left alone when present, any value; "
    "a `**` splat is reported without a fix)."
)


def _handoff(attribute: str, title: str) -> Handoff:
    return Handoff(
        calls=frozenset({CFN_INSTANCE}),
        visit=_visit(attribute, title),
        fix_text=_TEXT.format(attribute=attribute),
        examples=_examples(attribute),
    )


DETAILED_MONITORING = _handoff("monitoring", "EC2 instance without detailed monitoring")
TERMINATION_PROTECTION = _handoff("disable_api_termination", "EC2 instance without termination protection")
