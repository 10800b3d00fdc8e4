"""AwsSolutions-AS2: an Auto Scaling group on ELB health checks only, without a grace period, gets 300 seconds.

cdk-nag 3 (src/rules/autoscaling/AutoScalingGroupHealthCheck.ts) flags a CfnAutoScalingGroup whose
`healthCheckType` is exactly the string "ELB" and whose `healthCheckGracePeriod` is undefined.
Nothing else: EC2 checks, a combined type ("EC2,ELB", "ELB,EBS") or any stated grace period (0
included) pass.

What aws-cdk-lib 2.275 code produces that shape (aws-autoscaling/lib/auto-scaling-group.js,
`renderHealthChecks`):
- `health_checks=autoscaling.HealthChecks.with_additional_checks(additional_types=[AdditionalHealthCheckType.ELB])`
  without `grace_period=`: CDK writes the additional types as given (it does not add EC2), joined
  with ",": "ELB", and no grace period. The fix adds `grace_period=Duration.seconds(300)` to that
  call, wherever it is written (inline in the group or bound to a name first);
- `autoscaling.CfnAutoScalingGroup(health_check_type="ELB")` without `health_check_grace_period=`:
  the fix adds `health_check_grace_period=300`.
The deprecated `HealthCheck.elb(grace=...)` requires its grace (jsii refuses the call without it)
and `HealthChecks.ec2()` writes "EC2": never flagged, not visited.

300 seconds: the grace period the Auto Scaling console gives a new group (Amazon EC2 Auto Scaling
User Guide, "Set the health check grace period": 300 in the console, 0 through the CLI, an SDK or
CloudFormation, where 0 turns the grace period off). 0 would clear the finding without changing
anything deployed, which is hiding it, not fixing it: a group on ELB checks alone with no grace
period terminates instances that are still starting as soon as the load balancer finds them
unhealthy. The value is the console's default, not a measurement of the application's boot time:
the fix message says to tune it.

Left alone: a stated grace period (any value), other health check types, a literal list with more
than one type. Reported without a fix: `additional_types=` or `health_check_type=` that is not a
literal (it may be ELB alone), `grace_period=None` (stated, and flagged), a `**` splat (in the
`with_additional_checks` call of ELB alone, in a CfnAutoScalingGroup with `health_check_type="ELB"`
or without `health_check_type=`).

UNSAFE: a running service changes: for 300 seconds after an instance enters service, Auto Scaling
no longer replaces it on a failing ELB health check (a broken instance serves, or stays out of the
load balancer, for up to five minutes). HealthCheckGracePeriod updates without interruption.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

WITH_ADDITIONAL_CHECKS = "aws_cdk.aws_autoscaling.HealthChecks.with_additional_checks"
ELB_TYPE = "aws_cdk.aws_autoscaling.AdditionalHealthCheckType.ELB"
CFN_GROUP = "aws_cdk.aws_autoscaling.CfnAutoScalingGroup"
DURATION_SECONDS = "aws_cdk.Duration.seconds"
# The Auto Scaling console's default grace period for a new group (seconds).
GRACE = 300
_TUNE = "300 s is the Auto Scaling console's default: set it to the time an instance takes to pass its first check"

_INSTANCE = 'self, "Fleet", vpc=vpc, instance_type=ec2.InstanceType("t3.micro"), machine_image=ec2.MachineImage.latest_amazon_linux2023()'
_CFN_ARGS = 'self, "Fleet", max_size="1", min_size="0", availability_zones=["us-east-1a"]'


class As2AsgHealthCheckGrace(Rule):
    code = "AwsSolutions-AS2"
    name = "awssolutions-asg-health-check-grace"
    title = "Auto Scaling group on ELB health checks without a grace period"
    category = Category.CONFIGURATION
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-AS2: The Auto Scaling Group does not have properly configured health checks: ELB "
        "health checks without a grace period. Instances still starting fail the load balancer's check and are "
        "terminated and replaced, possibly in a loop."
    )
    fix = (
        "Adds `grace_period=Duration.seconds(300)` to `autoscaling.HealthChecks.with_additional_checks("
        "additional_types=[AdditionalHealthCheckType.ELB])` (CDK writes HealthCheckType \"ELB\" for it) and "
        "`health_check_grace_period=300` to a `CfnAutoScalingGroup` with `health_check_type=\"ELB\"`; 300 s is the "
        "Auto Scaling console's default (the API's, 0, turns the grace period off). Left alone: a stated grace "
        "period, other or combined types. Reported without a fix: types that are not literal, `grace_period=None`, "
        "a `**` splat."
    )
    impact = (
        "UNSAFE: a running service changes: for 300 seconds after entering service an instance is not replaced on a "
        "failing ELB health check. Updated in place."
    )
    calls = frozenset({WITH_ADDITIONAL_CHECKS, CFN_GROUP})
    examples = [
        Example(
            name="module alias, inline in the group",
            before=f"""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2

