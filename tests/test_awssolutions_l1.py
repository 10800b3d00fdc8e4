"""AwsSolutions-L1 on the shapes real code has: a project pinned to an older aws-cdk-lib (the
runtime written as `Runtime("<string>", RuntimeFamily.<member>)`), `aws_lambda.CfnFunction`
runtime strings, `Runtime(...)` name literals, and layers that list their compatible runtimes."""

from __future__ import annotations

import os

import pytest

from cdkfix.records import FixStatus
from cdkfix.registry import rules_by_code
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions.l1_latest_runtime import Runtimes, installed_runtimes, project_pins


def _run(source: str, path: str = "example.py"):
    return fix_source(source, [rules_by_code()["AwsSolutions-L1"]], unsafe_fixes=True, path=path)


@pytest.fixture
def pinned(tmp_path):
    """A file in a project whose requirements.txt pins aws-cdk-lib==2.31.1 (before
    Runtime.PYTHON_3_14 and Runtime.NODEJS_24_X existed); returns a function fixing `source` there."""
    project_pins.cache_clear()
    (tmp_path / "requirements.txt").write_text("aws-cdk-lib==2.31.1\nconstructs>=10.0.0,<11.0.0\n")
    stack = tmp_path / "app" / "stack.py"
    stack.parent.mkdir()

    def fix(source: str):
        stack.write_text(source)
        return _run(source, path=str(stack))

    yield fix
    project_pins.cache_clear()


def _fixed_twice(fix, source: str, expected: str, applied: int = 1):
    fixed, records = fix(source)
    assert fixed == expected
    assert [r.status for r in records] == [FixStatus.APPLIED] * applied
    compile(fixed, "fixed.py", "exec")
    again, more = fix(fixed)
    assert again == fixed and not more  # the string form is the newest: a second run finds nothing
    return records


# --- the pinned project: the string form -----------------------------------------------------

PINNED_ASSET = (
    "from aws_cdk import aws_lambda as lambda_\n\n"
    'lambda_.Function(self, "F", runtime=lambda_.Runtime.PYTHON_3_9, handler="i.h", code=lambda_.Code.from_asset("src"))\n'
)
PINNED_ASSET_FIXED = (
    "from aws_cdk import aws_lambda as lambda_\n\n"
    'lambda_.Function(self, "F", runtime=lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON), handler="i.h", '
    'code=lambda_.Code.from_asset("src"))\n'
)


def test_pinned_project_gets_the_string_form_and_the_message_says_why(pinned):
    (record,) = _fixed_twice(pinned, PINNED_ASSET, PINNED_ASSET_FIXED)
    assert "on python3.9, not python3.14" in record.message
    assert 'written as `Runtime("python3.14", RuntimeFamily.PYTHON)` because the project requires aws-cdk-lib==2.31.1' in record.message


def test_pinned_inline_code_says_the_runtime_supports_it(pinned):
    # A Runtime built by hand supports no inline code unless it says so: Function would refuse it.
    source = (
        "import aws_cdk as cdk\n\n"
        'cdk.aws_lambda.Function(self, "F", runtime=cdk.aws_lambda.Runtime.NODEJS_18_X, handler="index.handler",\n'
        '    code=cdk.aws_lambda.Code.from_inline("exports.handler = async () => {};"))\n'
    )
    expected = source.replace(
        "cdk.aws_lambda.Runtime.NODEJS_18_X",
        'cdk.aws_lambda.Runtime("nodejs24.x", cdk.aws_lambda.RuntimeFamily.NODEJS, supports_inline_code=True)',
    )
    _fixed_twice(pinned, source, expected)


def test_pinned_runtime_imported_by_name_imports_runtime_family_by_name(pinned):
    source = (
        "from aws_cdk.aws_lambda import Code, Function, Runtime\n\n"
        'Function(self, "F", runtime=Runtime.PYTHON_3_8, handler="i.h", code=Code.from_asset("src"))\n'
    )
    expected = (
        "from aws_cdk.aws_lambda import Code, Function, Runtime\n"
        "from aws_cdk.aws_lambda import RuntimeFamily\n\n"
        'Function(self, "F", runtime=Runtime("python3.14", RuntimeFamily.PYTHON), handler="i.h", code=Code.from_asset("src"))\n'
    )
    _fixed_twice(pinned, source, expected)


