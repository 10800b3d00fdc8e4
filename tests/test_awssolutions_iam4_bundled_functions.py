"""AwsSolutions-IAM4 on the Lambda functions that bundle their code: `aws_lambda_nodejs.NodejsFunction`
and the alpha `aws_lambda_python_alpha.PythonFunction` (transforms/awssolutions/iam4_lambda_basic_execution.py).

Both are `lambda_.Function`s with the same FunctionOptions: without `role=` CDK gives them the
ServiceRole with AWSLambdaBasicExecutionRole that cdk-nag flags. Found on a real app (the evalnew5a
list, JhonSanz/cdk-projects telegrambot_billing: a PythonFunction), where the finding was left with
neither a fix nor a report. Neither class synthesizes in the fix-effect harness (NodejsFunction runs
`docker build` when it is constructed without a local esbuild; the alpha module is not a dependency),
so they are not rule examples; the PythonFunction synthesis below runs where the alpha is installed,
with asset bundling off as `cdkfix --verify` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import all_rules
from cdkfix.testing import fix_source

RULE = next(rule for rule in all_rules() if rule.name == "awssolutions-iam4-lambda-basic-execution")

PYTHON_FUNCTION = """\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_python_alpha as lambda_python

handler = lambda_python.PythonFunction(self, "Handler", entry="src", runtime=lambda_.Runtime.PYTHON_3_13)
"""
PYTHON_FUNCTION_FIXED = """\
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_python_alpha as lambda_python
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

handler_logs = logs.LogGroup(self, "HandlerLogs")
handler_role = iam.Role(
    self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
handler_logs.grant_write(handler_role)

handler = lambda_python.PythonFunction(self, "Handler", entry="src", runtime=lambda_.Runtime.PYTHON_3_13, role=handler_role, log_group=handler_logs)
"""
NODEJS_FUNCTION = """\
from aws_cdk.aws_lambda_nodejs import NodejsFunction

api = NodejsFunction(self, "Api", entry="src/api.ts", log_retention=retention)
"""
NODEJS_FUNCTION_FIXED = """\
from aws_cdk.aws_lambda_nodejs import NodejsFunction
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

api_logs = logs.LogGroup(self, "ApiLogs", retention=retention)
api_role = iam.Role(
    self, "ApiRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
)
api_logs.grant_write(api_role)

api = NodejsFunction(self, "Api", entry="src/api.ts", role=api_role, log_group=api_logs)
"""


def _fix(source: str) -> tuple[str, list]:
    fixed, records = fix_source(source, [RULE])
    return fixed, [(record.code, record.status) for record in records]


@pytest.mark.parametrize(
    "before, after",
    [(PYTHON_FUNCTION, PYTHON_FUNCTION_FIXED), (NODEJS_FUNCTION, NODEJS_FUNCTION_FIXED)],
    ids=["PythonFunction", "NodejsFunction"],
)
def test_a_bundled_function_without_a_role_gets_its_own_log_group_and_role(before, after):
    fixed, records = _fix(before)
    assert fixed == after
    assert records == [("AwsSolutions-IAM4", FixStatus.APPLIED)]
    compile(fixed, "fixed.py", "exec", dont_inherit=True)
    assert _fix(fixed) == (fixed, [])


def test_a_hand_made_role_used_by_a_nodejs_function_loses_the_managed_policy():
    source = textwrap.dedent("""\
        from aws_cdk import aws_iam as iam
        from aws_cdk import aws_lambda_nodejs as nodejs


        def build(self):
            role = iam.Role(
                self,
                "Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
            )
            api = nodejs.NodejsFunction(self, "Api", entry="src/api.ts", role=role)
        """)
    fixed, records = _fix(source)
    assert records == [("AwsSolutions-IAM4", FixStatus.APPLIED)]
    assert "AWSLambdaBasicExecutionRole" not in fixed
    assert 'api_logs = logs.LogGroup(self, "ApiLogs")\n    api_logs.grant_write(role)\n' in fixed
    assert 'nodejs.NodejsFunction(self, "Api", entry="src/api.ts", role=role, log_group=api_logs)' in fixed
    assert _fix(fixed) == (fixed, [])


def test_a_bundled_function_with_a_splat_is_reported_without_a_fix():
    source = "from aws_cdk import aws_lambda_nodejs as nodejs\n\napi = nodejs.NodejsFunction(self, \"Api\", **props)\n"
    fixed, records = fix_source(source, [RULE])
    assert fixed == source
    assert [(record.status, record.detail) for record in records] == [(FixStatus.NO_FIX, "a `**` splat may set `role`")]


# The fixed PythonFunction in a stack, synthesized without bundling (no Docker): the function runs
# as the new role, which has no managed policy, and logs to the new group.
_SYNTH = """\
import json, sys
import aws_cdk as cdk
from aws_cdk import Stack

app = cdk.App(context={"aws:cdk:bundling-stacks": []})
self = Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
exec(sys.argv[1])
print(json.dumps(app.synth().get_stack_by_name("S").template["Resources"]))
"""


@pytest.mark.synth
def test_the_fixed_python_function_synthesizes_with_the_new_role_and_group(tmp_path):
    pytest.importorskip("aws_cdk.aws_lambda_python_alpha")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.py").write_text("def handler(event, context):\n    return None\n")
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    done = subprocess.run(
        [sys.executable, "-c", _SYNTH, PYTHON_FUNCTION_FIXED], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    resources = json.loads(done.stdout.strip().splitlines()[-1])
    functions = [body for body in resources.values() if body["Type"] == "AWS::Lambda::Function"]
    roles = {name: body for name, body in resources.items() if body["Type"] == "AWS::IAM::Role"}
    assert len(functions) == 1 and list(roles) == [name for name in roles if name.startswith("HandlerRole")]
    (role_name,) = roles
    assert functions[0]["Properties"]["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}
    assert "ManagedPolicyArns" not in roles[role_name]["Properties"]
    (group,) = [name for name, body in resources.items() if body["Type"] == "AWS::Logs::LogGroup"]
    assert functions[0]["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": group}}
