"""CDK-B8: load balancer target group health check without timeout and thresholds."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding

HEALTH_CHECK = "aws_cdk.aws_elasticloadbalancingv2.HealthCheck"
DURATION_SECONDS = "aws_cdk.Duration.seconds"
# Literal intervals the rule can read, in seconds per unit.
DURATION_UNITS = {"aws_cdk.Duration.seconds": 1, "aws_cdk.Duration.minutes": 60}
# ELB accepts health check timeouts of 2 to 120 seconds.
MIN_TIMEOUT = 2
# `target_group.configure_health_check(path="/")`, the method form: takes HealthCheck's keywords.
CONFIGURE = "configure_health_check"
TARGET_GROUPS = frozenset({
    "aws_cdk.aws_elasticloadbalancingv2.ApplicationTargetGroup",
    "aws_cdk.aws_elasticloadbalancingv2.NetworkTargetGroup",
})
# ecs_patterns services whose `.target_group` is the one they put the service in.
LOAD_BALANCED_PATTERNS = frozenset(
    f"aws_cdk.aws_ecs_patterns.{name}"
    for name in (
        "ApplicationLoadBalancedFargateService", "ApplicationLoadBalancedEc2Service",
        "NetworkLoadBalancedFargateService", "NetworkLoadBalancedEc2Service",
    )
)


class TargetGroupHealthCheck(Rule):
    code = "CDK-B8"
    name = "target-group-health-check"
    title = "Target Group Missing Complete Health Check Configuration"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    # Derived by the fix-effect harness: it changes HealthCheckTimeoutSeconds and the threshold
    # counts of a running target group (how fast targets enter and leave service).
    safety = Safety.UNSAFE
    issue = (
        "The target group's `elbv2.HealthCheck` leaves the timeout and the healthy/unhealthy threshold counts to "
        "Elastic Load Balancing's defaults (for HTTP target groups: 5 s timeout, 5 consecutive successes before a "
        "target is healthy, 2 failures before it is unhealthy). A new or replaced task then waits five intervals "
        "(2.5 minutes at a 30 s interval) before it takes traffic, and how fast targets enter and leave service "
        "is nowhere in the code to review."
    )
    fix = (
        "Adds the missing settings among `interval=Duration.seconds(30)` (ELB's own default, written out), "
        "`timeout=Duration.seconds(5)`, `healthy_threshold_count=2` and "
        "`unhealthy_threshold_count=3`, keeping any that are set. Without an interval, a literal timeout of t "
        "seconds gets an interval of at least t+1; an unreadable timeout gets none. The timeout must stay below the interval: with a "
        "literal `interval` of n seconds not above the timeout, the timeout becomes n-1 (at least 2); with an "
        "interval the rule cannot read (a variable), no timeout is added. An unhealthy threshold of 3 tolerates "
        "one more failed check than ELB's default of 2 (fewer evictions on a transient blip, detection one "
        "interval later); set the option to 2 for the fastest detection. Matched: "
        "`aws_elasticloadbalancingv2.HealthCheck(...)` and the method form `target_group.configure_health_check(...)` "
        "on a target group bound once to `ApplicationTargetGroup`/`NetworkTargetGroup` or the `.target_group` of a "
        "load-balanced `ecs_patterns` service; not the ECS container or Auto Scaling health checks. A `**` splat is "
        "reported without a fix."
    )
    impact = (
        "UNSAFE (changes a running service): targets enter service after 2 healthy checks instead of 5 and leave it after 3 failed ones instead of 2. Slow registration and recovery of targets (five healthy checks with the defaults); health check "
        "behaviour left implicit."
    )
    options = {"interval_seconds": 30, "timeout_seconds": 5, "healthy_threshold_count": 2, "unhealthy_threshold_count": 3}
    calls = frozenset({HEALTH_CHECK})
    call_names = frozenset({CONFIGURE})
    examples = [
        Example(
            before="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

target_group = elbv2.ApplicationTargetGroup(
    self,
    "TargetGroup",
    vpc=vpc,
    port=80,
    health_check=elbv2.HealthCheck(
        path="/",
        interval=Duration.seconds(30)
    )
)
""",
            after="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

target_group = elbv2.ApplicationTargetGroup(
    self,
    "TargetGroup",
    vpc=vpc,
    port=80,
    health_check=elbv2.HealthCheck(
        path="/",
        interval=Duration.seconds(30),
        timeout=Duration.seconds(5),
        healthy_threshold_count=2,
        unhealthy_threshold_count=3
    )
)
""",
            name="seed: multi-line health check",
        ),
        Example(
            before="""\
import aws_cdk as cdk

