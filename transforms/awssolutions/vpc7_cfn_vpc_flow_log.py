"""AwsSolutions-VPC7: a VPC without a flow log, on the L2 `ec2.Vpc` and the L1 `ec2.CfnVPC`.

cdk-nag 3 (src/rules/vpc/VPCFlowLogsEnabled.ts) looks at every CfnVPC of the stack and passes it
when some CfnFlowLog of the stack has `ResourceType: VPC` and a `ResourceId` that resolves to the
VPC's logical id (`NagRules.resolveResourceFromIntrinsic`: the target of a `Ref`, or of an
`Fn::GetAtt`, so `vpc.ref` and `vpc.attr_vpc_id` both match). Two fixes under one code (the
registry allows one rule a code):

- the keyword (declared as a KeywordRule, as before): `ec2.Vpc(...)` gets
  `flow_logs={"FlowLogs": ec2.FlowLogOptions()}`;
- `ec2.CfnVPC(...)` bound to a name gets, after its statement,
  `ec2.FlowLog(<scope>, "<Id>FlowLog", resource_type=ec2.FlowLogResourceType.from_vpc(
  ec2.Vpc.from_vpc_attributes(<scope>, "<Id>FlowLogVpc", vpc_id=<name>.ref,
  availability_zones=Fn.get_azs())))`.

aws-cdk-lib 2.275 has no `FlowLogResourceType.from_vpc_id` (its factories are `from_vpc`,
`from_subnet`, `from_network_interface_id` and the transit gateway ones): `from_vpc` takes an
IVpc, which a CfnVPC is not, so the fix makes one with `Vpc.from_vpc_attributes` (an import:
no resource). Its required `availability_zones` is `Fn.get_azs()`, the region's zones as a
CloudFormation expression, true of any VPC and needing no context lookup (an empty list is
refused: "Number of publicSubnetIds (0) must be a multiple of availability zones (0)"); the
flow log reads only the VPC id. `vpc_id=<name>.ref` is the `Ref` the L2 Vpc's own flow log
uses. The resources are those of the L2 fix: the FlowLog construct's log group (CloudWatch
Logs, retention two years, retained), its role for vpc-flow-logs.amazonaws.com with
CreateLogStream / PutLogEvents / DescribeLogStreams on that group, and the AWS::EC2::FlowLog
(all traffic). Hand-writing the L1 CfnFlowLog instead would take four statements (group,
role, policy, flow log) repeating what the FlowLog construct decides.

Reported without a fix: a CfnVPC not bound to a name (`x = ...` / `self.x = ...`), a `**`
splat, a scope or id that is not plain, a call not in a plain statement, and a file that makes
a flow log cdkfix cannot tie to a VPC (it may be this one's). A flow log call that names the
VPC's variable is the user's: left alone (also how a second run sees its own fix).

Fix safety: UNSAFE, as the L2 fix: flow log records are billed as CloudWatch Logs ingestion and
storage; nothing existing is replaced.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.keyword_rule import KeywordRule, keyword_rule, splat_examples
from cdkfix.names import dotted_name
from cdkfix.rule import Example, Kind, Safety
from cdkfix.traverse import nodes_within

from cdkfix.transforms.awssolutions._scaffold import (
    ECS_PATTERN_EXAMPLE_IMPORTS,
    ECS_PATTERN_EXAMPLE_SERVICE,
    ECS_PATTERN_SERVICES,
    binding,
    callee,
    default_cluster,
    in_plain_statement,
    scope_and_id,
)

CFN_VPC = "aws_cdk.aws_ec2.CfnVPC"
FLOW_LOG = "aws_cdk.aws_ec2.FlowLog"
CFN_FLOW_LOG = "aws_cdk.aws_ec2.CfnFlowLog"
FROM_VPC = "aws_cdk.aws_ec2.FlowLogResourceType.from_vpc"
FROM_VPC_ATTRIBUTES = "aws_cdk.aws_ec2.Vpc.from_vpc_attributes"
GET_AZS = "aws_cdk.Fn.get_azs"

SPEC = KeywordRule(
    code="AwsSolutions-VPC7",
    name="awssolutions-vpc-flow-logs",
    title="VPC without a flow log",
    cause="The VPC does not have an associated Flow Log.",
    why="Without flow logs there is no record of accepted or rejected traffic.",
    impact="No network forensics or troubleshooting data.",
    kind=Kind.OBSERVABILITY,
    constructs=("aws_cdk.aws_ec2.Vpc",),
    keyword="flow_logs",
    value='{"FlowLogs": {aws_cdk.aws_ec2.FlowLogOptions}()}',
    keep="{}",
    safety=Safety.UNSAFE,
    safety_note="Unsafe: flow log records are billed as CloudWatch Logs ingestion and storage.",
)

_KeywordFix = keyword_rule(SPEC, __name__)  # the base class; deleted below, so the registry sees one VPC7

_CFN_EXAMPLES = [
    Example(
        name="CfnVPC bound to a name: a flow log after it",
        before="""\
