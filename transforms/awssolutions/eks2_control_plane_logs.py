"""AwsSolutions-EKS2: an EKS cluster that does not publish all five control plane logs.

What cdk-nag 3.0.2 checks (EKSClusterControlPlaneLogs): an `aws_eks.CfnCluster` (AWS::EKS::Cluster)
must list `api`, `audit`, `authenticator`, `controllerManager` and `scheduler` in
`Logging.ClusterLogging.EnabledTypes`; CDK's own cluster resource (`Custom::AWSCDK-EKS-Cluster`,
which `aws_eks.Cluster` and `aws_eks.FargateCluster` create) must list them in an `enabled: true`
entry of `Config.logging.clusterLogging`. One finding per missing log type.

- `eks.Cluster(...)` / `eks.FargateCluster(...)` without `cluster_logging=` get
  `cluster_logging=[eks.ClusterLoggingTypes.API, ...AUDIT, ...AUTHENTICATOR, ...CONTROLLER_MANAGER,
  ...SCHEDULER]`; a literal list the user wrote gets the members it lacks appended.
- `eks.CfnCluster(...)` gets `logging=eks.CfnCluster.LoggingProperty(cluster_logging=
  eks.CfnCluster.ClusterLoggingProperty(enabled_types=[eks.CfnCluster.LoggingTypeConfigProperty(
  type="api"), ...]))`, or the part of it that is missing: a props call the user wrote gets the
  keyword it lacks, a literal `enabled_types` list the `LoggingTypeConfigProperty(type="...")`
  entries it lacks.

Anything cdkfix cannot read to the end (a variable, a call other than those classes, a dict, an
element that is not one of the five, a `**` splat) is reported without a fix: adding entries
next to unknown ones could duplicate a log type.

`aws_eks_v2` (stable in aws-cdk-lib 2.275) is not touched: its clusters are an
`aws_eks_v2.CfnCluster`, another class than the `aws_eks.CfnCluster` cdk-nag 3.0.2 tests with
`instanceof`, so cdk-nag never flags them (the fix-effect harness shows no EKS finding on one).

Unsafe: CloudWatch Logs bills ingestion and storage of the control plane logs (the audit log of a
busy cluster is large). No replacement: CDK's cluster handler updates `logging` in place
(`UpdateClusterConfig`, aws-cdk-lib's cluster-resource-handler), and `Logging` is not among
AWS::EKS::Cluster's createOnlyProperties (cfn-lint's schema); the harness shows no replacement.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

CLUSTER = "aws_cdk.aws_eks.Cluster"
FARGATE_CLUSTER = "aws_cdk.aws_eks.FargateCluster"
CFN_CLUSTER = "aws_cdk.aws_eks.CfnCluster"
LOGGING_TYPES = "aws_cdk.aws_eks.ClusterLoggingTypes"
L2_TYPES = ("API", "AUDIT", "AUTHENTICATOR", "CONTROLLER_MANAGER", "SCHEDULER")
L1_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
LOGGING_PROPERTY = "aws_cdk.aws_eks.CfnCluster.LoggingProperty"
CLUSTER_LOGGING_PROPERTY = "aws_cdk.aws_eks.CfnCluster.ClusterLoggingProperty"
TYPE_CONFIG_PROPERTY = "aws_cdk.aws_eks.CfnCluster.LoggingTypeConfigProperty"
# The L1's nesting: keyword of the enclosing call -> the props class its value must be.
_L1_PATH = (("logging", LOGGING_PROPERTY), ("cluster_logging", CLUSTER_LOGGING_PROPERTY), ("enabled_types", None))


class Eks2ControlPlaneLogs(Rule):
    code = "AwsSolutions-EKS2"
    name = "awssolutions-eks-control-plane-logs"
    title = "EKS cluster without all control plane logs"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-EKS2: The EKS Cluster does not publish 'api', 'audit', 'authenticator, "
        "'controllerManager', and 'scheduler' control plane logs. Without them API calls, authentication "
        "and scheduling decisions of the cluster cannot be audited or diagnosed."
    )
    fix = (
        "Sets `cluster_logging=[eks.ClusterLoggingTypes.API, AUDIT, AUTHENTICATOR, CONTROLLER_MANAGER, SCHEDULER]` "
        "on an `eks.Cluster` or `eks.FargateCluster`, and `logging=eks.CfnCluster.LoggingProperty(cluster_logging="
        "eks.CfnCluster.ClusterLoggingProperty(enabled_types=[eks.CfnCluster.LoggingTypeConfigProperty(type=\"api\"), "
        "...]))` on an `eks.CfnCluster`; a literal list (or props call) the user wrote gets only what it lacks. "
        "Reported without a fix: a list or props value cdkfix cannot read to the end (a variable, a dict, an "
        "unknown element), a `**` splat. Unsafe: CloudWatch Logs ingestion and storage are billed. `aws_eks_v2` "
        "clusters are not flagged by cdk-nag 3.0.2 and not touched."
    )
    impact = "UNSAFE: control plane log ingestion and storage in CloudWatch Logs are billed."
    calls = frozenset({CLUSTER, FARGATE_CLUSTER, CFN_CLUSTER})
    examples = [
        Example(
            name="Cluster, module alias",
            before="""\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=kubectl_layer)
