"""AwsSolutions-APIG1 / -APIG6 (one owner of `deploy_options`), -APIG2 (a validator the methods
use) and -L1 (the newest runtime of the family, read from aws-cdk-lib's jsii assembly)."""

from __future__ import annotations

import json
import os

import pytest

from cdkfix.check_cache import key_for
from cdkfix.config import RunConfig
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source

from nag_support import synth_with_nag
from cdkfix.transforms.awssolutions import l1_latest_runtime
from cdkfix.transforms.awssolutions.l1_latest_runtime import Runtimes, installed_runtimes, project_pins


def _run(source: str, *codes: str, path: str = "example.py"):
    rules = sorted((rules_by_code()[code] for code in codes), key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=True, path=path)


APIG = ("AwsSolutions-APIG1", "AwsSolutions-APIG6")
BARE_API = (
    "from aws_cdk import aws_apigateway as apigw\n\n"
    'api = apigw.RestApi(self, "Api")\n'
    'api.root.add_method("GET", apigw.MockIntegration())\n'
)
BOTH_FIXED = (
    "from aws_cdk import aws_apigateway as apigw\n"
    "from aws_cdk import aws_logs as logs\n\n"
    "api_access_logs = logs.LogGroup(\n"
    '    self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_YEAR\n'
    ")\n\n"
    'api = apigw.RestApi(self, "Api", deploy_options=apigw.StageOptions(\n'
    "    access_log_destination=apigw.LogGroupLogDestination(\n"
    "        api_access_logs\n"
    "    ),\n"
    "    access_log_format=apigw.AccessLogFormat.clf(),\n"
    "    logging_level=apigw.MethodLoggingLevel.INFO,\n"
    "), cloud_watch_role=True)\n"
    'api.root.add_method("GET", apigw.MockIntegration())\n'
)


# --- APIG1 and APIG6: one StageOptions ------------------------------------------------------


def test_apig1_and_apig6_together_write_one_stage_options_and_one_role():
    fixed, records = _run(BARE_API, *APIG)
    assert fixed == BOTH_FIXED
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.APPLIED) for code in APIG]
    compile(fixed, "fixed.py", "exec")
    again, more = _run(fixed, *APIG)
    assert again == fixed and not more


@pytest.mark.parametrize("first, second", [APIG, APIG[::-1]])
def test_one_rule_after_the_other_adds_to_the_stage_options_the_first_wrote(first, second):
    once, _ = _run(BARE_API, first)
    twice, records = _run(once, second)
    assert [r.code for r in records] == [second]
    assert twice.count("deploy_options=") == 1 and twice.count("cloud_watch_role=True") == 1
    for keyword in ("access_log_destination=", "access_log_format=", "logging_level="):
        assert twice.count(keyword) == 1
    compile(twice, "fixed.py", "exec")
    again, more = _run(twice, *APIG)
    assert again == twice and not more


def test_existing_stage_options_get_both_rules_keywords_and_keep_their_own():
    source = BARE_API.replace('"Api")', '"Api", deploy_options=apigw.StageOptions(stage_name="v1", metrics_enabled=True))')
    fixed, _ = _run(source, *APIG)
    assert 'deploy_options=apigw.StageOptions(stage_name="v1", metrics_enabled=True, access_log_destination=' in fixed
    assert fixed.count("StageOptions(") == 1 and "logging_level=apigw.MethodLoggingLevel.INFO), cloud_watch_role=True)" in fixed


@pytest.mark.parametrize(
    "options",
    ["deploy_options=stage_options", "deploy_options=make_options()", "deploy_options=apigw.StageOptions(**opts)", "**props"],
)
def test_unreadable_deploy_options_are_reported_without_a_fix(options):
    source = BARE_API.replace('"Api")', f'"Api", {options})')
    fixed, records = _run(source, *APIG)
    assert fixed == source
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.NO_FIX) for code in APIG]


def test_a_stated_cloud_watch_role_is_kept():
    source = BARE_API.replace('"Api")', '"Api", cloud_watch_role=False)')
    fixed, _ = _run(source, *APIG)
    assert "cloud_watch_role=False" in fixed and "cloud_watch_role=True" not in fixed


