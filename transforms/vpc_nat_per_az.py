"""CDK-A2: VPC with fewer NAT gateways than availability zones."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import value_of

VPC = "aws_cdk.aws_ec2.Vpc"
POLICIES = ("per-az",)
# What CDK gives an environment-agnostic stack (no account/region known at synth time).
AGNOSTIC_AZS = 2


def _int_literal(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        value = node.evaluated_value
        return value if isinstance(value, int) else None
    return None


class VpcNatPerAz(Rule):
    code = "CDK-A2"
    name = "vpc-nat-per-az"
    title = "VPC Single NAT Gateway Creates Single Point of Failure"
    category = Category.CRITICAL
    kind = Kind.HIGH_AVAILABILITY
    # Adds NAT gateways, each billed per hour and per GB (docs/ci.md: a fix that adds cost is unsafe).
    safety = Safety.UNSAFE
    issue = (
        "The VPC spreads its private subnets over more availability zones than it has NAT gateways, so the "
        "private subnets of several AZs route their outbound traffic through a NAT gateway in another AZ. When "
        "that AZ or its NAT gateway fails, every private subnet behind it loses internet access (ECR image "
        "pulls, AWS API calls), and the VPC pays cross-AZ data transfer the rest of the time."
    )
    fix = (
        "Sets `nat_gateways` to the VPC's AZ count, one NAT gateway per AZ: `max_azs` when it is an integer, "
        "or the same name/attribute when `max_azs` is one (`nat_gateways=az_count`); the length of a literal "
        "`availability_zones` list; 2 when neither is given (what an environment-agnostic stack gets; a stack "
        "with a concrete env may get 3 and then still needs `max_azs`). `nat_gateways=0` (no NAT on purpose), "
        "and a missing `nat_gateways` (CDK's default is already one per AZ) are left alone. A count held in a name "
        "is followed to its one assignment (a local variable, or a module constant no function rebinds: "
        "`NAT_GATEWAYS = 1`) and the call gets the literal. A NAT or AZ count known only at run time (a "
        "conditional, a parameter, an attribute, `len(zones)`, a `**kwargs` splat that may set `max_azs`) is "
        "reported without a fix. "
        "`max_azs` and `subnet_configuration` are kept as written. A VPC with a `nat_gateway_provider=` (e.g. "
        "`ec2.NatProvider.instance(...)`, NAT instances chosen on purpose) is reported without a fix: how many "
        "NAT instances or gateways it should run is the owner's decision."
    )
    impact = (
        "UNSAFE (adds cost): removes the NAT single point of failure. Cost: each extra NAT gateway is billed per hour (about USD 0.045/h, "
        "~USD 32/month in us-east-1) plus per GB processed, and takes one Elastic IP; in exchange the cross-AZ "
        "transfer of private-subnet traffic stops."
    )
    options = {"policy": "per-az"}
    calls = frozenset({VPC})
    examples = [
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2

vpc = ec2.Vpc(
    self,
    f"Vpc{environment_suffix}",
    max_azs=2,
    nat_gateways=1  # Single point of failure
)
""",
            after="""\
from aws_cdk import aws_ec2 as ec2

vpc = ec2.Vpc(
    self,
    f"Vpc{environment_suffix}",
    max_azs=2,
    nat_gateways=2
)
""",
            name="seed layout, trailing comment on the last argument",
        ),
        Example(
            before="""\
import aws_cdk as cdk

network = cdk.aws_ec2.Vpc(self, "Network", nat_gateways=1, max_azs=3)
""",
            after="""\
import aws_cdk as cdk

network = cdk.aws_ec2.Vpc(self, "Network", nat_gateways=3, max_azs=3)
""",
            name="one-line call through the root module",
        ),
        Example(
            before="""\
from aws_cdk.aws_ec2 import Vpc

self.vpc = Vpc(
    self,
    "Vpc",
    nat_gateways=1,
)
""",
            after="""\
from aws_cdk.aws_ec2 import Vpc

self.vpc = Vpc(
    self,
    "Vpc",
    nat_gateways=2,
)
""",
            name="no max_azs: two AZs assumed, trailing comma",
        ),
        Example(
            before="""\
import aws_cdk.aws_ec2 as ec2

vpc = ec2.Vpc(
    self,
    "Vpc",
    max_azs=props.az_count,
    nat_gateways=1,  # cost saving
)
""",
            after="""\
import aws_cdk.aws_ec2 as ec2

vpc = ec2.Vpc(
    self,
    "Vpc",
    max_azs=props.az_count,
    nat_gateways=props.az_count,
)
""",
            name="max_azs given as an attribute",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2

ec2.Vpc(self, "Vpc", availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"], nat_gateways=2)
""",
            after="""\
from aws_cdk import aws_ec2 as ec2

ec2.Vpc(self, "Vpc", availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"], nat_gateways=3)
""",
            name="explicit availability_zones list",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2

ec2.Vpc(self, "PerAz", max_azs=2, nat_gateways=2)
ec2.Vpc(self, "Default", max_azs=3)
ec2.Vpc(self, "NoNat", max_azs=2, nat_gateways=0)
ec2.Vpc(self, "Splat", **vpc_props)
ec2.Vpc(self, "Instances", max_azs=2, nat_gateways=2, nat_gateway_provider=ec2.NatProvider.instance(instance_type=t3))
""",
            name="already per AZ, CDK default, no NAT on purpose, a splat with no NAT count in sight",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2

vpc = ec2.Vpc(
    self,
    "Vpc",
    max_azs=2,
    nat_gateways=1,
    nat_gateway_provider=ec2.NatProvider.instance(instance_type=ec2.InstanceType("t3.micro")),
)
""",
            flagged=True,
            name="NAT instance chosen on purpose: reported without a fix",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2
from network.model import Vpc

Vpc("office", max_azs=2, nat_gateways=1)
ec2.Subnet(self, "Subnet", vpc_id=vpc_id, availability_zone="us-east-1a", cidr_block="10.0.0.0/24")
""",
            name="non-CDK Vpc look-alike",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2
from constructs import Construct

NAT_GATEWAYS = 1  # one shared NAT gateway keeps the bill down


class Network(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.vpc = aws_ec2.Vpc(
            scope=self,
            id="Vpc",
            max_azs=2,
            nat_gateways=NAT_GATEWAYS,
        )
""",
            after="""\
from aws_cdk import aws_ec2
from constructs import Construct

NAT_GATEWAYS = 1  # one shared NAT gateway keeps the bill down


class Network(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.vpc = aws_ec2.Vpc(
            scope=self,
            id="Vpc",
            max_azs=2,
            nat_gateways=2,
        )
""",
            name="module constant through a name, plain Construct, module imported unaliased, scope=/id= keywords",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2
from constructs import Construct


def network(scope: Construct) -> ec2.Vpc:
    return ec2.Vpc(scope, "Network", max_azs=3, nat_gateways=1)
""",
            after="""\
from aws_cdk import aws_ec2 as ec2
from constructs import Construct


def network(scope: Construct) -> ec2.Vpc:
    return ec2.Vpc(scope, "Network", max_azs=3, nat_gateways=3)
""",
            name="helper function returning the VPC, scope passed in",
        ),
        Example(
            before="""\
from aws_cdk.aws_ec2 import Vpc

nat_gateways = 1
vpc = Vpc(stack, "vpc", vpc_name="my-vpc", nat_gateways=nat_gateways, max_azs=2)
""",
            after="""\
from aws_cdk.aws_ec2 import Vpc

nat_gateways = 1
vpc = Vpc(stack, "vpc", vpc_name="my-vpc", nat_gateways=2, max_azs=2)
""",
            name="app.py script: VPC in a Stack made by the script, NAT count in a variable",
        ),
        Example(
            before="""\
from aws_cdk import aws_ec2 as ec2


def network(scope, environment, props, zones):
    nat_gateways = 3 if environment == "production" else 1
    ec2.Vpc(scope, "Vpc", max_azs=3, nat_gateways=nat_gateways)
    ec2.Vpc(scope, "Splat", nat_gateways=1, **props.vpc)
    ec2.Vpc(scope, "Computed", max_azs=len(zones), nat_gateways=1)
    ec2.Vpc(scope, "Zones", availability_zones=zones, nat_gateways=1)
    ec2.Vpc(scope, "Parameter", max_azs=2, nat_gateways=props.nat_count)
""",
            flagged=True,
            name="NAT or AZ count known only at run time (conditional, splat, computed, parameter): reported without a fix",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        if self.settings["policy"] not in POLICIES:
            raise ValueError(
                f"{self.code}: option policy must be one of {', '.join(map(repr, POLICIES))}, got {self.settings['policy']!r}"
            )

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != VPC:
            return
        nat_arg = layout.keyword_arg(node, "nat_gateways")
        if nat_arg is None:
            return  # CDK's default: one NAT gateway per AZ (or whatever a splat says: no flaw in sight)
        nat = _int_literal(nat_arg.value)
        held = None  # the name the NAT count is held in (`nat_gateways=nat_count`, `NAT_GATEWAYS = 1`)
        if nat is None and isinstance(nat_arg.value, cst.Name):
            held = nat_arg.value.value
            nat = _int_literal(value_of(self, nat_arg.value))
        if nat == 0:
            return  # no NAT on purpose
        splat = layout.has_double_star(node)
        target, reason = (None, "") if splat else self._az_count(node)
        if isinstance(target, int) and nat is not None and nat >= target:
            return
        if isinstance(target, str) and target == code(nat_arg.value):
            return  # nat_gateways=az_count with max_azs=az_count: one per AZ, whatever the count
        if nat is None or target is None:
            # Some NAT gateways, but how many, or over how many AZs, is decided at run time.
            unknown = (
                "a `**` splat, which may set max_azs or availability_zones" if splat
                else "an AZ count computed at run time" if target is None
                else f"`{code(nat_arg.value)}`, a value computed at run time"
            )
            self.report_without_fix(
                f"nat_gateways={code(nat_arg.value)}: cdkfix cannot tell whether the VPC has one NAT gateway per AZ",
                f"the NAT count or the AZ count comes from {unknown}: make sure nat_gateways equals the number "
                "of AZs (or leave nat_gateways out: CDK's default is one per AZ)",
                node,
            )
            return
        if isinstance(target, int):
            if nat >= target:
                return
            value = str(target)
        else:
            value = target
        provider = layout.keyword_arg(node, "nat_gateway_provider")
        if provider is not None:
            self.report_without_fix(
                f"nat_gateways={nat} with {reason}: fewer NAT gateways than AZs",
                f"the VPC has nat_gateway_provider={code(provider.value)}, chosen on purpose: set nat_gateways "
                f"to {value} yourself if one NAT per AZ is worth its cost, or suppress this finding",
                node,
            )
            return
        through = f" (through `{held}`)" if held is not None else ""
        self.report(
            f"nat_gateways={nat}{through} with {reason}: fewer NAT gateways than AZs, so some AZs route through "
            f"another AZ's NAT gateway; set to {value}",
            [self.set_keyword(node, "nat_gateways", value)],
        )

    def _az_count(self, node: cst.Call) -> tuple[int | str | None, str]:
        """The VPC's AZ count (an int, or the code of a name/attribute), and how it was found."""
        max_azs = layout.keyword_arg(node, "max_azs")
        zones = layout.keyword_arg(node, "availability_zones")
        if max_azs is not None:
            count = _int_literal(max_azs.value)
            if count is not None:
                return count, f"max_azs={count}"
            if isinstance(max_azs.value, (cst.Name, cst.Attribute)):
                expression = code(max_azs.value)
                return expression, f"max_azs={expression}"
            return None, ""
        if zones is not None:
            if isinstance(zones.value, (cst.List, cst.Tuple)) and not any(
                isinstance(element, cst.StarredElement) for element in zones.value.elements
            ):
                count = len(zones.value.elements)
                return count, f"{count} availability_zones"
            return None, ""
        return AGNOSTIC_AZS, (
            f"no max_azs (assumed {AGNOSTIC_AZS} AZs, what an environment-agnostic stack gets; "
            "with a concrete env CDK may use 3: set max_azs)"
        )
