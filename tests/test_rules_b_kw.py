"""CDK-B1..B7 beyond their own examples: rules combined, options, the seed app, and the real CDK API."""

from __future__ import annotations

import importlib
import inspect

import libcst as cst
import pytest

from cdkfix.names import ImportMap
from cdkfix.records import FixStatus
from cdkfix.testing import fix_source
from cdkfix.transforms.codebuild_test_compute_size import COMPUTE_TYPES, CodebuildTestComputeSize, is_for_tests
from cdkfix.transforms.codestar_connection_arn import CodestarConnectionArn
from cdkfix.transforms.manual_approval_information import ManualApprovalInformation, subject_words
from cdkfix.transforms.removal_policy_destroy import RemovalPolicyDestroy
from cdkfix.transforms.s3_bucket_encryption import S3BucketEncryption
from cdkfix.transforms.secret_removal_policy import SecretRemovalPolicy
from cdkfix.transforms.sns_topic_removal_policy import SnsTopicRemovalPolicy

from conftest import ROOT

RULES = [
    RemovalPolicyDestroy,
    S3BucketEncryption,
    SnsTopicRemovalPolicy,
    SecretRemovalPolicy,
    CodebuildTestComputeSize,
    ManualApprovalInformation,
    CodestarConnectionArn,
]
SEED = ROOT / "examples" / "seed_app" / "lib"


def _seed(name: str) -> str:
    return (SEED / name).read_text()