def test_each_rule_leaves_alone_what_the_user_set_for_it():
    source = BARE_API.replace(
        '"Api")', '"Api", deploy_options=apigw.StageOptions(logging_level=apigw.MethodLoggingLevel.ERROR))'
    )
    fixed, records = _run(source, *APIG)
    assert [r.code for r in records] == ["AwsSolutions-APIG1"]
    assert "logging_level=apigw.MethodLoggingLevel.ERROR, access_log_destination=" in fixed


def test_apig1_in_a_destroyable_run_makes_the_log_group_go_with_the_stack():
    fixed, _ = _run(BARE_API, "AwsSolutions-APIG1", "CDK-B1")
    assert "retention=logs.RetentionDays.ONE_YEAR,\n    removal_policy=RemovalPolicy.DESTROY," in fixed


# --- APIG1 and APIG6: a StageOptions held in a name ------------------------------------------

NAMED = (
    "from aws_cdk import Stack, aws_apigateway as apigw\n\n\n"
    "class ApiStack(Stack):\n"
    "    def __init__(self, scope, construct_id):\n"
    "        super().__init__(scope, construct_id)\n"
    '        stage = apigw.StageOptions(stage_name="dev")\n\n'
    '        api = apigw.RestApi(self, "Api", deploy=True, deploy_options=stage)\n'
    '        api.root.add_method("GET", apigw.MockIntegration())\n'
)
NAMED_BOTH_FIXED = (
    "from aws_cdk import Stack, aws_apigateway as apigw\n"
    "from aws_cdk import aws_logs as logs\n\n\n"
    "class ApiStack(Stack):\n"
    "    def __init__(self, scope, construct_id):\n"
    "        super().__init__(scope, construct_id)\n"
    "        api_access_logs = logs.LogGroup(\n"
    '            self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_YEAR\n'
    "        )\n"
    '        stage = apigw.StageOptions(stage_name="dev", access_log_destination=apigw.LogGroupLogDestination('
    "api_access_logs), access_log_format=apigw.AccessLogFormat.clf(), logging_level=apigw.MethodLoggingLevel.INFO)\n\n"
    '        api = apigw.RestApi(self, "Api", deploy=True, deploy_options=stage, cloud_watch_role=True)\n'
    '        api.root.add_method("GET", apigw.MockIntegration())\n'
)


def test_named_stage_options_get_both_rules_keywords_and_the_log_group_goes_before_them():
    fixed, records = _run(NAMED, *APIG)
    assert fixed == NAMED_BOTH_FIXED
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.APPLIED) for code in APIG]
    compile(fixed, "fixed.py", "exec")
    again, more = _run(fixed, *APIG)
    assert again == fixed and not more


@pytest.mark.parametrize("first, second", [APIG, APIG[::-1]])
def test_named_stage_options_one_rule_after_the_other(first, second):
    once, _ = _run(NAMED, first)
    twice, records = _run(once, second)
    assert [(r.code, r.status) for r in records] == [(second, FixStatus.APPLIED)]
    assert twice.count("StageOptions(") == 1 and twice.count("cloud_watch_role=True") == 1
    for keyword in ("access_log_destination=", "access_log_format=", "logging_level="):
        assert twice.count(keyword) == 1
    assert twice.index("api_access_logs = logs.LogGroup(") < twice.index("stage = apigw.StageOptions(")
    compile(twice, "fixed.py", "exec")
    again, more = _run(twice, *APIG)
    assert again == twice and not more


def test_named_stage_options_imported_by_name_resolve_through_the_imports():
    source = (
        "from aws_cdk.aws_apigateway import MockIntegration, RestApi, StageOptions as Options\n\n"
        'options = Options(stage_name="v1")\n'
        'api = RestApi(self, "Api", deploy_options=options)\n'
        'api.root.add_method("GET", MockIntegration())\n'
    )
    fixed, records = _run(source, "AwsSolutions-APIG6")
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert 'options = Options(stage_name="v1", logging_level=apigateway.MethodLoggingLevel.INFO)\n' in fixed
    # Not a StageOptions at all: a user's own class of that name.
    other = source.replace("from aws_cdk.aws_apigateway import MockIntegration, RestApi, StageOptions as Options", (
        "from aws_cdk.aws_apigateway import MockIntegration, RestApi\nfrom mylib import Options"
    ))
    fixed, records = _run(other, "AwsSolutions-APIG6")
    assert fixed == other and [r.status for r in records] == [FixStatus.NO_FIX]
    assert "not bound to a `StageOptions(...)` call" in records[0].detail