health = cdk.aws_elasticloadbalancingv2.HealthCheck(path="/health", healthy_threshold_count=3)
""",
            after="""\
import aws_cdk as cdk

health = cdk.aws_elasticloadbalancingv2.HealthCheck(path="/health", healthy_threshold_count=3, interval=cdk.Duration.seconds(30), timeout=cdk.Duration.seconds(5), unhealthy_threshold_count=3)
""",
            name="one line, a threshold kept, Duration spelled through cdk",
        ),
        Example(
            before="""\
from aws_cdk import Duration
from aws_cdk.aws_elasticloadbalancingv2 import HealthCheck

check = HealthCheck(
    path="/",
    interval=Duration.seconds(5),  # fast checks
)
""",
            after="""\
from aws_cdk import Duration
from aws_cdk.aws_elasticloadbalancingv2 import HealthCheck

check = HealthCheck(
    path="/",
    interval=Duration.seconds(5),  # fast checks
    timeout=Duration.seconds(4),
    healthy_threshold_count=2,
    unhealthy_threshold_count=3,
)
""",
            name="class imported directly, 5 s interval: timeout 4 s, trailing comma and comment",
        ),
        Example(
            before="""\
from aws_cdk.aws_elasticloadbalancingv2 import HealthCheck

listener.add_targets(
    "Web",
    port=8080,
    health_check=HealthCheck(
        path="/healthz",
        healthy_http_codes="200-299"  # any 2xx
    )
)
""",
            after="""\
from aws_cdk.aws_elasticloadbalancingv2 import HealthCheck
from aws_cdk import Duration

listener.add_targets(
    "Web",
    port=8080,
    health_check=HealthCheck(
        path="/healthz",
        healthy_http_codes="200-299",  # any 2xx
        interval=Duration.seconds(30),
        timeout=Duration.seconds(5),
        healthy_threshold_count=2,
        unhealthy_threshold_count=3
    )
)
""",
            name="Duration import added, comment on the last argument kept",
        ),
        Example(
            before="""\
import aws_cdk.aws_elasticloadbalancingv2 as elbv2
from aws_cdk import Duration

tg.configure_health_check(path="/")
tg2 = elbv2.NetworkTargetGroup(self, "Tg", vpc=vpc, port=443, health_check=elbv2.HealthCheck(interval=Duration.minutes(1)))
""",
            after="""\
import aws_cdk.aws_elasticloadbalancingv2 as elbv2
from aws_cdk import Duration

tg.configure_health_check(path="/")
tg2 = elbv2.NetworkTargetGroup(self, "Tg", vpc=vpc, port=443, health_check=elbv2.HealthCheck(interval=Duration.minutes(1), timeout=Duration.seconds(5), healthy_threshold_count=2, unhealthy_threshold_count=3))
""",
            name="module imported with import-as, interval in minutes",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", interval=Duration.seconds(check_interval))
""",
            after="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", interval=Duration.seconds(check_interval), healthy_threshold_count=2, unhealthy_threshold_count=3)
""",
            name="interval not a literal: no timeout added, thresholds are",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", interval=Duration.seconds(60))
""",
            after="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", interval=Duration.seconds(60), timeout=Duration.seconds(10), healthy_threshold_count=3, unhealthy_threshold_count=2)
""",
            options={"timeout_seconds": 10, "healthy_threshold_count": 3, "unhealthy_threshold_count": 2},
            name="options",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_ecs as ecs, aws_autoscaling as autoscaling, aws_elasticloadbalancingv2 as elbv2

done = elbv2.HealthCheck(
    path="/",
    interval=Duration.seconds(30),
    timeout=Duration.seconds(5),
    healthy_threshold_count=2,
    unhealthy_threshold_count=3,
)
container_check = ecs.HealthCheck(command=["CMD-SHELL", "curl -f http://localhost/ || exit 1"])
group_check = autoscaling.HealthCheck.elb(grace=Duration.minutes(5))
""",
            name="complete, ECS and Auto Scaling health checks left alone",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Web(Construct):
    def __init__(self, scope, construct_id, *, listener, service) -> None:
        super().__init__(scope, construct_id)
        listener.add_targets(
            "Web",
            port=80,
            targets=[service],
            health_check=cdk.aws_elasticloadbalancingv2.HealthCheck(path="/health"),
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Web(Construct):
    def __init__(self, scope, construct_id, *, listener, service) -> None:
        super().__init__(scope, construct_id)
        listener.add_targets(
            "Web",
            port=80,
            targets=[service],
            health_check=cdk.aws_elasticloadbalancingv2.HealthCheck(path="/health", interval=cdk.Duration.seconds(30), timeout=cdk.Duration.seconds(5), healthy_threshold_count=2, unhealthy_threshold_count=3),
        )
""",
            name="path only, in add_targets(health_check=...) through import aws_cdk as cdk, in a Construct",
        ),
        Example(
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

health = elbv2.HealthCheck(path="/ready", healthy_http_codes="200")
target_group = elbv2.ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, health_check=health)
""",
            after="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import Duration

health = elbv2.HealthCheck(path="/ready", healthy_http_codes="200", interval=Duration.seconds(30), timeout=Duration.seconds(5), healthy_threshold_count=2, unhealthy_threshold_count=3)
target_group = elbv2.ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, health_check=health)
""",
            name="a variable passed to ApplicationTargetGroup, Duration import added",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

target_group = elbv2.ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, health_check=elbv2.HealthCheck(path="/", timeout=Duration.seconds(40), healthy_threshold_count=2, unhealthy_threshold_count=3))
""",
            after="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

