"""AwsSolutions-AS3: an Auto Scaling group without scaling notifications gets an SNS topic of its own.

cdk-nag 3 (src/rules/autoscaling/AutoScalingGroupScalingNotifications.ts) flags an
AWS::AutoScaling::AutoScalingGroup (`CfnAutoScalingGroup`) whose `notificationConfigurations`
is absent, or whose configurations together do not name all four of
autoscaling:EC2_INSTANCE_LAUNCH, EC2_INSTANCE_LAUNCH_ERROR, EC2_INSTANCE_TERMINATE and
EC2_INSTANCE_TERMINATE_ERROR (the deprecated singular `NotificationConfiguration` is not read).

The fix inserts, before the group's statement,
`<name>_notifications = sns.Topic(<scope>, "<Id>Notifications", enforce_ssl=True)` and sets
- on `autoscaling.AutoScalingGroup`: `notifications=[autoscaling.NotificationConfiguration(topic=<topic>)]`
  (CDK's default `scaling_events` is `ScalingEvents.ALL`, exactly cdk-nag's four events: CDK
  writes `notificationTypes` from it, and a synthesized test compares each ScalingEvents member
  with the table below);
- on `autoscaling.CfnAutoScalingGroup`: `notification_configurations=[autoscaling.CfnAutoScalingGroup.
  NotificationConfigurationProperty(topic_arn=<topic>.topic_arn, notification_types=[the four])]`;
- on the group ECS makes, `<cluster>.add_capacity("<Id>", ...)` on a name bound once to an
  `ecs.Cluster(...)` (the topic is made in the cluster, `sns.Topic(<cluster>, "<Id>Notifications",
  ...)`), and `ecs.Cluster(..., capacity=ecs.AddCapacityOptions(...))` (the topic next to the
  cluster, `"<ClusterId>CapacityNotifications"`): `notifications=` as on the L2 group, in the
  `add_capacity` call or the AddCapacityOptions. `add_capacity` on anything cdkfix cannot follow
  to an `ecs.Cluster(...)` is not visited (it may be another class's method); a `capacity=` that
  is not an AddCapacityOptions call is reported without a fix.

The topic raises no AwsSolutions error of its own: `enforce_ssl=True` answers SNS3. It gets no KMS
key (SNS2, a Warning in the pack): Auto Scaling publishes with its service-linked role
(AWSServiceRoleForAutoScaling), whose AutoScalingServiceRolePolicy allows `sns:Publish` but no KMS
action; a topic encrypted with the AWS managed key `alias/aws/sns` cannot be used by it (that key's
policy cannot be changed), and a customer managed key would need a key policy for that role, a
monthly charge and KMS5's rotation. Without a key, no IAM statement and no topic policy statement
for Auto Scaling are needed (the template shows none: only the `aws:SecureTransport` deny).

A `notifications=` (`notification_configurations=` on the L1) the code states is the user's: left
alone when it may name every event (a configuration without `scaling_events=`, `ScalingEvents.ALL`,
members that together give the four, or anything cdkfix cannot read); reported without a fix when
the literal list provably misses some (the user chose which events reach the subscribers; sending
them more is their decision) or is empty. Reported without a fix: a `**` splat, the deprecated
singular `notification_configuration=` on the L1 (cdk-nag does not read it), no plain scope, id and
statement.

Safe (the fix-effect harness derives it, and the facts agree): a topic without subscribers costs
nothing (Auto Scaling publishes a few messages per scaling event; SNS bills no delivery without a
subscriber), changes no running behaviour (instances launch and terminate as before), needs no IAM
change, and `NotificationConfigurations` updates without interruption and starts no rolling or
replacing update (those follow launch configuration, template and subnet changes). The topic has
no DeletionPolicy: it goes with the stack.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, derive_id, props_field, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import assigned_once
from cdkfix.transforms.nag_v3._common import Unknown

from cdkfix.transforms.awssolutions._scaffold import binding, in_plain_statement, scope_and_id

GROUP = "aws_cdk.aws_autoscaling.AutoScalingGroup"
CFN_GROUP = "aws_cdk.aws_autoscaling.CfnAutoScalingGroup"
NOTIFICATION = "aws_cdk.aws_autoscaling.NotificationConfiguration"
CFN_NOTIFICATION = "aws_cdk.aws_autoscaling.CfnAutoScalingGroup.NotificationConfigurationProperty"
SCALING_EVENTS = "aws_cdk.aws_autoscaling.ScalingEvents"
# ECS makes an Auto Scaling group for `cluster.add_capacity(...)` and `Cluster(capacity=...)`;
# both take CommonAutoScalingGroupProps, `notifications=` included.
ECS_CLUSTER = "aws_cdk.aws_ecs.Cluster"
ADD_CAPACITY_OPTIONS = "aws_cdk.aws_ecs.AddCapacityOptions"
ADD_CAPACITY = "add_capacity"
TOPIC = "aws_cdk.aws_sns.Topic"
L2_KEYWORD = "notifications"
L1_KEYWORD = "notification_configurations"
L1_SINGULAR = "notification_configuration"

# The events cdk-nag requires (its ScalingEvent list), as Auto Scaling names them.
LAUNCH = "autoscaling:EC2_INSTANCE_LAUNCH"
LAUNCH_ERROR = "autoscaling:EC2_INSTANCE_LAUNCH_ERROR"
TERMINATE = "autoscaling:EC2_INSTANCE_TERMINATE"
TERMINATE_ERROR = "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"
REQUIRED = (LAUNCH, LAUNCH_ERROR, TERMINATE, TERMINATE_ERROR)
# What each static member of CDK's ScalingEvents writes as notificationTypes (aws-cdk-lib 2.275,
# aws-autoscaling/lib/auto-scaling-group.js; tests/test_awssolutions_asg_elb.py synthesizes each).
SCALING_EVENTS_TYPES: dict[str, frozenset[str]] = {
    "ALL": frozenset(REQUIRED),
    "ERRORS": frozenset({LAUNCH_ERROR, TERMINATE_ERROR}),
    "LAUNCH_EVENTS": frozenset({LAUNCH, LAUNCH_ERROR}),
    "TERMINATION_EVENTS": frozenset({TERMINATE, TERMINATE_ERROR}),
}

_INSTANCE_ARGS = (
    'self, "Fleet", vpc=vpc, instance_type=ec2.InstanceType("t3.micro"), '
    "machine_image=ec2.MachineImage.latest_amazon_linux2023()"
)
_CFN_ARGS = 'self, "Fleet", max_size="1", min_size="0", availability_zones=["us-east-1a"]'
_CHOSEN = (
    "the stated notifications do not name every event cdk-nag asks for ({missing}): which events reach the "
    "topic's subscribers is the user's choice; add them (`scaling_events=ScalingEvents.ALL`) to clear AS3"
)


class As3ScalingNotifications(Rule):
    code = "AwsSolutions-AS3"
    name = "awssolutions-asg-scaling-notifications"
    title = "Auto Scaling group without notifications for all scaling events"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.SAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-AS3: The Auto Scaling Group does not have notifications configured for all scaling "
        "events. Instance launches, terminations and their failures go unnoticed."
    )
    fix = (
        "Inserts before the group's statement `<name>_notifications = sns.Topic(<scope>, \"<Id>Notifications\", "
        "enforce_ssl=True)` and sets `notifications=[autoscaling.NotificationConfiguration(topic=<topic>)]` (CDK's "
        "default events, ScalingEvents.ALL, are cdk-nag's four) on an `autoscaling.AutoScalingGroup`, or "
        "`notification_configurations=[CfnAutoScalingGroup.NotificationConfigurationProperty(topic_arn=<topic>."
        "topic_arn, notification_types=[the four events])]` on a `CfnAutoScalingGroup`; the groups ECS makes get "
        "`notifications=` in `<cluster>.add_capacity(...)` (a name bound to `ecs.Cluster(...)`; the topic is made in "
        "the cluster) or in `Cluster(capacity=ecs.AddCapacityOptions(...))`. The topic enforces SSL "
        "(SNS3) and has no KMS key: Auto Scaling's service-linked role may publish to it without any grant. A stated "
        "list that may name every event is left alone; one that provably misses some, or is empty, is reported "
        "without a fix (the user chose the events). Reported without a fix: a `**` splat, the deprecated singular "
        "`notification_configuration=`, no plain scope, id and statement. Safe: a topic without subscribers costs "
        "nothing, no running behaviour or access changes, and the group updates in place."
    )
    impact = "Scaling failures (launch errors from capacity, quota or AMI problems) go unnoticed."
    calls = frozenset({GROUP, CFN_GROUP, ECS_CLUSTER})
    call_names = frozenset({ADD_CAPACITY})
    examples = [
        Example(
            name="module alias, bound to a name",
            before=f"""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2

