"""CDK-I2..I5 beyond their examples: cooperation with CDK-A3, rules sharing a call, options, real CDK names."""

from __future__ import annotations

import inspect
import re

import libcst as cst
import pytest

from cdkfix.records import FixStatus
from cdkfix.rule import Category, Kind, Rule, Safety
from cdkfix.testing import fix_source
from cdkfix.transforms.container_health_check import ContainerHealthCheck
from cdkfix.transforms.container_log_retention import RETENTION_MEMBERS, ContainerLogRetention
from cdkfix.transforms.deployment_auto_rollback import DeploymentAutoRollback
from cdkfix.transforms.ecs_exec_support import EcsExecSupport
from cdkfix.transforms.secret_removal_policy import SecretRemovalPolicy

# A destroyability rule with nothing to fix in these sources: in the run, it makes the run a
# destroyable one (I2 then gives the container a log group of its own, deleted with the stack).
DESTROYABLE = SecretRemovalPolicy
CURL = {"CDK-I5": {"command": "curl -f {url} || exit 1"}}


class FakeA3(Rule):
    """Stands in for CDK-A3: adds a deployment group after a CODE_DEPLOY service and publishes it."""

    code = "CDK-A3"
    name = "fake-blue-green"
    title = "Fake A3"
    category = Category.CRITICAL
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.SAFE
    issue = fix = impact = "test double"

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, "aws_cdk.aws_ecs.FargateService"):
            return
        if "CODE_DEPLOY" not in cst.Module([]).code_for_node(node):
            return
        group = self.ref("aws_cdk.aws_codedeploy.EcsDeploymentGroup")
        config = self.ref("aws_cdk.aws_codedeploy.EcsBlueGreenDeploymentConfig")
        insert = self.insert_after(
            self.current_statement,
            f'{group}(self, "DeploymentGroup", service=service, blue_green_deployment_config={config}('
            "blue_target_group=blue, green_target_group=green, listener=listener, test_listener=test_listener))",
        )
        statement = insert.statements[0]
        call = statement.body[0].value
        assert isinstance(call, cst.Call)
        notes = self.context.shared.setdefault("CDK-A3", {})
        notes.setdefault("deployment_groups", []).append({"service": node, "call": call, "statement": statement})
        self.report("CODE_DEPLOY service without a deployment group", [insert])


CODE_DEPLOY_SERVICE = """\
from aws_cdk import aws_ecs as ecs


class Stack:
    def __init__(self):
        service = ecs.FargateService(
            self,
            "Service",
            cluster=cluster,
            task_definition=task_definition,
            deployment_controller=ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY
            ),
        )
"""


# --- CDK-I3 ------------------------------------------------------------------------------


def test_i3_ecs_controller_gets_circuit_breaker():
    source = "from aws_cdk import aws_ecs as ecs\n\necs.FargateService(self, 'S', cluster=c, task_definition=td)\n"
    fixed, records = fix_source(source, [DeploymentAutoRollback])
    assert "circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True)" in fixed
    assert [r.code for r in records] == ["CDK-I3"]


def test_i3_never_gives_a_code_deploy_service_a_circuit_breaker():
    fixed, records = fix_source(CODE_DEPLOY_SERVICE, [DeploymentAutoRollback])
    assert fixed == CODE_DEPLOY_SERVICE and records == []  # no group yet, no A3: A3's job


def test_i3_existing_deployment_group_gets_auto_rollback():
    source = CODE_DEPLOY_SERVICE + (
        '        codedeploy.EcsDeploymentGroup(self, "Dg", service=service, blue_green_deployment_config=bg)\n'
    )
    source = source.replace("from aws_cdk import aws_ecs as ecs", "from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs")
    fixed, records = fix_source(source, [DeploymentAutoRollback])
    assert "circuit_breaker" not in fixed
    assert fixed.count("auto_rollback=codedeploy.AutoRollbackConfig(") == 1
    assert "failed_deployment=True, stopped_deployment=True" in fixed
    assert len(records) == 1