autoscaling.AutoScalingGroup(
    {_INSTANCE},
    health_checks=autoscaling.HealthChecks.with_additional_checks(
        additional_types=[autoscaling.AdditionalHealthCheckType.ELB]
    ),
)
""",
            after=f"""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2
from aws_cdk import Duration

autoscaling.AutoScalingGroup(
    {_INSTANCE},
    health_checks=autoscaling.HealthChecks.with_additional_checks(
        additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
        grace_period=Duration.seconds(300)
    ),
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, the checks bound to a name first",
            before="""\
import aws_cdk as cdk

checks = cdk.aws_autoscaling.HealthChecks.with_additional_checks(additional_types=[cdk.aws_autoscaling.AdditionalHealthCheckType.ELB])
fleet = cdk.aws_autoscaling.AutoScalingGroup(
    self, "Fleet", vpc=vpc, instance_type=cdk.aws_ec2.InstanceType("t3.micro"),
    machine_image=cdk.aws_ec2.MachineImage.latest_amazon_linux2023(), health_checks=checks,
)
""",
            after="""\
import aws_cdk as cdk

checks = cdk.aws_autoscaling.HealthChecks.with_additional_checks(additional_types=[cdk.aws_autoscaling.AdditionalHealthCheckType.ELB], grace_period=cdk.Duration.seconds(300))
fleet = cdk.aws_autoscaling.AutoScalingGroup(
    self, "Fleet", vpc=vpc, instance_type=cdk.aws_ec2.InstanceType("t3.micro"),
    machine_image=cdk.aws_ec2.MachineImage.latest_amazon_linux2023(), health_checks=checks,
)
""",
        ),
        Example(
            name="classes imported by name",
            before=f"""\
from aws_cdk import aws_ec2 as ec2
from aws_cdk.aws_autoscaling import AdditionalHealthCheckType, AutoScalingGroup, HealthChecks

AutoScalingGroup({_INSTANCE}, health_checks=HealthChecks.with_additional_checks(additional_types=[AdditionalHealthCheckType.ELB]))
""",
            after=f"""\
from aws_cdk import aws_ec2 as ec2
from aws_cdk.aws_autoscaling import AdditionalHealthCheckType, AutoScalingGroup, HealthChecks
from aws_cdk import Duration

AutoScalingGroup({_INSTANCE}, health_checks=HealthChecks.with_additional_checks(additional_types=[AdditionalHealthCheckType.ELB], grace_period=Duration.seconds(300)))
""",
        ),
        Example(
            name="L1 CfnAutoScalingGroup",
            before=f"""\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.CfnAutoScalingGroup({_CFN_ARGS}, health_check_type="ELB")
""",
            after=f"""\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.CfnAutoScalingGroup({_CFN_ARGS}, health_check_type="ELB", health_check_grace_period=300)
""",
        ),
        Example(
            name="left alone: a grace period stated, other or combined types",
            before="""\
from aws_cdk import Duration, aws_autoscaling as autoscaling

autoscaling.HealthChecks.with_additional_checks(
    additional_types=[autoscaling.AdditionalHealthCheckType.ELB], grace_period=Duration.seconds(0)
)
autoscaling.HealthChecks.with_additional_checks(
    additional_types=[autoscaling.AdditionalHealthCheckType.ELB, autoscaling.AdditionalHealthCheckType.EBS]
)
autoscaling.HealthChecks.with_additional_checks(additional_types=[autoscaling.AdditionalHealthCheckType.EBS])
autoscaling.HealthChecks.ec2()
autoscaling.HealthCheck.elb(grace=Duration.minutes(5))
autoscaling.CfnAutoScalingGroup(self, "A", max_size="1", min_size="0", health_check_type="EC2")
autoscaling.CfnAutoScalingGroup(self, "B", max_size="1", min_size="0", health_check_type="ELB", health_check_grace_period=60)
autoscaling.CfnAutoScalingGroup(self, "C", max_size="1", min_size="0", health_check_type=kind, health_check_grace_period=60)
""",
        ),
        Example(
            name="reported without a fix: types not literal, grace_period=None, a splat",
            before="""\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.HealthChecks.with_additional_checks(additional_types=types)
autoscaling.HealthChecks.with_additional_checks(additional_types=[autoscaling.AdditionalHealthCheckType.ELB], grace_period=None)
autoscaling.HealthChecks.with_additional_checks(additional_types=[autoscaling.AdditionalHealthCheckType.ELB], **options)
autoscaling.CfnAutoScalingGroup(self, "A", max_size="1", min_size="0", health_check_type=kind)
autoscaling.CfnAutoScalingGroup(self, "B", max_size="1", min_size="0", **props)
autoscaling.CfnAutoScalingGroup(self, "C", max_size="1", min_size="0", health_check_type="ELB", **props)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == WITH_ADDITIONAL_CHECKS:
            self._additional_checks(node)
        elif qualified == CFN_GROUP:
            self._cfn_group(node)

    def _additional_checks(self, node: cst.Call) -> None:
        message = f"{code(node.func)}: ELB health checks only, without a grace period ({self.code})"
        grace = layout.keyword_arg(node, "grace_period")
        types = layout.keyword_arg(node, "additional_types")
        elb_only = self._elb_only(types.value) if types is not None else False
        if elb_only is False:
            return  # other or combined types: HealthCheckType is not "ELB"
        if grace is not None:
            if isinstance(grace.value, cst.Name) and grace.value.value == "None":
                self.report_without_fix(message, "`grace_period=None` is stated: no grace period is written", node)
            return
        if elb_only is None:
            self.report_without_fix(message, "cdkfix cannot read `additional_types=`: it may be ELB alone", node)
            return
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `grace_period`", node)
            return
        value = f"{self.ref(DURATION_SECONDS)}({GRACE})"
        self.report(f"{message}; {_TUNE}", [self.set_keyword(node, "grace_period", value)])

    def _elb_only(self, value: cst.BaseExpression) -> bool | None:
        """True for a literal list of AdditionalHealthCheckType.ELB alone, False for a literal
        list of anything else, None when cdkfix cannot read it."""
        if not isinstance(value, (cst.List, cst.Tuple)):
            return None
        if any(not isinstance(element, cst.Element) for element in value.elements):
            return None
        if len(value.elements) != 1:
            return False
        return self.resolve(value.elements[0].value) == ELB_TYPE

    def _cfn_group(self, node: cst.Call) -> None:
        message = f"{code(node.func)} with ELB health checks without a grace period ({self.code})"
        if layout.keyword_arg(node, "health_check_grace_period") is not None:
            return
        kind = layout.keyword_arg(node, "health_check_type")
        if kind is None:
            if layout.has_double_star(node):
                self.report_without_fix(message, "a `**` splat may set `health_check_type=\"ELB\"`", node)
            return
        text = string_value(kind.value)
        if text is None:
            self.report_without_fix(message, "cdkfix cannot read `health_check_type=`: it may be \"ELB\"", node)
            return
        if text != "ELB":
            return
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `health_check_grace_period`", node)
            return
        self.report(f"{message}; {_TUNE}", [self.set_keyword(node, "health_check_grace_period", str(GRACE))])
