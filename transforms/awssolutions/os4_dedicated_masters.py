"""AwsSolutions-OS4: an OpenSearch domain without dedicated master nodes gets three.

cdk-nag 3 (OpenSearchDedicatedMasterNode) flags an AWS::OpenSearchService::Domain whose
`ClusterConfig.DedicatedMasterEnabled` is not true. `opensearchservice.Domain` (aws-cdk-lib 2.275)
enables it when `capacity=CapacityConfig(master_nodes=...)` is above 0. The fix writes
`master_nodes=3` and `master_node_instance_type=`:
- three: OpenSearch refuses one dedicated master, two have no quorum after a failure, and AWS
  recommends three ("Dedicated master nodes in Amazon OpenSearch Service"); five is for large
  clusters;
- the instance type: the data nodes' type when it is a string literal of a non-burstable family
  (an m5/r6g/... type valid for the domain's engine, since the data nodes run on it); else
  CDK's default, r5.large.search (the type CDK gives data nodes without `data_node_instance_type`;
  valid for every OpenSearch version and Elasticsearch 5.1 and later). Burstable types (t2, t3,
  t4g) are not written for masters: the master keeps the cluster state, and AWS sizes masters
  from m5.large/m6g.large up even for small clusters. A domain on Elasticsearch 1.5 or 2.3 (r5
  is refused by CDK there) is reported without a fix.

The keywords go into the call's literal `capacity=CapacityConfig(...)` or dict (the user's
keywords stay), or a new CapacityConfig; with AwsSolutions-OS7 selected too both write into one CapacityConfig
(`merge_capacity` in os7_zone_awareness.py). A CapacityConfig that states `master_nodes=` (any
value) is left alone; one that states only `master_node_instance_type=` gets `master_nodes=3`.

The L1 `CfnDomain` gets `dedicated_master_enabled=True`, `dedicated_master_count=3` and
`dedicated_master_type=` (chosen from `instance_type` the same way) in its `cluster_config=`.

Unsafe: three more instances billed; a running domain goes through a blue/green deployment.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions.os7_zone_awareness import (
    CFN_DOMAIN,
    CLUSTER_CONFIG,
    DOMAIN,
    capacity_call,
    capacity_value,
    merge_capacity,
)

CDK_DEFAULT_TYPE = "r5.large.search"
MASTER_COUNT = "3"
_BURSTABLE = ("t2.", "t3.", "t4g.")
# Engine versions whose instance types CDK refuses r5 for (C5, I3, M5 and R5 need Elasticsearch 5.1+).
_TOO_OLD = frozenset(
    f"aws_cdk.aws_opensearchservice.EngineVersion.{name}" for name in ("ELASTICSEARCH_1_5", "ELASTICSEARCH_2_3")
)


def _domain(args: str) -> str:
    return f'opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11{args})'


class Os4DedicatedMasters(Rule):
    code = "AwsSolutions-OS4"
    name = "awssolutions-opensearch-dedicated-masters"
    title = "OpenSearch domain without dedicated master nodes"
    category = Category.CONFIGURATION
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-OS4: The OpenSearch Service domain does not use dedicated master nodes. The data "
        "nodes also manage the cluster state: a busy or failing data node can make the whole cluster unstable."
    )
    fix = (
        "Sets `master_nodes=3` and `master_node_instance_type=` (the data nodes' literal type unless burstable "
        "t2/t3/t4g, else CDK's default \"r5.large.search\") in the `opensearchservice.Domain`'s literal "
        "`capacity=CapacityConfig(...)` (the user's keywords kept) or a new one. A CapacityConfig that states "
        "`master_nodes=` (any value) is left alone; one stating only `master_node_instance_type=` gets "
        "`master_nodes=3`. Reported without a fix: a `**` splat, a `capacity=` that is not a literal CapacityConfig or "
        "dict, an Elasticsearch 1.5 or 2.3 domain (CDK refuses r5 there). L1 `CfnDomain`: "
        "`dedicated_master_enabled=True, dedicated_master_count=3, dedicated_master_type=` (from `instance_type` the "
        "same way) in `cluster_config=` (a stated `dedicated_master_enabled` left alone)."
    )
    impact = "UNSAFE: three master instances billed; a running domain goes through a blue/green deployment."
    calls = frozenset({DOMAIN, CFN_DOMAIN})
    examples = [
        Example(
            name="no capacity: three masters of CDK's default type",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11, capacity=opensearch.CapacityConfig(
    master_nodes=3, master_node_instance_type="r5.large.search"
))
""",
        ),
        Example(
            name="import aws_cdk as cdk: the data nodes' type, the user's keywords kept",
            before="""\
import aws_cdk as cdk

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
    capacity=cdk.aws_opensearchservice.CapacityConfig(data_nodes=2, data_node_instance_type="m5.large.search"),
)
""",
            after="""\
import aws_cdk as cdk

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
    capacity=cdk.aws_opensearchservice.CapacityConfig(data_nodes=2, data_node_instance_type="m5.large.search", master_nodes=3, master_node_instance_type="m5.large.search"),
)
""",
        ),
        Example(
            name="classes imported by name: burstable data nodes get CDK's default master type",
            before="""\
from aws_cdk.aws_opensearchservice import CapacityConfig, Domain, EngineVersion

Domain(self, "Search", version=EngineVersion.OPENSEARCH_2_11, capacity=CapacityConfig(data_node_instance_type="t3.small.search"))
""",
            after="""\
from aws_cdk.aws_opensearchservice import CapacityConfig, Domain, EngineVersion

Domain(self, "Search", version=EngineVersion.OPENSEARCH_2_11, capacity=CapacityConfig(data_node_instance_type="t3.small.search", master_nodes=3, master_node_instance_type="r5.large.search"))
""",
        ),
        Example(
            name="left alone: master nodes stated (any value), also beside a splat",
            before=f"""\
from aws_cdk import aws_opensearchservice as opensearch

{_domain(", capacity=opensearch.CapacityConfig(master_nodes=0)")}
{_domain(", capacity=opensearch.CapacityConfig(master_nodes=masters, **more), **props")}
""",
        ),
        Example(
            name="reported without a fix: a splat, a capacity variable, Elasticsearch 2.3",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11, **props)
opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11, capacity=capacity)
opensearch.Domain(self, "Search", version=opensearch.EngineVersion.ELASTICSEARCH_2_3)
""",
            flagged=True,
        ),
        Example(
            name="only the master type stated: three of it",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity=opensearch.CapacityConfig(master_node_instance_type="m6g.large.search"),
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity=opensearch.CapacityConfig(master_node_instance_type="m6g.large.search", master_nodes=3),
)
""",
        ),
        Example(
            name="capacity as a dict (jsii takes one): merged into, the data nodes' type",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity={
        "data_node_instance_type": "m5.large.search",
        "data_nodes": 2,
    },
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity={
        "data_node_instance_type": "m5.large.search",
        "data_nodes": 2,
        "master_nodes": 3,
        "master_node_instance_type": "m5.large.search",
    },
)
""",
        ),
        Example(
            name='L1 CfnDomain: three dedicated masters in cluster_config',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.CfnDomain(self, "Search", engine_version="OpenSearch_2.11")
opensearch.CfnDomain(
    self,
    "Logs",
    engine_version="OpenSearch_2.11",
    cluster_config=opensearch.CfnDomain.ClusterConfigProperty(instance_count=3, instance_type="m6g.large.search"),
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.CfnDomain(self, "Search", engine_version="OpenSearch_2.11", cluster_config=opensearch.CfnDomain.ClusterConfigProperty(
    dedicated_master_enabled=True,
    dedicated_master_count=3,
    dedicated_master_type="r5.large.search",
))
opensearch.CfnDomain(
    self,
    "Logs",
    engine_version="OpenSearch_2.11",
    cluster_config=opensearch.CfnDomain.ClusterConfigProperty(instance_count=3, instance_type="m6g.large.search", dedicated_master_enabled=True, dedicated_master_count=3, dedicated_master_type="m6g.large.search"),
)
""",
        ),
        Example(
            name='L1 reported without a fix: Elasticsearch 2.3, a splat, a cluster_config variable (a stated dedicated_master_enabled left alone)',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.CfnDomain(self, "A", engine_version="Elasticsearch_2.3")
opensearch.CfnDomain(self, "B", **props)
opensearch.CfnDomain(self, "C", cluster_config=cluster_config)
opensearch.CfnDomain(self, "D", cluster_config=opensearch.CfnDomain.ClusterConfigProperty(dedicated_master_enabled=False))
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == CFN_DOMAIN:
            self._cfn_domain(node)
            return
        if qualified != DOMAIN:
            return
        arg = layout.keyword_arg(node, "capacity")
        if arg is not None and capacity_value(arg.value, "master_nodes") is not None:
            return  # the user's choice, whatever it is
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack dedicated master nodes (OS4)", "a `**` splat may set `capacity`", node
            )
            return
        message = f"{what} without dedicated master nodes ({self.title})"
        capacity, why = capacity_call(self, node)
        if why:
            self.report_without_fix(message, why, node)
            return
        version = layout.keyword_arg(node, "version")
        if version is not None and self.resolve(version.value) in _TOO_OLD:
            self.report_without_fix(
                message,
                f"`{code(version.value)}`: CDK's default master type (r5) needs Elasticsearch 5.1 or later, and the "
                "master type for this engine is a choice",
                node,
            )
            return
        values = {"master_nodes": MASTER_COUNT}
        if capacity_value(capacity, "master_node_instance_type") is None:
            values["master_node_instance_type"] = f'"{self._master_type(capacity)}"'
        self.report(message, [merge_capacity(self, node, values)], node=node)

    def _cfn_domain(self, node: cst.Call) -> None:
        """The L1: `cluster_config=CfnDomain.ClusterConfigProperty(dedicated_master_enabled=True,
        dedicated_master_count=3, dedicated_master_type=...)`, the type chosen as for the L2 from
        `instance_type`."""
        arg = layout.keyword_arg(node, "cluster_config")
        if arg is not None and capacity_value(arg.value, "dedicated_master_enabled") is not None:
            return  # the user's choice, whatever it is
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack dedicated master nodes (OS4)", "a `**` splat may set `cluster_config`", node
            )
            return
        message = f"{what} without dedicated master nodes ({self.title})"
        config, why = capacity_call(self, node, "cluster_config", CLUSTER_CONFIG)
        if why:
            self.report_without_fix(message, why, node)
            return
        engine = layout.keyword_arg(node, "engine_version")
        text = string_value(engine.value) if engine is not None else None
        if text is not None and text.startswith(("Elasticsearch_1.", "Elasticsearch_2.")):
            self.report_without_fix(
                message, f"`engine_version=\"{text}\"`: r5 masters need Elasticsearch 5.1 or later; the type is a choice", node
            )
            return
        values = {"dedicated_master_enabled": "True"}
        if capacity_value(config, "dedicated_master_count") is None:
            values["dedicated_master_count"] = MASTER_COUNT
        if capacity_value(config, "dedicated_master_type") is None:
            values["dedicated_master_type"] = f'"{self._master_type(config, "instance_type")}"'
        self.report(message, [merge_capacity(self, node, values, "cluster_config", CLUSTER_CONFIG)], node=node)

    @staticmethod
    def _master_type(capacity: cst.Call | cst.Dict | None, keyword: str = "data_node_instance_type") -> str:
        """The data nodes' literal type when it is not burstable, else CDK's default."""
        text = string_value(capacity_value(capacity, keyword))
        if text and text.endswith(".search") and not text.lower().startswith(_BURSTABLE):
            return text.lower()
        return CDK_DEFAULT_TYPE