from aws_cdk import aws_ec2 as ec2

my_vpc = ec2.CfnVPC(self, "MyVpc", cidr_block="10.0.0.0/16")
ec2.CfnInternetGateway(self, "Gateway")
""",
        after="""\
from aws_cdk import aws_ec2 as ec2
from aws_cdk import Fn

my_vpc = ec2.CfnVPC(self, "MyVpc", cidr_block="10.0.0.0/16")

ec2.FlowLog(
    self,
    "MyVpcFlowLog",
    resource_type=ec2.FlowLogResourceType.from_vpc(
        ec2.Vpc.from_vpc_attributes(
            self, "MyVpcFlowLogVpc", vpc_id=my_vpc.ref, availability_zones=Fn.get_azs()
        )
    ),
)
ec2.CfnInternetGateway(self, "Gateway")
""",
    ),
    Example(
        name="CfnVPC in a self attribute, import aws_cdk as cdk, in a stack",
        before="""\
import aws_cdk as cdk


class NetworkStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.vpc = cdk.aws_ec2.CfnVPC(
            self,
            "Network",
            cidr_block="10.0.0.0/16",
            enable_dns_hostnames=True,
        )
""",
        after="""\
import aws_cdk as cdk


class NetworkStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.vpc = cdk.aws_ec2.CfnVPC(
            self,
            "Network",
            cidr_block="10.0.0.0/16",
            enable_dns_hostnames=True,
        )

        cdk.aws_ec2.FlowLog(
            self,
            "NetworkFlowLog",
            resource_type=cdk.aws_ec2.FlowLogResourceType.from_vpc(
                cdk.aws_ec2.Vpc.from_vpc_attributes(
                    self,
                    "NetworkFlowLogVpc",
                    vpc_id=self.vpc.ref,
                    availability_zones=cdk.Fn.get_azs(),
                )
            ),
        )
""",
    ),
    Example(
        name="CfnVPC imported by name, Fn already imported",
        before="""\
from aws_cdk import Fn
from aws_cdk.aws_ec2 import CfnSubnet, CfnVPC

network = CfnVPC(self, "Network", cidr_block="10.1.0.0/16")
CfnSubnet(self, "Subnet", vpc_id=network.attr_vpc_id, cidr_block="10.1.0.0/24", availability_zone=Fn.select(0, Fn.get_azs()))
""",
        after="""\
from aws_cdk import Fn
from aws_cdk.aws_ec2 import CfnSubnet, CfnVPC
from aws_cdk import aws_ec2 as ec2

network = CfnVPC(self, "Network", cidr_block="10.1.0.0/16")