def test_named_stage_options_with_an_annotation_in_a_function():
    source = (
        "from aws_cdk import aws_apigateway as apigw\n\n\n"
        "def build(self):\n"
        '    stage: apigw.StageOptions = apigw.StageOptions(stage_name="dev")\n'
        '    api = apigw.RestApi(self, "Api", deploy_options=stage)\n'
        '    api.root.add_method("GET", apigw.MockIntegration())\n'
    )
    fixed, records = _run(source, "AwsSolutions-APIG6")
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert (
        '    stage: apigw.StageOptions = apigw.StageOptions(stage_name="dev", '
        "logging_level=apigw.MethodLoggingLevel.INFO)\n"
    ) in fixed


_NAMED_STAGE = 'stage = apigw.StageOptions(stage_name="dev")\n'
_API = 'api = apigw.RestApi(self, "Api", deploy_options=stage)\napi.root.add_method("GET", apigw.MockIntegration())\n'


def _indent(text: str) -> str:
    return "".join(f"    {line}" if line.strip() else line for line in text.splitlines(keepends=True))


@pytest.mark.parametrize(
    "body, why",
    [
        (_NAMED_STAGE + _API + 'apigw.RestApi(self, "Admin", deploy_options=stage)\n', "is used elsewhere too"),
        (_NAMED_STAGE + _API + "print(stage)\n", "is used elsewhere too"),
        (_NAMED_STAGE + 'stage = apigw.StageOptions(stage_name="prod")\n' + _API, "not assigned exactly once"),
        (_NAMED_STAGE + "stage.method_options = {}\n" + _API, "changed in place"),
        ("\ndef build(self, stage):\n" + _indent(_API), "not assigned exactly once"),
        ("\ndef build(self, stage=None):\n" + _indent('stage = apigw.StageOptions(stage_name="dev")\n' + _API),
         "not assigned exactly once"),
        ("for stage in [apigw.StageOptions(stage_name=name) for name in names]:\n" + _indent(_API), "not assigned"),
        (_NAMED_STAGE + "\n\ndef build(self):\n" + _indent(_API), "not assigned exactly once in this function"),
        ("if prod:\n" + _indent(_NAMED_STAGE) + _API, "not assigned before the apigw.RestApi call in the same block"),
        (_API + _NAMED_STAGE, "not assigned before"),
        ('stage = apigw.StageOptions(stage_name="dev", **extra)\n' + _API, "not bound to a `StageOptions(...)` call"),
        ("stage = make_stage()\n" + _API, "not bound to a `StageOptions(...)` call"),
    ],
    ids=["second-api", "other-use", "rebound", "attribute-set", "parameter", "parameter-rebound", "loop",
         "module-name-in-function", "other-block", "after-the-api", "splat", "not-stage-options"],
)
def test_named_stage_options_reported_without_a_fix(body, why):
    source = "from aws_cdk import aws_apigateway as apigw\n\n" + body
    fixed, records = _run(source, *APIG)
    assert fixed == source
    assert records and all(r.status is FixStatus.NO_FIX for r in records)
    assert {r.code for r in records} == set(APIG)
    assert all(why in r.detail for r in records), [r.detail for r in records]


def test_named_stage_options_the_user_configured_are_left_alone_even_when_shared():
    source = (
        "from aws_cdk import aws_apigateway as apigw\n\n"
        'stage = apigw.StageOptions(stage_name="dev", logging_level=apigw.MethodLoggingLevel.ERROR)\n'
        + _API
        + 'apigw.RestApi(self, "Admin", deploy_options=stage).root.add_method("GET", apigw.MockIntegration())\n'
    )
    fixed, records = _run(source, *APIG)
    assert fixed == source
    # APIG6: the user's logging level, for both APIs; APIG1: shared, so no fix for either.
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-APIG1", FixStatus.NO_FIX)] * 2


