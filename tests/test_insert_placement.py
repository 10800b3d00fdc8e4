"""Issue 19, item 3: inserted statements go where every name they use is bound, and never
make a conditional construct's code unconditional (cdkfix/placement.py).

Two small rules insert code as the real ones do (before the statement: a dead-letter queue
the call then uses; after it: a tag), so every shape is checked on the shared mechanism;
the issue's own example runs through the real CDK-I2 and CDK-B13.
"""

from __future__ import annotations

import libcst as cst
import pytest

from cdkfix import layout
from cdkfix.records import FixStatus
from cdkfix.rule import Category, Kind, Rule
from cdkfix.testing import fix_source
from cdkfix.transforms.removal_policy_destroy import RemovalPolicyDestroy
from cdkfix.transforms.container_log_retention import ContainerLogRetention
from cdkfix.transforms.ecs_task_execution_role import EcsTaskExecutionRole

QUEUE = "aws_cdk.aws_sqs.Queue"


class DeadLetters(Rule):
    """Inserts `dlq = sqs.Queue(<the queue's scope>, ...)` before the statement and uses it."""

    code = "TEST-P1"
    name = "test-dead-letters"
    title = "Queue Without Dead-Letter Queue"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = fix = impact = "test"
    calls = frozenset({QUEUE})

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, QUEUE) or layout.keyword_arg(node, "dead_letter_queue") is not None:
            return
        if len(node.args) > 1 and cst.Module([]).code_for_node(node.args[1].value) == '"DeadLetters"':
            return  # its own
        scope = cst.Module([]).code_for_node(node.args[0].value)
        dlq = self.unique_name("dlq")
        insert = self.insert_before(self.current_statement, f'{dlq} = {self.ref(QUEUE)}({scope}, "DeadLetters")')
        change = self.set_keyword(
            node, "dead_letter_queue", f"{self.ref('aws_cdk.aws_sqs.DeadLetterQueue')}(max_receive_count=3, queue={dlq})"
        )
        self.report("queue without a dead-letter queue", [insert, change])


class QueueTag(Rule):
    """Inserts `Tags.of(self).add(...)` after the statement that makes a queue (and marks the queue)."""

    code = "TEST-P2"
    name = "test-queue-tag"
    title = "Queue Not Tagged"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = fix = impact = "test"
    calls = frozenset({QUEUE})

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, QUEUE) and layout.keyword_arg(node, "fifo") is None:
            tags = self.ref("aws_cdk.Tags")
            insert = self.insert_after(self.current_statement, f'{tags}.of(self).add("queue", "yes")')
            self.report("queue not tagged", [insert, self.set_keyword(node, "fifo", "False")])


HEAD = "from aws_cdk import aws_sqs as sqs\n\n\ndef build(self, prod, names, existing):\n"


def _run(body: str, rule: type[Rule]) -> tuple[str, list]:
    source = HEAD + body
    fixed, records = fix_source(source, [rule])
    compile(fixed, "x.py", "exec")
    again, more = fix_source(fixed, [rule])
    assert again == fixed, "a second run must change nothing"
    assert [record.status for record in more] == [record.status for record in records if record.status is FixStatus.NO_FIX]
    return fixed, records


def test_the_plain_case_is_fixed_before_and_after():
    fixed, _ = _run('    q = sqs.Queue(self, "Q")\n', DeadLetters)
    assert fixed == HEAD + (
        '    dlq = sqs.Queue(self, "DeadLetters")\n'
        '    q = sqs.Queue(self, "Q", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))\n'
    )
    fixed, _ = _run('    q = sqs.Queue(self, "Q")\n', QueueTag)
    assert fixed == HEAD.replace("import aws_sqs as sqs\n", "import aws_sqs as sqs\nfrom aws_cdk import Tags\n") + (
        '    q = sqs.Queue(self, "Q", fifo=False)\n    Tags.of(self).add("queue", "yes")\n'
    )


def _assert_no_fix(body: str, rule: type[Rule], detail: str) -> None:
    fixed, records = _run(body, rule)
    assert fixed == HEAD + body
    assert [(record.code, record.status, record.detail) for record in records] == [(rule.code, FixStatus.NO_FIX, detail)]


