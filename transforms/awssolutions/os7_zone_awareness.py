"""AwsSolutions-OS7: an OpenSearch domain without zone awareness gets two Availability Zones.

cdk-nag 3 (OpenSearchZoneAwareness) flags an AWS::OpenSearchService::Domain whose
`ClusterConfig.ZoneAwarenessEnabled` is not true. `opensearchservice.Domain` (aws-cdk-lib 2.275)
writes it from `zone_awareness=`: the fix is
`zone_awareness=ZoneAwarenessConfig(enabled=True, availability_zone_count=2)`.

OpenSearch spreads the data nodes over the zones and refuses an uneven count ("You must choose
an even number of data nodes for a two Availability Zone deployment"); CDK does not check it,
the deployment fails. So the capacity must be known:
- no `capacity=`: one data node (CDK's default), so the fix also writes
  `capacity=CapacityConfig(data_nodes=2, multi_az_with_standby_enabled=False)`; the data node
  type stays CDK's default (r5.large.search): one more node billed;
- a literal `CapacityConfig(...)` or dict display (jsii takes either): an odd literal `data_nodes` is raised to the next even number
  (1 -> 2, 3 -> 4), absent `data_nodes` becomes 2; anything else (a run-time count, warm or
  coordinator nodes) is reported without a fix;
- `multi_az_with_standby_enabled=False` when the call does not say: Multi-AZ with Standby needs
  three zones (and a multiple of three data nodes). Since aws-cdk-lib 2.88 the feature flag
  `@aws-cdk/aws-opensearchservice:enableOpensearchMultiAzWithStandby` (in every `cdk init`
  cdk.json) turns standby on by default, and OpenSearch then refuses a domain without zone
  awareness ("You must configure zone awareness settings if you turn on zone awareness",
  aws/aws-cdk#31583): a deployed domain that OS7 flags has standby off already, and the fix
  states it so that the two zones it chooses deploy with the flag on or off. A stated
  `multi_az_with_standby_enabled=` other than False is reported without a fix.

The L1 `CfnDomain` gets the same in `cluster_config=CfnDomain.ClusterConfigProperty(...)` (or a
dict): `zone_awareness_enabled=True`, `zone_awareness_config=ZoneAwarenessConfigProperty(
availability_zone_count=2)` and an even `instance_count` (absent: the service's default, one);
without CDK's feature flag there is no standby default to state.

With `vpc=` CDK requires a subnet in each zone among the selected subnets; cdkfix cannot see
the VPC's subnets from the call, so that domain is reported without a fix.

AwsSolutions-OS4 (transforms/awssolutions/os4_dedicated_masters.py) writes into the same
`capacity=CapacityConfig(...)`: both build their edit with `merge_capacity`, a change applied to
the call as the other rule's change left it, so the two compose into one CapacityConfig.

Unsafe: an extra data node is billed, and a running domain goes through a blue/green
deployment to spread over two zones.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, dict_element, string_value
from cdkfix.edits import ChangeNode
from cdkfix.rule import Category, Example, Kind, Rule, Safety

DOMAIN = "aws_cdk.aws_opensearchservice.Domain"
CFN_DOMAIN = "aws_cdk.aws_opensearchservice.CfnDomain"
CLUSTER_CONFIG = "aws_cdk.aws_opensearchservice.CfnDomain.ClusterConfigProperty"
CFN_ZONE_AWARENESS = "aws_cdk.aws_opensearchservice.CfnDomain.ZoneAwarenessConfigProperty"
# The L1's counterparts of _UNPROVEN.
_L1_UNPROVEN = ("warm_enabled", "warm_count", "warm_type", "node_options")
CAPACITY = "aws_cdk.aws_opensearchservice.CapacityConfig"
ZONE_AWARENESS = "aws_cdk.aws_opensearchservice.ZoneAwarenessConfig"
# Keywords of CapacityConfig this rule cannot reason about: node counts spread over the zones
# under rules of their own (UltraWarm, coordinator nodes), not proven here.
_UNPROVEN = ("warm_nodes", "warm_instance_type", "node_options")


def int_value(node: cst.BaseExpression | None) -> int | None:
    """The value of a plain (decimal) integer literal, or None."""
    if isinstance(node, cst.Integer) and node.value.isdigit():
        return int(node.value)
    return None


def capacity_call(
    rule: Rule, node: cst.Call, keyword: str = "capacity", qualified: str = CAPACITY
) -> tuple[cst.Call | cst.Dict | None, str]:
    """(the domain call's literal capacity, a `CapacityConfig(...)` call or a dict display with
    string keys (jsii takes either), or None when absent; why it cannot be merged into: "" when it
    can). `keyword`/`qualified`: the L1 CfnDomain's `cluster_config=ClusterConfigProperty(...)`."""
    arg = layout.keyword_arg(node, keyword)
    if arg is None:
        return None, ""
    value = arg.value
    if isinstance(value, cst.Dict):
        if all(isinstance(item, cst.DictElement) and string_value(item.key) for item in value.elements):
            return value, ""
        return None, f"`{keyword}=` is a dict with a `**` splat or a key that is not a string literal: its counts are unknown"
    props = qualified.rsplit(".", 1)[-1]
    if not isinstance(value, cst.Call) or rule.resolve(value.func) != qualified:
        return None, f"`{keyword}=` is not a literal `{props}(...)` call or dict (a variable): its counts are unknown"
    if layout.has_double_star(value):
        return None, f"a `**` splat in `{props}(...)` may set the node counts"
    return value, ""