ec2.FlowLog(
    self,
    "NetworkFlowLog",
    resource_type=ec2.FlowLogResourceType.from_vpc(
        ec2.Vpc.from_vpc_attributes(
            self,
            "NetworkFlowLogVpc",
            vpc_id=network.ref,
            availability_zones=Fn.get_azs(),
        )
    ),
)
CfnSubnet(self, "Subnet", vpc_id=network.attr_vpc_id, cidr_block="10.1.0.0/24", availability_zone=Fn.select(0, Fn.get_azs()))
""",
    ),
    Example(
        name="CfnVPC left alone: its flow log names it",
        before="""\
from aws_cdk import aws_ec2 as ec2

vpc_l1 = ec2.CfnVPC(self, "Network", cidr_block="10.0.0.0/16")
ec2.CfnFlowLog(
    self,
    "Flow",
    resource_id=vpc_l1.ref,
    resource_type="VPC",
    traffic_type="ALL",
    log_destination_type="s3",
    log_destination="arn:aws:s3:::flow-log-bucket",
)
""",
    ),
    Example(
        name="CfnVPC reported without a fix: not bound to a name; another flow log in the file",
        before="""\
from aws_cdk import aws_ec2 as ec2

ec2.CfnVPC(self, "Unnamed", cidr_block="10.0.0.0/16")


def network(self, flow_target):
    other = ec2.CfnVPC(self, "Other", cidr_block="10.1.0.0/16")
    ec2.CfnFlowLog(self, "Flow", resource_id=flow_target, resource_type="VPC", traffic_type="ALL")
