"""AwsSolutions-EKS1: an EKS cluster whose Kubernetes API server endpoint is reachable from the internet.

What cdk-nag 3.0.2 checks (EKSClusterNoEndpointPublicAccess): `endpointPublicAccess` must be
`false`, in `ResourcesVpcConfig` of an `aws_eks.CfnCluster` (CloudFormation's default is `true`)
and in `Config.resourcesVpcConfig` of CDK's cluster resource (`Custom::AWSCDK-EKS-Cluster`, which
`aws_eks.Cluster` / `FargateCluster` create). Public access restricted to CIDRs
(`EndpointAccess.PUBLIC_AND_PRIVATE.only_from(...)`) is still public access: flagged.

- `eks.Cluster(...)` / `eks.FargateCluster(...)` without `endpoint_access=` (CDK's default is
  PUBLIC_AND_PRIVATE) get `endpoint_access=eks.EndpointAccess.PRIVATE`. CDK then requires private
  subnets among `vpc_subnets` ("Vpc must contain private subnets when public endpoint access is
  disabled"). Without `vpc_subnets=` CDK selects the VPC's public and PRIVATE_WITH_EGRESS subnets
  and refuses a VPC without the latter already ("There are no 'Private' subnet groups"), so an app
  that synthesizes has them; a literal `vpc_subnets` list is fixed when one of its selections is
  private (`subnet_type=` PRIVATE_WITH_EGRESS / PRIVATE_WITH_NAT / PRIVATE_ISOLATED, or
  `subnets=<vpc>.private_subnets` / `.isolated_subnets`). The private endpoint also needs the VPC's
  DNS support and DNS hostnames (EKS's endpoint guide); `ec2.Vpc` turns both on by default, and a
  `vpc=` bound once to an `ec2.Vpc(...)` call that turns one off is reported without a fix.
- `eks.CfnCluster(resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(...))` without
  `endpoint_public_access` gets `endpoint_public_access=False`, and `endpoint_private_access=True`
  when absent (EKS refuses both off).

Reported without a fix: an `endpoint_access` / `endpoint_public_access` the user wrote other than
private (public, restricted to CIDRs, or decided at run time: the user chose who reaches the API),
`public_access_cidrs` on the L1, `endpoint_private_access` not a literal True, a `vpc_subnets` or
`resources_vpc_config` cdkfix cannot read (a variable, a dict), a `**` splat.

`aws_eks_v2` is not touched: cdk-nag 3.0.2 does not flag its clusters (docs/awssolutions-eks.md).

Unsafe: it narrows access. `kubectl`, Helm and CI jobs outside the VPC (a laptop, a hosted CI
runner) can no longer reach the API server; CDK's kubectl handler keeps working (with private
access and private subnets it already runs inside the VPC under the default PUBLIC_AND_PRIVATE).
No replacement: CDK's cluster handler and CloudFormation update endpoint access in place
(`UpdateClusterConfig`; `ResourcesVpcConfig` is not among AWS::EKS::Cluster's createOnlyProperties).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms._bindings import single_binding

CLUSTER = "aws_cdk.aws_eks.Cluster"
FARGATE_CLUSTER = "aws_cdk.aws_eks.FargateCluster"
CFN_CLUSTER = "aws_cdk.aws_eks.CfnCluster"
PRIVATE = "aws_cdk.aws_eks.EndpointAccess.PRIVATE"
VPC_CONFIG = "aws_cdk.aws_eks.CfnCluster.ResourcesVpcConfigProperty"
VPC = "aws_cdk.aws_ec2.Vpc"
SUBNET_SELECTION = "aws_cdk.aws_ec2.SubnetSelection"
PRIVATE_SUBNET_TYPES = frozenset(
    f"aws_cdk.aws_ec2.SubnetType.{name}" for name in ("PRIVATE_WITH_EGRESS", "PRIVATE_WITH_NAT", "PRIVATE_ISOLATED")
)
PRIVATE_SUBNET_LISTS = ("private_subnets", "isolated_subnets")
_NARROWS = "the user chose who reaches the API server; making it private cuts kubectl from outside the VPC"


class Eks1PrivateEndpoint(Rule):
    code = "AwsSolutions-EKS1"
    name = "awssolutions-eks-private-endpoint"
    title = "EKS cluster API endpoint open to the internet"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-EKS1: The EKS cluster's Kubernetes API server endpoint has public access enabled. "
        "Anyone on the internet can reach the API server and try credentials or exploits against it."
    )
    fix = (
        "Sets `endpoint_access=eks.EndpointAccess.PRIVATE` on an `eks.Cluster` or `eks.FargateCluster` without "
        "`endpoint_access` (with no `vpc_subnets`, or a literal one selecting private subnets: CDK requires them), "
        "and `endpoint_public_access=False` (plus `endpoint_private_access=True` when absent) in an "
        "`eks.CfnCluster`'s `ResourcesVpcConfigProperty`. Reported without a fix: a public or CIDR-restricted "
        "endpoint the user wrote, `public_access_cidrs`, `endpoint_private_access` not a literal True, subnets or "
        "VPC settings cdkfix cannot read (or a VPC without DNS hostnames/support), a `**` splat. Unsafe: kubectl "
        "and CI outside the VPC lose access to the API server."
    )
    impact = "UNSAFE: narrows access: the API server is reachable only from inside the VPC (and peered networks)."
    calls = frozenset({CLUSTER, FARGATE_CLUSTER, CFN_CLUSTER})
    examples = [
        Example(
            name="Cluster, module alias (CDK's default VPC)",
            before="""\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=kubectl_layer)