target_group = elbv2.ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, health_check=elbv2.HealthCheck(path="/", timeout=Duration.seconds(40), healthy_threshold_count=2, unhealthy_threshold_count=3, interval=Duration.seconds(41)))
""",
            name="long timeout: the interval goes above it",
        ),
        Example(
            before="""\
from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", timeout=Duration.seconds(settings.timeout), healthy_threshold_count=2, unhealthy_threshold_count=3)
""",
            name="timeout not a literal: no interval can be chosen above it",
        ),
        Example(
            before="""\
from aws_cdk import Duration
from my_lib import HealthCheck

check = HealthCheck(path="/")
""",
            name="a non-CDK HealthCheck",
        ),
        Example(
            before="""\
from aws_cdk import Duration, Stack, aws_ecs_patterns as ecs_patterns


class Hello(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        svc = ecs_patterns.ApplicationLoadBalancedFargateService(
            self, "FargateHello",
            cluster=cluster,
            desired_count=1,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image),
        )

        svc.target_group.configure_health_check(
            path="/",
            healthy_http_codes="200",
            interval=Duration.seconds(30),
        )
""",
            after="""\
from aws_cdk import Duration, Stack, aws_ecs_patterns as ecs_patterns


class Hello(Stack):
    def __init__(self, scope, construct_id, *, cluster, image) -> None:
        super().__init__(scope, construct_id)
        svc = ecs_patterns.ApplicationLoadBalancedFargateService(
            self, "FargateHello",
            cluster=cluster,
            desired_count=1,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=image),
        )

        svc.target_group.configure_health_check(
            path="/",
            healthy_http_codes="200",
            interval=Duration.seconds(30),
            timeout=Duration.seconds(5),
            healthy_threshold_count=2,
            unhealthy_threshold_count=3,
        )
""",
            name='method form svc.target_group.configure_health_check(...) on an ecs_patterns service',
        ),
        Example(
            before="""\
from aws_cdk.aws_elasticloadbalancingv2 import ApplicationTargetGroup, TargetType
from constructs import Construct


class Web(Construct):
    def __init__(self, scope, construct_id, *, vpc, listener) -> None:
        super().__init__(scope, construct_id)
        self.target_group = ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, target_type=TargetType.IP)
        listener.add_target_groups("Web", target_groups=[self.target_group])
        self.check("/health")


    def check(self, path):
        self.target_group.configure_health_check(path=path)
""",
            after="""\
from aws_cdk.aws_elasticloadbalancingv2 import ApplicationTargetGroup, TargetType
from constructs import Construct
from aws_cdk import Duration


class Web(Construct):
    def __init__(self, scope, construct_id, *, vpc, listener) -> None:
        super().__init__(scope, construct_id)
        self.target_group = ApplicationTargetGroup(self, "Web", vpc=vpc, port=80, target_type=TargetType.IP)
        listener.add_target_groups("Web", target_groups=[self.target_group])
        self.check("/health")


    def check(self, path):
        self.target_group.configure_health_check(path=path, interval=Duration.seconds(30), timeout=Duration.seconds(5), healthy_threshold_count=2, unhealthy_threshold_count=3)
""",
            name='method form on a self. attribute of a plain Construct, in another method, classes imported by name',
        ),
        Example(
            before="""\
import aws_cdk as cdk

api = cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService(self, "Api", cluster=cluster, task_image_options=cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image))
api.target_group.configure_health_check(port="80", healthy_threshold_count=3)
""",
            after="""\
import aws_cdk as cdk