def test_i3_completes_the_deployment_group_a3_inserts():
    fixed, records = fix_source(CODE_DEPLOY_SERVICE, [FakeA3, DeploymentAutoRollback])
    compile(fixed, "x.py", "exec")
    assert "circuit_breaker" not in fixed
    module = cst.parse_module(fixed)
    group = module.body[-1].body.body[0].body.body[-1]  # class -> __init__ -> last statement
    text = module.code_for_node(group)
    assert text.lstrip().startswith("codedeploy.EcsDeploymentGroup(")
    assert text.count("auto_rollback=") == 1
    assert "auto_rollback=codedeploy.AutoRollbackConfig(" in text
    assert "failed_deployment=True, stopped_deployment=True" in text
    # Lines inside the method stay within black's width for their indentation.
    assert max(len(line) for line in fixed.splitlines()) <= 88
    by_code = {record.code: record for record in records}
    assert set(by_code) == {"CDK-A3", "CDK-I3"}
    assert all(record.status is FixStatus.APPLIED for record in records)
    i3 = by_code["CDK-I3"]
    # Anchored on the service: its report lines are the service's, its "after" shows the rollback.
    assert i3.start_line == 6
    assert "auto_rollback=" in i3.after and "auto_rollback=" not in i3.before
    # Once the group exists, I3 has nothing left to do.
    again, more = fix_source(fixed, [DeploymentAutoRollback])
    assert again == fixed and more == []


def test_i3_leaves_a3_groups_alone_without_notes():
    # A3 ran but published nothing: I3 must not invent a target.
    class SilentA3(FakeA3):
        def visit_Call(self, node):
            return None

    fixed, records = fix_source(CODE_DEPLOY_SERVICE, [SilentA3, DeploymentAutoRollback])
    assert fixed == CODE_DEPLOY_SERVICE and records == []


# --- CDK-I2 + CDK-I5 on one call ----------------------------------------------------------

CONTAINER = """\
from aws_cdk import RemovalPolicy, aws_ecs as ecs


class Stack:
    def __init__(self):
        container = task_definition.add_container(
            "AppContainer",
            image=image,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="app"),
            port_mappings=[
                ecs.PortMapping(container_port=8080)
            ]
        )
"""


def test_i2_and_i5_on_the_same_call_each_add_their_keyword_once():
    rules = [ContainerLogRetention, ContainerHealthCheck]
    fixed, records = fix_source(CONTAINER, rules, options=CURL)
    compile(fixed, "x.py", "exec")
    assert sorted(r.code for r in records) == ["CDK-I2", "CDK-I5"]
    # production: the default log group keeps its logical ID and gets a retention
    assert 'logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_retention=logs.RetentionDays.ONE_WEEK),' in fixed
    assert "LogGroup(" not in fixed and "RemovalPolicy.DESTROY" not in fixed
    assert fixed.count("health_check=") == 1
    assert "curl -f http://localhost:8080/ || exit 1" in fixed
    again, more = fix_source(fixed, rules, options=CURL)
    assert again == fixed and more == []


def test_i2_and_i5_on_the_same_call_in_a_destroyable_run():
    rules = [ContainerLogRetention, ContainerHealthCheck, DESTROYABLE]
    fixed, records = fix_source(CONTAINER, rules, options=CURL)
    compile(fixed, "x.py", "exec")
    assert sorted(r.code for r in records) == ["CDK-I2", "CDK-I5"]
    assert fixed.count("log_group=log_group") == 1
    assert fixed.count("health_check=") == 1
    assert fixed.count("logs.LogGroup(") == 1 and "removal_policy=RemovalPolicy.DESTROY," in fixed
    assert 'stream_prefix="app"' in fixed
    # The group is created before the container that uses it.
    assert fixed.index("log_group = logs.LogGroup(") < fixed.index("container = task_definition.add_container(")
    again, more = fix_source(fixed, rules, options=CURL)
    assert again == fixed and more == []