def test_pinned_name_runtime_family_taken_uses_the_module(pinned):
    source = (
        "from aws_cdk.aws_lambda import Code, Function, Runtime\n\n"
        "RuntimeFamily = object()\n"
        'Function(self, "F", runtime=Runtime.PYTHON_3_8, handler="i.h", code=Code.from_asset("src"))\n'
    )
    fixed, records = pinned(source)
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert "from aws_cdk import aws_lambda as lambda_\n" in fixed
    assert 'runtime=Runtime("python3.14", lambda_.RuntimeFamily.PYTHON)' in fixed
    assert "RuntimeFamily = object()\n" in fixed


def test_pinned_constant_shared_by_inline_and_asset_functions_is_written_once(pinned):
    source = (
        "from aws_cdk import aws_lambda as lambda_\n\n"
        "RUNTIME = lambda_.Runtime.PYTHON_3_11\n"
        'lambda_.Function(self, "A", runtime=RUNTIME, handler="i.h", code=lambda_.Code.from_asset("a"))\n'
        'lambda_.Function(self, "B", runtime=RUNTIME, handler="i.h", code=lambda_.InlineCode("def h(e, c): pass"))\n'
    )
    expected = source.replace(
        "lambda_.Runtime.PYTHON_3_11",
        'lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON, supports_inline_code=True)',
    )
    _fixed_twice(pinned, source, expected, applied=2)


def test_pinned_code_cdkfix_cannot_see_counts_as_inline(pinned):
    source = PINNED_ASSET.replace('lambda_.Code.from_asset("src")', "handler_code")
    fixed, _ = pinned(source)
    assert 'lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON, supports_inline_code=True)' in fixed


def test_pinned_family_without_a_member_is_reported(pinned):
    # dotnet8 and later: their properties (DOTNET_8) start with no RuntimeFamily member.
    source = PINNED_ASSET.replace("PYTHON_3_9", "DOTNET_6")
    fixed, records = pinned(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX]
    assert "names no RuntimeFamily for dotnet10" in records[0].detail


def test_pinned_runtime_string_in_runtime_call_is_rewritten(pinned):
    source = PINNED_ASSET.replace("lambda_.Runtime.PYTHON_3_9", 'lambda_.Runtime("python3.8", lambda_.RuntimeFamily.PYTHON)')
    _fixed_twice(pinned, source, source.replace('"python3.8"', '"python3.14"'))


def test_family_for_reads_the_members_from_the_assembly():
    runtimes = installed_runtimes()
    assert runtimes.families[:3] == ("NODEJS", "JAVA", "PYTHON") and "DOTNET_CORE" in runtimes.families
    assert runtimes.family_for("python3.14") == "PYTHON" and runtimes.family_for("nodejs24.x") == "NODEJS"
    assert runtimes.family_for("java21") == "JAVA" and runtimes.family_for("ruby3.4") == "RUBY"
    assert runtimes.family_for("dotnet8") is None  # DOTNET_8: no member is its prefix
    assert runtimes.family_for("provided.al2023") is None  # PROVIDED_AL2023 (OTHER is not its prefix)
    made_up = Runtimes("9.9.9", {"DOTNET_CORE_3_1": ("dotnetcore3.1", False), "DOTNET_3": ("dotnet3", False)}, ("DOTNET", "DOTNET_CORE"))
    assert made_up.family_for("dotnetcore3.1") == "DOTNET_CORE" and made_up.family_for("dotnet3") == "DOTNET"