api = cdk.aws_ecs_patterns.NetworkLoadBalancedFargateService(self, "Api", cluster=cluster, task_image_options=cdk.aws_ecs_patterns.NetworkLoadBalancedTaskImageOptions(image=image))
api.target_group.configure_health_check(port="80", healthy_threshold_count=3, interval=cdk.Duration.seconds(30), timeout=cdk.Duration.seconds(5), unhealthy_threshold_count=3)
""",
            name='method form on a NetworkLoadBalancedFargateService through import aws_cdk as cdk, threshold kept',
        ),
        Example(
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

check = elbv2.HealthCheck(path="/", **health_settings)
""",
            flagged=True,
            name='HealthCheck with a ** splat: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

target_group = elbv2.ApplicationTargetGroup(self, "Web", vpc=vpc, port=80)
target_group.configure_health_check(path="/", **settings)
""",
            flagged=True,
            name='configure_health_check with a ** splat: reported without a fix',
        ),
        Example(
            before="""\
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

def tune(target_group):
    target_group.configure_health_check(path="/")  # a parameter: what it is cannot be read
""",
            name='configure_health_check on a parameter: not known to be a target group',
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == CONFIGURE:
            if not self._is_target_group(func.value):
                return
            what = "`configure_health_check(...)`"
        elif self.resolve(func) == HEALTH_CHECK:
            what = "`elbv2.HealthCheck`"
        else:
            return
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} with a `**` splat",
                "the splat may set the interval, timeout and thresholds: cdkfix cannot tell which are missing",
                node,
            )
            return
        self._complete(node, what)

    def _is_target_group(self, receiver: cst.BaseExpression) -> bool:
        """An elbv2 target group: a name (`self.` attribute) bound once to ApplicationTargetGroup or
        NetworkTargetGroup, or the `.target_group` of a load-balanced ecs_patterns service so bound."""
        candidates = [(receiver, TARGET_GROUPS)]
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "target_group":
            candidates.append((receiver.value, LOAD_BALANCED_PATTERNS))
        for name, kinds in candidates:
            found = single_binding(self, name)
            if found is not None and isinstance(found[1], cst.Call) and self.resolve(found[1].func) in kinds:
                return True
        return False

    def _complete(self, node: cst.Call, what: str) -> None:
        wanted = {
            "interval": None,
            "timeout": None,
            "healthy_threshold_count": str(self.settings["healthy_threshold_count"]),
            "unhealthy_threshold_count": str(self.settings["unhealthy_threshold_count"]),
        }
        missing = [name for name in wanted if layout.keyword_arg(node, name) is None]
        interval = None
        if "interval" in missing:
            # A complete check states its interval: the ELB default (30 s), written out, or
            # longer than a literal timeout already set. An unreadable timeout: left unstated.
            interval = self._interval(node)
            if interval is None:
                missing.remove("interval")
            else:
                wanted["interval"] = f"{self.ref(DURATION_SECONDS)}({interval})"
        if "timeout" in missing:
            timeout = self._timeout(node, interval)
            if timeout is None:
                missing.remove("timeout")
            else:
                wanted["timeout"] = f"{self.ref(DURATION_SECONDS)}({timeout})"
        if not missing:
            return
        edits = [self.set_keyword(node, name, wanted[name]) for name in missing]
        self.report(f"{what} without {', '.join(f'`{name}`' for name in missing)}", edits)

    def _interval(self, node: cst.Call) -> int | None:
        """The interval in seconds to add: the option, above a literal timeout; None when the timeout is unknown."""
        interval = int(self.settings["interval_seconds"])
        timeout_arg = layout.keyword_arg(node, "timeout")
        if timeout_arg is None:
            return interval
        timeout = self._seconds(timeout_arg.value)
        if timeout is None:
            return None
        return max(interval, timeout + 1)

    def _timeout(self, node: cst.Call, interval: int | None) -> int | None:
        """The timeout in seconds to add: the option, kept below a literal interval; None when the interval is unknown."""
        timeout = int(self.settings["timeout_seconds"])
        if interval is None:
            interval_arg = layout.keyword_arg(node, "interval")
            interval = self._seconds(interval_arg.value) if interval_arg is not None else None
            if interval is None:
                return None
        if interval <= timeout:
            return max(interval - 1, MIN_TIMEOUT)
        return timeout

    def _seconds(self, value: cst.BaseExpression) -> int | None:
        """`Duration.seconds(30)` -> 30, `Duration.minutes(1)` -> 60; anything else None."""
        if not isinstance(value, cst.Call) or len(value.args) != 1:
            return None
        unit = DURATION_UNITS.get(self.resolve(value.func) or "")
        arg = value.args[0]
        if unit is None or arg.keyword is not None or arg.star or not isinstance(arg.value, cst.Integer):
            return None
        return int(arg.value.evaluated_value) * unit