def test_named_stage_options_api_id_bound_after_the_options_leaves_apig1_without_a_fix():
    source = (
        "from aws_cdk import aws_apigateway as apigw\n\n"
        + _NAMED_STAGE
        + 'name = "Orders"\n'
        + 'api = apigw.RestApi(self, f"{name}Api", deploy_options=stage)\n'
        + 'api.root.add_method("GET", apigw.MockIntegration())\n'
    )
    fixed, records = _run(source, *APIG)
    assert [(r.code, r.status) for r in records] == [
        ("AwsSolutions-APIG1", FixStatus.NO_FIX),
        ("AwsSolutions-APIG6", FixStatus.APPLIED),
    ]
    assert "reads `name`, bound between `stage` and the API" in records[0].detail
    assert "LogGroup" not in fixed and "logging_level=apigw.MethodLoggingLevel.INFO" in fixed


# --- synthesis: the CloudWatch role, the default-options validator --------------------------

_FLAG_ON = {"@aws-cdk/aws-apigateway:disableCloudWatchRole": True}


_synth = synth_with_nag


@pytest.mark.synth
def test_with_the_cdk_init_flag_the_fix_creates_the_account_role_and_only_its_iam4_is_new():
    pytest.importorskip("cdk_nag")
    before, _ = _synth(BARE_API, _FLAG_ON)
    after, template = _synth(BOTH_FIXED, _FLAG_ON)
    assert {rule for rule, _ in before} >= set(APIG)
    assert not {rule for rule, _ in after} & set(APIG)
    # Deployable in any account: the stack sets the account's CloudWatch Logs role.
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert "AWS::ApiGateway::Account" in types
    # Unavoidable for every deployable fix: the role API Gateway logs with carries the AWS managed
    # policy AmazonAPIGatewayPushToCloudWatchLogs (an inline copy would need Resource "*": IAM5).
    assert after - before == {("AwsSolutions-IAM4", "Case/Api/CloudWatchRole/Resource")}


@pytest.mark.synth
def test_a_validator_in_default_method_options_is_dropped_by_cdk():
    """Why APIG2 does not write default_method_options: no validator is synthesized."""
    pytest.importorskip("cdk_nag")
    source = (
        "from aws_cdk import aws_apigateway as apigw\n\n"
        'api = apigw.RestApi(self, "Api", default_method_options=apigw.MethodOptions(request_validator_options='
        "apigw.RequestValidatorOptions(validate_request_body=True, validate_request_parameters=True)))\n"
        'api.root.add_method("GET", apigw.MockIntegration())\n'
    )
    findings, template = _synth(source, {})
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::RequestValidator"]
    assert "AwsSolutions-APIG2" in {rule for rule, _ in findings}


@pytest.mark.synth
def test_apig2_validator_is_used_by_every_method_the_fix_found():
    pytest.importorskip("cdk_nag")
    rule = rules_by_code()["AwsSolutions-APIG2"]
    example = rule.examples[0]
    findings, template = _synth(example.after, {})
    validators = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::ApiGateway::RequestValidator"]
    methods = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(validators) == 1 and len(methods) == 2
    assert all(m["Properties"]["RequestValidatorId"] == {"Ref": validators[0]} for m in methods)
    assert "AwsSolutions-APIG2" not in {rule for rule, _ in findings}


@pytest.mark.synth
def test_apig2_on_a_proxy_lambda_rest_api_every_method_cdk_makes_uses_the_validator():
    pytest.importorskip("cdk_nag")
    example = rules_by_code()["AwsSolutions-APIG2"].examples[-1]
    findings, template = _synth(example.after, {})
    validators = [key for key, r in template["Resources"].items() if r["Type"] == "AWS::ApiGateway::RequestValidator"]
    methods = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(validators) == 1 and len(methods) == 2  # ANY on / and on {proxy+}
    assert all(m["Properties"]["RequestValidatorId"] == {"Ref": validators[0]} for m in methods)
    assert "AwsSolutions-APIG2" not in {rule for rule, _ in findings}
    before, _ = _synth(example.before, {})
    assert "AwsSolutions-APIG2" in {rule for rule, _ in before}