fleet = autoscaling.AutoScalingGroup({_INSTANCE_ARGS})
""",
            after=f"""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2
from aws_cdk import aws_sns as sns

fleet_notifications = sns.Topic(self, "FleetNotifications", enforce_ssl=True)

fleet = autoscaling.AutoScalingGroup({_INSTANCE_ARGS}, notifications=[autoscaling.NotificationConfiguration(topic=fleet_notifications)])
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, inside a stack",
            before="""\
import aws_cdk as cdk


class WebStack(cdk.Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        self.fleet = cdk.aws_autoscaling.AutoScalingGroup(
            self,
            "Fleet",
            vpc=vpc,
            instance_type=cdk.aws_ec2.InstanceType("t3.micro"),
            machine_image=cdk.aws_ec2.MachineImage.latest_amazon_linux2023(),
        )
""",
            after="""\
import aws_cdk as cdk


class WebStack(cdk.Stack):
    def __init__(self, scope, construct_id, vpc):
        super().__init__(scope, construct_id)
        fleet_notifications = cdk.aws_sns.Topic(
            self, "FleetNotifications", enforce_ssl=True
        )
        self.fleet = cdk.aws_autoscaling.AutoScalingGroup(
            self,
            "Fleet",
            vpc=vpc,
            instance_type=cdk.aws_ec2.InstanceType("t3.micro"),
            machine_image=cdk.aws_ec2.MachineImage.latest_amazon_linux2023(),
            notifications=[
                cdk.aws_autoscaling.NotificationConfiguration(
                    topic=fleet_notifications
                )
            ],
        )
""",
        ),
        Example(
            name="class imported by name, a bare statement",
            before=f"""\
from aws_cdk import aws_ec2 as ec2
from aws_cdk.aws_autoscaling import AutoScalingGroup

AutoScalingGroup({_INSTANCE_ARGS})
""",
            after=f"""\
from aws_cdk import aws_ec2 as ec2
from aws_cdk.aws_autoscaling import AutoScalingGroup
from aws_cdk import aws_sns as sns
from aws_cdk import aws_autoscaling as autoscaling

scaling_notifications = sns.Topic(self, "FleetNotifications", enforce_ssl=True)

AutoScalingGroup({_INSTANCE_ARGS}, notifications=[autoscaling.NotificationConfiguration(topic=scaling_notifications)])
""",
        ),
        Example(
            name="L1 CfnAutoScalingGroup: the four events written out",
            before=f"""\
from aws_cdk import aws_autoscaling as autoscaling

group = autoscaling.CfnAutoScalingGroup({_CFN_ARGS})
""",
            after=f"""\
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_sns as sns

group_notifications = sns.Topic(self, "FleetNotifications", enforce_ssl=True)

group = autoscaling.CfnAutoScalingGroup({_CFN_ARGS}, notification_configurations=[
    autoscaling.CfnAutoScalingGroup.NotificationConfigurationProperty(
        topic_arn=group_notifications.topic_arn,
        notification_types=[
            "autoscaling:EC2_INSTANCE_LAUNCH",
            "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
            "autoscaling:EC2_INSTANCE_TERMINATE",
            "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
        ],
    )
])
""",
        ),
        Example(
            name="left alone: notifications that may name every event",
            before="""\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.AutoScalingGroup(self, "A", vpc=vpc, notifications=[autoscaling.NotificationConfiguration(topic=topic)])
autoscaling.AutoScalingGroup(self, "B", vpc=vpc, notifications=[
    autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.LAUNCH_EVENTS),
    autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.TERMINATION_EVENTS),
], **props)
autoscaling.AutoScalingGroup(self, "C", vpc=vpc, notifications=notifications)
autoscaling.AutoScalingGroup(self, "D", vpc=vpc, notifications=[{"topic": topic, "scaling_events": events}])
autoscaling.CfnAutoScalingGroup(self, "E", max_size="1", min_size="0", notification_configurations=[
    autoscaling.CfnAutoScalingGroup.NotificationConfigurationProperty(topic_arn=arn, notification_types=types)
])
""",
        ),
        Example(
            name="reported without a fix: events missing, an empty list, a splat, the deprecated singular, no statement",
            before="""\
from aws_cdk import aws_autoscaling as autoscaling

autoscaling.AutoScalingGroup(self, "A", vpc=vpc, notifications=[
    autoscaling.NotificationConfiguration(topic=topic, scaling_events=autoscaling.ScalingEvents.ERRORS)
])
autoscaling.AutoScalingGroup(self, "B", vpc=vpc, notifications=[])
autoscaling.AutoScalingGroup(self, "C", vpc=vpc, **props)
autoscaling.CfnAutoScalingGroup(self, "D", max_size="1", min_size="0", notification_configurations=[
    {"topicArn": arn, "notificationTypes": ["autoscaling:EC2_INSTANCE_LAUNCH_ERROR"]}
])
autoscaling.CfnAutoScalingGroup(self, "E", max_size="1", min_size="0", notification_configuration=config)
groups = [autoscaling.AutoScalingGroup(self, name, vpc=vpc) for name in names]
""",
            flagged=True,
        ),
        Example(
            name="ECS: cluster.add_capacity on a cluster bound in the file",
            before="""\
from aws_cdk import aws_ec2 as ec2, aws_ecs as ecs

cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
cluster.add_capacity("Capacity", instance_type=ec2.InstanceType("t3.micro"))
""",
            after="""\
from aws_cdk import aws_ec2 as ec2, aws_ecs as ecs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_autoscaling as autoscaling

cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
capacity_notifications = sns.Topic(cluster, "CapacityNotifications", enforce_ssl=True)
cluster.add_capacity("Capacity", instance_type=ec2.InstanceType("t3.micro"), notifications=[autoscaling.NotificationConfiguration(topic=capacity_notifications)])
""",
        ),
        Example(
            name="ECS: Cluster(capacity=AddCapacityOptions(...))",
            before="""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs

cluster = ecs.Cluster(
    self, "Cluster", vpc=vpc, capacity=ecs.AddCapacityOptions(instance_type=ec2.InstanceType("t3.micro"))
)
""",
            after="""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs
from aws_cdk import aws_sns as sns

capacity_notifications = sns.Topic(
    self, "ClusterCapacityNotifications", enforce_ssl=True
)

cluster = ecs.Cluster(
    self, "Cluster", vpc=vpc, capacity=ecs.AddCapacityOptions(instance_type=ec2.InstanceType("t3.micro"), notifications=[autoscaling.NotificationConfiguration(topic=capacity_notifications)])
)
""",
        ),
        Example(
            name="ECS: left alone or reported (stated notifications, an unknown receiver, a capacity cdkfix cannot read)",
            before="""\
from aws_cdk import aws_autoscaling as autoscaling, aws_ecs as ecs

cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
cluster.add_capacity("A", instance_type=instance_type, notifications=[autoscaling.NotificationConfiguration(topic=topic)])
cluster.add_capacity("B", instance_type=instance_type, notifications=[])
cluster.add_capacity("C", instance_type=instance_type, **options)
other.add_capacity("D", instance_type=instance_type)
ecs.Cluster(self, "E", vpc=vpc, capacity=capacity)
ecs.Cluster(self, "F", vpc=vpc)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == ADD_CAPACITY:
            self._add_capacity(node)
            return
        qualified = self.resolve(node.func)
        if qualified == ECS_CLUSTER:
            self._cluster_capacity(node)
            return
        if qualified not in (GROUP, CFN_GROUP):
            return
        is_l1 = qualified == CFN_GROUP
        keyword = L1_KEYWORD if is_l1 else L2_KEYWORD
        what = code(node.func)
        message = f"{what} without notifications for all scaling events ({self.title})"
        stated = layout.keyword_arg(node, keyword)
        if stated is not None:
            # The user's list, also beside a splat (Python refuses the keyword twice).
            missing = self._missing_events(stated.value, is_l1)
            if missing:
                self.report_without_fix(message, _CHOSEN.format(missing=", ".join(missing)), node)
            return
        if is_l1 and layout.keyword_arg(node, L1_SINGULAR) is not None:
            self.report_without_fix(
                message,
                "the deprecated `notification_configuration=` (singular) is stated, which cdk-nag does not read: move it "
                "into `notification_configurations=[...]` (naming all four scaling events)",
                node,
            )
            return
        if layout.has_double_star(node):
            self.report_without_fix(message, f"a `**` splat may set `{keyword}`", node)
            return
        place = scope_and_id(node, "Notifications", "ScalingNotifications")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new topic next to", node)
            return
        scope, new_id = place
        name = binding(self, node)
        topic = self.unique_name(f"{name.rsplit('.', 1)[-1]}_notifications" if name else "scaling_notifications")
        insert = self.insert_before(self.current_statement, f"{topic} = {self.ref(TOPIC)}({scope}, {new_id}, enforce_ssl=True)")
        if is_l1:
            events = ", ".join(f'"{event}"' for event in REQUIRED)
            value = f"[{self.ref(CFN_NOTIFICATION)}(topic_arn={topic}.topic_arn, notification_types=[{events}])]"
        else:
            value = f"[{self.ref(NOTIFICATION)}(topic={topic})]"
        self.report(message, [self.set_keyword(node, keyword, value), insert], anchor=self.current_statement, node=node)

    def _add_capacity(self, node: cst.Call) -> None:
        """`<cluster>.add_capacity("<Id>", ...)`: the group ECS makes, its topic made in the cluster."""
        cluster = dotted_name(node.func.value)
        if cluster is None:
            return
        try:
            value = assigned_once(self, cluster)
        except Unknown:
            return  # not provably an ecs.Cluster: another class may have an add_capacity
        if not isinstance(value, cst.Call) or self.resolve(value.func) != ECS_CLUSTER:
            return
        id_arg = layout.argument(node, 0, "id")
        place = (cluster, derive_id(id_arg.value, "Notifications", "CapacityNotifications")) if id_arg else None
        self._capacity_notifications(node, f"{code(node.func)}(...)", place)

    def _cluster_capacity(self, node: cst.Call) -> None:
        """`ecs.Cluster(..., capacity=...)`: the group ECS makes from AddCapacityOptions."""
        capacity = layout.keyword_arg(node, "capacity")
        if capacity is None:
            return
        what = f"{code(node.func)}(capacity=...)"
        options = capacity.value
        if not isinstance(options, cst.Call) or self.resolve(options.func) != ADD_CAPACITY_OPTIONS:
            self.report_without_fix(
                f"{what}: the Auto Scaling group it makes may lack notifications ({self.code})",
                "cdkfix cannot read `capacity=` (not an `AddCapacityOptions(...)` call)",
                node,
            )
            return
        self._capacity_notifications(options, what, scope_and_id(node, "CapacityNotifications", "CapacityNotifications"))

    def _capacity_notifications(self, target: cst.Call, what: str, place: tuple[str, str] | None) -> None:
        """`notifications=` on `target` (an add_capacity or AddCapacityOptions call) and a new topic
        at `place` (scope, id source) before the statement, as on an AutoScalingGroup."""
        message = f"{what}: the Auto Scaling group ECS makes has no notifications for all scaling events ({self.code})"
        stated = layout.keyword_arg(target, L2_KEYWORD)
        if stated is not None:
            missing = self._missing_events(stated.value, False)
            if missing:
                self.report_without_fix(message, _CHOSEN.format(missing=", ".join(missing)), target)
            return
        if layout.has_double_star(target):
            self.report_without_fix(message, f"a `**` splat may set `{L2_KEYWORD}`", target)
            return
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new topic next to", target)
            return
        scope, new_id = place
        topic = self.unique_name("capacity_notifications")
        insert = self.insert_before(self.current_statement, f"{topic} = {self.ref(TOPIC)}({scope}, {new_id}, enforce_ssl=True)")
        value = f"[{self.ref(NOTIFICATION)}(topic={topic})]"
        self.report(message, [self.set_keyword(target, L2_KEYWORD, value), insert], anchor=self.current_statement, node=target)

    def _missing_events(self, value: cst.BaseExpression, is_l1: bool) -> list[str]:
        """The required events a stated list provably does not name (all of them for an empty
        list); empty when it names them all or when any part cannot be read."""
        if not isinstance(value, (cst.List, cst.Tuple)):
            return []
        named: set[str] = set()
        for element in value.elements:
            if not isinstance(element, cst.Element):
                return []  # a `*` splat inside the list
            events = self._l1_events(element.value) if is_l1 else self._l2_events(element.value)
            if events is None:
                return []
            named |= events
        return [event for event in REQUIRED if event not in named]

    def _props_field(self, config: cst.BaseExpression, names: tuple[str, ...], props: str) -> object:
        """`props_field` of a call to `props` (another call is unreadable) or a dict literal;
        `_ABSENT` when not written."""
        if isinstance(config, cst.Call) and self.resolve(config.func) != props:
            return None
        return props_field(config, names, _ABSENT)

    def _l2_events(self, config: cst.BaseExpression) -> frozenset[str] | None:
        """The events one NotificationConfiguration (a call or a dict literal) names; None when unreadable."""
        events = self._props_field(config, ("scaling_events", "scalingEvents"), NOTIFICATION)
        if events is _ABSENT:
            return SCALING_EVENTS_TYPES["ALL"]  # CDK's default
        if not isinstance(events, cst.BaseExpression):
            return None
        qualified = self.resolve(events)
        if qualified is None or not qualified.startswith(f"{SCALING_EVENTS}."):
            return None
        return SCALING_EVENTS_TYPES.get(qualified.rsplit(".", 1)[-1])

    def _l1_events(self, config: cst.BaseExpression) -> frozenset[str] | None:
        """The notification types one NotificationConfigurationProperty (a call or a dict literal)
        names; None when unreadable."""
        types = self._props_field(config, ("notification_types", "notificationTypes"), CFN_NOTIFICATION)
        if types is _ABSENT:
            return frozenset()  # cdk-nag: no types, no event
        if not isinstance(types, (cst.List, cst.Tuple)):
            return None
        found = set()
        for element in types.elements:
            text = string_value(element.value) if isinstance(element, cst.Element) else None
            if text is None:
                return None
            found.add(text)
        return frozenset(found)


_ABSENT = object()
