"""AwsSolutions-ASC3 (transforms/awssolutions/asc3_graphql_request_logging.py): what the fix leaves
alone or reports, and, synthesized, the template it makes (no cycle, a policy on the group's ARN
only, no LogRetention function) next to the L2 `log_config=` it does not use, and why."""

from __future__ import annotations

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.testing import fix_source

ASC3 = "AwsSolutions-ASC3"
HEADER = "from aws_cdk import aws_appsync as appsync\n\n"


def _run(source: str, *also: str):
    rules = [rules_by_code()[ASC3], *(rules_by_code()[code] for code in also)]
    return fix_source(source, rules, unsafe_fixes=True)


def test_the_fix_needs_unsafe_fixes():
    source = HEADER + 'api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)\n'
    fixed, records = fix_source(source, [rules_by_code()[ASC3]], unsafe_fixes=False)
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.UNSAFE]


@pytest.mark.parametrize(
    "body, why",
    [
        ('api = appsync.GraphqlApi(make_scope(), "Api", name="a", definition=d)\n', "no plain name, scope and id"),
        ('apis = {"a": appsync.GraphqlApi(self, "Api", name="a", definition=d)}\n', "no plain name, scope and id"),
        ('make = lambda: appsync.GraphqlApi(self, "Api", name="a", definition=d)\n', "not made in a plain statement"),
        ('api = appsync.CfnGraphQLApi(self, "Api", **props)\n', "`**` splat"),
        (
            'api = appsync.GraphqlApi(self, "Api", name="a", definition=d, '
            'log_config=appsync.LogConfig(role=role, exclude_verbose_content=True))\n',
            "`exclude_verbose_content=True` is stated",
        ),
        (
            'api = appsync.GraphqlApi(self, "Api", name="a", definition=d)\n'
            'other.node.default_child.log_config = config\n',
            "cannot tie to an API (`other.node.default_child.log_config`)",
        ),
    ],
    ids=["scope-call", "in-a-dict", "lambda", "splat", "verbose-excluded", "untied-log-config"],
)
def test_reported_without_a_fix(body, why):
    source = HEADER + body
    fixed, records = _run(source)
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.NO_FIX]
    assert why in records[0].detail, records[0].detail


@pytest.mark.parametrize(
    "body",
    [
        'api = appsync.GraphqlApi(self, "Api", name="a", definition=d, log_config=appsync.LogConfig())\n',
        'api = appsync.GraphqlApi(self, "Api", name="a", definition=d, '
        'log_config=appsync.LogConfig(exclude_verbose_content=False))\n',
        'api = appsync.CfnGraphQLApi(self, "Api", name="a", authentication_type="API_KEY", log_config=config)\n',
        'api = appsync.CfnGraphQLApi(self, "Api", name="a", authentication_type="API_KEY")\napi.log_config = config\n',
        'api = appsync.CfnGraphQLApi(self, "Api", name="a", authentication_type="API_KEY")\n'
        "api.node.default_child.log_config = config\n",
    ],
    ids=["l2-log-config", "verbose-kept", "l1-log-config", "l1-set-later", "l1-through-node"],
)
def test_left_alone(body):
    source = HEADER + body
    fixed, records = _run(source)
    assert fixed == source and not records


def test_a_log_config_set_in_another_function_does_not_hide_this_api():
    # The same name in another function is another variable: this API is still fixed.
    source = HEADER + (
        "def first(self):\n"
        '    api = appsync.GraphqlApi(self, "One", name="one", definition=d)\n'
        "    api.node.default_child.log_config = config\n"
        "\n\n"
        "def second(self):\n"
        '    api = appsync.GraphqlApi(self, "Two", name="two", definition=d)\n'
    )
    fixed, records = _run(source)
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert '"TwoLogRole"' in fixed and '"TwoLogs"' in fixed and "One" not in fixed.replace('"One"', "")
    again, more = _run(fixed)
    assert again == fixed and not more


def test_with_cdk_b1_the_new_group_needs_nothing_more():
    # A destroyable run: B1 would flag a retained log group on the next run; the fix writes DESTROY itself.
    source = HEADER + 'api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)\n'
    fixed, records = _run(source, "CDK-B1")
    assert "removal_policy=RemovalPolicy.DESTROY" in fixed
    again, more = _run(fixed, "CDK-B1")
    assert again == fixed and not [r for r in more if r.status is FixStatus.APPLIED]