""",
            after="""\
from aws_cdk import aws_eks as eks

cluster = eks.Cluster(self, "Eks", version=eks.KubernetesVersion.V1_33, kubectl_layer=kubectl_layer, cluster_logging=[
    eks.ClusterLoggingTypes.API,
    eks.ClusterLoggingTypes.AUDIT,
    eks.ClusterLoggingTypes.AUTHENTICATOR,
    eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
    eks.ClusterLoggingTypes.SCHEDULER,
])
""",
        ),
        Example(
            name="FargateCluster, import aws_cdk as cdk",
            before="""\
import aws_cdk as cdk

self.cluster = cdk.aws_eks.FargateCluster(
    self,
    "Eks",
    version=cdk.aws_eks.KubernetesVersion.V1_33,
    kubectl_layer=kubectl_layer,
)
""",
            after="""\
import aws_cdk as cdk

self.cluster = cdk.aws_eks.FargateCluster(
    self,
    "Eks",
    version=cdk.aws_eks.KubernetesVersion.V1_33,
    kubectl_layer=kubectl_layer,
    cluster_logging=[
        cdk.aws_eks.ClusterLoggingTypes.API,
        cdk.aws_eks.ClusterLoggingTypes.AUDIT,
        cdk.aws_eks.ClusterLoggingTypes.AUTHENTICATOR,
        cdk.aws_eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        cdk.aws_eks.ClusterLoggingTypes.SCHEDULER,
    ],
)
""",
        ),
        Example(
            name="classes imported by name, a literal list merged",
            before="""\
from aws_cdk.aws_eks import Cluster, ClusterLoggingTypes, KubernetesVersion

Cluster(
    self,
    "Eks",
    version=KubernetesVersion.V1_33,
    kubectl_layer=kubectl_layer,
    cluster_logging=[
        ClusterLoggingTypes.API,
        ClusterLoggingTypes.AUDIT,
    ],
)
""",
            after="""\
from aws_cdk.aws_eks import Cluster, ClusterLoggingTypes, KubernetesVersion

Cluster(
    self,
    "Eks",
    version=KubernetesVersion.V1_33,
    kubectl_layer=kubectl_layer,
    cluster_logging=[
        ClusterLoggingTypes.API,
        ClusterLoggingTypes.AUDIT,
        ClusterLoggingTypes.AUTHENTICATOR,
        ClusterLoggingTypes.CONTROLLER_MANAGER,
        ClusterLoggingTypes.SCHEDULER,
    ],
)
""",
        ),
        Example(
            name="L1 CfnCluster: no logging, and an enabled_types list merged",
            before="""\
from aws_cdk import aws_eks as eks

subnets = eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=[subnet.subnet_id for subnet in vpc.private_subnets])
eks.CfnCluster(self, "A", role_arn="arn:aws:iam::123456789012:role/eks", resources_vpc_config=subnets)
eks.CfnCluster(
    self,
    "B",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=subnets,
    logging=eks.CfnCluster.LoggingProperty(
        cluster_logging=eks.CfnCluster.ClusterLoggingProperty(
            enabled_types=[eks.CfnCluster.LoggingTypeConfigProperty(type="audit")]
        )
    ),
)
""",
            after="""\
from aws_cdk import aws_eks as eks