def _keywords(source: str, call_text: str) -> list[str]:
    """Keyword names of the one call in `source` whose function is `call_text`."""
    found = []

    class _Find(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if cst.Module([]).code_for_node(node.func) == call_text:
                found.append([arg.keyword.value for arg in node.args if arg.keyword is not None])

    cst.parse_module(source).visit(_Find())
    assert len(found) == 1, found
    return found[0]


# --- CDK-B1 + CDK-B2 on the same bucket -------------------------------------------------

BUCKETS = """\
from aws_cdk import RemovalPolicy, aws_s3 as s3

retained = s3.Bucket(
    self,
    "Retained",
    removal_policy=RemovalPolicy.RETAIN  # Violates requirement
)
default = s3.Bucket(self, "Default", versioned=True,)
"""


@pytest.mark.parametrize("order", [(RemovalPolicyDestroy, S3BucketEncryption), (S3BucketEncryption, RemovalPolicyDestroy)])
def test_b1_and_b2_on_one_bucket_write_each_keyword_once(order):
    fixed, records = fix_source(BUCKETS, list(order))
    assert sorted(record.code for record in records) == ["CDK-B1", "CDK-B1", "CDK-B2", "CDK-B2"]
    assert all(record.status is FixStatus.APPLIED for record in records)
    module = cst.parse_module(fixed)
    calls = []

    class _Buckets(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if cst.Module([]).code_for_node(node.func) == "s3.Bucket":
                calls.append([arg.keyword.value for arg in node.args if arg.keyword is not None])

    module.visit(_Buckets())
    assert len(calls) == 2
    for keywords in calls:
        assert len(keywords) == len(set(keywords)), keywords
        assert {"removal_policy", "auto_delete_objects", "enforce_ssl", "encryption"} <= set(keywords)
    # the comment beside RETAIN spoke of the old value; it goes with it
    assert "removal_policy=RemovalPolicy.DESTROY,\n" in fixed and "Violates requirement" not in fixed
    assert "RETAIN" not in fixed
    compile(fixed, "buckets.py", "exec")
    again, more = fix_source(fixed, list(order))
    assert again == fixed and not more


def test_b2_alone_still_enforces_ssl_when_b1_is_held_back():
    # Both are unsafe now (B2's enforce_ssl narrows access: the harness); B1 is left out on
    # request (a fix id in `skip`, as --verify's rollback does) while B2 is applied.
    from cdkfix.config import RunConfig
    from cdkfix.engine import fix_module

    first = fix_module(BUCKETS.encode(), "example.py", RunConfig(rules=(RemovalPolicyDestroy, S3BucketEncryption), unsafe_fixes=True))
    skip = frozenset(record.id for record in first.fixes if record.code == "CDK-B1")
    result = fix_module(BUCKETS.encode(), "example.py",
                        RunConfig(rules=(RemovalPolicyDestroy, S3BucketEncryption), unsafe_fixes=True, skip=skip))
    records, fixed = result.fixes, result.new_source.decode()
    statuses = {(record.code, record.status) for record in records}
    assert statuses == {("CDK-B1", FixStatus.SKIPPED), ("CDK-B2", FixStatus.APPLIED)}
    assert fixed.count("enforce_ssl=True") == 2
    assert "auto_delete_objects" not in fixed and "RemovalPolicy.RETAIN" in fixed


def test_b1_with_explicit_enforce_ssl_false_keeps_the_users_choice():
    source = 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "B", enforce_ssl=False)\n'
    fixed, _ = fix_source(source, [RemovalPolicyDestroy, S3BucketEncryption])
    assert _keywords(fixed, "s3.Bucket") == [
        "enforce_ssl", "removal_policy", "auto_delete_objects", "encryption",
    ]  # fmt: skip
    assert "enforce_ssl=False" in fixed


# --- CDK-B1 details ----------------------------------------------------------------------


def test_b1_repository_with_both_keywords_drops_the_deprecated_one():
    source = """\
from aws_cdk import RemovalPolicy, aws_ecr as ecr

ecr.Repository(self, "Repo", removal_policy=RemovalPolicy.DESTROY, empty_on_delete=True, auto_delete_images=True)
"""
    fixed, records = fix_source(source, [RemovalPolicyDestroy])
    assert "auto_delete_images" not in fixed
    assert _keywords(fixed, "ecr.Repository") == ["removal_policy", "empty_on_delete"]
    assert "deprecated" in records[0].message


def test_b1_explicit_false_emptying_is_turned_on():
    source = """\
from aws_cdk import RemovalPolicy, aws_s3 as s3

s3.Bucket(self, "B", removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=False, enforce_ssl=True)
"""
    fixed, _ = fix_source(source, [RemovalPolicyDestroy])
    assert "auto_delete_objects=True" in fixed and "False" not in fixed


def test_b1_apply_removal_policy_in_another_function_does_not_count():
    source = """\
from aws_cdk import RemovalPolicy, aws_logs as logs


def one(self):
    group = logs.LogGroup(self, "A")


def two(self, group):
    group.apply_removal_policy(RemovalPolicy.DESTROY)
"""
    fixed, records = fix_source(source, [RemovalPolicyDestroy])
    assert [record.code for record in records] == ["CDK-B1"]
    assert 'logs.LogGroup(self, "A", removal_policy=RemovalPolicy.DESTROY)' in fixed


@pytest.mark.parametrize("bad", ["bucket", ["bucket", "secret"], ["buckets"]])
def test_b1_rejects_unknown_resources(bad):
    with pytest.raises(ValueError, match="resources"):
        fix_source("import aws_cdk\n", [RemovalPolicyDestroy], options={"CDK-B1": {"resources": bad}})


def test_b1_empty_resources_covers_nothing():
    source = 'from aws_cdk import aws_s3 as s3\n\ns3.Bucket(self, "B")\n'
    fixed, records = fix_source(source, [RemovalPolicyDestroy], options={"CDK-B1": {"resources": []}})
    assert fixed == source and not records


# --- CDK-B3 --------------------------------------------------------------------------------


def test_b3_leaves_the_seed_monitoring_topic_alone():
    source = _seed("monitoring_stack.py")
    fixed, records = fix_source(source, [SnsTopicRemovalPolicy])
    assert not records and fixed == source


def test_b3_retaining_policy_set_in_another_method_counts_for_an_attribute_only():
    source = """\
from aws_cdk import RemovalPolicy, Stack, aws_sns as sns


class S(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.kept = sns.Topic(self, "Kept")
        local = sns.Topic(self, "Local")

    def finish(self, local):
        self.kept.apply_removal_policy(RemovalPolicy.RETAIN)
        local.apply_removal_policy(RemovalPolicy.RETAIN)
"""
    fixed, records = fix_source(source, [SnsTopicRemovalPolicy])
    assert [(record.code, record.line) for record in records] == [("CDK-B3", 11)]
    assert "self.kept.apply_removal_policy(RemovalPolicy.DESTROY)\n" in fixed
    assert "local.apply_removal_policy(RemovalPolicy.RETAIN)\n" in fixed  # a parameter: not provably the topic


def test_b3_leaves_the_seed_approval_topic_alone():
    # No removal policy: aws-cdk-lib writes no DeletionPolicy for a topic, so CloudFormation
    # deletes it with the stack already (test_b3_topic_default_has_no_deletion_policy).
    source = _seed("pipeline_stack.py")
    assert fix_source(source, [SnsTopicRemovalPolicy]) == (source, [])


def test_b3_is_unsafe_and_opt_in():
    assert SnsTopicRemovalPolicy.safety.value == "unsafe"
    assert SnsTopicRemovalPolicy.default is False and "destroyable" in SnsTopicRemovalPolicy.groups


@pytest.mark.synth
def test_b3_topic_default_has_no_deletion_policy(tmp_path):
    """The fact B3 rests on: an sns.Topic with no removal policy synthesizes with no
    DeletionPolicy (deleted with the stack); apply_removal_policy(RETAIN) writes Retain."""
    pytest.importorskip("aws_cdk")
    import json
    import os
    import subprocess
    import sys

    app = tmp_path / "app.py"
    app.write_text(
        "import aws_cdk as cdk\nfrom aws_cdk import aws_sns as sns\n"
        "app = cdk.App()\nstack = cdk.Stack(app, 'S')\n"
        "sns.Topic(stack, 'Plain')\n"
        "kept = sns.Topic(stack, 'Kept')\nkept.apply_removal_policy(cdk.RemovalPolicy.RETAIN)\n"
        "app.synth()\n"
    )
    out = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(out), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    subprocess.run([sys.executable, str(app)], env=env, check=True, capture_output=True, timeout=300)
    resources = json.loads((out / "S.template.json").read_text())["Resources"]
    plain = next(resource for key, resource in resources.items() if key.startswith("Plain"))
    kept = next(resource for key, resource in resources.items() if key.startswith("Kept"))
    assert "DeletionPolicy" not in plain and "UpdateReplacePolicy" not in plain
    assert kept["DeletionPolicy"] == "Retain"


# --- CDK-B4 --------------------------------------------------------------------------------


def test_b4_fixes_the_seed_secret_and_is_unsafe():
    source = _seed("secrets_stack.py")
    fixed, records = fix_source(source, [SecretRemovalPolicy])
    assert "removal_policy=RemovalPolicy.DESTROY\n" in fixed and "Violates requirement" not in fixed
    held, records = fix_source(source, [SecretRemovalPolicy], unsafe_fixes=False)
    assert held == source and [record.status for record in records] == [FixStatus.UNSAFE]


# --- CDK-B5 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TestProject", True), ("app-unit-tests-", True), ("integration_testing", True), ("E2ETests", True),
        ("BuildProject", False), ("Latest", False), ("contest", False), ("Attestation", False), ("", False),
    ],
)  # fmt: skip
def test_b5_test_word(text, expected):
    assert is_for_tests(text) is expected