def capacity_value(capacity: cst.BaseExpression | None, name: str) -> cst.BaseExpression | None:
    """The value `name` has in a CapacityConfig call or dict display, or None."""
    if isinstance(capacity, cst.Call):
        arg = layout.keyword_arg(capacity, name)
        return arg.value if arg is not None else None
    if isinstance(capacity, cst.Dict):
        item = dict_element(capacity, name)
        return item.value if item is not None else None
    return None


def _set_capacity(capacity: cst.BaseExpression, name: str, value: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(capacity, cst.Call):
        return layout.set_keyword(capacity, name, value)
    if isinstance(capacity, cst.Dict):
        item = dict_element(capacity, name)
        key = item.key if item is not None else cst.SimpleString(f'"{name}"')  # the user's key, quotes and all
        return layout.set_dict_item(capacity, key, value)
    return capacity  # checked on the original call; never reached


def merge_capacity(
    rule: Rule, node: cst.Call, values: dict[str, str], keyword: str = "capacity", qualified: str = CAPACITY
) -> ChangeNode:
    """An edit setting `values` (keyword -> value source) in the domain call's capacity
    (a `CapacityConfig(...)` call or a dict), applied to the call as earlier changes left it:
    creates a CapacityConfig when there is none, else sets only these keywords (the user's
    others stay), so the edits of OS7 and OS4 compose into one capacity."""
    props = f"{rule.ref(qualified)}({', '.join(f'{key}={value}' for key, value in values.items())})"
    fresh = rule.expression(props, extra_indent=len(rule.context.module.default_indent) + len(keyword) + 2)

    def merge(updated: cst.Call) -> cst.Call:
        arg = layout.keyword_arg(updated, keyword)
        if arg is None:
            return layout.set_keyword(updated, keyword, fresh)
        options = arg.value
        for key, value in values.items():
            options = _set_capacity(options, key, cst.parse_expression(value))
        return updated.with_changes(args=[a.with_changes(value=options) if a is arg else a for a in updated.args])

    return rule.change(node, merge)


def _domain(args: str, ref: str = "opensearch") -> str:
    return f'{ref}.Domain(self, "Search", version={ref}.EngineVersion.OPENSEARCH_2_11{args})'


class Os7ZoneAwareness(Rule):
    code = "AwsSolutions-OS7"
    name = "awssolutions-opensearch-zone-awareness"
    title = "OpenSearch domain without zone awareness"
    category = Category.CONFIGURATION
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-OS7: The OpenSearch Service domain does not have Zone Awareness enabled. All of the "
        "domain's nodes run in one Availability Zone: a zone outage takes the domain down."
    )
    fix = (
        "Sets `zone_awareness=ZoneAwarenessConfig(enabled=True, availability_zone_count=2)` on an "
        "`opensearchservice.Domain`, with an even data node count OpenSearch accepts for two zones: no `capacity=` "
        "gets `capacity=CapacityConfig(data_nodes=2, multi_az_with_standby_enabled=False)` (CDK's default is one "
        "data node); in a literal `CapacityConfig(...)` (or dict) an odd literal `data_nodes` is raised to the next even number "
        "and an absent one becomes 2, and `multi_az_with_standby_enabled=False` is added when not stated (Multi-AZ "
        "with Standby needs three zones; the feature flag of new projects turns it on). A call with `zone_awareness=` "
        "(any value) is left alone. Reported without a fix: a `**` splat; `vpc=` (CDK needs a subnet per zone, which "
        "cdkfix cannot see); a `capacity=` that is not a literal CapacityConfig or dict, a run-time `data_nodes`, warm or "
        "coordinator nodes, `multi_az_with_standby_enabled=` stated otherwise than False. L1 `CfnDomain`: "
        "`zone_awareness_enabled=True`, `zone_awareness_config=ZoneAwarenessConfigProperty(availability_zone_count=2)` "
        "and an even `instance_count` in `cluster_config=` (a stated `zone_awareness_enabled` left alone; "
        "`vpc_options=` reported)."
    )
    impact = (
        "UNSAFE: a domain of one data node gets a second one (billed), an odd count is raised by one; a running "
        "domain goes through a blue/green deployment."
    )
    calls = frozenset({DOMAIN, CFN_DOMAIN})
    examples = [
        Example(
            name="no capacity: two data nodes, standby off",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11, capacity=opensearch.CapacityConfig(
    data_nodes=2, multi_az_with_standby_enabled=False
), zone_awareness=opensearch.ZoneAwarenessConfig(
    enabled=True, availability_zone_count=2
))
""",
        ),
        Example(
            name="import aws_cdk as cdk, an odd data node count raised, the user's keywords kept",
            before="""\
import aws_cdk as cdk

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
    capacity=cdk.aws_opensearchservice.CapacityConfig(data_nodes=3, data_node_instance_type="m5.large.search"),
)
""",
            after="""\
