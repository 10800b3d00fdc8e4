"""AwsSolutions-ELB3: a Classic Load Balancer without connection draining gets it, with AWS's timeout.

cdk-nag 3 (src/rules/elb/CLBConnectionDraining.ts) flags an AWS::ElasticLoadBalancing::LoadBalancer
(`CfnLoadBalancer`) whose `connectionDrainingPolicy` attribute is absent or whose `enabled` is not
`true`. It reads the L1 attribute: a raw `add_property_override("ConnectionDrainingPolicy...")`
is not seen.

- `elasticloadbalancing.LoadBalancer(...)` (the L2) has no connection draining keyword in
  aws-cdk-lib 2.275 (`inspect.signature`): after its statement (a bare one is bound to a name
  first) the fix sets the L1 attribute through CDK's escape hatch,
  `<lb>.node.default_child.connection_draining_policy = elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=True, timeout=300)`;
- `elasticloadbalancing.CfnLoadBalancer(...)` without `connection_draining_policy=` gets the same
  property as a keyword.

300 seconds is the timeout Elastic Load Balancing uses when draining is enabled without one (User
Guide for Classic Load Balancers, "Configure connection draining": 1 to 3,600 seconds, default
300); it is written so the template says what runs.

Left alone: a stated `connection_draining_policy=` that may be enabled, an L2 whose draining the
file sets later (`<lb>.node.default_child.connection_draining_policy = ...`, how a second run sees
this fix) or an L1 whose `<lb>.connection_draining_policy = ...` it sets. Reported without a fix: a
stated policy with a literal `enabled=False` (the user turned it off), a `**` splat, a file that
sets a `connection_draining_policy` cdkfix cannot tie to the load balancer, or overrides
`ConnectionDrainingPolicy` with `add_property_override` (cdk-nag does not see overrides: set the
attribute instead), no plain name, scope and statement for the L2.

UNSAFE: a running service changes. An instance that deregisters (scale-in, a deployment) or fails
its health check keeps its in-flight requests for up to 300 seconds instead of having its
connections closed at once; instance terminations and rolling deployments wait for that. The
property updates without interruption (CloudFormation's resource schema: not create-only).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.traverse import nodes_within

from cdkfix.transforms.awssolutions._scaffold import attribute_settings, in_plain_statement, name_scope

LOAD_BALANCER = "aws_cdk.aws_elasticloadbalancing.LoadBalancer"
CFN_LOAD_BALANCER = "aws_cdk.aws_elasticloadbalancing.CfnLoadBalancer"
DRAINING = "aws_cdk.aws_elasticloadbalancing.CfnLoadBalancer.ConnectionDrainingPolicyProperty"
KEYWORD = "connection_draining_policy"
OVERRIDE = "ConnectionDrainingPolicy"
# Elastic Load Balancing's timeout when draining is enabled without one (seconds).
TIMEOUT = 300
_ESCAPE_HATCH = ".node.default_child"

_CFN_ARGS = 'self, "Clb", listeners=[elb.CfnLoadBalancer.ListenersProperty(instance_port="80", load_balancer_port="80", protocol="TCP")], availability_zones=["us-east-1a"]'


class Elb3ClbConnectionDraining(Rule):
    code = "AwsSolutions-ELB3"
    name = "awssolutions-clb-connection-draining"
    title = "Classic Load Balancer without connection draining"
    category = Category.CONFIGURATION
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-ELB3: The CLB does not have connection draining enabled. When an instance deregisters or "
        "fails its health check, its in-flight requests are cut off."
    )
    fix = (
        "After an `elasticloadbalancing.LoadBalancer(...)` statement (a bare one is bound to a name first): "
        "`<lb>.node.default_child.connection_draining_policy = elasticloadbalancing.CfnLoadBalancer."
        "ConnectionDrainingPolicyProperty(enabled=True, timeout=300)` (the L2 has no keyword for it); on a "
        "`CfnLoadBalancer`, `connection_draining_policy=` with the same property. 300 s is ELB's own timeout when "
        "draining is enabled. Left alone: a stated policy that may be enabled, or draining the file sets on the load "
        "balancer later. Reported without a fix: a literal `enabled=False`, a `**` splat, a `connection_draining_policy` "
        "the file sets on something cdkfix cannot tie to the load balancer, an `add_property_override` of "
        "ConnectionDrainingPolicy (cdk-nag does not read overrides), no plain name, scope and statement."
    )
    impact = (
        "UNSAFE: a running service changes: a deregistering or unhealthy instance keeps serving its in-flight requests "
        "for up to 300 seconds, and scale-in and deployments wait for them. Updated in place."
    )
    calls = frozenset({LOAD_BALANCER, CFN_LOAD_BALANCER})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_elasticloadbalancing as elb

lb = elb.LoadBalancer(self, "Clb", vpc=vpc, internet_facing=True)
""",
            after="""\
from aws_cdk import aws_elasticloadbalancing as elb

lb = elb.LoadBalancer(self, "Clb", vpc=vpc, internet_facing=True)

lb.node.default_child.connection_draining_policy = (
    elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=True, timeout=300)
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, inside a stack",
            before="""\