@pytest.mark.synth
def test_family_for_agrees_with_the_real_runtimes():
    """Every family read from property names is the family the real Runtime object has."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from aws_cdk import aws_lambda

    runtimes = installed_runtimes()
    checked = 0
    for name in runtimes.properties:
        runtime = getattr(aws_lambda.Runtime, name)
        family = runtimes.family_for(runtime.name)
        if family is not None and runtimes.property_for(runtime.name) == name:
            assert runtime.family == getattr(aws_lambda.RuntimeFamily, family), name
            checked += 1
    assert checked >= 15


def test_runtime_constructor_takes_the_arguments_written():
    """The written call's arguments are the constructor's: (name, family, *, supports_inline_code)."""
    import inspect

    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from aws_cdk import aws_lambda

    parameters = inspect.signature(aws_lambda.Runtime.__init__).parameters
    assert list(parameters)[1:3] == ["name", "family"]
    assert parameters["supports_inline_code"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.synth
def test_the_string_form_synthesizes_and_clears_cdk_nags_l1(pinned):
    """The rule's own output for a pinned project, synthesized with aws-cdk-lib 2.275 and cdk-nag 3."""
    pytest.importorskip("cdk_nag")
    from cdkfix.effects import Case, prove

    sources = {
        "asset": PINNED_ASSET.replace('lambda_.Code.from_asset("src")', 'lambda_.Code.from_bucket(bucket, "code.zip")'),
        "inline": PINNED_ASSET.replace('lambda_.Code.from_asset("src")', 'lambda_.Code.from_inline("def h(e, c): pass")'),
    }
    cases = []
    for key, before in sources.items():
        after, records = pinned(before)
        assert "RuntimeFamily.PYTHON" in after and records[0].status is FixStatus.APPLIED
        cases.append(Case(key, before, after))
    proofs = prove(cases)
    for key in sources:
        proof = proofs[key]
        assert proof.before.ok and proof.after.ok, (proof.before.error, proof.after.error)
        assert any(f.base_rule == "AwsSolutions-L1" for f in proof.before.nag)
        assert not any(f.base_rule == "AwsSolutions-L1" for f in proof.after.nag)
        assert not proof.new_validate_errors
        assert {(f.rule_id, f.path) for f in proof.after.nag} <= {(f.rule_id, f.path) for f in proof.before.nag}


# --- CfnFunction ---------------------------------------------------------------------------

CFN = (
    "from aws_cdk import aws_lambda as lambda_\n\n"
    'lambda_.CfnFunction(self, "F", runtime={runtime}, handler="i.h", role="arn:aws:iam::123456789012:role/r",\n'
    '    code=lambda_.CfnFunction.CodeProperty(zip_file="def h(e, c): pass"))\n'
)


def test_cfn_function_string_keeps_its_quotes_and_ignores_the_pin(pinned):
    source = CFN.format(runtime="'python3.9'")
    _fixed_twice(pinned, source, source.replace("'python3.9'", "'python3.14'"))


