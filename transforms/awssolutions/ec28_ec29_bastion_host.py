"""AwsSolutions-EC28 and -EC29 on `ec2.BastionHostLinux`: the setting through the escape hatch.

cdk-nag 3 flags the `AWS::EC2::Instance` a BastionHostLinux makes exactly as an `ec2.Instance`'s:
no detailed monitoring (EC28), no termination protection (EC29). The KeywordRule declarations of
transforms/awssolutions/keyword_rules.py write `detailed_monitoring=True` /
`disable_api_termination=True` on an `ec2.Instance(...)`, but BastionHostLinux takes neither
keyword (aws-cdk-lib 2.275, `inspect.signature`). Its `instance` property is the `ec2.Instance`
and that one's `instance` the `ec2.CfnInstance`, whose `monitoring` and
`disable_api_termination` are the L1 properties cdk-nag reads. So the fix is one statement after
the bastion's:

    bastion.instance.instance.monitoring = True                  # EC28
    bastion.instance.instance.disable_api_termination = True     # EC29

(a bare statement is bound to a name first, `bastion = ec2.BastionHostLinux(...)`; the two rules
share that name in one run). Each is a `Handoff` of its KeywordRule: one code, one rule, one
explain page for both shapes. Same safety as on an Instance (both unsafe).

Left alone: a file that already sets the attribute on this bastion's CfnInstance
(`<bastion>.instance.instance.<attribute> = ...` or `<bastion>.instance.node.default_child.<attribute>
= ...`, any value: also how a second run sees the fix). Reported without a fix: a `**` splat (the
house rule: cdkfix does not fix a call it cannot read whole), a call not made in a plain
statement or not bindable to a name, and an assignment to `.<attribute>` on something cdkfix
cannot tie to a construct (it may be this bastion's instance).

Not a rule: keyword_rules.py declares the rules and imports this module's handoffs.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.keyword_rule import Handoff
from cdkfix.names import dotted_name
from cdkfix.rule import Example, Rule

from cdkfix.transforms.awssolutions._scaffold import attribute_settings, in_plain_statement

BASTION = "aws_cdk.aws_ec2.BastionHostLinux"
# BastionHostLinux.instance -> ec2.Instance; Instance.instance -> ec2.CfnInstance (its default child).
_CFN_INSTANCE = (".instance.instance", ".instance.node.default_child")


def _visit(attribute: str, title: str):
    def visit(rule: Rule, node: cst.Call, qualified: str) -> None:
        what = code(node.func)
        message = f"{what}'s instance without `{attribute}` ({title})"
        if layout.has_double_star(node):
            rule.report_without_fix(message, "a `**` splat: cdkfix does not fix a call whose arguments it cannot see", node)
            return
        if not in_plain_statement(rule):
            rule.report_without_fix(message, "the call is not made in a plain statement a setting can follow", node)
            return
        bound = dotted_name(rule.bound_target(node))
        ours = {f"{bound}{suffix}" for suffix in _CFN_INSTANCE} if bound else set()
        # `<other name>.instance.instance` is another bastion's CfnInstance (no other CDK class has
        # an `instance` whose `instance` exists); a plain name or an expression may be this one's.
        tied, untied = attribute_settings(
            rule, bound, attribute, ours,
            lambda owner: owner is not None and owner.endswith(_CFN_INSTANCE),
        )
        if tied:
            return  # the user's setting, or this fix on a second run
        if untied:
            rule.report_without_fix(
                message,
                f"the file sets `{attribute}` on something cdkfix cannot tie to a construct (`{untied[0]}`): "
                "it may be this bastion's instance",
                node,
            )
            return
        found = rule.reference_to(node, "bastion")
        if found is None:
            rule.report_without_fix(message, "the bastion is not bound to a name the setting can use", node)
            return
        target, bind = found
        source = f"{target}.instance.instance.{attribute} = True"
        rule.report(message, [*bind, rule.insert_after(rule.current_statement, source)], node=node)

    return visit


def _examples(attribute: str) -> list[Example]:
    return [
        Example(
            name="BastionHostLinux bound to a name: set on its CfnInstance",
            before="""\