import aws_cdk as cdk


class WebStack(cdk.Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.clb = cdk.aws_elasticloadbalancing.LoadBalancer(self, "Clb", vpc=vpc)
        self.clb.add_listener(external_port=80)
""",
            after="""\
import aws_cdk as cdk


class WebStack(cdk.Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.clb = cdk.aws_elasticloadbalancing.LoadBalancer(self, "Clb", vpc=vpc)
        self.clb.node.default_child.connection_draining_policy = cdk.aws_elasticloadbalancing.CfnLoadBalancer.ConnectionDrainingPolicyProperty(
            enabled=True, timeout=300
        )
        self.clb.add_listener(external_port=80)
""",
        ),
        Example(
            name="class imported by name, a bare statement",
            before="""\
from aws_cdk.aws_elasticloadbalancing import LoadBalancer

LoadBalancer(self, "Clb", vpc=vpc)
""",
            after="""\
from aws_cdk.aws_elasticloadbalancing import LoadBalancer
from aws_cdk import aws_elasticloadbalancing as elasticloadbalancing

load_balancer = LoadBalancer(self, "Clb", vpc=vpc)

load_balancer.node.default_child.connection_draining_policy = (
    elasticloadbalancing.CfnLoadBalancer.ConnectionDrainingPolicyProperty(
        enabled=True, timeout=300
    )
)
""",
        ),
        Example(
            name="L1 CfnLoadBalancer",
            before=f"""\
from aws_cdk import aws_elasticloadbalancing as elb

elb.CfnLoadBalancer({_CFN_ARGS})
""",
            after=f"""\
from aws_cdk import aws_elasticloadbalancing as elb

elb.CfnLoadBalancer({_CFN_ARGS}, connection_draining_policy=elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(
    enabled=True, timeout=300
))
""",
        ),
        Example(
            name="left alone: draining stated or set later in the file",
            before="""\
from aws_cdk import aws_elasticloadbalancing as elb

lb = elb.LoadBalancer(self, "A", vpc=vpc)
lb.node.default_child.connection_draining_policy = elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=True)
cfn = elb.CfnLoadBalancer(self, "B", listeners=listeners)
cfn.connection_draining_policy = {"enabled": True, "timeout": 60}
elb.CfnLoadBalancer(self, "C", listeners=listeners, connection_draining_policy=policy, **props)
elb.CfnLoadBalancer(self, "D", listeners=listeners, connection_draining_policy={"enabled": enabled})
""",
        ),
        Example(
            name="reported without a fix: turned off, a splat, an override, an untied setting, no statement",
            before="""\
from aws_cdk import aws_elasticloadbalancing as elb

elb.CfnLoadBalancer(self, "A", listeners=listeners, connection_draining_policy=elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=False))
elb.CfnLoadBalancer(self, "B", listeners=listeners, connection_draining_policy={"enabled": False, "timeout": 60})
elb.LoadBalancer(self, "C", **props)
lbs = [elb.LoadBalancer(self, name, vpc=vpc) for name in names]
""",
            flagged=True,
        ),
        Example(
            name="reported without a fix: the draining is set where cdkfix cannot tie it, or overridden",
            before="""\
from aws_cdk import aws_elasticloadbalancing as elb