@pytest.mark.parametrize("bad", ["small", "XXL", "LAMBDA_1GB", "ATTRIBUTE_BASED"])
def test_b5_rejects_compute_types_it_cannot_compare(bad):
    with pytest.raises(ValueError, match="compute_type"):
        fix_source("import aws_cdk\n", [CodebuildTestComputeSize], options={"CDK-B5": {"compute_type": bad}})


def test_b5_compute_types_match_the_installed_cdk():
    from aws_cdk import aws_codebuild

    assert tuple(aws_codebuild.ComputeType.__members__) == COMPUTE_TYPES


def test_b5_fixes_the_seed_test_project_only():
    fixed, records = fix_source(_seed("pipeline_stack.py"), [CodebuildTestComputeSize])
    assert len(records) == 1 and "TestProject" in records[0].message
    assert "codebuild.ComputeType.MEDIUM" not in fixed
    assert fixed.count("compute_type=codebuild.ComputeType.SMALL") == 2  # test project + the untouched build project


# --- CDK-B6 --------------------------------------------------------------------------------


def test_b6_seed_sentence():
    fixed, records = fix_source(_seed("pipeline_stack.py"), [ManualApprovalInformation])
    assert len(records) == 1 and "'Approval'" in records[0].message
    assert (
        "            notification_topic=approval_topic,\n"
        "            # Missing additional_information\n"
        '            additional_information="Approve deployment to staging environment"\n'
        "        )\n"
    ) in fixed