import aws_cdk as cdk

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
    capacity=cdk.aws_opensearchservice.CapacityConfig(data_nodes=4, data_node_instance_type="m5.large.search", multi_az_with_standby_enabled=False),
    zone_awareness=cdk.aws_opensearchservice.ZoneAwarenessConfig(
        enabled=True, availability_zone_count=2
    ),
)
""",
        ),
        Example(
            name="classes imported by name, an even count kept",
            before="""\
from aws_cdk.aws_opensearchservice import CapacityConfig, Domain, EngineVersion

Domain(self, "Search", version=EngineVersion.OPENSEARCH_2_11, capacity=CapacityConfig(data_nodes=2, multi_az_with_standby_enabled=False))
""",
            after="""\
from aws_cdk.aws_opensearchservice import CapacityConfig, Domain, EngineVersion
from aws_cdk import aws_opensearchservice as opensearchservice

Domain(self, "Search", version=EngineVersion.OPENSEARCH_2_11, capacity=CapacityConfig(data_nodes=2, multi_az_with_standby_enabled=False), zone_awareness=opensearchservice.ZoneAwarenessConfig(
    enabled=True, availability_zone_count=2
))
""",
        ),
        Example(
            name="left alone: zone awareness stated (any value), also beside a splat",
            before=f"""\
from aws_cdk import aws_opensearchservice as opensearch

{_domain(", zone_awareness=opensearch.ZoneAwarenessConfig(enabled=False)")}
{_domain(", zone_awareness=zones, **props")}
""",
        ),
        Example(
            name="reported without a fix: a splat, vpc=, a run-time count, a capacity variable, standby on",
            before=f"""\
from aws_cdk import aws_opensearchservice as opensearch