""",
            after="""\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=kubectl_layer, endpoint_access=eks.EndpointAccess.PRIVATE)
""",
        ),
        Example(
            name="FargateCluster, import aws_cdk as cdk, the app's VPC",
            before="""\
import aws_cdk as cdk

self.cluster = cdk.aws_eks.FargateCluster(
    self,
    "Eks",
    version=cdk.aws_eks.KubernetesVersion.V1_33,
    vpc=vpc,
    kubectl_layer=kubectl_layer,
)
""",
            after="""\
import aws_cdk as cdk

self.cluster = cdk.aws_eks.FargateCluster(
    self,
    "Eks",
    version=cdk.aws_eks.KubernetesVersion.V1_33,
    vpc=vpc,
    kubectl_layer=kubectl_layer,
    endpoint_access=cdk.aws_eks.EndpointAccess.PRIVATE,
)
""",
        ),
        Example(
            name="classes imported by name, private subnets selected",
            before="""\
from aws_cdk.aws_ec2 import SubnetSelection, SubnetType, Vpc
from aws_cdk.aws_eks import Cluster, KubernetesVersion

network = Vpc(self, "Network", max_azs=2)
Cluster(
    self,
    "Eks",
    version=KubernetesVersion.V1_33,
    vpc=network,
    vpc_subnets=[SubnetSelection(subnet_type=SubnetType.PRIVATE_WITH_EGRESS)],
    kubectl_layer=kubectl_layer,
)
""",
            after="""\
from aws_cdk.aws_ec2 import SubnetSelection, SubnetType, Vpc
from aws_cdk.aws_eks import Cluster, KubernetesVersion
from aws_cdk import aws_eks as eks

network = Vpc(self, "Network", max_azs=2)
Cluster(
    self,
    "Eks",
    version=KubernetesVersion.V1_33,
    vpc=network,
    vpc_subnets=[SubnetSelection(subnet_type=SubnetType.PRIVATE_WITH_EGRESS)],
    kubectl_layer=kubectl_layer,
    endpoint_access=eks.EndpointAccess.PRIVATE,
)
""",
        ),
        Example(
            name="L1 CfnCluster: public access off, private access on (kept when stated True)",
            before="""\
from aws_cdk import aws_eks as eks

private_ids = [subnet.subnet_id for subnet in vpc.private_subnets]
eks.CfnCluster(
    self,
    "A",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=private_ids),
)
eks.CfnCluster(
    self,
    "B",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=private_ids, endpoint_private_access=True),
)
""",
            after="""\