@pytest.mark.parametrize(
    "name, words",
    [
        ("ApproveStaging", ["staging"]), ("approve-production", ["production"]), ("Approve_QA", ["qa"]),
        ("ProdApproval", ["prod"]), ("ManualApproval", []), ("ApproveUATRelease", ["uat", "release"]),
    ],
)  # fmt: skip
def test_b6_subject_words(name, words):
    assert subject_words(name) == words


def test_b6_template_is_escaped_and_checked():
    source = """\
from aws_cdk import aws_codepipeline_actions as cpa

cpa.ManualApprovalAction(action_name="ApproveProd")
"""
    options = {"CDK-B6": {"template": 'Ship "{subject}" \\ now'}}
    fixed, _ = fix_source(source, [ManualApprovalInformation], options=options)
    namespace: dict = {}
    line = fixed.splitlines()[-1]
    value = line.split("additional_information=", 1)[1][:-1]
    exec(f"v = {value}", namespace)
    assert namespace["v"] == 'Ship "prod" \\ now'
    with pytest.raises(ValueError, match="template"):
        fix_source(source, [ManualApprovalInformation], options={"CDK-B6": {"template": "Approve {env}"}})
    with pytest.raises(ValueError, match="template"):
        fix_source(source, [ManualApprovalInformation], options={"CDK-B6": {"template": "Approve {"}})


def test_b6_stage_name_placeholder_without_a_stage_writes_nothing():
    source = """\
from aws_cdk import aws_codepipeline_actions as cpa

cpa.ManualApprovalAction(action_name="ApproveProd")
"""
    fixed, records = fix_source(source, [ManualApprovalInformation], options={"CDK-B6": {"template": "{stage_name}"}})
    assert fixed == source and not records


# --- CDK-B7 --------------------------------------------------------------------------------


def test_b7_seed_connection():
    fixed, records = fix_source(_seed("pipeline_stack.py"), [CodestarConnectionArn])
    assert len(records) == 1
    assert (
        "            connection_arn=(\n"
        '                self.node.try_get_context("codeStarConnectionArn")\n'
        '                or "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc123"\n'
        "            )\n"
        "        )\n"
    ) in fixed