def test_i2_numbers_ids_that_would_collide_in_one_scope():
    source = (
        "from aws_cdk import aws_ecs as ecs\n\n"
        "td.add_container('App', image=i, logging=ecs.LogDrivers.aws_logs(stream_prefix='a'))\n"
        "td.add_container('App', image=i, logging=ecs.LogDrivers.aws_logs(stream_prefix='b'))\n"
        "other.add_container('App', image=i, logging=ecs.LogDrivers.aws_logs(stream_prefix='c'))\n"
    )
    fixed, _ = fix_source(source, [ContainerLogRetention, DESTROYABLE])
    ids = re.findall(r"LogGroup\(\s*(\w+),\s*(\S+),", fixed)
    assert ids == [("td", '"AppLogs"'), ("td", '"AppLogs2"'), ("other", '"AppLogs"')]
    assert re.findall(r"^(\w+) = ", fixed, re.M) == ["log_group", "log_group_2", "log_group_3"]


def test_i2_without_a_scope_it_can_name_sets_only_the_retention():
    # Module-level driver: no task definition to scope a new group to, and no `self`: in a
    # destroyable run nothing changes (a finding without a fix); by default the retention goes
    # on the driver itself.
    source = "from aws_cdk import aws_ecs as ecs\n\ndriver = ecs.LogDrivers.aws_logs(stream_prefix='x')\n"
    fixed, records = fix_source(source, [ContainerLogRetention, DESTROYABLE])
    assert fixed == source
    assert [(record.code, record.status.value) for record in records] == [("CDK-I2", "no-fix")]
    fixed, records = fix_source(source, [ContainerLogRetention])
    assert [record.code for record in records] == ["CDK-I2"]
    assert "driver = ecs.LogDrivers.aws_logs(stream_prefix='x', log_retention=logs.RetentionDays.ONE_WEEK)\n" in fixed


def test_i2_rejects_an_unknown_retention():
    with pytest.raises(ValueError, match="RetentionDays"):
        fix_source(CONTAINER, [ContainerLogRetention], options={"CDK-I2": {"retention": "ONE_FORTNIGHT"}})


def test_i5_rejects_bad_options():
    with pytest.raises(ValueError, match="path"):
        fix_source(CONTAINER, [ContainerHealthCheck], options={"CDK-I5": {"path": "health"}})
    with pytest.raises(ValueError, match="command"):
        fix_source(CONTAINER, [ContainerHealthCheck], options={"CDK-I5": {"command": "curl {host}"}})


def test_i5_says_it_needs_the_command_option():
    assert "curl" in ContainerHealthCheck.fix and "`command`" in ContainerHealthCheck.impact
    assert ContainerHealthCheck.options["command"] is None and ContainerHealthCheck.safety is Safety.UNSAFE


@pytest.mark.parametrize(
    "image, port",
    [
        ('ecs.ContainerImage.from_registry("python:3.12-slim")', 8000),
        ('ecs.ContainerImage.from_registry("python:3.11.6-slim-bullseye")', 8080),
        ('ecs.ContainerImage.from_registry("redis:7")', 6379),
        ("image", 5432),
    ],
)
def test_i5_slim_images_and_non_http_ports_are_reported_without_a_fix(image, port):
    source = (
        "from aws_cdk import aws_ecs as ecs\n\n"
        f"td.add_container('App', image={image}, "
        f"port_mappings=[ecs.PortMapping(container_port={port})])\n"
    )
    # No command stated: never a curl the image may not have. A non-HTTP port: not even with one.
    options = CURL if port in (6379, 5432) else None
    fixed, records = fix_source(source, [ContainerHealthCheck], options=options)
    assert fixed == source
    assert [(record.code, record.status) for record in records] == [("CDK-I5", FixStatus.NO_FIX)]
    if options is None:
        assert "[tool.cdkfix.rules.CDK-I5]" in records[0].detail and "command = " in records[0].detail
    else:
        assert f"port {port} is " in records[0].detail and "does not answer HTTP" in records[0].detail


@pytest.mark.parametrize(
    "command, message",
    [("curl {host}", "command"), (["curl", "-f"], "CMD"), ([], "command"), (42, "command"), (["CMD-SHELL", 1], "command")],
)
def test_i5_rejects_bad_commands(command, message):
    with pytest.raises(ValueError, match=message):
        fix_source(CONTAINER, [ContainerHealthCheck], options={"CDK-I5": {"command": command}})


