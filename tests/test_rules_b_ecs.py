"""CDK-B8, B9, B11, B13 together on the seed's ECS stack, and their options and edge cases."""

import ast
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from cdkfix.registry import find_rule
from cdkfix.testing import fix_source
from tests.conftest import ROOT

B8, B9, B11, B12, B13 = (find_rule(code) for code in ("CDK-B8", "CDK-B9", "CDK-B11", "CDK-B12", "CDK-B13"))
SEED_ECS = (ROOT / "examples" / "seed_app" / "lib" / "ecs_stack.py").read_text()


def run(source, *rules, options=None):
    return fix_source(textwrap.dedent(source), rules, options=options)


# --- the four rules together on the seed ---------------------------------------------------


@pytest.mark.parametrize("rules", [(B9, B11, B13), (B8, B9, B11, B13), (B8, B9, B11, B12, B13)], ids=len)
def test_seed_ecs_stack_each_edit_once(rules):
    fixed, records = fix_source(SEED_ECS, rules)
    compile(fixed, "ecs_stack.py", "exec")
    assert sorted(record.code for record in records) == sorted(rule.code for rule in rules)
    assert all(record.status.value == "applied" for record in records)
    # B11: one scalable target with its two policies, after the service.
    assert fixed.count(".auto_scale_task_count(min_capacity=2, max_capacity=10)") == 1
    assert fixed.count('scale_on_cpu_utilization("CpuScaling", target_utilization_percent=70)') == 1
    assert fixed.count('"MemoryScaling", target_utilization_percent=80') == 1
    assert fixed.index("service = ecs.FargateService(") < fixed.index("scaling = service.auto_scale_task_count")
    assert fixed.index("scaling = service.auto_scale_task_count") < fixed.index("target_group.add_target(service)")
    # B13: one new role with scope and id, passed once, defined before the task definition.
    assert fixed.count("execution_role = iam.Role(") == 1
    assert fixed.count('f"TaskDefExecutionRole{environment_suffix}"') == 1
    assert fixed.count("execution_role=execution_role") == 1
    assert fixed.index("execution_role = iam.Role(") < fixed.index("task_definition = ecs.FargateTaskDefinition(")
    assert "managed_policies" not in fixed
    # B9: the value and the added key, the stale comment gone.
    assert fixed.count('"ENV": environment_suffix,') == 1
    assert fixed.count('"ENVIRONMENT_SUFFIX": environment_suffix') == 1
    assert "# Hardcoded" not in fixed
    assert '"production"' not in fixed
    if B8 in rules:
        assert fixed.count("timeout=Duration.seconds(5),") == 1
        assert fixed.count("healthy_threshold_count=2,") == 1
        assert fixed.count("unhealthy_threshold_count=3") == 1
    # The user's other comments survive; no import is added (the stack already imports iam).
    assert "nat_gateways=1  # Single point of failure" in fixed
    assert fixed.count("import") == SEED_ECS.count("import")
    again, more = fix_source(fixed, rules)
    assert again == fixed and not more


def test_seed_ecs_stack_untouched_by_anything_else():
    fixed, _ = fix_source(SEED_ECS, (B8, B9, B11, B13))
    original_lines = SEED_ECS.splitlines()
    fixed_lines = fixed.splitlines()
    # Every original line is still there, in order, except the ones the fixes rewrote.
    rewritten = {'                "ENV": "production"  # Hardcoded', "                interval=Duration.seconds(30)",
                 "            cpu=256"}
    remaining = iter(fixed_lines)
    for line in original_lines:
        if line in rewritten:
            continue
        assert any(candidate == line for candidate in remaining), line


# --- CDK-B8 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "interval, timeout",
    [("Duration.seconds(30)", 5), ("Duration.seconds(6)", 5), ("Duration.seconds(5)", 4),
     ("Duration.seconds(3)", 2), ("Duration.minutes(1)", 5), (None, 5)],
)
def test_b8_timeout_stays_below_a_literal_interval(interval, timeout):
    keyword = f", interval={interval}" if interval else ""
    fixed, _ = run(
        f"""\
        from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2
        check = elbv2.HealthCheck(path="/"{keyword})
        """,
        B8,
    )
    assert f"timeout=Duration.seconds({timeout})" in fixed


def test_b8_option_timeout_adjusted_to_the_interval():
    fixed, _ = run(
        """\
        from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2
        check = elbv2.HealthCheck(interval=Duration.seconds(10))
        """,
        B8,
        options={"CDK-B8": {"timeout_seconds": 15}},
    )
    assert "timeout=Duration.seconds(9)" in fixed