@pytest.mark.parametrize(
    "prefix, runtime, why",
    [
        ("", "props.runtime", "cannot follow to one string"),
        ("", 'f"python3.{minor}"', "run-time value"),
        ('RT = "python3.9"\nRT = "python3.10"\n', "RT", "cannot follow to one string"),
        ("RT = choose()\n", "RT", "run-time value"),
    ],
)
def test_cfn_function_reports_what_it_cannot_read(prefix, runtime, why):
    source = CFN.format(runtime=runtime).replace("\n\n", "\n\n" + prefix, 1)
    fixed, records = _run(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and why in records[0].detail


def test_cfn_function_splat_is_reported():
    source = CFN.format(runtime='"python3.9"').replace('handler="i.h"', "**props")
    fixed, records = _run(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and "splat" in records[0].detail


@pytest.mark.parametrize(
    "source",
    [
        CFN.format(runtime='"python3.14"'),  # the newest
        CFN.format(runtime='"provided.al2023"'),  # cdk-nag skips `provided`
        CFN.format(runtime='"python3.99"'),  # a runtime this aws-cdk-lib does not know
        # A container image function has no runtime.
        "from aws_cdk import aws_lambda as lambda_\n\n"
        'lambda_.CfnFunction(self, "F", package_type="Image", role="arn:aws:iam::123456789012:role/r",\n'
        '    code=lambda_.CfnFunction.CodeProperty(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/r:1"))\n',
    ],
)
def test_cfn_function_left_alone(source):
    assert _run(source) == (source, [])


# --- layers --------------------------------------------------------------------------------

LAYERED = (
    "from aws_cdk import aws_lambda as lambda_\n\n"
    "{layer}"
    'lambda_.Function(self, "F", runtime=lambda_.Runtime.PYTHON_3_9, handler="i.h", code=lambda_.Code.from_asset("src"),\n'
    "    layers={layers})\n"
)


@pytest.mark.parametrize(
    "layer, layers",
    [
        ('layer = lambda_.LayerVersion(self, "L", code=lambda_.Code.from_asset("l"))\n', "[layer]"),
        ('layer = lambda_.LayerVersion.from_layer_version_arn(self, "L", "arn:aws:lambda:us-east-1:1:layer:l:1")\n', "(layer,)"),
        ("", '[lambda_.LayerVersion(self, "L", code=lambda_.Code.from_asset("l"))]'),
        ("", "[]"),
    ],
)
def test_layers_that_declare_no_runtimes_do_not_stop_the_fix(layer, layers):
    source = LAYERED.format(layer=layer, layers=layers)
    fixed, records = _run(source)
    assert fixed == source.replace("PYTHON_3_9", "PYTHON_3_14") and [r.status for r in records] == [FixStatus.APPLIED]


LISTING_LAYER = (
    'layer = lambda_.LayerVersion(self, "L", code=lambda_.Code.from_asset("l"),\n'
    "    compatible_runtimes=[lambda_.Runtime.PYTHON_3_9])\n"
)


def test_a_layer_listing_runtimes_gets_the_new_one_once_for_all_its_functions():
    source = LAYERED.format(layer=LISTING_LAYER, layers="[layer]") + (
        'lambda_.Function(self, "G", runtime=lambda_.Runtime.PYTHON_3_8, handler="i.h", code=lambda_.Code.from_asset("g"),\n'
        "    layers=[layer])\n"
    )
    fixed, records = _run(source)
    assert fixed == source.replace("PYTHON_3_9, handler", "PYTHON_3_14, handler").replace(
        "PYTHON_3_8", "PYTHON_3_14"
    ).replace("compatible_runtimes=[lambda_.Runtime.PYTHON_3_9]", "compatible_runtimes=[lambda_.Runtime.PYTHON_3_9, lambda_.Runtime.PYTHON_3_14]")
    assert [r.status for r in records] == [FixStatus.APPLIED] * 2
    assert "python3.14 added to the compatible runtimes of the layer `layer`" in records[0].message
    assert _run(fixed) == (fixed, [])


def test_a_layer_listing_the_new_runtime_or_the_shared_constant_is_left_as_it_is():
    listing_new = LISTING_LAYER.replace("[lambda_.Runtime.PYTHON_3_9]", "[lambda_.Runtime.PYTHON_3_14]")
    source = LAYERED.format(layer=listing_new, layers="[layer]")
    assert _run(source)[0] == source.replace("PYTHON_3_9", "PYTHON_3_14")
    constant = "RT = lambda_.Runtime.PYTHON_3_9\n" + LISTING_LAYER.replace("[lambda_.Runtime.PYTHON_3_9]", "[RT]")
    source = LAYERED.format(layer=constant, layers="[layer]").replace("runtime=lambda_.Runtime.PYTHON_3_9", "runtime=RT")
    assert _run(source)[0] == source.replace("RT = lambda_.Runtime.PYTHON_3_9", "RT = lambda_.Runtime.PYTHON_3_14")


def test_pinned_layer_gets_the_same_string_form_as_its_function(pinned):
    # CDK compares name, family and supports_inline_code: the layer's entry is the function's text.
    source = LAYERED.format(layer=LISTING_LAYER, layers="[layer]").replace('lambda_.Code.from_asset("src")', "handler_code")
    written = 'lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON, supports_inline_code=True)'
    expected = source.replace("runtime=lambda_.Runtime.PYTHON_3_9", f"runtime={written}").replace(
        "compatible_runtimes=[lambda_.Runtime.PYTHON_3_9]", f"compatible_runtimes=[lambda_.Runtime.PYTHON_3_9, {written}]"
    )
    _fixed_twice(pinned, source, expected)


def test_pinned_imported_layer_is_reported(pinned):
    # An imported layer accepts the release's Runtime.ALL, which never holds a Runtime built by hand.
    layer = 'layer = lambda_.LayerVersion.from_layer_version_arn(self, "L", "arn:aws:lambda:us-east-1:1:layer:l:1")\n'
    source = LAYERED.format(layer=layer, layers="[layer]")
    fixed, records = pinned(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and "imported layer" in records[0].detail


@pytest.mark.parametrize(
    "layer, layers, why",
    [
        (LISTING_LAYER.replace("[lambda_.Runtime.PYTHON_3_9]", "RUNTIMES"), "[layer]", "cannot extend"),
        (LISTING_LAYER.replace("[lambda_.Runtime.PYTHON_3_9]", "[*RUNTIMES]"), "[layer]", "cannot extend"),
        ("", "[*shared_layers]", "splat"),
        ("", "shared_layers", "cannot read"),
        ("", "[props.layer]", "may declare"),
        ('layer = python.PythonLayerVersion(self, "L", entry="l")\n', "[layer]", "may declare"),
        (LISTING_LAYER + LISTING_LAYER, "[layer]", "may declare"),  # bound twice
    ],
)
def test_layers_that_may_list_runtimes_are_reported(layer, layers, why):
    source = LAYERED.format(layer=layer, layers=layers)
    fixed, records = _run(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and why in records[0].detail


def test_runtime_built_by_hand_with_a_listing_layer_is_reported():
    source = LAYERED.format(layer=LISTING_LAYER, layers="[layer]").replace(
        "lambda_.Runtime.PYTHON_3_9, handler", 'lambda_.Runtime("python3.9", lambda_.RuntimeFamily.PYTHON), handler'
    )
    fixed, records = _run(source)
    assert fixed == source and [r.status for r in records] == [FixStatus.NO_FIX] and "only for a `Runtime.X`" in records[0].detail


# --- the asset's bundling image names the old runtime --------------------------------------

BUNDLED = (
    "from aws_cdk import BundlingOptions\n"
    "from aws_cdk import aws_lambda as lambda_\n\n"
    'lambda_.Function(self, "F", runtime=lambda_.Runtime.PYTHON_3_12, handler="i.h",\n'
    '    code=lambda_.Code.from_asset("src", bundling=BundlingOptions(image=lambda_.Runtime.{image}.bundling_image,\n'
    '        command=["bash", "-c", "pip install -r requirements.txt -t /asset-output"])))\n'
)


def test_a_bundling_image_of_the_old_runtime_moves_with_it():
    # Seen in m1yag1/stonksfeed.com: the runtime moved to 3.14 while the dependencies were
    # still built in the 3.12 image (native wheels for the wrong Python).
    source = BUNDLED.format(image="PYTHON_3_12")
    records = _fixed_twice(lambda s: _run(s), source, source.replace("PYTHON_3_12", "PYTHON_3_14"))
    assert "the asset's bundling image moves to python3.14 too" in records[0].message


def test_a_bundling_image_of_another_runtime_is_left_alone():
    source = BUNDLED.format(image="PYTHON_3_11")
    fixed, records = _run(source)
    assert fixed == source.replace("runtime=lambda_.Runtime.PYTHON_3_12", "runtime=lambda_.Runtime.PYTHON_3_14")
    assert "bundling image" not in records[0].message


def test_pinned_bundling_image_gets_the_same_string_form(pinned):
    source = BUNDLED.format(image="PYTHON_3_12")
    string_form = 'lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON)'
    _fixed_twice(pinned, source, source.replace("lambda_.Runtime.PYTHON_3_12", string_form))