from aws_cdk import aws_eks as eks

private_ids = [subnet.subnet_id for subnet in vpc.private_subnets]
eks.CfnCluster(
    self,
    "A",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=private_ids, endpoint_public_access=False, endpoint_private_access=True),
)
eks.CfnCluster(
    self,
    "B",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=private_ids, endpoint_private_access=True, endpoint_public_access=False),
)
""",
        ),
        Example(
            name="left alone: private stated (also beside a splat), L1 public access off, aws_eks_v2",
            before="""\
from aws_cdk import aws_eks as eks, aws_eks_v2 as eks2

eks.Cluster(self, "A", version=version, kubectl_layer=layer, endpoint_access=eks.EndpointAccess.PRIVATE, **props)
eks.CfnCluster(self, "B", role_arn=role_arn, resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(
    subnet_ids=subnet_ids, endpoint_public_access=False, endpoint_private_access=True,
))
eks2.Cluster(self, "C", version=eks2.KubernetesVersion.V1_33)
""",
        ),
        Example(
            name="reported without a fix: public access stated, unreadable subnets, DNS off, L1 shapes, splats",
            before="""\
from aws_cdk import aws_ec2 as ec2, aws_eks as eks

flat = ec2.Vpc(self, "Flat", enable_dns_hostnames=False)
eks.Cluster(self, "A", version=version, kubectl_layer=layer, endpoint_access=eks.EndpointAccess.PUBLIC)
eks.Cluster(self, "B", version=version, kubectl_layer=layer, endpoint_access=eks.EndpointAccess.PUBLIC_AND_PRIVATE.only_from("203.0.113.0/24"))
eks.Cluster(self, "C", version=version, kubectl_layer=layer, vpc=vpc, vpc_subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)])
eks.Cluster(self, "D", version=version, kubectl_layer=layer, vpc=vpc, vpc_subnets=settings.subnets)
eks.Cluster(self, "E", version=version, kubectl_layer=layer, vpc=flat)
eks.FargateCluster(self, "F", version=version, kubectl_layer=layer, **props)
eks.CfnCluster(self, "G", role_arn=role_arn, resources_vpc_config=config)
eks.CfnCluster(self, "H", role_arn=role_arn, resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(
    subnet_ids=subnet_ids, endpoint_private_access=False))
eks.CfnCluster(self, "I", role_arn=role_arn, resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(
    subnet_ids=subnet_ids, public_access_cidrs=["203.0.113.0/24"]))
eks.CfnCluster(self, "J", role_arn=role_arn, resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(
    subnet_ids=subnet_ids, endpoint_public_access=public))