def test_a_line_whose_first_statement_binds_a_name_the_code_uses_is_split_there():
    # Above the line, the dead-letter queue would be made with `scope` before `scope = ...` runs.
    fixed, records = _run('    scope = self.node.scope; q = sqs.Queue(scope, "Q")  # the queue\n', DeadLetters)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert fixed == HEAD + (
        "    scope = self.node.scope\n"
        '    dlq = sqs.Queue(scope, "DeadLetters")\n'
        '    q = sqs.Queue(scope, "Q", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))  # the queue\n'
    )
    assert (records[0].before, records[0].after) == (
        '    scope = self.node.scope; q = sqs.Queue(scope, "Q")  # the queue'.strip(),
        'scope = self.node.scope\ndlq = sqs.Queue(scope, "DeadLetters")\n'
        'q = sqs.Queue(scope, "Q", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))  # the queue',
    )


def test_three_statements_on_a_line_split_after_the_binding_one():
    fixed, _ = _run('    a = 1; scope = self.node.scope; q = sqs.Queue(scope, "Q"); b = 2\n', DeadLetters)
    assert fixed == HEAD + (
        "    a = 1; scope = self.node.scope\n"
        '    dlq = sqs.Queue(scope, "DeadLetters")\n'
        '    q = sqs.Queue(scope, "Q", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq)); b = 2\n'
    )


def test_code_inserted_before_a_statement_that_binds_a_name_it_uses_is_not_written():
    # The name is bound inside the construct's own statement: no split can put the code after it.
    _assert_no_fix(
        '    q = sqs.Queue(scope := self.node.scope, "Q")\n',
        DeadLetters,
        "the code it adds before the statement uses `scope`, which that statement binds: it would run before the name exists",
    )


def test_a_name_bound_by_an_earlier_line_is_fine():
    fixed, records = _run('    scope = self.node.scope\n    q = sqs.Queue(scope, "Q")\n', DeadLetters)
    assert [record.status for record in records] == [FixStatus.APPLIED]
    assert '    scope = self.node.scope\n    dlq = sqs.Queue(scope, "DeadLetters")\n' in fixed


CONDITIONAL = {
    "a branch of `... if ... else ...`": [
        '    q = sqs.Queue(self, "Q") if prod else None\n',
        '    q = None if prod else sqs.Queue(self, "Q")\n',
    ],
    "the right side of `and`": ['    q = prod and sqs.Queue(self, "Q")\n'],
    "the right side of `or`": ['    q = existing or sqs.Queue(self, "Q")\n'],
    "a lambda": ['    make = lambda: sqs.Queue(self, "Q")\n'],
    "a comprehension": [
        "    queues = [sqs.Queue(self, name) for name in names]\n",
        "    queues = {name: sqs.Queue(self, name) for name in names}\n",
        "    queues = list(sqs.Queue(self, name) for name in names if prod)\n",
    ],
}


@pytest.mark.parametrize("rule", [DeadLetters, QueueTag])
@pytest.mark.parametrize("shape, body", [(shape, body) for shape, bodies in CONDITIONAL.items() for body in bodies])
def test_a_construct_made_only_in_some_cases_gets_no_unconditional_code(rule, shape, body):
    _assert_no_fix(
        body, rule, f"the construct is only created in some cases ({shape}): code added as a statement of its own would always run"
    )


@pytest.mark.parametrize(
    "body",
    [
        '    q = sqs.Queue(self, "Q") and prod\n',  # the left side of `and` always runs
        '    q = None if sqs.Queue(self, "Q") else None\n',  # the test of `... if ... else ...` always runs
        '    queues = [q for q in sqs.Queue(self, "Q").things]\n',  # a comprehension's first iterable runs once
        '    if prod:\n        q = sqs.Queue(self, "Q")\n',  # a statement in a branch: the code goes in the branch
    ],
)
def test_parts_that_always_run_are_fixed(body):
    for rule in (DeadLetters, QueueTag):
        _, records = _run(body, rule)
        assert [record.status for record in records] == [FixStatus.APPLIED]


def test_code_inserted_after_a_return_is_not_written():
    _assert_no_fix(
        '    return sqs.Queue(self, "Q")\n', QueueTag, "the statement ends with `return`: code added after it would never run"
    )
    fixed, records = _run('    return sqs.Queue(self, "Q")\n', DeadLetters)  # before the return is fine
    assert [record.status for record in records] == [FixStatus.APPLIED]


# --- the issue's example with the real rules ---

ONE_LINE = '''from aws_cdk import aws_ecs as ecs


def build(self):
    td = ecs.FargateTaskDefinition(self, "TD"); c = td.add_container("app", image=ecs.ContainerImage.from_registry("nginx"), logging=ecs.LogDrivers.aws_logs(stream_prefix="app"))
'''