def test_b7_variable_used_twice_is_fixed_once():
    source = """\
from aws_cdk import Stack, aws_codepipeline_actions as cpa


class S(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        arn = "arn:aws:codestar-connections:us-east-1:1:connection/x"
        a = cpa.CodeStarConnectionsSourceAction(action_name="A", connection_arn=arn, owner="o", repo="a", output=o)
        b = cpa.CodeStarConnectionsSourceAction(action_name="B", connection_arn=arn, owner="o", repo="b", output=o)
"""
    fixed, records = fix_source(source, [CodestarConnectionArn])
    assert len(records) == 1
    assert fixed.count("try_get_context") == 1
    assert (
        "        arn = (\n"
        '            self.node.try_get_context("codeStarConnectionArn")\n'
        '            or "arn:aws:codestar-connections:us-east-1:1:connection/x"\n'
        "        )\n"
    ) in fixed


@pytest.mark.parametrize("bad", ["", None, 3])
def test_b7_rejects_a_bad_context_key(bad):
    with pytest.raises(ValueError, match="context_key"):
        fix_source("import aws_cdk\n", [CodestarConnectionArn], options={"CDK-B7": {"context_key": bad}})


# --- all seven on the seed app --------------------------------------------------------------


def test_all_seven_on_the_seed_pipeline_stack():
    fixed, records = fix_source(_seed("pipeline_stack.py"), RULES)
    codes = sorted(record.code for record in records)
    # B1: both buckets; B2: the cache bucket; B5, B6, B7 once each. No secret here (B4); the
    # approval topic has no DeletionPolicy (deleted with the stack): nothing for B3.
    assert codes == ["CDK-B1", "CDK-B1", "CDK-B2", "CDK-B5", "CDK-B6", "CDK-B7"]
    compile(fixed, "pipeline_stack.py", "exec")
    cache = fixed.split("cache_bucket = s3.Bucket(")[1].split("\n        )\n")[0]
    for keyword in ("removal_policy=RemovalPolicy.DESTROY", "auto_delete_objects=True", "enforce_ssl=True",
                    "encryption=s3.BucketEncryption.S3_MANAGED"):  # fmt: skip
        assert cache.count(keyword) == 1, (keyword, cache)
    again, more = fix_source(fixed, RULES)
    assert again == fixed and not more


# --- every emitted keyword and name exists in aws-cdk-lib 2.275 ---------------------------


def _cdk_object(qualified: str):
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(qualified)


def _emitted_calls(rule):
    """(qualified callable, keyword) for every keyword of a CDK call in the rule's fixed examples."""
    for example in rule.examples:
        if example.after is None:
            continue
        options = {rule.code: example.options} if example.options else None
        fixed, _ = fix_source(example.before, [rule], options=options)
        module = cst.parse_module(fixed)
        imports = ImportMap.from_module(module)
        found = []

        class _Calls(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                qualified = imports.resolve(node.func)
                if qualified:
                    found.append((qualified, [a.keyword.value for a in node.args if a.keyword is not None]))

            def visit_Attribute(self, node: cst.Attribute) -> None:
                qualified = imports.resolve(node)
                if qualified and qualified.count(".") >= 2:
                    found.append((qualified, None))

        module.visit(_Calls())
        yield from found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_emitted_names_and_keywords_exist_in_aws_cdk(rule):
    emitted = list(_emitted_calls(rule))
    assert any(keywords for _, keywords in emitted), "nothing checked"
    for qualified, keywords in emitted:
        obj = _cdk_object(qualified)  # raises for a name the CDK does not have
        if keywords is None:
            continue
        target = obj.__init__ if inspect.isclass(obj) else obj
        parameters = inspect.signature(target).parameters
        missing = [keyword for keyword in keywords if keyword not in parameters]
        assert not missing, f"{rule.code}: {qualified} has no parameter {missing}"


def test_apply_removal_policy_exists_on_topic_and_topic_has_no_removal_policy_parameter():
    from aws_cdk import RemovalPolicy, aws_sns

    assert "removal_policy" not in inspect.signature(aws_sns.Topic.__init__).parameters
    assert list(inspect.signature(aws_sns.Topic.apply_removal_policy).parameters) == ["self", "policy"]
    assert RemovalPolicy.DESTROY is not None