lb = elb.LoadBalancer(self, "A", vpc=vpc)
cfn_lb = lb.node.default_child
cfn_lb.connection_draining_policy = elb.CfnLoadBalancer.ConnectionDrainingPolicyProperty(enabled=True)
other = elb.CfnLoadBalancer(self, "B", listeners=listeners)
other.add_property_override("ConnectionDrainingPolicy.Enabled", True)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified not in self.calls:
            return
        is_l1 = qualified == CFN_LOAD_BALANCER
        what = code(node.func)
        message = f"{what} without connection draining ({self.title})"
        stated = layout.keyword_arg(node, KEYWORD) if is_l1 else None
        if stated is not None:
            # The user's policy, also beside a splat (Python refuses the keyword twice).
            if _disabled(stated.value):
                self.report_without_fix(
                    message, "the stated policy says `enabled=False`: draining turned off is the user's choice", node
                )
            return
        if layout.has_double_star(node):
            self.report_without_fix(message, f"a `**` splat may set `{KEYWORD}`" if is_l1 else "a `**` splat", node)
            return
        bound = dotted_name(self.bound_target(node))
        tied, untied = self._settings(bound, is_l1)
        if tied:
            return  # the user's escape hatch, or this fix on a second run
        if untied:
            self.report_without_fix(
                message,
                f"the file sets connection draining where cdkfix cannot tie it to a load balancer (`{untied[0]}`): it may "
                "be this one's; cdk-nag reads the L1 attribute only (an `add_property_override` is not seen)",
                node,
            )
            return
        if is_l1:
            value = f"{self.ref(DRAINING)}(enabled=True, timeout={TIMEOUT})"
            self.report(message, [self.set_keyword(node, KEYWORD, value)])
            return
        found = self.reference_to(node, "load_balancer") if in_plain_statement(self) else None
        if found is None:
            self.report_without_fix(message, "no plain name and statement to set the draining policy after", node)
            return
        lb, bind = found
        source = f"{lb}{_ESCAPE_HATCH}.{KEYWORD} = {self.ref(DRAINING)}(enabled=True, timeout={TIMEOUT})"
        self.report(message, [*bind, self.insert_after(self.current_statement, source)], node=node)

    def _settings(self, lb: str | None, is_l1: bool) -> tuple[list[str], list[str]]:
        """Where the file sets connection draining after the fact, in the scope the load balancer's
        name is visible in (its function, or its class for a `self.` attribute, else the module):
        (settings on this load balancer, settings cdkfix cannot tie to it), as source text.
        A `<x>.connection_draining_policy = ...` whose owner is another load balancer bound in
        the file is neither; an `add_property_override` of ConnectionDrainingPolicy always counts
        as untied (cdk-nag does not see it)."""
        where = name_scope(self, lb)
        ours = set()
        if lb is not None:
            ours = {lb} if is_l1 else {f"{lb}{_ESCAPE_HATCH}"}
        others = self._other_load_balancers(where, lb)
        tied, untied = attribute_settings(self, lb, KEYWORD, ours, others.__contains__)
        for call in nodes_within(where, cst.Call):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "add_property_override" and call.args:
                path = string_value(call.args[0].value)
                if path is not None and path.split(".", 1)[0] == OVERRIDE:
                    untied.append(code(call))
        return tied, untied

    def _other_load_balancers(self, where: cst.CSTNode, lb: str | None) -> set[str]:
        """What a setting may name for another load balancer the file binds in `where`: `x` for
        a CfnLoadBalancer, `x.node.default_child` for a LoadBalancer."""
        found = set()
        for assign in nodes_within(where, cst.Assign):
            if len(assign.targets) != 1 or not isinstance(assign.value, cst.Call):
                continue
            name = dotted_name(assign.targets[0].target)
            if name is None or name == lb:
                continue
            qualified = self.resolve(assign.value.func)
            if qualified == CFN_LOAD_BALANCER:
                found.add(name)
            elif qualified == LOAD_BALANCER:
                found.add(f"{name}{_ESCAPE_HATCH}")
        return found


def _disabled(value: cst.BaseExpression) -> bool:
    """True when a ConnectionDrainingPolicyProperty call or dict literal says `enabled=False`."""
    enabled = None
    if isinstance(value, cst.Call):
        arg = layout.keyword_arg(value, "enabled")
        enabled = arg.value if arg is not None else None
    elif isinstance(value, cst.Dict):
        for item in value.elements:
            if isinstance(item, cst.DictElement) and string_value(item.key) == "enabled":
                enabled = item.value
    return isinstance(enabled, cst.Name) and enabled.value == "False"