subnets = eks.CfnCluster.ResourcesVpcConfigProperty(subnet_ids=[subnet.subnet_id for subnet in vpc.private_subnets])
eks.CfnCluster(self, "A", role_arn="arn:aws:iam::123456789012:role/eks", resources_vpc_config=subnets, logging=eks.CfnCluster.LoggingProperty(
    cluster_logging=eks.CfnCluster.ClusterLoggingProperty(
        enabled_types=[
            eks.CfnCluster.LoggingTypeConfigProperty(type="api"),
            eks.CfnCluster.LoggingTypeConfigProperty(type="audit"),
            eks.CfnCluster.LoggingTypeConfigProperty(type="authenticator"),
            eks.CfnCluster.LoggingTypeConfigProperty(type="controllerManager"),
            eks.CfnCluster.LoggingTypeConfigProperty(type="scheduler"),
        ]
    )
))
eks.CfnCluster(
    self,
    "B",
    role_arn="arn:aws:iam::123456789012:role/eks",
    resources_vpc_config=subnets,
    logging=eks.CfnCluster.LoggingProperty(
        cluster_logging=eks.CfnCluster.ClusterLoggingProperty(
            enabled_types=[eks.CfnCluster.LoggingTypeConfigProperty(type="audit"), eks.CfnCluster.LoggingTypeConfigProperty(type="api"), eks.CfnCluster.LoggingTypeConfigProperty(type="authenticator"), eks.CfnCluster.LoggingTypeConfigProperty(type="controllerManager"), eks.CfnCluster.LoggingTypeConfigProperty(type="scheduler")]
        )
    ),
)
""",
        ),
        Example(
            name="left alone: all five listed (any order, also beside a splat), aws_eks_v2",
            before="""\
from aws_cdk import aws_eks as eks, aws_eks_v2 as eks2

eks.Cluster(self, "A", version=version, kubectl_layer=layer, cluster_logging=[
    eks.ClusterLoggingTypes.SCHEDULER, eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT,
    eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.AUTHENTICATOR,
], **props)
eks.CfnCluster(self, "B", role_arn=role_arn, resources_vpc_config=config, logging=eks.CfnCluster.LoggingProperty(
    cluster_logging=eks.CfnCluster.ClusterLoggingProperty(enabled_types=[
        eks.CfnCluster.LoggingTypeConfigProperty(type="scheduler"),
        eks.CfnCluster.LoggingTypeConfigProperty(type="api"),
        eks.CfnCluster.LoggingTypeConfigProperty(type="audit"),
        eks.CfnCluster.LoggingTypeConfigProperty(type="controllerManager"),
        eks.CfnCluster.LoggingTypeConfigProperty(type="authenticator"),
    ])
))
eks2.Cluster(self, "C", version=eks2.KubernetesVersion.V1_33)
""",
        ),
        Example(
            name="reported without a fix: a run-time list, an unknown element, a dict, a splat",
            before="""\
from aws_cdk import aws_eks as eks