def test_i4_is_unsafe_and_held_back_without_unsafe_fixes():
    source = "from aws_cdk import aws_ecs as ecs\n\necs.FargateService(self, 'S', cluster=c, task_definition=td)\n"
    fixed, records = fix_source(source, [EcsExecSupport], unsafe_fixes=False)
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.UNSAFE]
    fixed, records = fix_source(source, [EcsExecSupport])
    assert "enable_execute_command=True" in fixed


# --- the names the rules write exist in aws-cdk-lib ---------------------------------------

cdk = pytest.importorskip("aws_cdk")


def _parameters(function) -> set[str]:
    return set(inspect.signature(function).parameters)


def test_emitted_parameters_exist():
    from aws_cdk import aws_codedeploy as codedeploy, aws_ecs as ecs, aws_logs as logs

    assert "log_group" in _parameters(ecs.LogDrivers.aws_logs)
    assert {"log_group", "log_retention", "stream_prefix"} <= _parameters(ecs.AwsLogDriver.__init__)
    assert {"retention", "removal_policy"} <= _parameters(logs.LogGroup.__init__)
    for service in (ecs.FargateService, ecs.Ec2Service):
        assert {"circuit_breaker", "deployment_controller", "enable_execute_command"} <= _parameters(service.__init__)
    assert "rollback" in _parameters(ecs.DeploymentCircuitBreaker.__init__)
    assert "auto_rollback" in _parameters(codedeploy.EcsDeploymentGroup.__init__)
    assert {"failed_deployment", "stopped_deployment"} <= _parameters(codedeploy.AutoRollbackConfig.__init__)
    assert {"command", "interval", "timeout", "retries", "start_period"} <= _parameters(ecs.HealthCheck.__init__)
    assert "health_check" in _parameters(ecs.TaskDefinition.add_container)
    assert "health_check" in _parameters(ecs.ContainerDefinition.__init__)
    assert "container_port" in _parameters(ecs.PortMapping.__init__)
    assert hasattr(ecs.LogDriver, "aws_logs")
    assert hasattr(cdk.RemovalPolicy, "DESTROY") and hasattr(cdk.Duration, "seconds")


def test_retention_members_match_the_real_enum():
    from aws_cdk import aws_logs as logs

    assert RETENTION_MEMBERS == {name for name in dir(logs.RetentionDays) if name.isupper()}


def test_i3_example_app_gets_one_fix_per_controller_case():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples/rules/CDK-I3/app.py"
    source = path.read_text()
    fixed, records = fix_source(source, [DeploymentAutoRollback], path=str(path))
    assert len(records) == 2 + 1  # Web and Worker: circuit breaker; the CodeDeploy group: auto_rollback
    assert fixed.count("circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True)") == 2
    assert fixed.count("auto_rollback=codedeploy.AutoRollbackConfig(") == 1
    blue_green = fixed[fixed.index('"BlueGreen",'):fixed.index("alb = ")]
    assert "circuit_breaker" not in blue_green


@pytest.mark.parametrize(
    "mapping, fixed_expected",
    [
        ("ecs.PortMapping(container_port=8080, protocol=ecs.Protocol.TCP)", True),
        ("ecs.PortMapping(container_port=8080, app_protocol=ecs.AppProtocol.http)", True),
        ("ecs.PortMapping(container_port=8080, protocol=ecs.Protocol.UDP)", False),
        ("ecs.PortMapping(container_port=8080, app_protocol=ecs.AppProtocol.grpc)", False),
        ("ecs.PortMapping(container_port=8080, protocol=proto)", False),
        ('{"container_port": 8080, "protocol": ecs.Protocol.UDP}', False),
        ("ecs.PortMapping(container_port=443)", False),
    ],
)
def test_i5_only_checks_ports_curl_can_reach(mapping, fixed_expected):
    source = f"from aws_cdk import aws_ecs as ecs\n\ntd.add_container('App', image=i, port_mappings=[{mapping}])\n"
    fixed, records = fix_source(source, [ContainerHealthCheck], options=CURL)
    assert bool(records) is fixed_expected
    assert ("http://localhost:8080/" in fixed) is fixed_expected