eks.CfnCluster(self, "K", role_arn=role_arn, resources_vpc_config=eks.CfnCluster.ResourcesVpcConfigProperty(**network))
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in (CLUSTER, FARGATE_CLUSTER):
            self._l2(node)
        elif qualified == CFN_CLUSTER:
            self._l1(node)

    # --- eks.Cluster / eks.FargateCluster ---
    def _l2(self, node: cst.Call) -> None:
        what = code(node.func)
        stated = layout.keyword_arg(node, "endpoint_access")
        if stated is not None:
            if self.resolve(stated.value) != PRIVATE:
                self.report_without_fix(f"{what} with public endpoint access ({self.title})", f"`endpoint_access` is stated: {_NARROWS}", node)
            return
        message = f"{what} without `endpoint_access` ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `endpoint_access` or `vpc_subnets`", node)
            return
        why = self._subnets_problem(node) or self._dns_problem(node)
        if why is not None:
            self.report_without_fix(message, why, node)
            return
        self.report(message, [self.set_keyword(node, "endpoint_access", self.ref(PRIVATE))])

    def _subnets_problem(self, node: cst.Call) -> str | None:
        """Why cdkfix cannot see a private subnet among `vpc_subnets` (CDK requires one with a private
        endpoint); None when it can. Without `vpc_subnets` CDK's default selection already fails on a
        VPC with no PRIVATE_WITH_EGRESS subnets, so an app that synthesizes has them."""
        arg = layout.keyword_arg(node, "vpc_subnets")
        if arg is None:
            return None
        value = arg.value
        if not isinstance(value, cst.List):
            return "cdkfix cannot read `vpc_subnets`: CDK requires private subnets among them once public access is off"
        if any(isinstance(element, cst.Element) and self._private_selection(element.value) for element in value.elements):
            return None
        return (
            "no selection of `vpc_subnets` is one cdkfix can tell is private: CDK requires private subnets "
            "once public access is off (select private subnets, then use EndpointAccess.PRIVATE)"
        )

    def _private_selection(self, value: cst.BaseExpression) -> bool:
        if not self.is_call_to(value, SUBNET_SELECTION):
            return False
        kind = layout.keyword_arg(value, "subnet_type")
        if kind is not None and self.resolve(kind.value) in PRIVATE_SUBNET_TYPES:
            return True
        subnets = layout.keyword_arg(value, "subnets")
        return (
            subnets is not None
            and isinstance(subnets.value, cst.Attribute)
            and subnets.value.attr.value in PRIVATE_SUBNET_LISTS
        )

    def _dns_problem(self, node: cst.Call) -> str | None:
        """A `vpc=` bound once to an `ec2.Vpc(...)` that turns DNS support or hostnames off: EKS's
        private endpoint resolves only with both on."""
        arg = layout.keyword_arg(node, "vpc")
        if arg is None or not isinstance(arg.value, (cst.Name, cst.Attribute)):
            return None
        found = single_binding(self, arg.value)
        if found is None or not self.is_call_to(found[1], VPC):
            return None
        for keyword in ("enable_dns_hostnames", "enable_dns_support"):
            setting = layout.keyword_arg(found[1], keyword)
            if setting is not None and not (isinstance(setting.value, cst.Name) and setting.value.value == "True"):
                return f"the VPC sets `{keyword}`: EKS's private endpoint needs DNS support and DNS hostnames on"
        return None

    # --- eks.CfnCluster ---
    def _l1(self, node: cst.Call) -> None:
        what = code(node.func)
        arg = layout.keyword_arg(node, "resources_vpc_config")
        if arg is None:
            if layout.has_double_star(node):
                self.report_without_fix(f"{what} may allow public endpoint access (EKS1)", "a `**` splat may set `resources_vpc_config`", node)
            return  # required by CfnCluster: Python refuses the call without it
        config = arg.value
        if not self.is_call_to(config, VPC_CONFIG):
            self.report_without_fix(
                f"{what} may allow public endpoint access (EKS1)",
                "cdkfix cannot read `resources_vpc_config` (a variable, a dict or a `**` splat)",
                node,
            )
            return
        public = layout.keyword_arg(config, "endpoint_public_access")
        if public is not None:
            if not (isinstance(public.value, cst.Name) and public.value.value == "False"):
                self.report_without_fix(
                    f"{what} with public endpoint access ({self.title})", f"`endpoint_public_access` is stated: {_NARROWS}", node
                )
            return
        message = f"{what} without `endpoint_public_access=False` ({self.title})"
        if layout.keyword_arg(config, "public_access_cidrs") is not None:
            self.report_without_fix(message, f"`public_access_cidrs` is stated: {_NARROWS}", node)
            return
        private = layout.keyword_arg(config, "endpoint_private_access")
        if private is not None and not (isinstance(private.value, cst.Name) and private.value.value == "True"):
            self.report_without_fix(
                message, "`endpoint_private_access` is not a literal True: EKS refuses a cluster with both endpoints off", node
            )
            return
        add_private = private is None

        def close(updated: cst.Call) -> cst.Call:
            updated = layout.set_keyword(updated, "endpoint_public_access", cst.Name("False"))
            return layout.set_keyword(updated, "endpoint_private_access", cst.Name("True")) if add_private else updated

        self.report(message, [self.change(config, close)])