eks.Cluster(self, "A", version=version, kubectl_layer=layer, cluster_logging=settings.log_types)
eks.FargateCluster(self, "B", version=version, kubectl_layer=layer, cluster_logging=[eks.ClusterLoggingTypes.API, extra])
eks.FargateCluster(self, "C", version=version, kubectl_layer=layer, **props)
eks.CfnCluster(self, "D", role_arn=role_arn, resources_vpc_config=config, logging={"cluster_logging": {"enabled_types": []}})
eks.CfnCluster(self, "E", role_arn=role_arn, resources_vpc_config=config, logging=eks.CfnCluster.LoggingProperty(**logging))
eks.CfnCluster(self, "F", role_arn=role_arn, resources_vpc_config=config, logging=eks.CfnCluster.LoggingProperty(
    cluster_logging=eks.CfnCluster.ClusterLoggingProperty(enabled_types=[
        eks.CfnCluster.LoggingTypeConfigProperty(type=name) for name in LOG_TYPES
    ])
))
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in (CLUSTER, FARGATE_CLUSTER):
            self._l2(node)
        elif qualified == CFN_CLUSTER:
            self._l1(node, node, _L1_PATH)

    # --- eks.Cluster / eks.FargateCluster ---
    def _l2(self, node: cst.Call) -> None:
        what = code(node.func)
        arg = layout.keyword_arg(node, "cluster_logging")
        if arg is None:
            if layout.has_double_star(node):
                self.report_without_fix(
                    f"{what} may lack control plane logs (EKS2)", "a `**` splat may set `cluster_logging`", node
                )
                return
            members = ", ".join(self.ref(f"{LOGGING_TYPES}.{name}") for name in L2_TYPES)
            self.report(f"{what} without `cluster_logging` ({self.title})", [self.set_keyword(node, "cluster_logging", f"[{members}]")])
            return
        present = self._l2_members(arg.value)
        if present is None:
            self.report_without_fix(
                f"{what} may not publish all control plane logs (EKS2)",
                "cdkfix cannot read every log type of `cluster_logging` (a value decided at run time, or an "
                "element that is not a `ClusterLoggingTypes` member): adding types beside it could repeat one",
                node,
            )
            return
        missing = [name for name in L2_TYPES if name not in present]
        if not missing:
            return
        values = [self.ref(f"{LOGGING_TYPES}.{name}") for name in missing]
        self._append(arg.value, values, f"{what} without the {', '.join(missing)} control plane logs ({self.title})")

    def _l2_members(self, value: cst.BaseExpression) -> set[str] | None:
        """The ClusterLoggingTypes members a literal list holds; None when it is not one."""
        if not isinstance(value, cst.List):
            return None
        found = set()
        for element in value.elements:
            if not isinstance(element, cst.Element):
                return None  # `*others`
            resolved = self.resolve(element.value) or ""
            name = resolved.removeprefix(f"{LOGGING_TYPES}.")
            if name not in L2_TYPES:
                return None
            found.add(name)
        return found

    # --- eks.CfnCluster ---
    def _l1(self, cluster: cst.Call, call: cst.Call, path: tuple) -> None:
        """Walk logging= -> cluster_logging= -> enabled_types= from `call`, writing the first
        keyword that is missing (with everything under it) or the entries a literal list lacks."""
        what = code(cluster.func)
        keyword, cls = path[0]
        arg = layout.keyword_arg(call, keyword)
        if arg is None:
            if layout.has_double_star(call):
                self.report_without_fix(
                    f"{what} may lack control plane logs (EKS2)", f"a `**` splat may set `{keyword}`", cluster
                )
                return
            self.report(
                f"{what} without `{keyword}` ({self.title})", [self.set_keyword(call, keyword, self._l1_value(path))]
            )
            return
        value = arg.value
        if cls is not None:
            if isinstance(value, cst.Call) and self.resolve(value.func) == cls:
                self._l1(cluster, value, path[1:])
                return
            self._unreadable(cluster, keyword)
            return
        present = self._l1_types(value)
        if present is None:
            self._unreadable(cluster, keyword)
            return
        missing = [name for name in L1_TYPES if name not in present]
        if missing:
            values = [f'{self.ref(TYPE_CONFIG_PROPERTY)}(type="{name}")' for name in missing]
            self._append(value, values, f"{what} without the {', '.join(missing)} control plane logs ({self.title})")

    def _l1_value(self, path: tuple) -> str:
        keyword, cls = path[0]
        if cls is None:
            entries = ", ".join(f'{self.ref(TYPE_CONFIG_PROPERTY)}(type="{name}")' for name in L1_TYPES)
            return f"[{entries}]"
        inner_keyword = path[1][0]
        return f"{self.ref(cls)}({inner_keyword}={self._l1_value(path[1:])})"

    def _l1_types(self, value: cst.BaseExpression) -> set[str] | None:
        """The log types of a literal list of LoggingTypeConfigProperty(type="...") calls."""
        if not isinstance(value, cst.List):
            return None
        found = set()
        for element in value.elements:
            entry = element.value if isinstance(element, cst.Element) else None
            if not (isinstance(entry, cst.Call) and self.is_call_to(entry, TYPE_CONFIG_PROPERTY)):
                return None
            kind = layout.keyword_arg(entry, "type")
            text = string_value(kind.value) if kind is not None else None
            if text not in L1_TYPES:
                return None  # a run-time or misspelt type: cdkfix cannot say which are there
            found.add(text)
        return found

    def _unreadable(self, cluster: cst.Call, keyword: str) -> None:
        self.report_without_fix(
            f"{code(cluster.func)} may not publish all control plane logs (EKS2)",
            f"cdkfix cannot read `{keyword}` to the end (a variable, a dict, a `**` splat or an unknown entry): "
            "adding log types beside it could repeat one",
            cluster,
        )

    def _append(self, sequence: cst.List, values: list[str], message: str) -> None:
        expressions = [layout.parse_expression(value) for value in values]

        def add(updated: cst.List) -> cst.List:
            for expression in expressions:
                updated = layout.append_element(updated, expression)
            return updated

        self.report(message, [self.change(sequence, add)])