{_domain(", **props")}
{_domain(", vpc=vpc")}
{_domain(", capacity=opensearch.CapacityConfig(data_nodes=count)")}
{_domain(", capacity=capacity")}
{_domain(", capacity=opensearch.CapacityConfig(data_nodes=3, multi_az_with_standby_enabled=True)")}
{_domain(", capacity=opensearch.CapacityConfig(data_nodes=2, warm_nodes=2)")}
{_domain(", capacity={**base}")}
""",
            flagged=True,
        ),
        Example(
            name='capacity as a dict (jsii takes one): merged into',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity={"data_node_instance_type": "m5.large.search", "data_nodes": 1},
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    capacity={"data_node_instance_type": "m5.large.search", "data_nodes": 2, "multi_az_with_standby_enabled": False},
    zone_awareness=opensearch.ZoneAwarenessConfig(
        enabled=True, availability_zone_count=2
    ),
)
""",
        ),
        Example(
            name='L1 CfnDomain: zone awareness in cluster_config, an even instance count',
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
    zone_awareness_enabled=True,
    zone_awareness_config=opensearch.CfnDomain.ZoneAwarenessConfigProperty(
        availability_zone_count=2
    ),
    instance_count=2,
))
opensearch.CfnDomain(
    self,
    "Logs",
    engine_version="OpenSearch_2.11",
    cluster_config=opensearch.CfnDomain.ClusterConfigProperty(instance_count=4, instance_type="m6g.large.search", zone_awareness_enabled=True, zone_awareness_config=opensearch.CfnDomain.ZoneAwarenessConfigProperty(availability_zone_count=2)),
)
""",
        ),
        Example(
            name='L1 reported without a fix: vpc_options, a splat, a run-time count (a stated zone_awareness_enabled left alone)',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.CfnDomain(self, "A", vpc_options=options)
opensearch.CfnDomain(self, "B", **props)
opensearch.CfnDomain(self, "C", cluster_config=opensearch.CfnDomain.ClusterConfigProperty(instance_count=count))
opensearch.CfnDomain(self, "D", cluster_config=opensearch.CfnDomain.ClusterConfigProperty(zone_awareness_enabled=False))
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
        if layout.keyword_arg(node, "zone_awareness") is not None:
            return  # the user's choice, whatever it is (also beside a splat: Python refuses it twice)
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack `zone_awareness` (OS7)", "a `**` splat may set `zone_awareness` or the capacity", node
            )
            return
        message = f"{what} without `zone_awareness` ({self.title})"
        if layout.keyword_arg(node, "vpc") is not None:
            self.report_without_fix(
                message,
                "`vpc=`: CDK needs a subnet in each of the two zones among the domain's subnets, which cdkfix cannot "
                "see from the call; set `zone_awareness=` yourself once the subnets span two zones",
                node,
            )
            return
        capacity, why = capacity_call(self, node)
        if why:
            self.report_without_fix(message, why, node)
            return
        values: dict[str, str] = {}
        if capacity is None:
            values = {"data_nodes": "2", "multi_az_with_standby_enabled": "False"}
        else:
            for keyword in _UNPROVEN:
                if capacity_value(capacity, keyword) is not None:
                    self.report_without_fix(
                        message, f"`{keyword}=` in the capacity: how those nodes spread over two zones is not proven", node
                    )
                    return
            nodes = capacity_value(capacity, "data_nodes")
            count = 1 if nodes is None else int_value(nodes)
            if count is None:
                self.report_without_fix(
                    message,
                    "`data_nodes` is not an integer literal: two zones need an even count, which cdkfix cannot check",
                    node,
                )
                return
            if nodes is None or count % 2 or count == 0:
                values["data_nodes"] = str(max(2, count + count % 2))
            standby = capacity_value(capacity, "multi_az_with_standby_enabled")
            if standby is None:
                values["multi_az_with_standby_enabled"] = "False"
            elif code(standby) != "False":
                self.report_without_fix(
                    message,
                    "`multi_az_with_standby_enabled=` is not False: Multi-AZ with Standby needs three zones and a "
                    "multiple of three data nodes (a choice of cost: state it with `zone_awareness=` yourself)",
                    node,
                )
                return
        zones = f"{self.ref(ZONE_AWARENESS)}(enabled=True, availability_zone_count=2)"
        edits = [self.set_keyword(node, "zone_awareness", zones)]
        if values:
            edits.insert(0, merge_capacity(self, node, values))
        self.report(message, edits, node=node)

    def _cfn_domain(self, node: cst.Call) -> None:
        """The L1: `cluster_config=CfnDomain.ClusterConfigProperty(zone_awareness_enabled=True,
        zone_awareness_config=ZoneAwarenessConfigProperty(availability_zone_count=2), instance_count=<even>)`.
        Without CDK's feature flag there is no standby default to state: an absent
        `multi_az_with_standby_enabled` is the service's default, off."""
        arg = layout.keyword_arg(node, "cluster_config")
        if arg is not None and capacity_value(arg.value, "zone_awareness_enabled") is not None:
            return  # the user's choice, whatever it is
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack zone awareness (OS7)", "a `**` splat may set `cluster_config`", node
            )
            return
        message = f"{what} without zone awareness ({self.title})"
        if layout.keyword_arg(node, "vpc_options") is not None:
            self.report_without_fix(
                message,
                "`vpc_options=`: a zone-aware domain needs a subnet in each zone, which cdkfix cannot check",
                node,
            )
            return
        config, why = capacity_call(self, node, "cluster_config", CLUSTER_CONFIG)
        if why:
            self.report_without_fix(message, why, node)
            return
        for keyword in _L1_UNPROVEN:
            if capacity_value(config, keyword) is not None:
                self.report_without_fix(
                    message, f"`{keyword}=` in the cluster config: how those nodes spread over two zones is not proven", node
                )
                return
        standby = capacity_value(config, "multi_az_with_standby_enabled")
        if standby is not None and code(standby) != "False":
            self.report_without_fix(
                message, "`multi_az_with_standby_enabled=` is not False: Multi-AZ with Standby needs three zones", node
            )
            return
        nodes = capacity_value(config, "instance_count")
        count = 1 if nodes is None else int_value(nodes)
        if count is None:
            self.report_without_fix(
                message,
                "`instance_count` is not an integer literal: two zones need an even count, which cdkfix cannot check",
                node,
            )
            return
        values = {
            "zone_awareness_enabled": "True",
            "zone_awareness_config": f"{self.ref(CFN_ZONE_AWARENESS)}(availability_zone_count=2)",
        }
        if nodes is None or count % 2 or count == 0:
            values["instance_count"] = str(max(2, count + count % 2))
        self.report(message, [merge_capacity(self, node, values, "cluster_config", CLUSTER_CONFIG)], node=node)