# --- APIG2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, why",
    [
        ('api = apigw.SpecRestApi(self, "Api", api_definition=definition)\n', "OpenAPI"),
        ('api = apigw.LambdaRestApi(self, "Api", handler=handler, proxy=use_proxy)\n', "`proxy=` is not a literal"),
        ('apis.append(apigw.LambdaRestApi(self, "Api", handler=handler))\n', "not bound"),
        ('api = apigw.RestApi(self, "Api")\n', "no `add_method`"),
        ('apigw.RestApi(self, "Api").root.add_method("GET")\n', "not bound"),
        ('api = apigw.RestApi(self, "Api")\napi.root.add_method("GET", **kw)\n', "splat"),
        ('api = apigw.RestApi(self, "Api", **props)\napi.root.add_method("GET")\n', "splat"),
    ],
)
def test_apig2_reports_without_a_fix(source, why):
    source = "from aws_cdk import aws_apigateway as apigw\n\n" + source
    fixed, records = _run(source, "AwsSolutions-APIG2")
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.NO_FIX] and why in records[0].detail


def test_apig2_gives_each_api_its_own_validator_and_skips_an_ambiguous_name():
    source = (
        "from aws_cdk import aws_apigateway as apigw\n\n"
        'one = apigw.RestApi(self, "One")\n'
        'two = apigw.RestApi(self, "Two")\n'
        'one.root.add_method("GET")\n'
        'two.root.add_resource("x").add_method("GET")\n'
        'shared = one.root.add_resource("a")\n'
        'shared = two.root.add_resource("b")\n'
        'shared.add_method("POST")\n'
    )
    fixed, records = _run(source, "AwsSolutions-APIG2")
    assert [r.status for r in records] == [FixStatus.APPLIED, FixStatus.APPLIED]
    assert 'one.root.add_method("GET", request_validator=one_validator)' in fixed
    assert 'two.root.add_resource("x").add_method("GET", request_validator=two_validator)' in fixed
    assert 'shared.add_method("POST")\n' in fixed  # bound twice: which API's is unknown
    again, more = _run(fixed, "AwsSolutions-APIG2")
    assert again == fixed and not more


# --- L1 ------------------------------------------------------------------------------------


def test_runtimes_come_from_the_installed_assembly():
    runtimes = installed_runtimes()
    assert runtimes is not None and runtimes.version.startswith("2.")
    assert runtimes.properties["PYTHON_3_8"] == ("python3.8", True)
    assert runtimes.properties["PYTHON_3_14"] == ("python3.14", False)
    assert runtimes.newest("python3.8") == "python3.14" and runtimes.property_for("python3.14") == "PYTHON_3_14"
    assert runtimes.newest("nodejs18.x") == "nodejs24.x" and runtimes.property_for("nodejs24.x") == "NODEJS_24_X"
    assert runtimes.newest("provided.al2") is None


def test_newest_sorts_versions_as_numbers_and_skips_a_deprecated_newest():
    runtimes = Runtimes("9.9.9", {
        "PYTHON_3_9": ("python3.9", False), "PYTHON_3_10": ("python3.10", False),
        "DOTNET_CORE_3_1": ("dotnetcore3.1", True), "DOTNET_CORE_2_1": ("dotnetcore2.1", True),
    })
    assert runtimes.newest("python3.9") == "python3.10"
    assert runtimes.newest("dotnetcore2.1") == "dotnetcore3.1" and runtimes.property_for("dotnetcore3.1") is None