# --- synthesized ---------------------------------------------------------------------------

_BEFORE = HEADER + 'api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition)\n'
# What the rule does not write: the L2 keyword, with a role of its own that may write the group.
_L2_KEYWORD = HEADER + (
    "from aws_cdk import aws_iam as iam\n"
    'role = iam.Role(self, "ApiLogRole", assumed_by=iam.ServicePrincipal("appsync.amazonaws.com"))\n'
    'api = appsync.GraphqlApi(self, "Api", name="demo", definition=definition, '
    "log_config=appsync.LogConfig(role=role, field_log_level=appsync.FieldLogLevel.ERROR))\n"
    "api.log_group.grant_write(role)\n"
)


@pytest.fixture(scope="module")
def proofs():
    pytest.importorskip("aws_cdk")
    pytest.importorskip("cdk_nag")
    from cdkfix.effects import Case, prove

    fixed, records = _run(_BEFORE)
    assert [r.status for r in records] == [FixStatus.APPLIED]
    return prove([Case("fix", _BEFORE, fixed), Case("l2", _BEFORE, _L2_KEYWORD)])


def _references(value) -> set[str]:
    """Logical ids a property value refers to (Ref, Fn::GetAtt)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt" and isinstance(inner, list):
                found.add(inner[0])
            else:
                found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


@pytest.mark.synth
def test_the_template_has_no_cycle_and_a_policy_on_the_group_only(proofs):
    proof = proofs["fix"]
    assert proof.before.ok and proof.after.ok, (proof.before.error, proof.after.error)
    resources = proof.after.templates["Example"]["Resources"]
    by_type = {}
    for logical_id, resource in resources.items():
        by_type.setdefault(resource["Type"], []).append(logical_id)
    # Nothing CDK's `log_config=` would bring: no LogRetention function, no managed policy.
    assert "Custom::LogRetention" not in by_type and "AWS::Lambda::Function" not in by_type
    (api,) = by_type["AWS::AppSync::GraphQLApi"]
    (group,) = by_type["AWS::Logs::LogGroup"]
    (policy,) = by_type["AWS::IAM::Policy"]
    (role,) = by_type["AWS::IAM::Role"]
    assert "ManagedPolicyArns" not in resources[role]["Properties"]
    assert resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "appsync.amazonaws.com"
    }
    assert resources[api]["Properties"]["LogConfig"] == {
        "CloudWatchLogsRoleArn": {"Fn::GetAtt": [role, "Arn"]},
        "FieldLogLevel": "ERROR",
    }
    assert resources[group]["Properties"]["LogGroupName"] == {
        "Fn::Join": ["", ["/aws/appsync/apis/", {"Fn::GetAtt": [api, "ApiId"]}]]
    }
    assert resources[group]["Properties"]["RetentionInDays"] == 365
    statements = resources[policy]["Properties"]["PolicyDocument"]["Statement"]
    assert statements == [{
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [group, "Arn"]},
    }]
    # role -> API -> group -> policy (a resource of its own): CloudFormation can order them.
    graph = {
        logical_id: _references(resource.get("Properties", {})) | set(resource.get("DependsOn", []))
        for logical_id, resource in resources.items()
    }
    assert graph[api] >= {role} and graph[group] == {api} and graph[policy] == {group, role}
    assert not graph[role]
    visiting, done = set(), set()

    def visit(node: str) -> None:
        assert node not in visiting, f"dependency cycle through {node}"
        if node in done:
            return
        visiting.add(node)
        for after in graph.get(node, ()):
            if after in graph:
                visit(after)
        visiting.discard(node)
        done.add(node)

    for node in graph:
        visit(node)
    assert {finding.base_rule for finding in proof.before.nag} == {ASC3}
    assert proof.after.nag == []


@pytest.mark.synth
def test_the_l2_keyword_would_bring_iam4_and_iam5(proofs):
    """Why the rule sets the L1 property: the L2 `log_config=` makes a LogRetention function even with a role of its own."""
    proof = proofs["l2"]
    assert proof.after.ok, proof.after.error
    after = {finding.base_rule for finding in proof.after.nag}
    assert ASC3 not in after
    assert {"AwsSolutions-IAM4", "AwsSolutions-IAM5"} <= after
    assert any("LogRetention" in finding.path for finding in proof.after.nag if finding.base_rule == "AwsSolutions-IAM4")