def test_b8_keeps_every_setting_it_finds():
    source = """\
        from aws_cdk import Duration, aws_elasticloadbalancingv2 as elbv2
        check = elbv2.HealthCheck(timeout=Duration.seconds(8), unhealthy_threshold_count=5)
        """
    fixed, records = run(source, B8)
    # The interval is stated too (ELB's 30 s default, above the 8 s timeout kept as it is).
    assert (
        "timeout=Duration.seconds(8), unhealthy_threshold_count=5, interval=Duration.seconds(30), healthy_threshold_count=2)"
        in fixed
    )
    assert records[0].message == "`elbv2.HealthCheck` without `interval`, `healthy_threshold_count`"


def test_b8_ignores_other_health_checks():
    source = """\
        from aws_cdk import Duration, aws_ecs as ecs, aws_elasticloadbalancing as elb
        a = ecs.HealthCheck(command=["CMD", "true"])
        b = elb.HealthCheck(port=80)
        """
    fixed, records = run(source, B8)
    assert fixed == textwrap.dedent(source) and not records


# --- CDK-B9 ------------------------------------------------------------------------------


def test_b9_stale_hardcoded_comment_removed_other_comments_kept():
    fixed, _ = run(
        """\
        from aws_cdk import aws_ecs as ecs
        def build(td, environment_suffix):
            td.add_container(
                "App",
                image=ecs.ContainerImage.from_registry("app"),
                environment={
                    "ENV": "production",  # hard-coded!
                    "STAGE": "prod",  # the stage
                    "REGION": "eu-west-1"  # HARDCODED region
                },
            )
        """,
        B9,
    )
    assert '"ENV": environment_suffix,\n' in fixed
    assert '"STAGE": environment_suffix,  # the stage\n' in fixed
    # Not replaced, so its comment stays true and stays on its own line.
    assert '"REGION": "eu-west-1",  # HARDCODED region\n' in fixed
    assert '"ENVIRONMENT_SUFFIX": environment_suffix\n' in fixed
    assert "hard-coded!" not in fixed


def test_b9_self_suffix_set_only_after_the_container_is_left_alone():
    source = """\
        from aws_cdk import Stack, aws_ecs as ecs
        class S(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                self.td.add_container("A", image=image, environment={"ENV": "dev"})
                self.environment_suffix = "dev"
        """
    fixed, records = run(source, B9)
    assert fixed == textwrap.dedent(source) and not records


def test_b9_self_suffix_set_in_another_method():
    fixed, _ = run(
        """\
        from aws_cdk import Stack, aws_ecs as ecs
        class S(Stack):
            def configure(self, suffix):
                self.environment_suffix = suffix
            def build(self):
                self.td.add_container("A", image=image, environment={"ENV": "dev"})
        """,
        B9,
    )
    assert '{"ENV": self.environment_suffix, "ENVIRONMENT_SUFFIX": self.environment_suffix}' in fixed


def test_b9_parameter_wins_over_self_attribute():
    fixed, _ = run(
        """\
        from aws_cdk import Stack, aws_ecs as ecs
        class S(Stack):
            def __init__(self, scope, id, environment_suffix):
                super().__init__(scope, id)
                self.environment_suffix = environment_suffix
                self.td.add_container("A", image=image, environment={"ENV": "dev"})
        """,
        B9,
    )
    assert '{"ENV": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix}' in fixed


def test_b9_local_assigned_after_the_container_is_not_in_scope():
    source = """\
        from aws_cdk import aws_ecs as ecs
        def build(td):
            td.add_container("A", image=image, environment={"ENV": "dev"})
            environment_suffix = "dev"
        """
    fixed, records = run(source, B9)
    assert fixed == textwrap.dedent(source) and not records


def test_b9_options():
    source = """\
        from aws_cdk import aws_ecs as ecs
        def build(td, environment_suffix):
            td.add_container("A", image=image, environment={"NODE_ENV": "production", "ENV": "qa"})
        """
    fixed, _ = run(source, B9, options={"CDK-B9": {"environment_names": ["qa"], "framework_keys": []}})
    assert '{"NODE_ENV": "production", "ENV": environment_suffix, "ENVIRONMENT_SUFFIX": environment_suffix}' in fixed
    fixed, _ = run(source, B9, options={"CDK-B9": {"framework_keys": []}})
    assert '{"NODE_ENV": environment_suffix, "ENV": "qa", "ENVIRONMENT_SUFFIX": environment_suffix}' in fixed