from aws_cdk import aws_ec2 as ec2

bastion = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)
""",
            after=f"""\
from aws_cdk import aws_ec2 as ec2

bastion = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)

bastion.instance.instance.{attribute} = True
""",
        ),
        Example(
            name="BastionHostLinux on a self attribute, import aws_cdk as cdk",
            before="""\
import aws_cdk as cdk

self.host = cdk.aws_ec2.BastionHostLinux(
    self, "Host", vpc=vpc, instance_type=cdk.aws_ec2.InstanceType("t3.nano")
)
""",
            after=f"""\
import aws_cdk as cdk

self.host = cdk.aws_ec2.BastionHostLinux(
    self, "Host", vpc=vpc, instance_type=cdk.aws_ec2.InstanceType("t3.nano")
)

self.host.instance.instance.{attribute} = True
""",
        ),
        Example(
            name="BastionHostLinux imported by name, a bare statement in a stack (keenangraham/cdk-redis): bound first",
            before="""\
import aws_cdk as cdk
from aws_cdk.aws_ec2 import BastionHostLinux, FlowLogOptions, Vpc


class BastionStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = Vpc(self, "Vpc", flow_logs={"FlowLogs": FlowLogOptions()})
        BastionHostLinux(self, "Bastion", vpc=vpc)
""",
            after=f"""\
import aws_cdk as cdk
from aws_cdk.aws_ec2 import BastionHostLinux, FlowLogOptions, Vpc


class BastionStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = Vpc(self, "Vpc", flow_logs={{"FlowLogs": FlowLogOptions()}})
        bastion = BastionHostLinux(self, "Bastion", vpc=vpc)
        bastion.instance.instance.{attribute} = True
""",
        ),
        Example(
            name="BastionHostLinux: left alone when the file sets it (any value), through either escape hatch",
            before=f"""\
from aws_cdk import aws_ec2 as ec2

bastion = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)
bastion.instance.instance.{attribute} = False
self.jump = ec2.BastionHostLinux(self, "Jump", vpc=vpc)
self.jump.instance.node.default_child.{attribute} = True
""",
        ),
        Example(
            name="BastionHostLinux reported without a fix: a splat, a call in a list, a setting cdkfix cannot tie",
            before=f"""\
from aws_cdk import aws_ec2 as ec2

ec2.BastionHostLinux(self, "Splat", vpc=vpc, **props)
hosts = [ec2.BastionHostLinux(self, "InList", vpc=vpc)]
bastion = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)
cfn_instance.{attribute} = True
""",
            flagged=True,
        ),
    ]


_SHARED = (
    " On `ec2.BastionHostLinux(...)`, which takes no such keyword: `<bastion>.instance.instance.{attribute} = True` "
    "(its ec2.Instance's CfnInstance) after the statement, a bare statement bound to a name first. Left alone: the "
    "file sets `{attribute}` on that bastion's `.instance.instance` or `.instance.node.default_child`. Reported "
    "without a fix: a `**` splat, a call not in a plain statement or not bindable, and an assignment to "
    "`.{attribute}` cdkfix cannot tie to a construct."
)

DETAILED_MONITORING = Handoff(
    calls=frozenset({BASTION}),
    visit=_visit("monitoring", "EC2 instance without detailed monitoring"),
    fix_text=_SHARED.format(attribute="monitoring"),
    examples=_examples("monitoring"),
)
TERMINATION_PROTECTION = Handoff(
    calls=frozenset({BASTION}),
    visit=_visit("disable_api_termination", "EC2 instance without termination protection"),
    fix_text=_SHARED.format(attribute="disable_api_termination"),
    examples=_examples("disable_api_termination"),
)