ONE_LINE_FIXED = '''from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import RemovalPolicy


def build(self):
    execution_role = iam.Role(
        self,
        "TDExecutionRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    )
    td = ecs.FargateTaskDefinition(self, "TD", execution_role=execution_role)
    log_group = logs.LogGroup(
        td,
        "appLogs",
        retention=logs.RetentionDays.ONE_WEEK,
        removal_policy=RemovalPolicy.DESTROY,
    )
    c = td.add_container("app", image=ecs.ContainerImage.from_registry("nginx"), logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=log_group))
'''


def test_the_log_group_is_made_after_its_task_definition_exists():
    # Before: `log_group = logs.LogGroup(td, ...)` above the line, an UnboundLocalError at synthesis.
    # A destroyable run (B1 selected): there I2 moves the container to a new log group of its
    # own, the statement whose placement this is about (elsewhere it sets log_retention in place).
    fixed, records = fix_source(ONE_LINE, [EcsTaskExecutionRole, ContainerLogRetention, RemovalPolicyDestroy])
    assert fixed == ONE_LINE_FIXED
    assert [(record.code, record.status) for record in records] == [
        ("CDK-B13", FixStatus.APPLIED),
        ("CDK-I2", FixStatus.APPLIED),
    ]
    compile(fixed, "x.py", "exec")
    again, more = fix_source(fixed, [EcsTaskExecutionRole, ContainerLogRetention, RemovalPolicyDestroy])
    assert again == fixed and more == []


CONDITIONAL_DRIVER = '''from aws_cdk import aws_ecs as ecs


def build(self, td, prod):
    c = td.add_container("app", image=ecs.ContainerImage.from_registry("nginx"), logging=ecs.LogDrivers.aws_logs(stream_prefix="app") if prod else None)
'''


def test_a_log_driver_made_only_in_production_gets_no_log_group_in_every_case():
    fixed, records = fix_source(CONDITIONAL_DRIVER, [ContainerLogRetention, RemovalPolicyDestroy])  # destroyable run
    assert fixed == CONDITIONAL_DRIVER
    assert [(record.code, record.status, record.detail) for record in records] == [
        (
            "CDK-I2",
            FixStatus.NO_FIX,
            "the construct is only created in some cases (a branch of `... if ... else ...`): "
            "code added as a statement of its own would always run",
        )
    ]


def test_a_fix_that_refines_code_of_a_fix_that_cannot_go_in_goes_with_it():
    # CDK-I3 completes the deployment group CDK-A3 inserts after a CODE_DEPLOY service; when
    # that group cannot be inserted (the service is made only in production), I3 has nothing
    # to complete, and must not count as applied.
    from test_rules_i import CODE_DEPLOY_SERVICE, FakeA3

    from cdkfix.transforms.deployment_auto_rollback import DeploymentAutoRollback

    source = CODE_DEPLOY_SERVICE.replace("def __init__(self):", "def __init__(self, prod):").replace(
        "        )\n", "        ) if prod else None\n"
    )
    fixed, records = fix_source(source, [FakeA3, DeploymentAutoRollback])
    assert fixed == source
    assert [(record.code, record.status, record.detail) for record in records] == [
        (
            "CDK-A3",
            FixStatus.NO_FIX,
            "the construct is only created in some cases (a branch of `... if ... else ...`): "
            "code added as a statement of its own would always run",
        ),
        ("CDK-I3", FixStatus.NO_FIX, "it changes code that another fix would add, and that fix cannot be applied here"),
    ]


APP = '''import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs


class Service(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        td = ecs.FargateTaskDefinition(self, "TD"); c = td.add_container("app", image=ecs.ContainerImage.from_registry("nginx"), logging=ecs.LogDrivers.aws_logs(stream_prefix="app"))


app = cdk.App()
Service(app, "Service")
app.synth()
'''


@pytest.mark.synth
def test_the_split_line_synthesizes_with_the_log_group(tmp_path):
    import json
    import os
    import subprocess
    import sys

    fixed, records = fix_source(APP, [EcsTaskExecutionRole, ContainerLogRetention])
    assert [(record.code, record.status) for record in records] == [
        ("CDK-B13", FixStatus.APPLIED),
        ("CDK-I2", FixStatus.APPLIED),
    ]
    (tmp_path / "app.py").write_text(fixed)
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path / "out"), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    done = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    template = json.loads((tmp_path / "out" / "Service.template.json").read_text())
    resources = template["Resources"]
    groups = [name for name, resource in resources.items() if resource["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == 1 and resources[groups[0]]["Properties"]["RetentionInDays"] == 7
    (definition,) = [resource for resource in resources.values() if resource["Type"] == "AWS::ECS::TaskDefinition"]
    options = definition["Properties"]["ContainerDefinitions"][0]["LogConfiguration"]["Options"]
    assert options["awslogs-group"] == {"Ref": groups[0]}