# --- CDK-B11 -----------------------------------------------------------------------------


def test_b11_two_services_get_their_own_scaling_variables():
    fixed, records = run(
        """\
        from aws_cdk import aws_ecs as ecs
        web = ecs.FargateService(self, "Web", cluster=c, task_definition=td, desired_count=3)
        worker = ecs.FargateService(self, "Worker", cluster=c, task_definition=td)
        """,
        B11,
    )
    assert len(records) == 2
    assert "scaling = web.auto_scale_task_count(min_capacity=3, max_capacity=10)" in fixed
    assert "scaling_2 = worker.auto_scale_task_count(min_capacity=2, max_capacity=10)" in fixed
    assert "scaling_2.scale_on_memory_utilization(" in fixed


@settings(max_examples=40, deadline=None)
@given(desired=st.one_of(st.none(), st.integers(0, 50)), maximum=st.integers(1, 40), minimum=st.integers(0, 5))
def test_b11_maximum_never_below_minimum(desired, maximum, minimum):
    keyword = f", desired_count={desired}" if desired is not None else ""
    fixed, _ = run(
        f"""\
        from aws_cdk import aws_ecs as ecs
        s = ecs.FargateService(self, "S", cluster=c, task_definition=td{keyword})
        """,
        B11,
        options={"CDK-B11": {"max_capacity": maximum, "min_capacity": minimum}},
    )
    call = next(
        node for node in ast.walk(ast.parse(fixed))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "auto_scale_task_count"
    )
    values = {keyword.arg: keyword.value.value for keyword in call.keywords}
    assert values["min_capacity"] == (desired if desired is not None else minimum)
    assert values["max_capacity"] == max(maximum, values["min_capacity"])


def test_b11_alias_in_other_method_counts_as_scaled_but_other_variable_does_not():
    source = """\
        from aws_cdk import aws_ecs as ecs
        class S(Stack):
            def __init__(self, scope, id):
                service = ecs.FargateService(self, "Service", cluster=c, task_definition=td)
                self.service = service
            def scale(self):
                self.other.auto_scale_task_count(max_capacity=3)
        """
    fixed, records = run(source, B11)
    assert len(records) == 1 and "scaling = service.auto_scale_task_count(" in fixed
    scaled = textwrap.dedent(source).replace("self.other.auto_scale", "self.service.auto_scale")
    fixed, records = run(scaled, B11)
    assert not records


# --- CDK-B13 -----------------------------------------------------------------------------


def test_b13_two_task_definitions_get_distinct_roles_and_ids():
    fixed, records = run(
        """\
        from aws_cdk import aws_ecs as ecs
        web = ecs.FargateTaskDefinition(self, "Web")
        job = ecs.FargateTaskDefinition(self, "Job")
        """,
        B13,
    )
    assert len(records) == 2
    assert '"WebExecutionRole"' in fixed and '"JobExecutionRole"' in fixed
    assert "web = ecs.FargateTaskDefinition(self, \"Web\", execution_role=execution_role)" in fixed
    assert "job = ecs.FargateTaskDefinition(self, \"Job\", execution_role=execution_role_2)" in fixed
    assert "from aws_cdk import aws_iam as iam" in fixed
    compile(fixed, "x.py", "exec")


def test_b13_managed_policy_only_with_the_option():
    source = """\
        from aws_cdk import aws_ecs as ecs
        td = ecs.FargateTaskDefinition(self, "Td")
        """
    plain, _ = run(source, B13)
    assert "ManagedPolicy" not in plain
    managed, _ = run(source, B13, options={"CDK-B13": {"managed_policy": True}})
    assert '"service-role/AmazonECSTaskExecutionRolePolicy"' in managed
    assert "iam.ManagedPolicy.from_aws_managed_policy_name(" in managed


@pytest.mark.parametrize("compatibility", ["FARGATE", "EC2_AND_FARGATE", "FARGATE_AND_MANAGED_INSTANCES"])
def test_b13_task_definition_with_fargate_compatibility(compatibility):
    fixed, records = run(
        f"""\
        from aws_cdk import aws_ecs as ecs
        td = ecs.TaskDefinition(self, "Td", compatibility=ecs.Compatibility.{compatibility})
        """,
        B13,
    )
    assert len(records) == 1 and "execution_role=execution_role)" in fixed