@pytest.mark.synth
def test_the_newest_runtimes_are_cdk_nags():
    """Cross-check against the real Runtime.ALL, the list cdk-nag's rule reads (needs Node.js)."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from aws_cdk import aws_lambda

    # FROM_IMAGE (a container image) has no runtime string; cdk-nag finds no family in it either.
    names = [runtime.to_string() for runtime in aws_lambda.Runtime.ALL if runtime.to_string() != "FROM_IMAGE"]
    runtimes = installed_runtimes()
    assert set(names) == {value for value, _ in runtimes.properties.values()}
    for family in ("python", "nodejs", "java", "ruby", "dotnet"):
        versions = [name for name in names if name.startswith(family)]
        expected = sorted(versions, key=lambda n: l1_latest_runtime._version_key(l1_latest_runtime._RUNTIME_STRING.match(n).group(2) or "0"))[-1]
        assert runtimes.newest(versions[0]) == expected


L1_SOURCE = (
    "from aws_cdk import aws_lambda as lambda_\n\n"
    'lambda_.Function(self, "F", runtime=lambda_.Runtime.PYTHON_3_9, handler="i.h", code=lambda_.Code.from_asset("src"))\n'
)


@pytest.mark.parametrize(
    "requirement, fixed",
    [("aws-cdk-lib==2.100.0", False), ("aws-cdk-lib>=2.100.0,<2.200", False), ("aws-cdk-lib>=2.100.0", True),
     ("aws-cdk-lib", True), ("aws-cdk-lib==2.275.0", True), ("# aws-cdk-lib==2.1.0\nconstructs", True)],
)
def test_l1_stays_within_the_projects_pin(tmp_path, requirement, fixed):
    project_pins.cache_clear()
    (tmp_path / "requirements.txt").write_text(requirement + "\n")
    stack = tmp_path / "app" / "stack.py"
    stack.parent.mkdir()
    stack.write_text(L1_SOURCE)
    result, records = _run(L1_SOURCE, "AwsSolutions-L1", path=str(stack))
    assert records[0].status is FixStatus.APPLIED
    if fixed:
        assert result == L1_SOURCE.replace("PYTHON_3_9", "PYTHON_3_14")
    else:
        # A release the pin allows may lack Runtime.PYTHON_3_14: the form every v2 release has.
        assert result == L1_SOURCE.replace(
            "lambda_.Runtime.PYTHON_3_9", 'lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON)'
        )
        assert "because the project requires aws-cdk-lib" in records[0].message


def test_l1_cache_key_follows_the_pin(tmp_path):
    project_pins.cache_clear()
    stack = tmp_path / "stack.py"
    stack.write_text(L1_SOURCE)
    (tmp_path / "requirements.txt").write_text("aws-cdk-lib==2.100.0\n")
    config = RunConfig(rules=(rules_by_code()["AwsSolutions-L1"],), unsafe_fixes=True)
    first = key_for(str(stack), "digest", config)
    (tmp_path / "requirements.txt").write_text("aws-cdk-lib==2.275.0\n")
    project_pins.cache_clear()
    assert key_for(str(stack), "digest", config) != first


@pytest.mark.parametrize(
    "runtime, why",
    [
        ("lambda_.Runtime(NAME, lambda_.RuntimeFamily.PYTHON)", "not a string literal"),
        ('lambda_.Runtime(f"python3.{minor}", lambda_.RuntimeFamily.PYTHON)', "not a string literal"),
        ("props.runtime", "cannot follow"),
        ("pick_runtime()", "run-time value"),
    ],
)
def test_l1_reports_what_it_cannot_rewrite(runtime, why):
    source = L1_SOURCE.replace("lambda_.Runtime.PYTHON_3_9", runtime)
    fixed, records = _run(source, "AwsSolutions-L1")
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and why in records[0].detail


def test_l1_rewrites_a_constant_once_and_never_one_assigned_twice():
    source = (
        "from aws_cdk import aws_lambda as lambda_\n\n"
        "RT = lambda_.Runtime.NODEJS_16_X\n"
        "OTHER = lambda_.Runtime.PYTHON_3_10\n"
        "OTHER = lambda_.Runtime.PYTHON_3_12\n"
        'lambda_.Function(self, "A", runtime=RT, handler="i.h", code=lambda_.Code.from_asset("a"))\n'
        'lambda_.Function(self, "B", runtime=RT, handler="i.h", code=lambda_.Code.from_asset("b"))\n'
        'lambda_.Function(self, "C", runtime=OTHER, handler="i.h", code=lambda_.Code.from_asset("c"))\n'
    )
    fixed, records = _run(source, "AwsSolutions-L1")
    assert fixed == source.replace("NODEJS_16_X", "NODEJS_24_X")
    assert [r.status for r in records] == [FixStatus.APPLIED, FixStatus.APPLIED, FixStatus.NO_FIX]
    again, more = _run(fixed, "AwsSolutions-L1")
    assert again == fixed and [r.status for r in more] == [FixStatus.NO_FIX]


def test_l1_without_aws_cdk_lib_reports_without_a_fix(monkeypatch):
    monkeypatch.setattr(l1_latest_runtime, "installed_runtimes", lambda: None)
    fixed, records = _run(L1_SOURCE, "AwsSolutions-L1")
    assert fixed == L1_SOURCE and [r.status for r in records] == [FixStatus.NO_FIX]


def test_apig2_binds_a_bare_proxy_lambda_rest_api_and_a_second_run_changes_nothing():
    source = 'from aws_cdk import aws_apigateway as apigw\n\napigw.LambdaRestApi(self, "Api", handler=handler)\n'
    fixed, records = _run(source, "AwsSolutions-APIG2")
    assert fixed == (
        "from aws_cdk import aws_apigateway as apigw\n\n"
        'api = apigw.LambdaRestApi(self, "Api", handler=handler)\n\n'
        "api_validator = api.add_request_validator(\n"
        '    "RequestValidator", validate_request_body=True, validate_request_parameters=True\n'
        ")\n"
        "for method in api.methods:\n"
        "    cfn_method = method.node.default_child\n"
        "    if isinstance(cfn_method, apigw.CfnMethod):\n"
        "        cfn_method.request_validator_id = api_validator.request_validator_id\n"
    )
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert _run(fixed, "AwsSolutions-APIG2") == (fixed, [])


HTTP_API = (
    "from aws_cdk import aws_apigatewayv2 as apigwv2, aws_lambda as lambda_\n"
    "from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration\n\n"
    "handler = lambda_.Function(\n"
    '    self, "Handler", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",\n'
    '    code=lambda_.Code.from_inline("def handler(event, context): pass"),\n'
    ")\n"
    'api = apigwv2.HttpApi(self, "Api", default_integration=HttpLambdaIntegration("HandlerIntegration", handler))\n'
)


@pytest.mark.synth
def test_apig1_on_an_http_api_logs_its_default_stage_with_no_account_role():
    pytest.importorskip("cdk_nag")
    fixed, records = _run(HTTP_API, "AwsSolutions-APIG1")
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-APIG1", FixStatus.APPLIED)]
    assert _run(fixed, "AwsSolutions-APIG1") == (fixed, [])
    before, _ = synth_with_nag(HTTP_API)
    after, template = synth_with_nag(fixed)
    assert ("AwsSolutions-APIG1", "Case/Api/DefaultStage/Resource") in before
    assert after == before - {("AwsSolutions-APIG1", "Case/Api/DefaultStage/Resource")}
    stage = template["Resources"][next(k for k in template["Resources"] if k.startswith("ApiDefaultStage"))]
    settings = stage["Properties"]["AccessLogSettings"]
    group = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::Logs::LogGroup")
    assert settings["DestinationArn"] == {"Fn::GetAtt": [group, "Arn"]}
    # API Gateway requires $context.requestId (or extendedRequestId) in an HTTP API's format.
    assert json.loads(settings["Format"])["requestId"] == "$context.requestId"
    assert template["Resources"][group]["Properties"]["RetentionInDays"] == 365
    # HTTP APIs log through CloudWatch Logs' log delivery: no account role, no new IAM resource.
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert "AWS::ApiGateway::Account" not in types
    assert sum(t.startswith("AWS::IAM::") for t in types) == 1  # the handler's role only


def test_apig1_reports_a_websocket_stage_without_a_fix_and_says_why():
    source = (
        "from aws_cdk import aws_apigatewayv2 as apigwv2\n\n"
        'ws = apigwv2.WebSocketApi(self, "Ws")\n'
        'apigwv2.WebSocketStage(self, "Prod", web_socket_api=ws, stage_name="prod")\n'
    )
    fixed, records = _run(source, "AwsSolutions-APIG1")
    assert fixed == source
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-APIG1", FixStatus.NO_FIX)]
    assert "account's API Gateway CloudWatch role" in records[0].detail


def test_apig1_on_two_http_apis_ties_each_settings_assignment_to_its_own_stage():
    source = (
        "from aws_cdk import aws_apigatewayv2 as apigwv2\n\n"
        'orders = apigwv2.HttpApi(self, "Orders")\n'
        'admin = apigwv2.HttpApi(self, "Admin")\n'
        "admin.default_stage.node.default_child.access_log_settings = settings\n"
    )
    fixed, records = _run(source, "AwsSolutions-APIG1")
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-APIG1", FixStatus.APPLIED)]
    assert fixed.count(".access_log_settings = ") == 2
    assert "orders.default_stage.node.default_child.access_log_settings" in fixed
    assert _run(fixed, "AwsSolutions-APIG1") == (fixed, [])