""",
        flagged=True,
    ),
]

_PATTERN_EXAMPLES = [
    Example(
        name="an ecs_patterns service without cluster= or vpc=: the default VPC reported without a fix",
        before=ECS_PATTERN_EXAMPLE_IMPORTS + ECS_PATTERN_EXAMPLE_SERVICE.format(""),
        flagged=True,
    ),
    Example(
        name="an ecs_patterns service with vpc= or cluster=: left alone",
        before=ECS_PATTERN_EXAMPLE_IMPORTS
        + ECS_PATTERN_EXAMPLE_SERVICE.format(", vpc=vpc")
        + ECS_PATTERN_EXAMPLE_SERVICE.format(", cluster=cluster").replace('"Service"', '"Other"'),
    ),
    Example(
        name="an ecs_patterns service with a `**` splat that may hold cluster= or vpc=: reported without a fix",
        before="from aws_cdk.aws_ecs_patterns import ScheduledFargateTask\n\n"
        'ScheduledFargateTask(self, "Nightly", **options)\n',
        flagged=True,
    ),
]


class Vpc7FlowLogs(_KeywordFix):
    __doc__ = __doc__
    fix = (
        _KeywordFix.fix
        + " An `ec2.CfnVPC` bound to a name (`x` or `self.x`) gets, after its statement, `ec2.FlowLog(<scope>, "
        "\"<Id>FlowLog\", resource_type=ec2.FlowLogResourceType.from_vpc(ec2.Vpc.from_vpc_attributes(<scope>, "
        "\"<Id>FlowLogVpc\", vpc_id=<name>.ref, availability_zones=Fn.get_azs())))`: the L2 fix's flow log "
        "(CloudWatch Logs, all traffic), on the VPC cdk-nag ties it to by its `Ref` (aws-cdk-lib has no "
        "`FlowLogResourceType.from_vpc_id`; the import makes no resource). Left alone: a CfnVPC whose name a flow log "
        "call of the file uses. Reported without a fix: a CfnVPC not bound to a name, a `**` splat, a scope or id "
        "that is not plain, a call not in a plain statement, a file with a flow log cdkfix cannot tie to a VPC. "
        "An `ecs_patterns` service without `cluster=` or `vpc=` gets CDK's default cluster in a new VPC without a flow "
        "log: reported without a fix (passing a cluster replaces the default cluster and VPC; a `**` splat that may "
        "hold either: reported as unknown)."
    )
    calls = _KeywordFix.calls | {CFN_VPC} | ECS_PATTERN_SERVICES
    # After the declaration's own examples (the fix-effect harness names examples by index), before the
    # generated splat examples, which come last in every declared rule (and have no fixed text to prove).
    examples = [
        *_KeywordFix.examples[: -len(splat_examples(SPEC))], *_CFN_EXAMPLES, *_PATTERN_EXAMPLES, *splat_examples(SPEC)
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified in ECS_PATTERN_SERVICES:
            self._default_vpc(node)
            return
        if qualified != CFN_VPC:
            super().visit_Call(node)
            return
        what = code(node.func)
        message = f"{what} without a flow log ({self.title})"
        name = binding(self, node)
        logs = self._flow_logs()
        if name is not None and any(_mentions(call, name) for call in logs):
            return  # the user's flow log (or this rule's, on a second run)
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat: cdkfix cannot see the VPC's arguments", node)
            return
        if name is None:
            self.report_without_fix(
                message, "the CfnVPC is not bound to a name (`x = ...` or `self.x = ...`) a flow log could refer to", node
            )
            return
        if logs:
            line = self.context.module.code_for_node(logs[0]).splitlines()[0]
            self.report_without_fix(
                message, f"the file makes a flow log cdkfix cannot tie to a VPC (`{line.strip()}`): it may be this one's", node
            )
            return
        place = scope_and_id(node, "FlowLog", "FlowLog")
        vpc_place = scope_and_id(node, "FlowLogVpc", "FlowLogVpc")
        if place is None or vpc_place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a flow log next to", node)
            return
        scope, new_id = place
        vpc = (
            f"{self.ref(FROM_VPC_ATTRIBUTES)}({scope}, {vpc_place[1]}, vpc_id={name}.ref, "
            f"availability_zones={self.ref(GET_AZS)}())"
        )
        source = f"{self.ref(FLOW_LOG)}({scope}, {new_id}, resource_type={self.ref(FROM_VPC)}({vpc}))"
        self.report(message, [self.insert_after(self.current_statement, source)], node=node)

    def _default_vpc(self, node: cst.Call) -> None:
        """An ecs_patterns service without `cluster=` or `vpc=`: CDK's default cluster comes with a new
        VPC of its own, without a flow log; only passing a cluster (in a VPC with flow logs) changes it."""
        if layout.keyword_arg(node, "vpc") is not None:
            return  # the user's VPC (this rule sees its own call), whatever the cluster
        made = default_cluster(node)
        if made is None:
            return  # the user's cluster, in the user's VPC
        what = callee(node)
        if made == "splat":
            self.report_without_fix(
                f"{what} may make CDK's default ECS cluster in a new VPC, without a flow log (VPC7)",
                "a `**` splat may set `cluster` or `vpc`: cdkfix cannot see its keywords",
                node,
            )
            return
        self.report_without_fix(
            f"{what} without `cluster=` or `vpc=` makes CDK's default ECS cluster in a new VPC, without a flow log (VPC7)",
            "pass `cluster=` (an `ecs.Cluster` with container insights, in a VPC with flow logs): replaces the default "
            "cluster and VPC",
            node,
        )

    def _flow_logs(self) -> list[cst.Call]:
        """The file's calls that make a flow log: FlowLog, CfnFlowLog, `<vpc>.add_flow_log(...)`."""
        cache = self.__dict__
        if "_flow_log_calls" not in cache:
            cache["_flow_log_calls"] = [
                call
                for call in nodes_within(self.context.module, cst.Call)
                if self.resolve(call.func) in (FLOW_LOG, CFN_FLOW_LOG)
                or (isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_flow_log")
            ]
        return cache["_flow_log_calls"]


def _mentions(call: cst.Call, name: str) -> bool:
    """Whether `call` uses `name` (`vpc`, `self.vpc`): as itself or as the start of a longer name."""
    return any(
        (dotted := dotted_name(node)) is not None and (dotted == name or dotted.startswith(name + "."))
        for node in nodes_within(call, cst.Name, cst.Attribute)
    )


# The registry keeps every Rule class of the module: the generated base would be a second VPC7.
del _KeywordFix
